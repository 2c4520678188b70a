"""Backing up and restoring a clinic's data as one JSON file, on SQLite or PostgreSQL alike.

The file holds every row of the clinic application (staff, patients with their identifiable
details, care, assessments, alerts, the audit trail): keep it as carefully as the database.
A restore goes only into an empty database, so it can never mix two clinics' records.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from alliance.web.audit import record
from alliance.web.models import Clinic, User

APP = "clinic"


class RestoreError(RuntimeError):
    """The backup cannot be restored here (the database already holds data)."""


def backup(target: Path) -> int:
    """Write the whole clinic database to ``target`` (atomically); returns its size in bytes."""
    record("backup_made", actor=None, detail={"file": target.name})
    partial = target.with_name(target.name + ".partial")
    call_command("dumpdata", APP, output=str(partial), verbosity=0)
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    partial.replace(target)
    return target.stat().st_size


def restore(source: Path) -> None:
    """Load a backup into this (migrated, empty) database, all or nothing."""
    if Clinic.objects.exists() or User.objects.exists():
        raise RestoreError("the database is not empty: restore only into a new database")
    with transaction.atomic():
        call_command("loaddata", str(source), verbosity=0)
        record("backup_restored", actor=None, detail={"file": source.name})
