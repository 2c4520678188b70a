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
from alliance.cli_evidence import evidence
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
    definition = _load(instrument_id)
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

    definition = _load(instrument_id)
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
    definition = _load(instrument_id)
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
    definition = _load(instrument_id)
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
    _start_django("demo")
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
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the clinic (production settings from the environment) after migrating."""
    _start_django(None)
    from alliance.web.server import migrate, serve

    migrate()
    click.echo(f"Serving on {host}:{port}", err=True)
    serve(host, port, threads)


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
    _start_django(None)
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
    _start_django(None)
    from alliance.web.backup import backup

    size = backup(file)
    click.echo(f"Backed up {size} bytes to {file}")


@main.command(name="restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(file: Path) -> None:
    """Restore FILE into a new, empty clinic database."""
    _start_django(None)
    from alliance.web.backup import RestoreError, restore
    from alliance.web.server import migrate

    migrate()
    try:
        restore(file)
    except RestoreError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {file}")


@main.group(name="export")
def export_group() -> None:
    """Write instruments and data for other systems: FHIR, REDCap, SPSS, R, CSV, Parquet."""


@export_group.command(name="questionnaire")
@click.argument("instrument_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def export_questionnaire(instrument_id: str, output: Path | None) -> None:
    """An instrument as a FHIR R4 Questionnaire (SDC) in JSON, without licensed wording."""
    from alliance.interop.questionnaire_export import ExportError, definition_to_questionnaire

    try:
        resource = definition_to_questionnaire(_load(instrument_id))
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    _write_or_echo(json.dumps(resource, indent=2, ensure_ascii=False) + "\n", output)


@export_group.command(name="redcap-dictionary")
@click.argument("instrument_ids", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def export_redcap_dictionary(instrument_ids: tuple[str, ...], output: Path | None) -> None:
    """Instruments as one REDCap data dictionary (CSV), one form per instrument."""
    from alliance.interop.questionnaire_export import ExportError
    from alliance.interop.redcap_dictionary import dictionary_csv

    try:
        text = dictionary_csv([_load(instrument_id) for instrument_id in instrument_ids])
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    _write_or_echo(text, output)


@main.group(name="import")
def import_group() -> None:
    """Read files from other systems: FHIR Questionnaires and Bundles, REDCap files."""


_SCORING_OPTION = click.option(
    "--scoring",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML with the scoring rules the file does not state (e.g. a scale's direction).",
)


_INSTALL_OPTION = click.option(
    "--install",
    is_flag=True,
    help="Install the definition in the data directory, beside the bundled instruments.",
)


@import_group.command(name="questionnaire")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_SCORING_OPTION
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@_INSTALL_OPTION
def import_questionnaire(
    file: Path, scoring: Path | None, output: Path | None, install: bool
) -> None:
    """A FHIR Questionnaire (JSON) as a new instrument definition, written as YAML."""
    from alliance.interop.definition_drafts import definition_yaml, read_scoring_file
    from alliance.interop.import_errors import ImportFileError
    from alliance.interop.questionnaire_import import (
        questionnaire_to_definition,
        read_questionnaire,
    )

    try:
        supplement = read_scoring_file(scoring) if scoring else None
        imported = questionnaire_to_definition(read_questionnaire(file), file.name, supplement)
    except ImportFileError as error:
        raise click.ClickException(str(error)) from error
    _write_or_install(definition_yaml(imported.definition), output, install, imported.definition)
    click.echo(imported.summary(), err=True)


@import_group.command(name="redcap-dictionary")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--form", default=None, help="The form to import when the file has several.")
@_SCORING_OPTION
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@_INSTALL_OPTION
def import_redcap_dictionary(
    file: Path, form: str | None, scoring: Path | None, output: Path | None, install: bool
) -> None:
    """One form of a REDCap data dictionary (CSV) as a new instrument definition (YAML)."""
    from alliance.interop.definition_drafts import definition_yaml, read_scoring_file
    from alliance.interop.import_errors import ImportFileError
    from alliance.interop.redcap_dictionary_import import read_dictionary

    try:
        supplement = read_scoring_file(scoring) if scoring else None
        imported = read_dictionary(file, form, supplement)
    except ImportFileError as error:
        raise click.ClickException(str(error)) from error
    _write_or_install(definition_yaml(imported.definition), output, install, imported.definition)
    click.echo(imported.summary(), err=True)


def _write_or_install(
    text: str, output: Path | None, install: bool, definition: Definition
) -> None:
    """Print or write the definition's YAML, or install it for ``instruments.load``."""
    from alliance.interop.installed_instruments import InstrumentExistsError, install_definition

    if not install:
        _write_or_echo(text, output)
        return
    try:
        target = install_definition(definition)
    except InstrumentExistsError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Installed {definition.id} in {target}", err=True)


