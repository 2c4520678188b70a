"""Schemathesis against the API's own OpenAPI schema (``/api/openapi.json``), driving the real
Django application in-process through its WSGI handler, signed in as a therapist with a bearer
token: no answer is a server error, and every answer (status, content type, headers, body)
is one the schema documents.

Generated path ids rarely name a row, so half of them (the even ones) are pointed at the
therapist's own patient, episode, visit, alert and check-in link: the requests then reach the
domain actions, not only the scoping 404. The run is bounded (examples per operation, no
stateful phase) and deterministic (a fixed seed, derandomized, no example database).

The schema's fuzzing reaches a valid link once at most (the first answers it takes use it up)
and rarely sends answers the scoring engine must read, so answers have their own property
tests: hypothesis generates answers (numbers of every size, NaN, booleans, text, lone
surrogates, lists, unknown items and instruments, a 100,000-character id) and posts each to a
freshly issued link, as JSON and as the patient's form, and to the real visit as its
therapist: no answer is a server error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import negative_data_rejection, positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from alliance.web import actions
from alliance.web.models import Patient
from tests.web.conftest import PASSWORD, World, api_client

pytestmark = pytest.mark.django_db

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20260105,
        "generation": {"max-examples": 15, "deterministic": True, "database": "none"},
        "phases": {"stateful": {"enabled": False}},
    }
)

INPUT_CONTRACT_CHECKS = [negative_data_rejection, positive_data_acceptance]
"""Left out: pydantic's lax coercion accepts some values the schema's types do not (``0`` for a
date, ``"5"`` for a number), and the actions reject some schema-valid bodies (an unknown
instrument, no answers) with a 422 that names the reason; neither is a contract the schema
states."""

REAL_ITEMS = [("checkin", 4), ("odi", 10)]

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(), config=CONFIG)


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Iterator[None]:
    """Keep the test's database connection (and its rolled-back transaction) across requests.

    Django's own test client does the same: a real WSGI request would otherwise close the
    connection at its end, in the middle of the test's transaction.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {actions.issue_api_token(world.owner)}"}


@pytest.fixture
def real_ids(world: World) -> dict[str, object]:
    """The therapist's own objects, by path parameter name."""
    alert = actions.raise_alert(world.episode, kind="rupture", detail="the bond fell")
    _, token = actions.issue_checkin_link(world.owner, world.visit)
    return {
        "patient_id": world.patient.pk,
        "episode_id": world.episode.pk,
        "visit_id": world.visit.pk,
        "alert_id": alert.pk,
        "token": token,
    }


def _point_at_real_objects(case: schemathesis.Case, real_ids: dict[str, object]) -> None:
    parameters = case.path_parameters or {}
    for name, value in parameters.items():
        even = isinstance(value, int) and value % 2 == 0
        if name in real_ids and (even or (name == "token" and len(str(value)) % 2 == 0)):
            parameters[name] = real_ids[name]


def _name_real_items(case: schemathesis.Case) -> None:
    """Rename generated instruments and items to the visit's own (check-in q1..q4, ODI
    q1..q10), keeping the generated answers: they then reach the scoring engine."""
    answers = case.body.get("answers") if isinstance(case.body, dict) else None
    if not isinstance(answers, dict):
        return
    renamed = {}
    for n, (instrument, items) in enumerate(answers.items()):
        if len(instrument) % 2 == 0 and isinstance(items, dict) and n < len(REAL_ITEMS):
            name, count = REAL_ITEMS[n]
            renamed[name] = {f"q{i % count + 1}": v for i, v in enumerate(items.values())}
        else:
            renamed[instrument] = items
    case.body["answers"] = renamed


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_it_answers_every_generated_request_as_the_schema_says(
    case: schemathesis.Case, bearer: dict[str, str], real_ids: dict[str, object]
) -> None:
    _point_at_real_objects(case, real_ids)
    _name_real_items(case)
    case.call_and_validate(headers=bearer, excluded_checks=INPUT_CONTRACT_CHECKS)


# The server errors the fuzzing found, each pinned by its own example.


