"""``alliance synth``: a synthetic clinic with known ground truth, written as tables."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console


@click.command(name="synth")
@click.option("--patients", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--enhanced-arm", is_flag=True, help="Randomise an enhanced vs limited alliance arm.")
@click.option(
    "-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True,
    help="Folder for the tables.",
)  # fmt: skip
@click.option("--format", "file_format", type=click.Choice(["csv", "parquet"]), default="parquet")
def synth(patients: int, seed: int, enhanced_arm: bool, output: Path, file_format: str) -> None:
    """Generate a synthetic clinic with known ground truth into a folder of tables."""
    from rich.progress import Progress

    from alliance.interop.cohort_files import write_cohort
    from alliance.synth import SynthConfig, stream

    config = SynthConfig(patients=patients, seed=seed, enhanced_alliance_arm=enhanced_arm)
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("episodes", total=patients)
        written = write_cohort(
            stream(config),
            output,
            "csv" if file_format == "csv" else "parquet",
            on_chunk=lambda count: progress.advance(task, count),
        )
    click.echo(f"{patients} episodes, {len(written)} tables in {output}")
