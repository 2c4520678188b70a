"""The clinic overview: de-identified numbers checked by hand, small groups hidden, and the
per-therapist table only when the admin has turned it on."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.web import actions
from tests.web.conftest import World
from tests.web.pages.helpers import signed_in

pytestmark = pytest.mark.django_db

START = dt.date(2026, 2, 2)
# (check-in total at each visit, pain at each visit, discharge reason or None)
NECK = [
    ([7, 8], [8, 2], "goals met"),
    ([6, 6], [7, 6], "dropout"),
    ([9, 9], [6, 6], None),
    ([7, 7], [9, 3], None),
    ([5, 5], [5, 8], None),
    ([10], [4], None),
]


def _episodes(world: World) -> None:
    for number, (alliance, pain, reason) in enumerate(NECK):
        patient = actions.register_patient(world.owner, name=f"Neck {number}")
        episode = actions.open_episode(
            world.owner,
            patient,
            condition="neck pain",
            body_region="cervical",
            setting="outpatient",
            start_date=START,
        )
        for week, (a, p) in enumerate(zip(alliance, pain, strict=True)):
            visit = actions.schedule_visit(world.owner, episode, START + dt.timedelta(weeks=week))
            answers = {"checkin": {f"q{n}": a for n in range(1, 5)}, "nprs": {"q1": p}}
            actions.record_assessment(visit, answers, by=world.owner)
        if reason:
            actions.discharge_episode(world.owner, episode, end_date=START, reason=reason)


@pytest.mark.parametrize("person", ["researcher", "lead"])
def test_it_shows_the_clinic_de_identified_with_numbers_worked_by_hand(
    world: World, person: str
) -> None:
    _episodes(world)
    page = signed_in(getattr(world, person)).get("/clinic/").content.decode()
    # 6 neck pain episodes and Ada's low back pain episode; 2 discharged
    assert "<strong>7</strong> · 5 in care" in page
    # latest check-in totals 8, 6, 9, 7, 5, 10 (Ada has none): median 7.5
    assert "<strong>7.5</strong> / 10" in page
    # NPRS, SEM 1.02: reliable when |change| > 1.96 x sqrt(2) x 1.02 = 2.83. Two scores in
    # five episodes: 8->2 and 9->3 improved; 7->6, 6->6 unchanged; 5->8 worse: 2 of 5
    assert "<strong>40 %</strong>" in page
    # one dropout among two discharged episodes
    assert "<strong>50 %</strong>" in page
    # per measure, the same five NPRS changes; no latest score meets "recovered (NRS 0)"
    nprs = re.search(r'<th scope="row">NPRS</th>(.*?)</tr>', page, re.S)
    assert nprs is not None
    assert re.findall(r'class="num">([^<]+)<', nprs.group(1)) == [
        "5", "0 %", "40 %", "40 %", "20 %",
    ]  # fmt: skip
    assert "neck pain" in page
    assert "low back pain" not in page  # one episode: too small a group to show apart
    assert "Neck 0" not in page
    assert world.patient.code not in page
    assert "By therapist" not in page


@pytest.mark.parametrize("person", ["researcher", "lead"])
def test_it_shows_the_therapist_table_only_once_the_admin_turns_it_on(
    world: World, person: str
) -> None:
    _episodes(world)
    viewer = signed_in(getattr(world, person))
    assert "By therapist" not in viewer.get("/clinic/").content.decode()
    admin = signed_in(world.admin)
    admin.post("/manage/staff/", {"form": "comparison", "shown": "on"})
    page = viewer.get("/clinic/").content.decode()
    assert "By therapist" in page
    assert '<th scope="row">owner</th>' in page


def test_it_issues_the_same_number_of_queries_for_one_and_seven_episodes(world: World) -> None:
    client = signed_in(world.researcher)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/clinic/").status_code == 200
    _episodes(world)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/clinic/").status_code == 200
    assert len(large) == len(small)
