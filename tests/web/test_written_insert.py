"""The INSERT written out (``written_sql.insert``) against ``bulk_create``: random audit events
and assessments stored both ways read back the same through the ORM, and the instances
inserted hold what the ORM reads back."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from alliance.web import written_sql
from alliance.web.models import Assessment, AssessmentStatus, AuditEvent
from tests.web.conftest import World

pytestmark = pytest.mark.django_db

TEXTS = ["", "plain", "ünïcode — ✓", "quote ' and \" and %s and ?", "x" * 150]
JSON = [{}, {"a": 1}, {"nested": {"list": [1, 2.5, None, "ü"]}}, {"q1": 8, "q2": "NA"}]


def _columns(instance: models.Model) -> dict[str, Any]:
    """Every column but the key, the time of insertion (set by each insert itself) and the
    audit chain's hashes (of that time, and of the row before)."""
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.attname not in {"id", "at", "recorded_at", "digest", "chain"}
    }


def _random_events(draw: random.Random, world: World, n: int) -> list[AuditEvent]:
    return [
        AuditEvent(
            actor=draw.choice([None, world.owner, world.admin]),
            actor_label=draw.choice(TEXTS)[:150],
            action=draw.choice(["assessment_recorded", "export", "ü"]),
            clinic=draw.choice([None, world.clinic, world.other_clinic]),
            patient=draw.choice([None, world.patient]),
            object_type=draw.choice(TEXTS)[:32],
            object_id=str(draw.randint(0, 10**9)),
            ip=draw.choice([None, "127.0.0.1", "2001:db8::1", "::ffff:10.0.0.1"]),
            detail=draw.choice(JSON),
        )
        for _ in range(n)
    ]


def _random_assessments(draw: random.Random, world: World, n: int) -> list[Assessment]:
    return [
        Assessment(
            patient=world.patient,
            visit=world.visit,
            instrument_id=f"instrument-{draw.randint(0, 10**6)}",
            definition_version=draw.choice(["1", "2.0.1"]),
            respondent=draw.choice(["patient", "therapist"]),
            answers=draw.choice(JSON),
            scores=draw.choice([{"total": draw.random() * 100}, {"total": None}, {}]),
            status=draw.choice(list(AssessmentStatus)),
            reason=draw.choice(TEXTS),
            entered_by=draw.choice([None, world.owner]),
        )
        for _ in range(n)
    ]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("make", [_random_events, _random_assessments])
def test_an_insert_stores_what_bulk_create_stores(world: World, seed: int, make: Any) -> None:
    draw = random.Random(seed)
    size = draw.randint(1, 5)
    written = make(random.Random(seed), world, size)
    expected = make(random.Random(seed), world, size)
    model = type(written[0])
    with CaptureQueriesContext(connection) as queries:
        written_sql.insert(written)
    assert len(queries) == 1
    model.objects.bulk_create(expected)
    keys = [each.pk for each in written]
    assert len(set(keys)) == size
    assert all(each._state.adding is False and each._state.db == "default" for each in written)
    stored = model.objects.in_bulk(keys)
    bulk = model.objects.in_bulk([each.pk for each in expected])
    assert [_columns(stored[k]) for k in keys] == [_columns(bulk[e.pk]) for e in expected]
    assert [_columns(each) for each in written] == [_columns(stored[k]) for k in keys]
    field = "at" if model is AuditEvent else "recorded_at"
    for each in written:
        assert getattr(each, field) == getattr(stored[each.pk], field)
        assert getattr(each, field).tzinfo is not None
