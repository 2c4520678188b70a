"""``alliance signals``: the feedback alerts of a tidy table of scores."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd
from rich.console import Console
from rich.table import Table


@click.command(name="signals")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of alerts.")
def signals_command(file: Path, as_json: bool) -> None:
    """Alerts for a tidy table of scores (patient, visit, instrument, scale, score)."""
    from alliance import signals

    try:
        found = signals.alerts(pd.read_csv(file))
    except signals.SeriesError as error:
        raise click.ClickException(f"{file.name}: {error}") from error
    if as_json:
        click.echo(json.dumps([alert.to_dict() for alert in found], indent=2))
        return
    table = Table("patient", "visit", "signal", "rule", "scale", "value", "threshold", "detail")
    for alert in found:
        table.add_row(
            alert.patient, str(alert.visit), alert.signal, alert.rule,
            f"{alert.instrument} {alert.scale}".strip(), f"{alert.value:g}",
            f"{alert.threshold:g}", alert.detail,
        )  # fmt: skip
    Console().print(table)
