"""Attendance golden cases: the project's own record, total = 100 x attended / scheduled.

q1 = visits attended, q2 = visits scheduled, each a whole number 0-200. Both are needed;
a row with more visits attended than scheduled is rejected.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_gives_attended_visits_as_a_percentage_of_scheduled_visits() -> None:
    # 9 of 12 -> 9 / 12 x 100 = 75 %; 2 of 3 -> 66.666... %
    scored = instruments.score("attendance", answers([9, 12], [2, 3]))
    assert scored["total"].tolist() == pytest.approx([75.0, 200 / 3])
    assert scored["status"].tolist() == ["scored", "scored"]


def test_it_gives_the_range_ends_for_no_and_for_full_attendance() -> None:
    # 0 / 10 = 0 %; 12 / 12 = 100 %; 200 / 200 = 100 %
    scored = instruments.score("attendance", answers([0, 10], [12, 12], [200, 200]))
    assert scored["total"].tolist() == [0, 100, 100]


def test_it_rejects_more_visits_attended_than_scheduled() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("attendance", answers([5, 6], [13, 12]))
    assert "row 2" in str(error.value)
    assert "more visits attended (q1) than scheduled (q2)" in str(error.value)


@pytest.mark.parametrize("row", [[None, 12], [9, None]])
def test_it_does_not_score_a_row_missing_either_count(row: list[int | None]) -> None:
    scored = instruments.score("attendance", answers(row))
    assert scored.loc[0, "status"] == "not_scored"
    assert "total: 1 of 2 answers missing" in scored.loc[0, "reason"]


def test_it_does_not_score_a_period_with_no_visits_scheduled() -> None:
    # 0 / 0 has no percentage
    scored = instruments.score("attendance", answers([0, 0]))
    assert scored.loc[0, "status"] == "not_scored"


@pytest.mark.parametrize("bad", [-1, 201, 2.5])
def test_it_rejects_a_count_that_is_not_a_whole_number_from_0_to_200(bad: float) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("attendance", answers([bad, 10]))
    assert "row 1, item q1" in str(error.value)
    assert "0 to 200" in str(error.value)


def test_it_is_the_projects_own_unvalidated_record_with_its_own_item_text() -> None:
    attendance = instruments.load("attendance")
    assert attendance.validated is False
    assert attendance.licence.status == "project"
    assert all(item.text for item in attendance.items)
