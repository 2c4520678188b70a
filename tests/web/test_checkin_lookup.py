"""The check-in link lookup and claim, written out as SQL, against the ORM: the lookup gives
exactly the objects ``select_related`` gives, on random clinics, episodes, visits and links,
the claim stores the time the ORM reads back, once, and a check-in that is one statement on
PostgreSQL stores what the full transaction stores."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from alliance.web import actions, feedback
from alliance.web.actions.checkin import _claim, _link_by_digest
from alliance.web.models import (
    Assessment,
    AuditEvent,
    CheckinLink,
    Clinic,
    Protocol,
    Role,
    VisitStatus,
)
from tests.web.conftest import World, make_user

pytestmark = pytest.mark.django_db


def _fields(instance: models.Model | None) -> list[tuple[str, type, Any]] | None:
    """Every column's name, the type of its value and the value; then the database state."""
    if instance is None:
        return None
    values = [
        (f.attname, type(v), v)
        for f in instance._meta.concrete_fields
        for v in [getattr(instance, f.attname)]
    ]
    return [*values, ("_state", bool, (instance._state.adding, instance._state.db))]


def _chain(link: CheckinLink) -> list[list[tuple[str, type, Any]] | None]:
    episode = link.visit.episode
    return [
        _fields(x)
        for x in (
            link,
            link.visit,
            episode,
            episode.patient,
            episode.patient.clinic,
            episode.protocol,
        )
    ]


def _random_links(draw: random.Random) -> list[CheckinLink]:
    links = []
    for number in range(draw.randint(1, 3)):
        clinic = actions.create_clinic(f"Clinic {number}")
        Clinic.objects.filter(pk=clinic.pk).update(
            therapist_comparison=draw.random() < 0.5,
            signal_parameters=draw.choice([{}, {"rupture_drop": draw.randint(1, 4)}]),
        )
        owner = make_user(clinic, f"owner{number}", Role.THERAPIST)
        protocol = Protocol.objects.create(
            clinic=clinic,
            name="Protocol",
            schedule=[{"instrument": "checkin", "visits": draw.sample(range(1, 9), 3)}],
        )
        for episode_number in range(draw.randint(1, 3)):
            patient = actions.register_patient(owner, name=f"Patient {number}.{episode_number}")
            episode = actions.open_episode(
                owner,
                patient,
                condition=draw.choice(["low back pain", "neck pain", "ünïcode knee"]),
                body_region="lumbar",
                setting="outpatient",
                start_date=dt.date(2026, 1, 1) + dt.timedelta(days=draw.randint(0, 300)),
                planned_visits=draw.choice([None, 6]),
                protocol=draw.choice([None, protocol]),
            )
            for _ in range(draw.randint(1, 3)):
                visit = actions.schedule_visit(owner, episode, episode.start_date)
                link, _ = actions.issue_checkin_link(owner, visit)
                visit.status = draw.choice(list(VisitStatus))
                visit.save()
                if draw.random() < 0.4:
                    link.used_at = link.created_at + dt.timedelta(minutes=draw.randint(1, 99))
                    link.save()
                links.append(link)
            if draw.random() < 0.3:
                episode.end_date = episode.start_date + dt.timedelta(days=40)
                episode.save()
    return links


@pytest.mark.parametrize("seed", range(4))
def test_the_lookup_loads_what_select_related_loads(seed: int) -> None:
    for link in _random_links(random.Random(seed)):
        expected = CheckinLink.objects.select_related(
            "visit__episode__patient__clinic", "visit__episode__protocol"
        ).get(digest=link.digest)
        with CaptureQueriesContext(connection) as queries:
            found = _link_by_digest(link.digest)
            assert found is not None
            assert _chain(found) == _chain(expected)
        assert len(queries) == 1


def test_the_lookup_of_an_unknown_digest_finds_nothing() -> None:
    assert _link_by_digest("0" * 64) is None


def test_a_link_is_claimed_once_and_stores_the_time_the_orm_reads_back() -> None:
    link = _random_links(random.Random(7))[0]
    CheckinLink.objects.filter(pk=link.pk).update(used_at=None)
    found = _link_by_digest(link.digest)
    assert found is not None
    # the claim returns the episode's state, as feedback reads it on its own
    assert _claim(found) == feedback.state(found.visit.episode)
    stored = CheckinLink.objects.get(pk=link.pk).used_at
    assert stored is not None
    assert stored == found.used_at
    again = _link_by_digest(link.digest)
    assert again is not None
    assert again.used_at == stored
    assert _claim(again) is None
    assert CheckinLink.objects.get(pk=link.pk).used_at == stored


def test_a_submission_of_two_instruments_inserts_them_in_one_statement(world: World) -> None:
    _, token = actions.issue_checkin_link(world.owner, world.visit)
    answers = {"checkin": {"q1": 8, "q2": 7, "q3": 9, "q4": 6}, "odi": {"q1": 2}}
    with CaptureQueriesContext(connection) as queries:
        created = actions.record_assessment(world.visit, answers, link=actions.resolve_link(token))
    assert sorted(a.instrument_id for a in created) == ["checkin", "odi"]
    assert all(a.pk is not None for a in created)
    inserts = [q["sql"] for q in queries if 'INSERT INTO "clinic_assessment"' in q["sql"]]
    assert len(inserts) == 1


def _stored(model: type[models.Model], pk: int, unlike: set[str]) -> dict[str, Any]:
    """A stored row's columns, but those that differ between two check-ins by design."""
    row = model.objects.get(pk=pk)
    return {
        f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields
    } | dict.fromkeys(unlike)


def test_a_check_in_in_one_statement_stores_what_the_full_transaction_stores(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = {"checkin": {"q1": 8, "q2": 7, "q3": 9, "q4": 6}}
    visits = [
        actions.schedule_visit(world.owner, world.episode, dt.date(2026, 2, d)) for d in (2, 9)
    ]
    writes_nothing, episode_scores = feedback.writes_nothing, feedback.episode_scores
    reads: list[object] = []
    monkeypatch.setattr(feedback, "episode_scores", lambda e: reads.append(e) or episode_scores(e))
    stored = {}
    for at_once, at in zip([True, False], visits, strict=True):
        monkeypatch.setattr(
            feedback, "writes_nothing", writes_nothing if at_once else lambda _: False
        )
        link = actions.resolve_link(actions.issue_checkin_link(world.owner, at)[1])
        with CaptureQueriesContext(connection) as queries:
            [assessment] = actions.record_assessment(at, answers, link=link)
        transacted = any(q["sql"].startswith(("BEGIN", "SAVEPOINT")) for q in queries)
        assert transacted is not (at_once and connection.vendor == "postgresql")
        assert CheckinLink.objects.get(pk=link.pk).used_at == link.used_at is not None
        assert (assessment.link_id, assessment._state.adding) == (link.pk, False)
        audit = AuditEvent.objects.get(action="assessment_recorded", object_id=str(at.pk))
        stored[at_once] = (
            _stored(Assessment, assessment.pk, {"id", "visit_id", "link_id", "recorded_at"}),
            _stored(AuditEvent, audit.pk, {"id", "object_id", "at", "digest", "chain"}),
        )
    assert stored[True] == stored[False]
    # the episode's scores came with the link: no check-in read them on its own
    assert reads == []
    # goal, task and bond are single answers; the total is the mean of the four
    assert stored[True][0]["scores"] == {"goal": 8, "task": 7, "bond": 9, "total": 7.5}
