"""The access matrix: six people against every object route of the API, each answer asserted.

Clinic A's patient is treated by the owner and shared with the colleague; the outsider is a
therapist of the same clinic without a share; the researcher sees clinic A only through the
de-identified exports and the lead only through clinic-level pages, so neither has a
patient-level route (a patient's row number, code and dates are not de-identified); the other admin
runs clinic B. Outside a person's scope the answer is 404, never 403, so a denial does not
reveal that the patient exists.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from typing import Any

import pytest

from alliance.web import actions
from alliance.web.models import ClinicKey, Role, Share
from alliance.web.scope import clinic_shares
from tests.web.conftest import World, api_client, make_user
from tests.web.pages.helpers import signed_in

pytestmark = pytest.mark.django_db

PEOPLE = ["owner", "colleague", "outsider", "researcher", "lead", "other_admin"]
READ = dict(zip(PEOPLE, [200, 200, 404, 404, 404, 404], strict=True))
TREAT = dict(zip(PEOPLE, [200, 200, 404, 404, 404, 404], strict=True))
CREATE = dict(zip(PEOPLE, [201, 201, 404, 404, 404, 404], strict=True))
OWNER_ONLY = dict(zip(PEOPLE, [201, 403, 404, 404, 404, 404], strict=True))

DISCHARGE = {"end_date": "2026-03-01", "reason": "goals met"}
CHECKIN = {"answers": {"checkin": {"q1": 5, "q2": 5, "q3": 5, "q4": 5}}}
ROUTES: list[tuple[str, str, dict[str, Any] | None, dict[str, int]]] = [
    ("GET", "/api/patients/{patient}", None, READ),
    ("GET", "/api/patients/{patient}/identity", None, TREAT),
    ("POST", "/api/patients/{patient}/shares", {"therapist_id": "outsider"}, OWNER_ONLY),
    ("GET", "/api/patients/{patient}/episodes", None, READ),
    (
        "POST",
        "/api/patients/{patient}/episodes",
        {"condition": "neck pain", "body_region": "cervical", "setting": "outpatient",
         "start_date": "2026-02-01"},
        CREATE,
    ),
    ("GET", "/api/episodes/{episode}", None, READ),
    ("POST", "/api/episodes/{episode}/discharge", DISCHARGE, TREAT),
    ("GET", "/api/episodes/{episode}/visits", None, READ),
    ("POST", "/api/episodes/{episode}/visits", {"date": "2026-01-12"}, CREATE),
    ("GET", "/api/visits/{visit}", None, READ),
    ("POST", "/api/visits/{visit}/attendance", {"status": "attended"}, TREAT),
    ("POST", "/api/visits/{visit}/links", None, CREATE),
    ("GET", "/api/visits/{visit}/assessments", None, READ),
    ("POST", "/api/visits/{visit}/assessments", CHECKIN, CREATE),
    ("GET", "/api/alerts/{alert}", None, TREAT),
    ("POST", "/api/alerts/{alert}/acknowledge", {"action_taken": "called the patient"}, TREAT),
]  # fmt: skip


def fill(template: str, world: World, alert_id: int) -> str:
    return template.format(
        patient=world.patient.pk,
        episode=world.episode.pk,
        visit=world.visit.pk,
        alert=alert_id,
    )


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), ROUTES, ids=[f"{m} {p}" for m, p, _, _ in ROUTES]
)
def test_it_answers_each_person_as_the_matrix_says(
    world: World,
    person: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    expected: dict[str, int],
) -> None:
    alert = actions.raise_alert(world.episode, kind="rupture", detail="bond fell")
    client = api_client(getattr(world, person))
    url = fill(path, world, alert.pk)
    if method == "GET":
        response = client.get(url)
    else:
        payload = dict(body or {})
        if payload.get("therapist_id") == "outsider":
            payload["therapist_id"] = world.outsider.pk
        response = client.post(url, payload, content_type="application/json")
    assert response.status_code == expected[person], response.content


@pytest.mark.parametrize(
    ("person", "count"),
    [
        ("owner", 1),
        ("colleague", 1),
        ("outsider", 0),
        ("researcher", 0),
        ("lead", 0),
        ("other_admin", 0),
    ],
)
def test_it_lists_only_the_patients_in_scope(world: World, person: str, count: int) -> None:
    response = api_client(getattr(world, person)).get("/api/patients")
    assert response.status_code == 200
    assert response.json()["count"] == count


COLLECTIONS: list[tuple[str, str, dict[str, tuple[int, int | None]]]] = [
    # (method, path, person -> (status, items listed or rows exported; None: not counted))
    ("GET", "/api/patients", {
        "owner": (200, 1), "colleague": (200, 1), "outsider": (200, 0),
        "researcher": (200, 0), "lead": (200, 0), "other_admin": (200, 0)}),
    ("GET", "/api/assessments", {
        "owner": (200, 1), "colleague": (200, 1), "outsider": (200, 0),
        "researcher": (200, 0), "lead": (200, 0), "other_admin": (200, 0)}),
    ("GET", "/api/alerts", {
        "owner": (200, 1), "colleague": (200, 1), "outsider": (200, 0),
        "researcher": (200, 0), "lead": (200, 0), "other_admin": (200, 0)}),
    ("GET", "/api/export/cohort.csv", {
        "owner": (403, None), "colleague": (403, None), "outsider": (403, None),
        "researcher": (200, 4), "lead": (403, None), "other_admin": (200, 0)}),
    ("GET", "/api/export/research.zip", {
        "owner": (403, None), "colleague": (403, None), "outsider": (403, None),
        "researcher": (200, None), "lead": (403, None), "other_admin": (409, None)}),
    ("GET", "/api/export/research.zip?identifiable=true", {
        "owner": (403, None), "colleague": (403, None), "outsider": (403, None),
        "researcher": (403, None), "lead": (403, None), "other_admin": (409, None)}),
    ("GET", "/api/export/redcap.zip", {
        "owner": (403, None), "colleague": (403, None), "outsider": (403, None),
        "researcher": (200, None), "lead": (403, None), "other_admin": (409, None)}),
    ("GET", "/api/export/fhir-bundle.json", {
        "owner": (403, None), "colleague": (403, None), "outsider": (403, None),
        "researcher": (403, None), "lead": (403, None), "other_admin": (200, None)}),
    ("GET", "/api/audit", {
        "owner": (403, None), "colleague": (403, None), "outsider": (403, None),
        "researcher": (403, None), "lead": (403, None), "other_admin": (200, None)}),
    ("GET", "/api/audit/events.csv", {
        "owner": (403, None), "colleague": (403, None), "outsider": (403, None),
        "researcher": (403, None), "lead": (403, None), "other_admin": (200, None)}),
    ("POST", "/api/patients", {
        "owner": (201, None), "colleague": (201, None), "outsider": (201, None),
        "researcher": (403, None), "lead": (403, None), "other_admin": (403, None)}),
]  # fmt: skip
"""The routes that are not one object: lists, exports and registering a patient."""


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(
    ("method", "path", "expected"), COLLECTIONS, ids=[f"{m} {p}" for m, p, _ in COLLECTIONS]
)
def test_it_answers_each_collection_route_as_the_matrix_says(
    world: World, person: str, method: str, path: str, expected: dict[str, tuple[int, int | None]]
) -> None:
    # one check-in (4 scales exported), below the concern cut-off: it raises one rupture alert
    actions.record_assessment(world.visit, {"checkin": {"q1": 5, "q2": 5, "q3": 5, "q4": 5}})
    client = api_client(getattr(world, person))
    if method == "GET":
        response = client.get(path)
    else:
        body = {"name": "Bea Example", "date_of_birth": "1990-01-02"}
        response = client.post(path, body, content_type="application/json")
    status, count = expected[person]
    assert response.status_code == status, response.content
    if count is None:
        return
    if path.endswith(".csv"):
        assert len(response.content.decode().splitlines()) - 1 == count
    else:
        assert response.json()["count"] == count


@pytest.mark.parametrize(
    ("person", "status"),
    [("owner", 403), ("colleague", 403), ("outsider", 403), ("researcher", 200), ("lead", 403),
     ("admin", 200)],
)  # fmt: skip
def test_it_exports_the_cohort_de_identified_to_researchers_and_admins_only(
    world: World, person: str, status: int
) -> None:
    actions.record_assessment(world.visit, {"checkin": {"q1": 5, "q2": 5, "q3": 6, "q4": 6}})
    response = api_client(getattr(world, person)).get("/api/export/cohort.csv")
    assert response.status_code == status, response.content
    if status != 200:
        assert b"subject" not in response.content
        return
    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    key = ClinicKey.objects.get(clinic=world.clinic).key_bytes

    def keyed(value: str) -> str:
        return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:16]

    assert list(rows[0]) == [
        "subject", "clinic", "therapist", "episode", "condition", "body_region", "setting",
        "visit", "day", "instrument", "scale", "score",
    ]  # fmt: skip
    # the check-in: total the mean of the four answers (5.5); goal q1, task q2, bond q3
    assert {r["scale"]: float(r["score"]) for r in rows} == {
        "total": 5.5, "goal": 5.0, "task": 5.0, "bond": 6.0,
    }  # fmt: skip
    assert {r["subject"] for r in rows} == {keyed(world.patient.code)}
    assert {r["episode"] for r in rows} == {keyed(f"episode:{world.episode.pk}")}
    assert {r["therapist"] for r in rows} == {keyed(f"therapist:{world.owner.pk}")}
    # the visit of 2026-01-05 is the intake day; one episode's condition is too rare to keep
    assert {(r["visit"], r["day"], r["condition"]) for r in rows} == {("1", "0", "other")}
    for secret in (world.patient.code, "2026", "low back pain", "Ada"):
        assert secret not in text


def test_it_never_shows_identity_fields_in_a_researchers_answers(world: World) -> None:
    actions.record_assessment(world.visit, {"checkin": {"q1": 5, "q2": 5, "q3": 5, "q4": 5}})
    client = api_client(world.researcher)
    pages = [
        client.get("/api/patients").content,
        client.get(f"/api/patients/{world.patient.pk}").content,
        client.get(f"/api/visits/{world.visit.pk}/assessments").content,
        client.get("/api/export/cohort.csv").content,
    ]
    for page in pages:
        assert b"Ada" not in page
        assert b"MRN-1" not in page
        assert b"1980-05-17" not in page


def test_it_gives_a_researcher_no_patient_code_and_no_patient_level_answer(world: World) -> None:
    actions.record_assessment(world.visit, {"checkin": {"q1": 5, "q2": 5, "q3": 5, "q4": 5}})
    client = api_client(world.researcher)
    listed = client.get("/api/patients")
    assert listed.json() == {"items": [], "count": 0}
    assert world.patient.code.encode() not in listed.content
    assert client.get("/api/assessments").json()["count"] == 0
    for path in (f"/api/patients/{world.patient.pk}", f"/api/visits/{world.visit.pk}"):
        assert client.get(path).status_code == 404
    # the same clinic's data reaches the researcher de-identified, through the exports
    assert client.get("/api/export/cohort.csv").status_code == 200


def test_it_shows_the_audit_trail_to_the_clinics_own_admin_only(world: World) -> None:
    own = api_client(world.admin).get("/api/audit")
    assert own.status_code == 200
    assert own.json()["count"] > 0
    other = api_client(world.other_admin).get("/api/audit").json()
    assert {item["patient_id"] for item in other["items"]} == {None}
    assert api_client(world.owner).get("/api/audit").status_code == 403


def test_it_refuses_the_api_without_credentials(world: World) -> None:
    from django.test import Client

    assert Client().get(f"/api/patients/{world.patient.pk}").status_code == 401
    bad = Client(headers={"Authorization": "Bearer not-a-token"})
    assert bad.get("/api/patients").status_code == 401


@pytest.mark.parametrize(
    ("person", "count"),
    [("admin", 1), ("other_admin", 0), ("owner", 0), ("researcher", 0), ("lead", 0)],
)
def test_it_gives_the_clinics_shares_to_its_own_admin_only(
    world: World, person: str, count: int
) -> None:
    assert clinic_shares(getattr(world, person)).count() == count


def test_it_refuses_sharing_a_patient_with_their_own_therapist(world: World) -> None:
    path = f"/api/patients/{world.patient.pk}/shares"
    answer = api_client(world.owner).post(
        path, {"therapist_id": world.owner.pk}, content_type="application/json"
    )
    assert answer.status_code == 409
    page = signed_in(world.owner)
    page.post(f"/patients/{world.patient.pk}/shares/", {"colleague": world.owner.pk})
    assert not Share.objects.filter(patient=world.patient, therapist=world.owner).exists()
    shown = page.get(f"/patients/{world.patient.pk}/").content.decode()
    assert "You treat this patient already" in shown


@pytest.mark.parametrize("who", ["researcher", "lead", "admin", "suspended", "other_therapist"])
def test_the_page_and_the_api_refuse_a_non_colleague_with_the_same_404(
    world: World, who: str
) -> None:
    if who == "suspended":
        target = make_user(world.clinic, "gone", Role.THERAPIST)
        target.is_active = False
        target.save()
    else:
        target = getattr(world, who)
    api = api_client(world.owner).post(
        f"/api/patients/{world.patient.pk}/shares",
        {"therapist_id": target.pk},
        content_type="application/json",
    )
    page = signed_in(world.owner).post(
        f"/patients/{world.patient.pk}/shares/", {"colleague": target.pk}
    )
    assert (api.status_code, page.status_code) == (404, 404)
    assert target.username.encode() not in api.content
    assert not Share.objects.filter(therapist=target).exists()
