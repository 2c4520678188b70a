"""The patient page and the care actions taken from it: alerts, the chart's data, the
assessments table, acknowledging, a paper form, a new patient, episode, visit and link."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance import signals
from alliance.web import actions
from alliance.web.models import Assessment, AuditEvent, Episode, Patient, Visit
from tests.web.conftest import World
from tests.web.pages.helpers import signed_in

pytestmark = pytest.mark.django_db


def _chart(html: str) -> dict[str, object]:
    found = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html)
    assert found is not None
    return dict(json.loads(found.group(1)))


def _visits(world: World, answers: list[tuple[int, int]]) -> None:
    """Check-in (all four answers) and ODI (all ten answers) at successive visits."""
    visit = world.visit
    for number, (alliance, odi) in enumerate(answers, 1):
        if number > 1:
            visit = actions.schedule_visit(
                world.owner, world.episode, world.visit.date + dt.timedelta(days=7 * number)
            )
        given = {
            "checkin": {f"q{n}": alliance for n in range(1, 5)},
            "odi": {f"q{n}": odi for n in range(1, 11)},
        }
        actions.record_assessment(visit, given, by=world.owner)


def test_it_charts_the_alliance_and_outcome_with_baseline_mcid_and_cut_off(world: World) -> None:
    _visits(world, [(8, 3), (6, 2), (9, 1)])
    page = signed_in(world.owner).get(f"/patients/{world.patient.pk}/").content.decode()
    chart = _chart(page)
    alliance = chart["alliance"]
    assert isinstance(alliance, dict)
    assert [s["id"] for s in alliance["series"]] == ["total", "goal", "task", "bond"]
    assert alliance["series"][0]["points"] == [[1, 8.0], [2, 6.0], [3, 9.0]]
    assert alliance["cutoffs"] == [{"value": 7.0, "label": "talk about how sessions are going"}]
    (odi,) = chart["outcomes"]  # type: ignore[misc]
    # ODI = sum of ten answers / 50 x 100: 3 each -> 60 %, 2 -> 40 %, 1 -> 20 %
    assert odi["points"] == [[1, 60.0], [2, 40.0], [3, 20.0]]
    assert odi["baseline"] == 60.0
    assert odi["mcid_target"] == 60.0 - odi["mcid"]  # lower ODI is better
    assert "<title>Patient · Alliance</title>" in page
    assert "Ada Example" in page


def test_it_shows_an_alert_with_its_rule_and_scale_and_acknowledges_it(world: World) -> None:
    finding = signals.Alert(
        patient=world.patient.code,
        series=str(world.episode.pk),
        visit=3,
        signal="rupture",
        rule="drop_from_previous",
        instrument="checkin",
        scale="bond",
        value=4.0,
        threshold=3.0,
        detail="bond 8 -> 4",
    )
    alert = actions.raise_alert(world.episode, kind="rupture", detail="x", finding=finding)
    client = signed_in(world.colleague)
    page = client.get(f"/patients/{world.patient.pk}/").content.decode()
    assert "Alliance rupture" in page
    assert "Check-in: Bond" in page
    assert "fell from the previous score" in page
    assert "score 4, threshold 3" in page
    assert "Check in on how the patient experiences the sessions" in page
    client.cookies["django_language"] = "fr"
    french = html.unescape(client.get(f"/patients/{world.patient.pk}/").content.decode())
    assert "a baissé par rapport au score précédent" in french
    del client.cookies["django_language"]
    response = client.post(
        f"/alerts/{alert.pk}/acknowledge/", {"action_taken": "Asked how sessions feel."}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.action_taken == "Asked how sessions feel."
    assert alert.acknowledged_by == world.colleague
    assert AuditEvent.objects.filter(action="alert_acknowledged", patient=world.patient).exists()
    after = client.get(f"/patients/{world.patient.pk}/").content.decode()
    assert "No open alerts." in after
    assert "Acknowledged by colleague" in after


def test_it_records_a_paper_form_leaving_blank_questionnaires_out(world: World) -> None:
    client = signed_in(world.owner)
    form = client.get(f"/visits/{world.visit.pk}/paper/").content.decode()
    assert 'name="checkin-q1"' in form
    assert 'name="odi-q10"' in form
    posted = {"checkin-q1": "6", "checkin-q2": "7", "checkin-q3": "8", "checkin-q4": ""}
    response = client.post(f"/visits/{world.visit.pk}/paper/", posted)
    assert response.status_code == 302
    (stored,) = Assessment.objects.all()
    assert stored.instrument_id == "checkin"
    assert stored.entered_by == world.owner
    assert stored.answers == {"q1": 6, "q2": 7, "q3": 8, "q4": None}
    assert stored.scores["total"] == 7.0  # one blank allowed: the mean of 6, 7 and 8
    bad = client.post(f"/visits/{world.visit.pk}/paper/", {"checkin-q1": "11"})
    assert bad.status_code == 422
    assert Assessment.objects.count() == 1


def test_it_registers_a_patient_opens_an_episode_schedules_and_issues_a_link(
    world: World,
) -> None:
    client = signed_in(world.owner)
    created = client.post("/patients/new/", {"name": "New Person", "date_of_birth": "1990-02-03"})
    patient = Patient.objects.get(identity__name="New Person")
    assert created["Location"] == f"/patients/{patient.pk}/"
    opened = client.post(
        f"/patients/{patient.pk}/episodes/new/",
        {
            "condition": "shoulder pain",
            "body_region": "shoulder",
            "setting": "outpatient",
            "start_date": "2026-03-02",
            "planned_visits": "6",
            "protocol": str(world.protocol.pk),
        },
    )
    episode = Episode.objects.get(patient=patient)
    assert opened.status_code == 302
    assert episode.protocol == world.protocol
    client.post(f"/episodes/{episode.pk}/visits/new/", {"date": "2026-03-09"})
    visit = Visit.objects.get(episode=episode)
    assert (visit.number, visit.date) == (1, dt.date(2026, 3, 9))
    link = client.post(f"/visits/{visit.pk}/link/").content.decode()
    url = re.search(r'id="checkin-url">([^<]+)<', link)
    assert url is not None
    assert url.group(1).startswith("http://testserver/c/")
    assert "<svg" in link  # the QR code, drawn on the server
    assert client.get(url.group(1)).status_code == 200


def test_it_issues_the_same_number_of_queries_for_one_and_eight_visits(world: World) -> None:
    actions.raise_alert(world.episode, kind="rupture", detail="x")
    client = signed_in(world.owner)
    _visits(world, [(8, 3)])
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/patients/{world.patient.pk}/").status_code == 200
    _visits_more(world, 7)
    with CaptureQueriesContext(connection) as large:
        assert client.get(f"/patients/{world.patient.pk}/").status_code == 200
    assert len(large) == len(small)
    assert len(small) <= 20  # session, user, patient, audited identity, page data


def _visits_more(world: World, count: int) -> None:
    for n in range(count):
        visit = actions.schedule_visit(
            world.owner, world.episode, world.visit.date + dt.timedelta(days=7 * (n + 1))
        )
        actions.record_assessment(
            visit, {"checkin": {f"q{i}": 7 for i in range(1, 5)}}, by=world.owner
        )
    for n in range(3):
        actions.raise_alert(world.episode, kind="rupture", detail=f"drop {n}")


def test_it_lets_the_treating_therapist_share_a_patient(world: World) -> None:
    owner = signed_in(world.owner)
    page = owner.get(f"/patients/{world.patient.pk}/").content.decode()
    assert f'<option value="{world.outsider.pk}">outsider</option>' in page
    assert "colleague</option>" not in page  # already shared
    owner.post(f"/patients/{world.patient.pk}/shares/", {"colleague": world.outsider.pk})
    assert signed_in(world.outsider).get(f"/patients/{world.patient.pk}/").status_code == 200
    shared = signed_in(world.colleague).get(f"/patients/{world.patient.pk}/").content.decode()
    assert "Share with a colleague" not in shared
    other = signed_in(world.colleague).post(
        f"/patients/{world.patient.pk}/shares/", {"colleague": world.outsider.pk}
    )
    assert other.status_code == 302
    assert AuditEvent.objects.filter(action="patient_shared").count() == 2  # conftest + owner


def test_it_records_attendance_and_discharges_the_episode(world: World) -> None:
    client = signed_in(world.owner)
    client.post(f"/visits/{world.visit.pk}/attendance/", {"status": "missed"})
    world.visit.refresh_from_db()
    assert world.visit.status == "missed"
    client.post(
        f"/episodes/{world.episode.pk}/discharge/",
        {"end_date": "2026-02-20", "reason": "goals met"},
    )
    world.episode.refresh_from_db()
    assert (world.episode.end_date, world.episode.discharge_reason) == (
        dt.date(2026, 2, 20),
        "goals met",
    )
    page = client.get(f"/patients/{world.patient.pk}/").content.decode()
    assert "Discharged on Feb. 20, 2026 (goals met)." in page
    outsider = signed_in(world.outsider)
    assert (
        outsider.post(f"/visits/{world.visit.pk}/attendance/", {"status": "attended"}).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("language", "why"),
    [
        (
            "en",
            "Check-in (mean of the four answers): 3 of 4 answers missing or not applicable,"
            " at most 1 allowed",
        ),
        (
            "fr",
            "Suivi (moyenne des quatre réponses) : 3 réponses sur 4 manquent ou ne"
            " s\u2019appliquent pas (limite : 1)",
        ),
    ],
)
def test_it_says_why_an_assessment_was_not_scored_in_the_page_language(
    world: World, language: str, why: str
) -> None:
    # one answer of four: the check-in's total allows one missing
    actions.record_assessment(world.visit, {"checkin": {"q1": 5}}, by=world.owner)
    client = signed_in(world.owner)
    client.cookies["django_language"] = language
    page = client.get(f"/patients/{world.patient.pk}/").content.decode()
    assert f'title="{html.escape(why)}"' in page
