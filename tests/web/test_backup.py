"""Backup and restore: every row comes back, and a restore never lands on existing data."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from alliance.web import actions
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
