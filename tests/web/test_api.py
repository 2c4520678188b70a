"""The API end to end: check-in links, rejected answers, constant query counts, sign-in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alliance.instruments import Reason
from alliance.web import actions
from alliance.web.actions import answer_reasons
from alliance.web.models import Assessment, AuditEvent
from tests.web.conftest import PASSWORD, World, api_client, neck_pain_episode

pytestmark = pytest.mark.django_db

ANSWERS = {"answers": {"checkin": {"q1": 8, "q2": 7, "q3": "9", "q4": None}, "odi": {"q1": 2}}}


def _link(world: World) -> str:
    response = api_client(world.owner).post(f"/api/visits/{world.visit.pk}/links")
    assert response.status_code == 201
    return str(response.json()["path"])


def test_it_shows_a_patient_the_instruments_of_the_visit(world: World) -> None:
    form = Client().get(_link(world)).json()
    assert form["visit_number"] == 1
    assert [i["id"] for i in form["instruments"]] == ["checkin", "odi"]
    assert form["instruments"][0]["items"][0]["id"] == "q1"


def test_it_answers_a_retried_submission_with_the_same_assessments(world: World) -> None:
    path = _link(world)
    first = Client().post(path, ANSWERS, content_type="application/json")
    retry = Client().post(path, ANSWERS, content_type="application/json")
    assert first.status_code == retry.status_code == 201
    assert [a["id"] for a in retry.json()] == [a["id"] for a in first.json()]
    assert Assessment.objects.count() == 2
    checkin = next(a for a in first.json() if a["instrument_id"] == "checkin")
    # one answer missing: the total is the mean of the three answered, (8 + 7 + 9) / 3
    assert checkin["scores"]["total"] == 8.0
    assert checkin["answers"] == {"q1": 8, "q2": 7, "q3": "9", "q4": None}
    assert Client().get(path).status_code == 404


def test_it_refuses_different_answers_through_a_used_link(world: World) -> None:
    path = _link(world)
    Client().post(path, ANSWERS, content_type="application/json")
    other = {"answers": {"checkin": {"q1": 1, "q2": 1, "q3": 1, "q4": 1}}}
    assert Client().post(path, other, content_type="application/json").status_code == 409


def test_it_rejects_malformed_answers_with_the_item_and_reason(world: World) -> None:
    path = _link(world)
    bad = {"answers": {"checkin": {"q1": 8, "q2": "lots", "q3": 4.5, "q4": 3}}}
    response = Client().post(path, bad, content_type="application/json")
    assert response.status_code == 422
    problems = {p["item"]: p for p in response.json()["problems"]}
    assert set(problems) == {"q2", "q3"}
    assert problems["q2"]["value"] == "lots"
    assert problems["q3"]["reason"].startswith("is not an allowed answer")
    # A whole number too large for a float is off the scale too, not a server error.
    huge = {"answers": {"checkin": {"q1": 8, "q2": 10**400, "q3": 4, "q4": 3}}}
    response = Client().post(path, huge, content_type="application/json")
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert (problem["item"], problem["value"]) == ("q2", str(10**400))
    # JSON's nonstandard NaN is not a blank answer: it could not be stored as given.
    nan = b'{"answers": {"checkin": {"q1": 8, "q2": 7, "q3": NaN, "q4": 3}}}'
    response = Client().post(path, nan, content_type="application/json")
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert (problem["item"], problem["reason"]) == ("q3", "must be a number, a text or null")
    assert Assessment.objects.count() == 0
    assert Client().post(path, ANSWERS, content_type="application/json").status_code == 201


@pytest.mark.parametrize(
    ("language", "reason", "conflict"),
    [
        ("en", "is not an item of this instrument", "This episode has already been discharged."),
        ("fr", "n\u2019est pas une question de ce questionnaire", "Cet épisode est déjà terminé."),
    ],
)
def test_it_gives_the_reasons_of_a_refusal_in_the_callers_language(
    world: World, language: str, reason: str, conflict: str
) -> None:
    path = _link(world)
    bad = {"answers": {"checkin": {"q1": 8, "q2": 7, "q3": 9, "q4": 3, "q9": 1}}}
    response = Client().post(
        path, bad, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {"instrument": "checkin", "item": "q9", "value": "1", "reason": reason}
    ]
    client = api_client(world.owner)
    body = {"end_date": "2026-03-01", "reason": "goals met"}
    url = f"/api/episodes/{world.episode.pk}/discharge"
    client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)
    assert again.status_code == 409
    assert again.json() == {"detail": conflict}


ELEVEN = "0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10"


@pytest.mark.parametrize(
    ("language", "off_scale", "not_applicable", "off_the_line"),
    [
        (
            "en",
            f"is not an allowed answer (allowed: {ELEVEN}, blank (missing))",
            f"does not apply is not an allowed answer here (allowed: {ELEVEN}, blank (missing))",
            "is not an allowed answer (allowed: 0 to 100, blank (missing))",
        ),
        (
            "fr",
            "n\u2019est pas une réponse permise"
            f" (réponses permises : {ELEVEN} ou vide (manquante))",
            "« ne s\u2019applique pas » n\u2019est pas une réponse permise ici"
            f" (réponses permises : {ELEVEN} ou vide (manquante))",
            "n\u2019est pas une réponse permise"
            " (réponses permises : de 0 à 100 ou vide (manquante))",
        ),
    ],
)
def test_it_says_why_an_answer_is_not_allowed_in_the_callers_language(
    world: World, language: str, off_scale: str, not_applicable: str, off_the_line: str
) -> None:
    """The instrument engine's reasons, with the answers the item allows, are translated."""
    bad = {
        "answers": {
            "checkin": {"q1": 8, "q2": 7, "q3": 4.5, "q4": "NA"},
            "vas_pain": {"q1": 101},
        }
    }
    response = Client().post(
        _link(world), bad, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 422
    assert response.json()["problems"] == [
        {"instrument": "checkin", "item": "q3", "value": "4.5", "reason": off_scale},
        {"instrument": "checkin", "item": "q4", "value": "NA", "reason": not_applicable},
        {"instrument": "vas_pain", "item": "q1", "value": "101", "reason": off_the_line},
    ]


def test_every_reason_the_engine_gives_has_a_text_to_translate() -> None:
    assert set(answer_reasons.TEXTS) == set(Reason)


def test_it_answers_404_for_a_forged_link(world: World) -> None:
    path = _link(world)
    assert Client().get(path[:-3] + "xyz").status_code == 404
    assert Client().get("/api/checkin/not-a-token").status_code == 404


def _grow_caseload(world: World, patients: int) -> None:
    for n in range(patients):
        episode = neck_pain_episode(world.owner, f"Extra {n}", dt.date(2026, 1, 1))
        visit = actions.schedule_visit(world.owner, episode, dt.date(2026, 1, 2))
        actions.record_assessment(visit, {"checkin": {"q1": 5, "q2": 5, "q3": 5, "q4": 5}})
        actions.raise_alert(episode, kind="rupture", detail="bond fell")


@pytest.mark.parametrize("path", ["/api/patients", "/api/alerts", "/api/assessments", "/api/audit"])
def test_it_lists_with_the_same_number_of_queries_whatever_the_caseload(
    world: World, path: str
) -> None:
    reader = world.admin if path == "/api/audit" else world.owner
    client = api_client(reader)
    _grow_caseload(world, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    _grow_caseload(world, 12)
    with CaptureQueriesContext(connection) as large:
        response = client.get(path)
    assert response.status_code == 200
    assert response.json()["count"] > 12
    assert len(large) == len(small)


def test_it_audits_sign_ins_and_failed_sign_ins(world: World) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": "owner", "password": "wrong"})
    client.post("/accounts/login/", {"username": "owner", "password": PASSWORD})
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.detail == {"username": "owner"}
    assert PASSWORD not in str(AuditEvent.objects.values_list("detail", flat=True))
    assert AuditEvent.objects.filter(action="login", actor=world.owner).count() == 1


def test_it_locks_a_username_out_after_five_failures(world: World) -> None:
    client = Client()
    for _ in range(5):
        client.post("/api/auth/token", {"username": "owner", "password": "wrong"},
                    content_type="application/json")  # fmt: skip
    right = {"username": "owner", "password": PASSWORD}
    locked = client.post("/api/auth/token", right, content_type="application/json")
    assert locked.status_code == 429
    other = {"username": "colleague", "password": PASSWORD}
    assert client.post("/api/auth/token", other, content_type="application/json").status_code == 200


def test_it_audits_every_read_of_identifiable_details(world: World) -> None:
    client = api_client(world.colleague)
    response = client.get(f"/api/patients/{world.patient.pk}/identity")
    assert response.json()["record_number"] == "MRN-1"
    event = AuditEvent.objects.filter(action="identity_read").latest("pk")
    assert (event.actor, event.patient) == (world.colleague, world.patient)


def test_it_sends_no_store_and_a_content_security_policy(world: World) -> None:
    response = api_client(world.owner).get("/api/patients")
    assert response["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
