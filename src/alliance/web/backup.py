"""Backing up and restoring a clinic's data as one JSON file, on SQLite or PostgreSQL alike.

The file holds every row of the clinic application (staff, patients with their identifiable
details, care, assessments, alerts, the audit trail): keep it as carefully as the database.
A restore goes only into an empty database, so it can never mix two clinics' records.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import connection, models, transaction

from alliance.web.audit import record
from alliance.web.models import Clinic, User

APP = "clinic"


class RestoreError(RuntimeError):
    """The backup cannot be restored here (the database already holds data)."""


class BackupError(RuntimeError):
    """The backup file is not whole; it was not kept."""


def backup(target: Path) -> int:
    """Write the whole clinic database to ``target`` (mode 0600, atomically) from one
    consistent snapshot, and keep it only once it checks whole; returns its size in bytes.

    The snapshot is one transaction: on SQLite an immediate one (check-ins wait for the dump),
    on PostgreSQL REPEATABLE READ (check-ins go on; the dump sees none of them)."""
    record("backup_made", actor=None, detail={"file": target.name})
    partial = target.with_name(target.name + ".partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    os.chmod(partial, 0o600)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            expected = {
                model._meta.label_lower: model._base_manager.count()
                for model in apps.get_app_config(APP).get_models()
            }
            call_command("dumpdata", APP, output=str(partial), verbosity=0)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        check_whole(partial, expected)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)
    return target.stat().st_size


def check_whole(file: Path, expected: dict[str, int]) -> None:
    """Read ``file`` back: every table holds the snapshot's number of rows and every reference
    between clinic rows points at a row in the file; ``BackupError`` names what is not."""
    rows = json.loads(file.read_text(encoding="utf-8"))
    keys: dict[str, set[object]] = {label: set() for label in expected}
    for row in rows:
        keys.setdefault(row["model"], set()).add(row["pk"])
    for label, count in expected.items():
        if len(keys[label]) != count:
            raise BackupError(
                f"the backup is not whole: {label} has {len(keys[label])} rows where the"
                f" database had {count}; nothing was kept"
            )
    for row in rows:
        model = apps.get_model(row["model"])
        for field in model._meta.concrete_fields:
            target = field.related_model if isinstance(field, models.ForeignKey) else None
            value = row["fields"].get(field.name)
            if not isinstance(target, type) or value is None or target._meta.app_label != APP:
                continue
            if value not in keys[target._meta.label_lower]:
                raise BackupError(
                    f"the backup is not whole: a {row['model']} row refers to"
                    f" {target._meta.label_lower} {value}, which it does not hold;"
                    " nothing was kept"
                )


def restore(source: Path) -> None:
    """Load a backup into this (migrated, empty) database, all or nothing."""
    if Clinic.objects.exists() or User.objects.exists():
        raise RestoreError("the database is not empty: restore only into a new database")
    with transaction.atomic():
        call_command("loaddata", str(source), verbosity=0)
        record("backup_restored", actor=None, detail={"file": source.name})
