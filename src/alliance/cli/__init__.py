"""The ``alliance`` command: a thin face over the library, one module per command group.

``main`` is the root group; each module below defines its commands and this one adds them.
"""

from __future__ import annotations

import click

from alliance.cli import clinic, instruments, signals, synth, tour
from alliance.cli.analyze import analyze
from alliance.cli.evidence import evidence
from alliance.cli.interop import export_group, import_group


@click.group()
@click.version_option(package_name="alliance")
def main() -> None:
    """Alliance: the therapeutic alliance in musculoskeletal rehabilitation."""
    from alliance.interop.installed_instruments import register

    register()


for command in (
    instruments.instruments_group,
    instruments.score_file,
    instruments.rci,
    signals.signals_command,
    synth.synth,
    analyze,
    evidence,
    export_group,
    import_group,
    tour.tour,
    clinic.demo,
    clinic.serve_command,
    clinic.manage,
    clinic.add_clinic,
    clinic.backup_command,
    clinic.restore_command,
    clinic.audit_group,
):
    main.add_command(command)
