"""The commands against the clinic database: ``demo``, ``serve``, ``manage``, ``add-clinic``,
``backup``, ``restore``, and the exports and imports of ``alliance export/import ... --as``.

A thin face: it finds the member of staff named by ``--as`` and calls the same audited
actions the ``Exports`` page calls, which check the role (``scope.may_export``) and write the
audit row. Progress bars go to standard error.
"""

from __future__ import annotations

import json
import os
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


@click.command(name="demo")
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


@click.command(name="serve")
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


@click.command(
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


@click.command(name="add-clinic")
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


@click.command(name="backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Write the clinic database to FILE (JSON; it holds identifiable data)."""
    start_django(None)
    from alliance.web.backup import backup

    size = backup(file)
    click.echo(f"Backed up {size} bytes to {file}")


@click.command(name="restore")
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


@click.group(name="audit")
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
