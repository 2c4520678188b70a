"""Exports and imports against the clinic database, for ``alliance export/import ... --as``.

A thin face: it finds the member of staff named by ``--as`` and calls the same audited
actions the ``Exports`` page calls, which check the role (``scope.may_export``) and write the
audit row. Progress bars go to standard error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import Progress

from alliance.cli.common import start_django

if TYPE_CHECKING:
    from alliance.web.models import User


def staff_member(username: str, clinic_name: str | None = None) -> User:
    """The active member of staff named ``username`` (of the clinic named, if one is)."""
    start_django()
    from alliance.web.models import User

    user = User.objects.select_related("clinic").filter(username=username, is_active=True).first()
    if user is None or user.clinic is None:
        raise click.ClickException(f"no active member of a clinic's staff is named {username!r}")
    if clinic_name is not None and user.clinic.name != clinic_name:
        raise click.ClickException(f"{username} is not on the staff of the clinic {clinic_name!r}")
    return user


def export_research(
    username: str, clinic_name: str | None, output: Path, identifiable: bool, min_count: int
) -> None:
    """The clinic's research files, de-identified (or identifiable, for an admin)."""
    from alliance.interop.research_files import STEPS
    from alliance.web.actions import ActionError
    from alliance.web.actions.interop_export import export_research_files

    user = staff_member(username, clinic_name)
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("research files", total=STEPS)
        try:
            export = export_research_files(
                user,
                output,
                identifiable=identifiable,
                min_count=min_count,
                on_step=lambda what: progress.update(task, advance=1, description=what),
            )
        except (ActionError, FileExistsError) as error:
            raise click.ClickException(str(error)) from error
    click.echo(export.summary(), err=True)


def export_redcap(username: str, clinic_name: str | None, output: Path) -> None:
    """The clinic's de-identified REDCap project files."""
    from alliance.web.actions import ActionError
    from alliance.web.actions.interop_export import export_redcap_files

    try:
        files = export_redcap_files(staff_member(username, clinic_name), output)
    except (ActionError, FileExistsError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"REDCap project files in {output}: {', '.join(files)}", err=True)


def export_bundle(username: str, clinic_name: str | None, output: Path) -> None:
    """The clinic's assessments as a FHIR transaction Bundle (admins only)."""
    from alliance.interop.output_files import write_text
    from alliance.web.actions import ActionError
    from alliance.web.actions.interop_export import export_fhir_bundle

    user = staff_member(username, clinic_name)
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("entries", total=None)
        try:
            bundle = export_fhir_bundle(
                user,
                on_total=lambda total: progress.update(task, total=total),
                on_progress=lambda count: progress.advance(task, count),
            )
        except ActionError as error:
            raise click.ClickException(str(error)) from error
    write_text(output, json.dumps(bundle, ensure_ascii=False))
    click.echo(f"{len(bundle['entry'])} entries -> {output}", err=True)


def import_bundle(
    username: str, clinic_name: str | None, therapist: str | None, file: Path
) -> None:
    """A FHIR Bundle into the clinic database, all or nothing (admins only)."""
    from alliance.web.actions import ActionError
    from alliance.web.actions.interop_import import import_fhir_bundle

    user = staff_member(username, clinic_name)
    if therapist is None:
        raise click.UsageError("name the therapist who takes new patients: --therapist USERNAME")
    treating = staff_member(therapist, clinic_name)
    text = file.read_text(encoding="utf-8-sig")
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("entries", total=None)
        try:
            result = import_fhir_bundle(
                user,
                text,
                file.name,
                therapist=treating,
                on_progress=lambda count: progress.advance(task, count),
            )
        except ActionError as error:
            raise click.ClickException(str(error)) from error
    click.echo(result.summary(), err=True)
