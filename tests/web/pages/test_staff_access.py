"""Who may open which staff page: the access matrix, every denial a 404 that names nobody."""

from __future__ import annotations

import pytest
from django.test import Client

from alliance.web import actions
from tests.web.conftest import World
from tests.web.pages.helpers import signed_in

pytestmark = pytest.mark.django_db

PEOPLE = ["owner", "colleague", "outsider", "researcher", "lead", "admin", "other_admin"]
PAGES = [
    ("/caseload/", [200, 200, 200, 404, 404, 404, 404]),
    ("/patients/new/", [200, 200, 200, 404, 404, 404, 404]),
    ("/patients/{patient}/", [200, 200, 404, 404, 404, 404, 404]),
    ("/visits/{visit}/paper/", [200, 200, 404, 404, 404, 404, 404]),
    ("/clinic/", [404, 404, 404, 200, 200, 404, 404]),
    ("/manage/staff/", [404, 404, 404, 404, 404, 200, 200]),
    ("/manage/shares/", [404, 404, 404, 404, 404, 200, 200]),
    ("/manage/protocols/", [404, 404, 404, 404, 404, 200, 200]),
    ("/manage/wording/", [404, 404, 404, 404, 404, 200, 200]),
    ("/manage/audit/", [404, 404, 404, 404, 404, 200, 200]),
    ("/manage/exports/", [404, 404, 404, 200, 404, 200, 200]),
    ("/evidence/", [200, 200, 200, 200, 200, 200, 200]),  # literature, not patient data
    ("/evidence/reviews/", [200, 200, 200, 200, 404, 200, 200]),
]


@pytest.mark.parametrize(("path", "expected"), PAGES, ids=[p for p, _ in PAGES])
def test_it_answers_each_person_as_the_matrix_says(
    world: World, path: str, expected: list[int]
) -> None:
    url = path.format(patient=world.patient.pk, visit=world.visit.pk)
    for person, status in zip(PEOPLE, expected, strict=True):
        response = signed_in(getattr(world, person)).get(url)
        assert response.status_code == status, person
        if status == 404:
            assert b"Ada" not in response.content


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/patients/{patient}/episodes/new/"),
        ("post", "/episodes/{episode}/visits/new/"),
        ("post", "/visits/{visit}/link/"),
        ("post", "/visits/{visit}/attendance/"),
        ("post", "/visits/{visit}/paper/"),
        ("post", "/episodes/{episode}/discharge/"),
        ("post", "/patients/{patient}/shares/"),
        ("post", "/alerts/{alert}/acknowledge/"),
    ],
)
def test_it_refuses_care_actions_outside_the_treating_scope_with_404(
    world: World, method: str, path: str
) -> None:
    alert = actions.raise_alert(world.episode, kind="rupture", detail="bond fell")
    url = path.format(
        patient=world.patient.pk, episode=world.episode.pk, visit=world.visit.pk, alert=alert.pk
    )
    for person in ["outsider", "researcher", "lead", "admin", "other_admin"]:
        response = getattr(signed_in(getattr(world, person)), method)(url, {"x": "1"})
        assert response.status_code == 404, person
        assert b"Ada" not in response.content


def test_it_sends_a_visitor_to_sign_in(world: World) -> None:
    response = Client().get(f"/patients/{world.patient.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
