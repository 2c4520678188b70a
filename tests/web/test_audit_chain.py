"""The audit trail cannot be removed, and tampering shows: DELETE and TRUNCATE are refused by
the database, each row is hash-chained to the one before, ``alliance audit verify`` names the
first broken link, and concurrent writers (own connections, real check-ins) never fork it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from django.db import DatabaseError, connection, transaction

from alliance.cli import main
from alliance.web import actions
from alliance.web.audit import first_broken_link, record
from alliance.web.models import AuditEvent, CheckinLink
from tests.web.conftest import World

pytestmark = pytest.mark.django_db
ANSWERS = {"checkin": {"q1": 5, "q2": 6, "q3": 7, "q4": 8}}


def _execute(sql: str, params: list[str | int] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@contextmanager
def _triggers_lifted() -> Iterator[None]:
    """What the database's owner can do: take the refusing triggers away (inside the test's
    transaction, which rolls it back)."""
    if connection.vendor == "postgresql":
        _execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks: the table can be altered
        _execute("ALTER TABLE clinic_auditevent DISABLE TRIGGER USER")
    else:
        _execute("DROP TRIGGER clinic_auditevent_append_only")
        _execute("DROP TRIGGER clinic_auditevent_no_delete")
    yield


def test_the_database_refuses_a_delete_through_the_base_manager(world: World) -> None:
    count = AuditEvent.objects.count()
    assert count > 0
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent._base_manager.filter(pk=AuditEvent.objects.first().pk).delete()  # type: ignore[union-attr]
    assert AuditEvent.objects.count() == count


def test_the_database_refuses_a_raw_delete(world: World) -> None:
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic():
        _execute("DELETE FROM clinic_auditevent")
    assert AuditEvent.objects.count() == count


def test_postgresql_refuses_truncate(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (its DELETE is refused above)")
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic():
        _execute("TRUNCATE clinic_auditevent CASCADE")
    assert AuditEvent.objects.count() == count


def test_the_first_row_links_to_zeros_and_each_row_to_the_one_before(world: World) -> None:
    record("probe", actor=None, detail={"b": [1, 2.5], "a": "é"})
    rows = list(AuditEvent.objects.order_by("pk").values_list("digest", "chain"))
    previous = bytes(32)
    for digest, chain in rows:
        assert chain == hashlib.sha256(previous + bytes.fromhex(digest)).hexdigest()
        previous = bytes.fromhex(chain)
    probe = AuditEvent.objects.get(action="probe")
    at = probe.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{probe.at:%f}"[:3]
    canonical = f'["{at}+00:00",null,"","probe",null,null,"","",null,{{"a":"\\u00e9","b":[1,2.5]}}]'
    assert probe.digest == hashlib.sha256(canonical.encode()).hexdigest()
    assert json.loads(canonical)[-1] == {"a": "é", "b": [1, 2.5]}
    assert first_broken_link() is None


def test_verify_names_a_changed_row(world: World) -> None:
    events = list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))
    assert len(events) > 3
    assert CliRunner().invoke(main, ["audit", "verify"]).exit_code == 0
    with _triggers_lifted():
        _execute("UPDATE clinic_auditevent SET action = 'nothing' WHERE id = %s", [events[2]])
    assert first_broken_link() == events[2]
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"broken at event {events[2]}" in result.output


def test_verify_names_the_row_after_a_removed_one(world: World) -> None:
    events = list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))
    with _triggers_lifted():
        _execute("DELETE FROM clinic_auditevent WHERE id = %s", [events[1]])
    assert first_broken_link() == events[2]


def test_verify_names_a_row_whose_digest_and_chain_were_recomputed_alone(world: World) -> None:
    """Rewriting a row with a digest and chain that fit its new fields breaks the next link."""
    events = list(AuditEvent.objects.order_by("pk").values_list("pk", "chain"))
    with _triggers_lifted():
        _execute("UPDATE clinic_auditevent SET chain = %s WHERE id = %s", ["0" * 64, events[1][0]])
    assert first_broken_link() == events[1][0]


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(world: World) -> None:
    """Eight threads, each with its own connection: four submit real check-ins through links
    (on PostgreSQL, the one-statement path), four record events in transactions. (SQLite's
    writers take turns on the database's own lock; the tests' in-memory database has none.)"""
    if connection.vendor != "postgresql":
        pytest.skip("the tests' SQLite database is in memory: one writer at a time")
    links = []
    for _ in range(4 * 6):
        visit = actions.schedule_visit(world.owner, world.episode, dt.date(2026, 3, 2))
        links.append(actions.issue_checkin_link(world.owner, visit)[0])
    checked_in = AuditEvent.objects.filter(action="assessment_recorded").count()
    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def check_ins(mine: list[CheckinLink]) -> None:
        try:
            start.wait()
            for link in mine:
                actions.record_assessment(link.visit, ANSWERS, link=link)
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            connection.close()

    def events() -> None:
        try:
            start.wait()
            for _ in range(6):
                with transaction.atomic():
                    record("probe", actor=None)
                    record("probe", actor=None)
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=check_ins, args=(links[i::4],)) for i in range(4)]
    threads += [threading.Thread(target=events) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert AuditEvent.objects.filter(action="assessment_recorded").count() == checked_in + 24
    assert AuditEvent.objects.filter(action="probe").count() == 4 * 12
    assert first_broken_link() is None