def _write_or_echo(text: str, output: Path | None) -> None:
    """Print ``text``, or write it atomically to ``output``."""
    from alliance.interop.output_files import write_text

    if output is None:
        click.echo(text, nl=False)
        return
    write_text(output, text)
    click.echo(f"Wrote {output}", err=True)


_AS_OPTION = click.option(
    "--as",
    "username",
    default=None,
    help="Read the clinic database as this member of staff instead of a folder of tables.",
)


_CLINIC_OPTION = click.option(
    "--clinic",
    "clinic_name",
    default=None,
    help="With --as: the clinic's name, checked against the member of staff's clinic.",
)


def _tables_or_clinic(tables: Path | None, username: str | None) -> Path | None:
    """Exactly one source: a folder of tables, or the clinic database (``--as``)."""
    if (tables is None) == (username is None):
        raise click.UsageError("give a folder of TABLES or --as USERNAME (the clinic database)")
    return tables


_TABLES_ARGUMENT = click.argument(
    "tables", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)


@export_group.command(name="fhir-bundle")
@_TABLES_ARGUMENT
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--identifiable", is_flag=True, help="Confirm: the Bundle holds patient codes and dates."
)
@_AS_OPTION
@_CLINIC_OPTION
def export_fhir_bundle(
    tables: Path | None,
    output: Path,
    identifiable: bool,
    username: str | None,
    clinic_name: str | None,
) -> None:
    """The assessments of a folder of tables, or of the clinic (--as an admin), as a FHIR
    transaction Bundle (JSON)."""
    from rich.progress import Progress

    from alliance.interop.clinic_tables import read_tables
    from alliance.interop.fhir_bundle import BundleExportError, assessments_bundle, entry_count
    from alliance.interop.output_files import write_text

    folder = _tables_or_clinic(tables, username)
    if not identifiable:
        raise click.UsageError("a FHIR Bundle holds patient codes and dates: add --identifiable")
    if folder is None:
        from alliance.cli_clinic import export_bundle

        export_bundle(str(username), clinic_name, output)
        return
    data = read_tables(folder)
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("entries", total=entry_count(data.answers, data.scores))
        try:
            bundle = assessments_bundle(
                data.answers, data.scores, lambda count: progress.advance(task, count)
            )
        except (BundleExportError, instruments.AnswerError) as error:
            raise click.ClickException(str(error)) from error
    write_text(output, json.dumps(bundle, ensure_ascii=False))
    click.echo(f"{len(bundle['entry'])} entries -> {output}", err=True)


@import_group.command(name="fhir-bundle")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option(
    "--existing",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The clinic's tables: assessments already there are recognised as duplicates.",
)
@click.option("--format", "file_format", type=click.Choice(["csv", "parquet"]), default="csv")
@click.option(
    "--as", "username", default=None, help="Import into the clinic database as this admin."
)
@click.option("--therapist", default=None, help="With --as: the therapist of new patients.")
@_CLINIC_OPTION
def import_fhir_bundle(
    file: Path,
    output: Path | None,
    existing: Path | None,
    file_format: str,
    username: str | None,
    therapist: str | None,
    clinic_name: str | None,
) -> None:
    """A FHIR Bundle of assessments as answer and score tables in a new folder (-o), or into
    the clinic database (--as an admin); all or nothing, duplicates recognised."""
    from rich.progress import Progress

    from alliance.interop.clinic_tables import ClinicTables, read_tables, write_tables
    from alliance.interop.fhir_bundle_import import read_bundle
    from alliance.interop.import_errors import ImportFileError

    if (output is None) == (username is None):
        raise click.UsageError("give -o FOLDER for tables or --as USERNAME for the clinic")
    if output is None:
        from alliance.cli_clinic import import_bundle

        import_bundle(str(username), clinic_name, therapist, file)
        return

    known = read_tables(existing) if existing else None
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("entries", total=None)
        try:
            imported = read_bundle(file, known, lambda count: progress.advance(task, count))
        except ImportFileError as error:
            raise click.ClickException(str(error)) from error
    write_tables(ClinicTables(imported.answers, imported.scores), output, file_format)
    click.echo(imported.summary(), err=True)


