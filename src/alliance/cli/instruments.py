"""``alliance instruments``, ``score`` and ``rci``: the instrument library, scoring a table and
reliable change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from alliance import instruments
from alliance.cli.common import load_definition
from alliance.instruments.definition import Definition
from alliance.instruments.wording import WordingError

console = Console()


@click.group(name="instruments")
def instruments_group() -> None:
    """The instrument library: list, show and install licensed wording."""


@instruments_group.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of a table.")
def list_instruments(as_json: bool) -> None:
    """List every instrument: the bundled ones and those installed by an import."""
    rows = [_summary(definition) for definition in instruments.catalog()]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table("id", "name", "respondent", "items", "scales", "licence", "verified", "source")
    for row in rows:
        table.add_row(
            row["id"],
            row["name"],
            row["respondent"],
            str(row["items"]),
            ", ".join(row["scales"]),
            row["licence"],
            "yes" if row["verified"] else "no",
            "bundled" if row["bundled"] else "installed",
        )
    console.print(table)


@instruments_group.command(name="show")
@click.argument("instrument_id")
@click.option("--json", "as_json", is_flag=True, help="Print the whole definition as JSON.")
def show_instrument(instrument_id: str, as_json: bool) -> None:
    """Show one instrument's items, scales, rules and the facts still unverified."""
    definition = load_definition(instrument_id)
    if as_json:
        click.echo(definition.model_dump_json(indent=2))
        return
    click.echo(f"{definition.name} ({definition.abbreviation}), definition {definition.version}")
    click.echo(f"{definition.description}\nCitation: {definition.citation.text}")
    click.echo(f"Respondent: {definition.respondent.value}; licence: {definition.licence.status}")
    if not definition.validated:
        click.echo("Not a validated instrument.")
    click.echo(f"Answers: {definition.response.allowed_text()}")
    for item in definition.items:
        if item.response is not None:
            recoded = f", scored {item.recode}" if item.recode else ""
            click.echo(f"  {item.id} ({item.label}): {item.response.allowed_text()}{recoded}")
    table = Table("scale", "items", "method", "range", "direction", "missing allowed")
    for s in definition.scales:
        method = s.formula if s.formula else s.method.value
        table.add_row(
            s.id + (" (optional)" if s.optional else ""),
            " ".join(s.items),
            method,
            f"{s.range[0]:g}-{s.range[1]:g}",
            s.direction.value.replace("_", " "),
            str(s.missing.max_missing),
        )
    console.print(table)
    unverified = [fact.source for fact in definition.scoring_facts() if not fact.verified]
    if unverified:
        click.echo("Unverified scoring facts:")
        for source in dict.fromkeys(unverified):
            click.echo(f"  - {source}")


@instruments_group.command(name="import-text")
@click.argument("instrument_id")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_text(instrument_id: str, file: Path) -> None:
    """Install licensed item wording from a FHIR Questionnaire (.json) or a CSV (item,text)."""
    from alliance.interop.wording_files import install_wording, read_wording

    definition = load_definition(instrument_id)
    try:
        wording = read_wording(definition, file)
    except WordingError as error:
        raise click.ClickException(str(error)) from error
    target = install_wording(wording)
    click.echo(f"Installed wording for {len(wording.texts)} items of {definition.id} in {target}")


@click.command(name="score")
@click.argument("instrument_id")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--interpret", is_flag=True, help="Add band, cut-off and classification columns.")
def score_file(instrument_id: str, file: Path, output: Path | None, interpret: bool) -> None:
    """Score FILE.csv: one row per administration, one column per item (blank missing, NA)."""
    definition = load_definition(instrument_id)
    frame = pd.read_csv(file, dtype=str, keep_default_na=False, na_values=[])
    try:
        scored = instruments.score(definition, frame)
    except instruments.AnswerError as error:
        raise click.ClickException(f"{file.name}: {error}") from error
    if interpret:
        scored = pd.concat([scored, instruments.interpret(definition, scored)], axis=1)
    text = scored.to_csv(index=False, float_format="%.10g")
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        counts = scored["status"].value_counts()
        click.echo(
            f"{len(scored)} rows: {counts.get(instruments.SCORED, 0)} scored, "
            f"{counts.get(instruments.NOT_SCORED, 0)} not scored -> {output}",
            err=True,
        )


@click.command(name="rci")
@click.argument("instrument_id")
@click.option("--before", type=float, required=True, help="Earlier score.")
@click.option("--after", type=float, required=True, help="Later score.")
@click.option("--scale", "scale_id", default="total", show_default=True)
@click.option("--sd", type=float, default=None, help="Reference SD (e.g. your clinic's at intake).")
def rci(instrument_id: str, before: float, after: float, scale_id: str, sd: float | None) -> None:
    """Jacobson-Truax reliable change between two scores of one scale."""
    definition = load_definition(instrument_id)
    try:
        result = instruments.reliable_change(definition, before, after, scale_id, sd=sd)
    except (instruments.InterpretationError, KeyError) as error:
        raise click.ClickException(str(error).strip('"')) from error
    click.echo(result.summary())


def _summary(definition: Definition) -> dict[str, Any]:
    return {
        "id": definition.id,
        "name": definition.name,
        "abbreviation": definition.abbreviation,
        "respondent": definition.respondent.value,
        "items": len(definition.items),
        "scales": [scale.id for scale in definition.scales],
        "licence": definition.licence.status.value,
        "validated": definition.validated,
        "verified": definition.verified,
        "version": definition.version,
        "bundled": definition.id in instruments.library.bundled_ids(),
    }
