"""``alliance export`` and ``alliance import``: instruments and data to and from FHIR, REDCap,
SPSS, R, CSV and Parquet, from a folder of tables or (``--as``) the clinic database."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console

from alliance import instruments
from alliance.cli.common import load_definition
from alliance.instruments.definition import Definition


@click.group(name="export")
def export_group() -> None:
    """Write instruments and data for other systems: FHIR, REDCap, SPSS, R, CSV, Parquet."""


@export_group.command(name="questionnaire")
@click.argument("instrument_id")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def export_questionnaire(instrument_id: str, output: Path | None) -> None:
    """An instrument as a FHIR R4 Questionnaire (SDC) in JSON, without licensed wording."""
    from alliance.interop.questionnaire_export import ExportError, definition_to_questionnaire

    try:
        resource = definition_to_questionnaire(load_definition(instrument_id))
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
        text = dictionary_csv([load_definition(instrument_id) for instrument_id in instrument_ids])
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    _write_or_echo(text, output)


@click.group(name="import")
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
        from alliance.cli.clinic import export_bundle

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
        from alliance.cli.clinic import import_bundle

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
        from alliance.cli.clinic import export_research as from_clinic

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
        from alliance.cli.clinic import export_redcap

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
    from alliance.safe_csv import write_frame

    try:
        research = read_records(file.read_text(encoding="utf-8-sig"), file.name)
    except ImportFileError as error:
        raise click.ClickException(str(error)) from error
    with new_folder(output) as folder:
        write_frame(research.scores, folder / "scores_long.csv", index=False)
        write_frame(research.episodes, folder / "episodes.csv", index=False)
        write_frame(research.visits, folder / "visits.csv", index=False)
        for instrument, frame in research.answers.items():
            write_frame(frame, folder / f"answers_{instrument}.csv", index=False)
    click.echo(f"{research.summary()} -> {output}", err=True)
