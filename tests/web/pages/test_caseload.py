"""The caseload: what needs attention first, search and filters, the audited names, and the
same number of queries whatever its size."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance.web import actions
from alliance.web.models import AuditEvent, Patient, User
from tests.web.conftest import World
from tests.web.pages.helpers import signed_in

pytestmark = pytest.mark.django_db


def _patient(owner: User, name: str, *, past_visits: int, region: str = "cervical") -> Patient:
    patient = actions.register_patient(owner, name=name)
    today = timezone.localdate()
    episode = actions.open_episode(
        owner,
        patient,
        condition="neck pain" if region == "cervical" else "knee pain",
        body_region=region,
        setting="outpatient",
        start_date=today - dt.timedelta(days=30),
    )
    for n in range(past_visits):
        actions.schedule_visit(owner, episode, today - dt.timedelta(days=20 - n))
    return patient


def _names(html: str, names: list[str]) -> list[str]:
    return sorted((n for n in names if n in html), key=html.index)


def test_it_puts_open_alerts_first_then_overdue_measures(world: World) -> None:
    _patient(world.owner, "Quiet Person", past_visits=0)
    _patient(world.owner, "Late Person", past_visits=2)
    alerted = _patient(world.owner, "Alerted Person", past_visits=0)
    actions.raise_alert(alerted.episodes.get(), kind="rupture", detail="bond fell")
    html = signed_in(world.owner).get("/caseload/").content.decode()
    names = ["Quiet Person", "Late Person", "Alerted Person", "Ada Example"]
    # Ada's only visit (2026-01-05) has passed unanswered: one overdue, Late Person has two
    assert _names(html, names) == ["Alerted Person", "Late Person", "Ada Example", "Quiet Person"]
    assert "2 visits without measures" in html


def test_it_searches_by_name_or_code_and_filters_by_region_and_status(world: World) -> None:
    knee = _patient(world.owner, "Knee Person", past_visits=0, region="knee")
    client = signed_in(world.owner)
    by_name = client.get("/caseload/", {"q": "knee per"}).content.decode()
    assert "Knee Person" in by_name
    assert "Ada Example" not in by_name
    by_code = client.get("/caseload/", {"q": world.patient.code}).content.decode()
    assert _names(by_code, ["Knee Person", "Ada Example"]) == ["Ada Example"]
    region = client.get("/caseload/", {"region": "knee"}).content.decode()
    assert _names(region, ["Knee Person", "Ada Example"]) == ["Knee Person"]
    actions.discharge_episode(
        world.owner, knee.episodes.get(), end_date=timezone.localdate(), reason="goals met"
    )
    discharged = client.get("/caseload/", {"status": "discharged"}).content.decode()
    assert _names(discharged, ["Knee Person", "Ada Example"]) == ["Knee Person"]


def test_it_audits_whose_names_the_caseload_showed(world: World) -> None:
    signed_in(world.colleague).get("/caseload/")
    event = AuditEvent.objects.get(action="identities_read")
    assert event.actor_label == "colleague"
    assert event.detail == {"patients": [world.patient.pk]}


def test_it_issues_the_same_number_of_queries_for_3_and_23_patients(world: World) -> None:
    client = signed_in(world.owner)
    for n in range(2):
        _patient(world.owner, f"Extra {n}", past_visits=1)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/caseload/").status_code == 200
    for n in range(20):
        _patient(world.owner, f"More {n}", past_visits=2)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/caseload/").status_code == 200
    assert len(large) == len(small)
    assert len(small) <= 15