@pytest.mark.parametrize("query", ["limit=22709422486993544444037300224", "offset=" + "9" * 20])
@pytest.mark.parametrize("path", ["/api/patients", "/api/alerts", "/api/assessments"])
def test_it_answers_422_for_a_page_beyond_what_the_database_can_count(
    bearer: dict[str, str], path: str, query: str
) -> None:
    """Past 2**62 a limit or offset overflowed the database's 64-bit integers (a 500)."""
    response = Client(headers=bearer).get(f"{path}?{query}")
    assert response.status_code == 422
    fine = Client(headers=bearer).get(f"{path}?limit={2**62}&offset={2**62}")
    assert fine.status_code == 200
    assert fine.json()["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Ada\x00"},
        {"name": "Ada", "contact": "x\x00y"},
        {"name": "Ada", "\x00": "key"},
        {"name": "Ada", "extra": ["fine", {"deep": "\x00"}]},
    ],
)
def test_it_refuses_text_with_a_nul_character_before_it_reaches_the_database(
    bearer: dict[str, str], world: World, body: dict[str, object]
) -> None:
    """PostgreSQL cannot store NUL in text: it used to fail there with a 500."""
    before = Patient.objects.count()
    response = Client(headers=bearer).post("/api/patients", body, content_type="application/json")
    assert response.status_code == 400
    assert Patient.objects.count() == before
    token = {"username": "owner\x00", "password": PASSWORD}
    assert (
        Client().post("/api/auth/token", token, content_type="application/json").status_code == 400
    )


def test_it_still_accepts_other_control_characters_and_escaped_backslashes(
    bearer: dict[str, str],
) -> None:
    body = {"name": "Ada\\u0000 \t Lovelace"}
    response = Client(headers=bearer).post("/api/patients", body, content_type="application/json")
    assert response.status_code == 201


def test_it_documents_the_refusals_of_each_operation() -> None:
    paths = schema.raw_schema["paths"]
    assert set(paths["/api/patients/{patient_id}"]["get"]["responses"]) == {
        "200", "401", "403", "404", "422",
    }  # fmt: skip
    assert set(paths["/api/episodes/{episode_id}/discharge"]["post"]["responses"]) == {
        "200", "400", "401", "403", "404", "409", "422",
    }  # fmt: skip
    assert set(paths["/api/export/cohort.csv"]["get"]["responses"]) == {"200", "401", "403"}
    assert set(paths["/api/export/cohort.csv"]["get"]["responses"]["200"]["content"]) == {
        "text/csv"
    }
    assert set(paths["/api/auth/token"]["post"]["responses"]) == {"200", "400", "401", "422", "429"}


# Answers posted to a real link and a real visit.

ANSWER = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**400, -(10**400), 2**63, 0, 5, 10]),
    st.floats(),
    st.text(max_size=6),
    st.sampled_from(["NA", "na", " ", "", "7", "4,5", "\ud800", "x\udfff", "\x00", "1e309"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)
ITEM = st.one_of(
    st.sampled_from([*(f"q{n}" for n in range(1, 12)), "q1_weight", "q0", "Q1"]),
    st.text(max_size=6),
    st.just("q\ud800"),
)
INSTRUMENT = st.one_of(
    st.sampled_from(["checkin", "odi", "nprs", "psfs", "care", "rmdq", "quickdash"]),
    st.text(max_size=8),
    st.sampled_from(["a" * 100_000, "checkin\n", "../checkin", "\ud800"]),
)
ANSWERS = st.dictionaries(INSTRUMENT, st.dictionaries(ITEM, ANSWER, max_size=12), max_size=3)
FIELD = st.one_of(
    st.sampled_from(
        [*(f"checkin-q{n}" for n in range(1, 5)), *(f"odi-q{n}" for n in range(1, 11))]
    ),
    st.text(max_size=8),
)
FORM = st.dictionaries(FIELD, st.text(max_size=8), max_size=16)
FUZZED = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ANSWERED = {201, 400, 409, 422}
"""Stored, unreadable, in conflict with the link's earlier answers, or refused naming why."""


def _as_json(answers: object) -> str:
    """The body as a client writes it: JSON's escapes for lone surrogates, and NaN and
    Infinity as Python writes them."""
    return json.dumps({"answers": answers})


@FUZZED
@given(answers=ANSWERS)
def test_it_answers_any_answers_through_a_fresh_link_without_a_server_error(
    world: World, answers: dict[str, object]
) -> None:
    _, token = actions.issue_checkin_link(world.owner, world.visit)
    path = f"/api/checkin/{token}"
    assert Client().get(path).status_code == 200
    response = Client().post(path, _as_json(answers), content_type="application/json")
    assert response.status_code in ANSWERED


@FUZZED
@given(answers=ANSWERS)
def test_it_answers_any_answers_entered_for_a_visit_without_a_server_error(
    world: World, answers: dict[str, object]
) -> None:
    client = api_client(world.owner)
    path = f"/api/visits/{world.visit.pk}/assessments"
    response = client.post(path, _as_json(answers), content_type="application/json")
    assert response.status_code in ANSWERED


@FUZZED
@given(form=FORM)
def test_it_answers_any_check_in_form_without_a_server_error(
    world: World, form: dict[str, str]
) -> None:
    _, token = actions.issue_checkin_link(world.owner, world.visit)
    response = Client().post(f"/c/{token}/", form)
    assert response.status_code in {302, 400, 410, 422}
