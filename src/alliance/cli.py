"""The ``alliance`` command: a thin face over the library."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from alliance import instruments
from alliance.cli_analyze import analyze
from alliance.cli_common import load_definition, start_django
from alliance.cli_evidence import evidence
from alliance.cli_interop import export_group, import_group
from alliance.instruments.definition import Definition
from alliance.instruments.wording import WordingError

console = Console()


@click.group()
@click.version_option(package_name="alliance")
def main() -> None:
    """Alliance: the therapeutic alliance in musculoskeletal rehabilitation."""
    from alliance.interop.installed_instruments import register

    register()


main.add_command(analyze)
main.add_command(evidence)
main.add_command(export_group)
main.add_command(import_group)


@main.group(name="instruments")
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


@main.command(name="score")
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


@main.command(name="rci")
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


@main.command(name="signals")
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
    console.print(table)


@main.command(name="synth")
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


@main.command(name="tour")
def tour() -> None:
    """A short tour: score a patient's alliance and disability over an episode of care."""
    from alliance.demo import run_demo

    run_demo(console)


@main.command(name="demo")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--no-serve", is_flag=True, help="Create the demo clinic and print the logins only.")
def demo(port: int, no_serve: bool) -> None:
    """Create a synthetic demo clinic and serve it on 127.0.0.1 (DEBUG on: never for real data)."""
    from alliance.datadir import data_dir

    database = data_dir() / "demo.sqlite3"
    for stale in database.parent.glob(database.name + "*"):
        stale.unlink()
    os.environ["ALLIANCE_DATABASE_URL"] = f"sqlite:///{database}"
    start_django("demo")
    from alliance.web.demo_clinic import seed_demo
    from alliance.web.server import migrate, serve

    migrate()
    click.echo("Creating the demo clinic from a synthetic cohort (60 patients) ...")
    logins = seed_demo()
    click.echo(f"Demo clinic in {database}")
    for role, username in logins.usernames.items():
        click.echo(f"  {role:<12} {username}")
    click.echo(f"  password     {logins.password}")
    if not no_serve:
        click.echo(f"Serving on http://127.0.0.1:{port}/ (API: /api/openapi.json); Ctrl-C stops.")
        click.echo(
            "Sign in as a therapist for the caseload, the lead for the clinic overview,"
            " the admin for staff, protocols and the audit log. Everyone has Evidence;"
            " demo-therapist-1 and demo-researcher share a review under way there."
        )
        serve("127.0.0.1", port)


@main.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), show_default="two per core")
@click.option("--threads", type=click.IntRange(1, 64), show_default="one per worker")
def serve_command(host: str, port: int, workers: int | None, threads: int | None) -> None:
    """Serve the clinic (production settings from the environment) after migrating."""
    start_django(None)
    from alliance.web.server import migrate, serve

    migrate()
    click.echo(f"Serving on {host}:{port}", err=True)
    serve(host, port, workers, threads)


@main.command(
    name="manage",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def manage(arguments: tuple[str, ...]) -> None:
    """Django's management commands, e.g. `alliance manage migrate`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["alliance manage", *arguments])


@main.command(name="add-clinic")
@click.argument("name")
@click.argument("admin_username")
@click.password_option(help="The admin's password (asked for when not given).")
def add_clinic(name: str, admin_username: str, password: str) -> None:
    """Create a clinic and its first admin account."""
    start_django(None)
    from django.core.exceptions import ValidationError

    from alliance.web import actions
    from alliance.web.models import Role
    from alliance.web.server import migrate

    migrate()
    try:
        clinic = actions.create_clinic(name)
        actions.create_user(None, clinic, admin_username, Role.ADMIN, password)
    except ValidationError as error:
        raise click.ClickException(" ".join(error.messages)) from error
    click.echo(f"Created clinic {clinic.pk} with admin {admin_username}")


@main.command(name="backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Write the clinic database to FILE (JSON; it holds identifiable data)."""
    start_django(None)
    from alliance.web.backup import backup

    size = backup(file)
    click.echo(f"Backed up {size} bytes to {file}")


@main.command(name="restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(file: Path) -> None:
    """Restore FILE into a new, empty clinic database."""
    start_django(None)
    from alliance.web.backup import RestoreError, restore
    from alliance.web.server import migrate

    migrate()
    try:
        restore(file)
    except RestoreError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {file}")


@main.group(name="audit")
def audit_group() -> None:
    """The clinic database's audit trail."""


@audit_group.command(name="verify")
def audit_verify() -> None:
    """Check the audit trail's hash chain; exit 1 at the first broken link."""
    start_django(None)
    from alliance.web.audit import first_broken_link

    broken = first_broken_link()
    if broken is not None:
        raise click.ClickException(
            f"The audit chain is broken at event {broken}: it, or an event before it, was"
            " changed, removed or inserted outside the application."
        )
    click.echo("The audit chain is intact.")


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


if __name__ == "__main__":
    sys.exit(main())
