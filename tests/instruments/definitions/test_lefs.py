"""LEFS golden cases from Binkley et al. 1999: sum of twenty 0-4 items, 0-80, higher = better."""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_sums_the_twenty_activities() -> None:
    # 4 x 5 + 3 x 5 + 2 x 5 + 1 x 5 = 20 + 15 + 10 + 5 = 50
    row = instruments.score("lefs", answers([4] * 5 + [3] * 5 + [2] * 5 + [1] * 5)).iloc[0]
    assert row["total"] == pytest.approx(50)
    assert row["status"] == "scored"


def test_it_gives_the_range_ends_for_all_unable_and_no_difficulty() -> None:
    scored = instruments.score("lefs", answers([0] * 20, [4] * 20))
    assert scored["total"].tolist() == pytest.approx([0, 80])


def test_it_does_not_score_a_form_with_one_activity_unanswered() -> None:
    row = instruments.score("lefs", answers([3] * 19 + [None])).iloc[0]
    assert row["status"] == "not_scored"
    assert "total: 1 of 20" in row["reason"]


def test_it_rejects_an_answer_off_the_scale_naming_row_and_item() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("lefs", answers([2] * 20, [2] * 9 + [5] + [2] * 10))
    assert "row 2, item q10: '5'" in str(error.value)
    assert "0, 1, 2, 3, 4" in str(error.value)


def test_it_calls_a_change_reliable_only_beyond_1_96_standard_errors() -> None:
    lefs = instruments.load("lefs")
    # SEM 3.2 -> SE of difference = 3.2 x sqrt(2) = 4.525; 1.96 x 4.525 = 8.87 points
    assert instruments.reliable_change(lefs, 40, 48).change is instruments.Change.UNCHANGED
    # higher is better: +9 -> RCI = 9 / 4.525 = 1.99
    assert instruments.reliable_change(lefs, 40, 49).change is instruments.Change.IMPROVED
    assert instruments.reliable_change(lefs, 40, 31).change is instruments.Change.DETERIORATED
