"""Backup and restore: every row comes back, and a restore never lands on existing data."""

from __future__ import annotations

import datetime as dt
import json
import stat
import threading
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction

from alliance.web import actions
from alliance.web.audit import first_broken_link
from alliance.web.backup import RestoreError, backup, restore
from alliance.web.models import Assessment, AuditEvent, Identity, Patient
from tests.web.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_restores_every_row_of_a_backup(world: World, tmp_path: Path) -> None:
    actions.record_assessment(world.visit, {"checkin": {"q1": 5, "q2": 6, "q3": 7, "q4": 8}})
    target = tmp_path / "clinic.json"
    backup(target)
    events = AuditEvent.objects.count()
    call_command("flush", interactive=False, verbosity=0)
    assert Patient.objects.count() == 0
    restore(target)
    assert Identity.objects.get().record_number == "MRN-1"
    assert Assessment.objects.get().scores["total"] == 6.5
    # every event of the backup, plus the restore's own
    assert AuditEvent.objects.count() == events + 1


def test_it_refuses_to_restore_over_existing_data(world: World, tmp_path: Path) -> None:
    target = tmp_path / "clinic.json"
    backup(target)
    with pytest.raises(RestoreError, match="not empty"):
        restore(target)


def test_it_writes_the_backup_readable_by_its_owner_only(world: World, tmp_path: Path) -> None:
    target = tmp_path / "clinic.json"
    backup(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def _file_counts(file: Path) -> dict[str, int]:
    """Each table's number of rows in a backup file, read as plain JSON."""
    counts: dict[str, int] = {}
    for row in json.loads(file.read_text()):
        counts[row["model"]] = counts.get(row["model"], 0) + 1
    return counts


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database locks whole tables between connections",
)
def test_a_backup_under_a_concurrent_writer_restores_whole(world: World, tmp_path: Path) -> None:
    stop, written = threading.Event(), threading.Semaphore(0)

    def write() -> None:
        try:
            while not stop.is_set():
                with transaction.atomic():
                    patient = actions.register_patient(
                        world.owner, name="Bo Example", date_of_birth=dt.date(1990, 1, 2)
                    )
                    actions.read_identity(world.owner, patient)
                written.release()
        finally:
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        for _ in range(3):
            assert written.acquire(timeout=30)
        target = tmp_path / "clinic.json"
        backup(target)
    finally:
        stop.set()
        writer.join()
    in_file = _file_counts(target)
    assert in_file["clinic.patient"] > 1
    call_command("flush", interactive=False, verbosity=0)
    restore(target)
    for label, count in in_file.items():
        model = apps.get_model(label)
        restored = model._base_manager.count()
        assert restored == count + (1 if label == "clinic.auditevent" else 0), label
    assert first_broken_link() is None
