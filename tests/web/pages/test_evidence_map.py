"""The evidence map's pages: every member of staff reads them, filters narrow them, and the
summary numbers are the catalogue's own counts (19 models, 12 frameworks, 3 theories)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alliance.web.models import Role
from tests.web.conftest import World, make_user
from tests.web.pages.helpers import signed_in

pytestmark = pytest.mark.django_db

PAGES = [
    "/evidence/",
    "/evidence/measures/",
    "/evidence/definitions/",
    "/evidence/studies/",
    "/evidence/summary/",
    "/evidence/instruments/wai_sr/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_role_reads_the_map_and_a_visitor_is_sent_to_sign_in(world: World, path: str) -> None:
    lead = make_user(world.clinic, "map-reader", Role.LEAD)
    for user in (world.owner, world.researcher, world.admin, lead):
        assert signed_in(user).get(path).status_code == 200, user.username
    visitor = Client().get(path)
    assert visitor.status_code == 302
    assert visitor["Location"].startswith("/accounts/login/")


def _cards(html: str) -> int:
    return len(re.findall(r'<article class="card"', html))


def test_the_catalogue_filters_by_kind_and_by_construct(world: World) -> None:
    client = signed_in(world.owner)
    assert _cards(client.get("/evidence/", {"kind": "theory"}).content.decode()) == 3
    frameworks = client.get("/evidence/", {"kind": "framework"}).content.decode()
    assert _cards(frameworks) == 12
    page = client.get("/evidence/").content.decode()
    everything = _cards(page)
    # 19 + 12 + 3 tallied; the others are marked as outside the review's tally
    assert everything - page.count("not in the review&#x27;s tally") == 34
    html = client.get("/evidence/", {"construct": "biopsychosocial"}).content.decode()
    assert "Biopsychosocial" in html
    assert 1 <= _cards(html) < everything


def test_the_summary_shows_the_scoping_reviews_counts_with_percentages(world: World) -> None:
    html = signed_in(world.researcher).get("/evidence/summary/").content.decode()
    rows = dict(
        re.findall(r'<tr><td>(model|framework|theory)</td><td class="num">(\d+)</td>', html)
    )
    assert rows == {"model": "19", "framework": "12", "theory": "3"}
    # 19 of 34 tallied entries is 55.9 %; 12 of 34 is 35.3 %; 3 of 34 is 8.8 %.
    assert '<td>model</td><td class="num">19</td><td class="num">55.9</td>' in html
    assert '<td>theory</td><td class="num">3</td><td class="num">8.8</td>' in html


def test_the_measures_link_to_the_definitions_we_score(world: World) -> None:
    html = signed_in(world.owner).get("/evidence/measures/").content.decode()
    assert 'href="/evidence/instruments/wai_sr/"' in html
    page = signed_in(world.owner).get("/evidence/instruments/wai_sr/").content.decode()
    assert "WAI-SR" in page
    assert signed_in(world.owner).get("/evidence/instruments/nothing/").status_code == 404


def test_the_studies_table_filters_by_condition_and_by_measure(world: World) -> None:
    client = signed_in(world.owner)
    everything = client.get("/evidence/studies/").content.decode()
    back = client.get("/evidence/studies/", {"condition": "low back pain"}).content.decode()
    rows = lambda html: html.count("<tr><td>")  # noqa: E731
    assert 0 < rows(back) < rows(everything)
    assert "chronic musculoskeletal pain" not in back.split("<tbody>")[1]
    by_vas = client.get("/evidence/studies/", {"measure": "vas_pain"}).content.decode()
    assert "Cheing G" in by_vas


def test_the_definitions_page_lists_components_and_both_directions(world: World) -> None:
    html = signed_in(world.owner).get("/evidence/definitions/").content.decode()
    assert "Strengthens the alliance" in html
    assert "Trust" in html
    assert '<span class="badge plain">goals</span>' in html


def test_the_map_pages_cost_a_fixed_number_of_queries(world: World) -> None:
    client = signed_in(world.owner)
    for path in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert len(queries) <= 5, (
            path
        )  # the session, the user, saving the session: no catalogue query
