"""``alliance tour``: one patient's alliance and disability scored over an episode of care,
printed in the terminal (``alliance demo`` serves a whole synthetic clinic instead)."""

from __future__ import annotations

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from alliance import instruments

WAI_SR_VISITS: dict[int, list[int | None]] = {
    2: [3, 3, 4, 3, 4, 3, 4, 3, 4, 3, 3, 3],
    4: [4, 4, 4, 4, 5, 4, 4, 4, 5, 4, 4, 4],
    6: [5, 4, 5, 4, 5, 5, 5, 4, 5, 4, 5, 4],
}
ODI_VISITS: dict[int, list[int | None]] = {
    1: [3, 2, 4, 3, 3, None, 3, 3, 2, 3],
    3: [2, 1, 3, 2, 2, None, 2, 2, 2, 2],
    6: [1, 0, 2, 1, 1, None, 1, 1, 1, 1],
}


@click.command(name="tour")
def tour() -> None:
    """A short tour: score a patient's alliance and disability over an episode of care."""
    run_demo(Console())


def _frame(visits: dict[int, list[int | None]]) -> pd.DataFrame:
    rows = [{f"q{n}": answer for n, answer in enumerate(answers, 1)} for answers in visits.values()]
    return pd.DataFrame(rows, index=pd.Index(list(visits), name="visit"))


def run_demo(console: Console) -> None:
    """Print the tour."""
    console.print("[bold]Alliance demo[/bold]: one patient with low back pain, six visits.\n")
    wai = instruments.score("wai_sr", _frame(WAI_SR_VISITS))
    wai_def = instruments.load("wai_sr")
    table = Table(
        "visit", "goal", "task", "bond", "total", "band", title="Working alliance (WAI-SR)"
    )
    bands = instruments.band(wai_def, "total", wai["total"])
    for (visit, row), label in zip(wai.iterrows(), bands, strict=True):
        table.add_row(
            str(visit), *(f"{row[s]:g}" for s in ("goal", "task", "bond", "total")), label
        )
    console.print(table)

    odi = instruments.score("odi", _frame(ODI_VISITS))
    odi_def = instruments.load("odi")
    table = Table("visit", "ODI %", "band", "status", title="Disability (ODI, one section skipped)")
    for (visit, row), label in zip(
        odi.iterrows(), instruments.band(odi_def, "total", odi["total"]), strict=True
    ):
        table.add_row(str(visit), f"{row['total']:.1f}", label, row["status"])
    console.print(table)

    change = instruments.reliable_change(odi_def, odi["total"].iloc[0], odi["total"].iloc[-1])
    console.print(f"\nReliable change: {change.summary()}")
    console.print(
        "\nNext: `alliance instruments list` for the library, "
        "`alliance score ID FILE.csv` to score your own table."
    )
