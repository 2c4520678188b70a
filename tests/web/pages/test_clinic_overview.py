"""The clinic overview: de-identified numbers checked by hand, every number resting on fewer
than five episodes hidden (and the one that would give it away by subtraction), and the
per-therapist table only when the admin has turned it on."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.web import actions
from alliance.web.views.clinic_stats import proportion, shown
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


TWELVE = [
    ([7 if n < 5 else 9], [8, 2] if n < 6 else [6, 6], "dropout" if n < 5 else "goals met")
    for n in range(12)
]
"""Twelve neck pain episodes, all discharged: latest check-in 7 in five and 9 in seven; NPRS
8 then 2 in six, 6 then 6 in six; five dropouts."""


def _episodes_of(world: World, rows: list[tuple[list[int], list[int], str | None]]) -> None:
    for number, (alliance, pain, reason) in enumerate(rows):
        patient = actions.register_patient(world.owner, name=f"Neck {number}")
        episode = actions.open_episode(
            world.owner,
            patient,
            condition="neck pain",
            body_region="cervical",
            setting="outpatient",
            start_date=START,
        )
        for week, p in enumerate(pain):
            visit = actions.schedule_visit(world.owner, episode, START + dt.timedelta(weeks=week))
            answers: dict[str, dict[str, object]] = {"nprs": {"q1": p}}
            if week < len(alliance):
                answers["checkin"] = {f"q{n}": alliance[week] for n in range(1, 5)}
            actions.record_assessment(visit, answers, by=world.owner)
        if reason:
            actions.discharge_episode(world.owner, episode, end_date=START, reason=reason)


def _episodes(world: World) -> None:
    _episodes_of(world, NECK)


def _cells(page: str, row: str) -> list[str]:
    found = re.search(rf'<th scope="row">{row}</th>(.*?)</tr>', page, re.S)
    assert found is not None
    return re.findall(r'class="num">([^<]+)<', found.group(1))


def _bars(page: str) -> list[str]:
    found = re.search(r'<desc id="hist-desc">([^<]*)</desc>', page)
    assert found is not None
    return found.group(1).split(", ")


@pytest.mark.parametrize("person", ["researcher", "lead"])
def test_it_shows_a_clinic_of_one_patient_without_a_number(world: World, person: str) -> None:
    actions.record_assessment(world.visit, {"checkin": {f"q{n}": 8 for n in range(1, 5)}})
    page = signed_in(getattr(world, person)).get("/clinic/").content.decode()
    assert "Fewer than five episodes of care" in page
    assert "<strong>" not in page
    assert "hist-desc" not in page


@pytest.mark.parametrize("person", ["researcher", "lead"])
def test_it_hides_every_number_resting_on_fewer_than_five(world: World, person: str) -> None:
    _episodes(world)
    page = signed_in(getattr(world, person)).get("/clinic/").content.decode()
    # 6 neck pain episodes and Ada's low back pain episode: 5 in care, 2 discharged, so both
    # hidden (the 2 would follow from 7 - 5)
    assert "<strong>7</strong> · — in care" in page
    # latest check-in totals 8, 6, 9, 7, 5, 10 (Ada has none): six values, median 7.5
    assert "<strong>7.5</strong> / 10" in page
    # reliably improved 2 of 5 (NPRS), one dropout of 2 discharged: hidden
    assert "%" not in page.split('id="hist-title"')[0]
    # one episode in each of the bins 5 to 10: every bin hidden, no bar drawn
    assert _bars(page) == [f"{b}: —" for b in range(11)]
    assert 'height="0"' in page
    assert not re.search(r'height="[1-9]', page)
    # NPRS in five episodes: recovered 0, improved 2, unchanged 2, worse 1, all hidden
    assert _cells(page, "NPRS") == ["5", "—", "—", "—", "—"]
    # neck pain (6) alone would give low back pain's 1 by subtraction: neither is shown
    assert "neck pain" not in page
    assert "No group is large enough to show." in page


@pytest.mark.parametrize("person", ["researcher", "lead"])
def test_it_shows_the_numbers_resting_on_five_or_more_worked_by_hand(
    world: World, person: str
) -> None:
    _episodes_of(world, TWELVE)
    page = signed_in(getattr(world, person)).get("/clinic/").content.decode()
    # 13 episodes: Ada's in care (1), twelve discharged: the 1 is hidden, and so the 12
    assert "<strong>13</strong> · — in care" in page
    # latest check-in totals: five 7s and seven 9s; median of twelve = (9 + 9) / 2
    assert "<strong>9.0</strong> / 10" in page
    # NPRS, SEM 1.02: reliable when |change| > 2.83: 8->2 improved (6), 6->6 unchanged (6)
    assert "<strong>50 %</strong>" in page
    # five dropouts of twelve discharged: 41.7 %
    assert "<strong>42 %</strong>" in page
    assert _bars(page) == [f"{b}: —" for b in range(7)] + ["7: 5", "8: —", "9: 7", "10: —"]
    # recovered 0 and worse 0: hidden (two hidden, so neither follows from the others)
    assert _cells(page, "NPRS") == ["12", "—", "50 %", "50 %", "—"]
    # neck pain (12) beside low back pain (1): both hidden
    assert "No group is large enough to show." in page
    assert "Neck 0" not in page
    assert world.patient.code not in page
    assert "By therapist" not in page


def test_it_hides_small_counts_and_the_next_smallest_beside_a_lone_one() -> None:
    assert shown([7, 0, 1]) == [7, None, None]
    assert shown([6, 1]) == [None, None]
    assert shown([5, 9, 2]) == [None, 9, None]
    assert shown([3]) == [None]
    assert shown([5, 5]) == [5, 5]
    assert proportion(5, 10) == 0.5
    assert proportion(4, 10) is None
    assert proportion(6, 10) is None  # the other 4
    assert proportion(0, 0) is None


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
