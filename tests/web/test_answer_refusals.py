"""Answers a client can send that were server errors or were stored wrongly, through a
patient's link (``/api/checkin/{token}``, the ``/c/{token}/`` page) and a therapist's entry
(``/api/visits/{id}/assessments``, the paper form): each is refused, naming what is wrong,
and nothing is stored; the link still works afterwards.

The test client re-raises a view's exception, so a server error fails the test outright; the
settings are the server's own in test mode (no ``DEBUG``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.test.client import BOUNDARY, encode_multipart

from alliance.web import actions
from alliance.web.actions.checkin import score_answers
from alliance.web.models import Assessment, CheckinLink, Patient
from tests.web.conftest import World, api_client
from tests.web.pages.helpers import CHECKIN_ODI, checkin_path, signed_in

pytestmark = pytest.mark.django_db

VALID = {"checkin": {"q1": 8, "q2": 7, "q3": 9, "q4": 6}}
NOT_A_NUMBER = "must be a number, a text or null"


def _link(world: World) -> str:
    _, token = actions.issue_checkin_link(world.owner, world.visit)
    return f"/api/checkin/{token}"


def _post(client: Client, path: str, body: object) -> tuple[int, object]:
    data = body if isinstance(body, bytes | str) else {"answers": body}
    response = client.post(path, data, content_type="application/json")
    return response.status_code, response.json()


@pytest.fixture(params=["link", "staff"])
def route(request: pytest.FixtureRequest, world: World) -> tuple[Client, str]:
    """Where answers are posted: a patient's fresh link, or the therapist's visit entry."""
    if request.param == "link":
        return Client(), _link(world)
    return api_client(world.owner), f"/api/visits/{world.visit.pk}/assessments"


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"checkin": {}}, [("checkin", "", "no question was answered")]),
        (
            {"checkin": {"q1": None, "q2": " ", "q3": "", "q4": None}},
            [("checkin", "", "no question was answered")],
        ),
        (
            {**VALID, "odi": {"q1": None}},
            [("odi", "", "no question was answered")],
        ),
        ({}, [("", "", "no answers were given")]),
    ],
)
def test_it_refuses_a_submission_without_answers_naming_what_is_missing(
    world: World,
    route: tuple[Client, str],
    answers: dict[str, object],
    expected: list[tuple[str, str, str]],
) -> None:
    client, path = route
    status, body = _post(client, path, answers)
    assert status == 422
    assert isinstance(body, dict)
    assert [(p["instrument"], p["item"], p["reason"]) for p in body["problems"]] == expected
    assert not Assessment.objects.exists()
    assert CheckinLink.objects.filter(used_at__isnull=False).count() == 0
    status, stored = _post(client, path, VALID)
    assert status == 201
    assert isinstance(stored, list)
    assert [a["scores"]["total"] for a in stored] == [7.5]  # (8 + 7 + 9 + 6) / 4


def test_it_takes_does_not_apply_as_an_answer(world: World) -> None:
    """A "does not apply" is an answer (the CARE measure allows it): only blanks are none."""
    path = f"/api/visits/{world.visit.pk}/assessments"
    status, stored = _post(api_client(world.owner), path, {"care": {"q1": "NA"}})
    assert status == 201
    assert isinstance(stored, list)
    assert stored[0]["answers"] == {"q1": "NA"}


@pytest.mark.parametrize("value", [True, False])
def test_it_refuses_a_boolean_answer_naming_the_item(
    world: World, route: tuple[Client, str], value: bool
) -> None:
    """``true`` was read as the number 1 and stored as such."""
    client, path = route
    status, body = _post(client, path, {"checkin": {**VALID["checkin"], "q2": value}})
    assert status == 422
    assert isinstance(body, dict)
    [problem] = body["problems"]
    assert (problem["instrument"], problem["item"]) == ("checkin", "q2")
    assert problem["reason"] == NOT_A_NUMBER
    assert not Assessment.objects.exists()
    assert _post(client, path, VALID)[0] == 201


@pytest.mark.parametrize(
    "body",
    [
        '{"answers": {"checkin": {"q1": "\\ud800", "q2": 7, "q3": 9, "q4": 6}}}',
        '{"answers": {"checkin": {"q1": 8, "q2": 7, "q3": 9, "q\\udfff": 6}}}',
        '{"answers": {"\\ud83d": {"q1": 8}}}',
    ],
)
def test_it_refuses_a_lone_surrogate_before_any_work(
    world: World, route: tuple[Client, str], body: str
) -> None:
    """Half a surrogate pair is not text: scoring it was a server error (pyarrow cannot
    encode it), and so was storing it."""
    client, path = route
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert not Assessment.objects.exists()
    assert _post(client, path, VALID)[0] == 201


def test_it_refuses_a_lone_surrogate_in_any_api_body(world: World) -> None:
    """A patient's name with half a surrogate pair was a server error when stored."""
    client = api_client(world.owner)
    before = Patient.objects.count()
    response = client.post(
        "/api/patients", '{"name": "Ada \\udc00"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert Patient.objects.count() == before
    paired = client.post(
        "/api/patients", '{"name": "Ada \\ud83d\\ude00"}', content_type="application/json"
    )
    assert paired.status_code == 201


def test_the_scoring_step_refuses_a_lone_surrogate_naming_the_item() -> None:
    """The check every route shares (the Bundle import too, from a file's JSON)."""
    with pytest.raises(actions.AnswersRejectedError) as refused:
        score_answers("checkin", {"q1": "\ud800", "q2": 7})
    [problem] = refused.value.problems
    assert (problem.item, problem.value, str(problem.reason)) == ("q1", "\\ud800", NOT_A_NUMBER)


UTF7 = f"multipart/form-data; boundary={BOUNDARY}; charset=utf-7"
"""UTF-7 decodes ``+2AA-`` to a lone surrogate: Django decodes form fields in the declared
character set."""


def test_it_refuses_a_form_post_in_another_character_set_than_utf8(world: World) -> None:
    path = checkin_path(world.owner, world.visit)
    body = encode_multipart(BOUNDARY, {**CHECKIN_ODI, "checkin-q1": "+2AA-"})
    assert Client().generic("POST", path, body, content_type=UTF7).status_code == 400
    staff = signed_in(world.owner)
    named = encode_multipart(BOUNDARY, {"name": "+2AA-"})
    before = Patient.objects.count()
    assert staff.generic("POST", "/patients/new/", named, content_type=UTF7).status_code == 400
    assert Patient.objects.count() == before
    query = staff.get("/caseload/?q=+2AA-", headers={"content-type": "text/plain; charset=utf7"})
    assert query.status_code == 400
    assert not Assessment.objects.exists()
    assert Client().post(path, CHECKIN_ODI).status_code == 302
    utf8 = f"multipart/form-data; boundary={BOUNDARY}; charset=UTF-8"
    assert staff.generic("POST", "/patients/new/", named, content_type=utf8).status_code == 302


def test_it_calls_a_100000_character_instrument_unknown(
    world: World, route: tuple[Client, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With an installed-instruments folder, such an id was looked up there: a server error
    (file name too long)."""
    monkeypatch.setenv("ALLIANCE_INSTRUMENTS_DIR", str(tmp_path))
    client, path = route
    long = "a" * 100_000
    status, body = _post(client, path, {long: {"q1": 1}})
    assert status == 422
    assert isinstance(body, dict)
    [problem] = body["problems"]
    assert (problem["instrument"], problem["reason"]) == (long, "is not a known instrument")
    assert _post(client, path, VALID)[0] == 201