_KEY_OPTION = click.option(
    "--key-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="With TABLES: the secret pseudonym key (at least 16 bytes); keep it out of the export."
    " The clinic database holds its own key.",
)


def _key(key_file: Path | None) -> bytes:
    if key_file is None:
        raise click.UsageError("a folder of tables needs --key-file (the pseudonym key)")
    return key_file.read_bytes().strip()


@export_group.command(name="research")
@_TABLES_ARGUMENT
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True)
@_KEY_OPTION
@click.option("--min-count", type=click.IntRange(min=1), default=5, show_default=True)
@_AS_OPTION
@click.option(
    "--identifiable",
    is_flag=True,
    help="With --as an admin: real codes, dates and ages (audited).",
)
@_CLINIC_OPTION
def export_research_command(
    tables: Path | None,
    output: Path,
    key_file: Path | None,
    min_count: int,
    username: str | None,
    identifiable: bool,
    clinic_name: str | None,
) -> None:
    """A research export (long, wide, SPSS, R labels, codebook), de-identified by default, from
    a folder of tables or from the clinic (--as an admin or a researcher)."""
    from rich.progress import Progress

    from alliance.interop.clinic_tables import read_tables
    from alliance.interop.research_files import STEPS, export_research

    folder = _tables_or_clinic(tables, username)
    if folder is None:
        from alliance.cli_clinic import export_research as from_clinic

        from_clinic(str(username), clinic_name, output, identifiable, min_count)
        return
    if identifiable:
        raise click.UsageError("--identifiable exports come only from the clinic (--as)")
    key = _key(key_file)
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("research files", total=STEPS)
        try:
            export = export_research(
                read_tables(folder),
                output,
                key,
                min_count,
                on_step=lambda what: progress.update(task, advance=1, description=what),
            )
        except (ValueError, FileExistsError) as error:
            raise click.ClickException(str(error)) from error
    click.echo(export.summary(), err=True)


@export_group.command(name="redcap-project")
@_TABLES_ARGUMENT
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True)
@_KEY_OPTION
@_AS_OPTION
@_CLINIC_OPTION
def export_redcap_project(
    tables: Path | None,
    output: Path,
    key_file: Path | None,
    username: str | None,
    clinic_name: str | None,
) -> None:
    """A de-identified longitudinal REDCap project (dictionary, events, mapping, records), from
    a folder of tables or from the clinic (--as an admin or a researcher)."""
    from alliance.interop.clinic_tables import read_tables
    from alliance.interop.deidentify import deidentify
    from alliance.interop.output_files import new_folder
    from alliance.interop.redcap_records import redcap_project

    folder = _tables_or_clinic(tables, username)
    if folder is None:
        from alliance.cli_clinic import export_redcap

        export_redcap(str(username), clinic_name, output)
        return
    try:
        research, report = deidentify(read_tables(folder), _key(key_file))
        with new_folder(output) as folder:
            for name, text in redcap_project(research).files().items():
                (folder / name).write_text(text, encoding="utf-8")
            (folder / "deidentification.md").write_text(report.markdown(), encoding="utf-8")
    except (ValueError, FileExistsError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"REDCap project files in {output}", err=True)


@import_group.command(name="redcap-records")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True)
def import_redcap_records(file: Path, output: Path) -> None:
    """REDCap records (longitudinal, events per visit) as research tables in a new folder."""
    from alliance.interop.import_errors import ImportFileError
    from alliance.interop.output_files import new_folder
    from alliance.interop.redcap_records import read_records

    try:
        research = read_records(file.read_text(encoding="utf-8-sig"), file.name)
    except ImportFileError as error:
        raise click.ClickException(str(error)) from error
    with new_folder(output) as folder:
        research.scores.to_csv(folder / "scores_long.csv", index=False)
        research.episodes.to_csv(folder / "episodes.csv", index=False)
        research.visits.to_csv(folder / "visits.csv", index=False)
        for instrument, frame in research.answers.items():
            frame.to_csv(folder / f"answers_{instrument}.csv", index=False)
    click.echo(f"{research.summary()} -> {output}", err=True)


def _start_django(mode: str | None) -> None:
    """Configure Django, turning a bad setting into a one-line error instead of a traceback."""
    from alliance.web.env import SettingError
    from alliance.web.server import setup

    try:
        setup(mode)
    except SettingError as error:
        raise click.ClickException(str(error)) from error


def _load(instrument_id: str) -> Definition:
    try:
        return instruments.load(instrument_id)
    except KeyError as error:
        raise click.ClickException(str(error).strip('"')) from error


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
