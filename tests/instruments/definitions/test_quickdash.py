"""QuickDASH golden cases from Gummesson et al. 2006 and IWH's scoring rules.

Score = (mean of the answered items - 1) x 25 over q1-q11, with at most one item missing.
Work (q12-q15) and sports/performing arts (q16-q19) modules use the same formula, need all
four items, and are optional: a blank module never stops the main score.
"""

import math

import pytest

from alliance import instruments
from tests.instruments.conftest import answers

NO_MODULES = [None] * 8


def test_it_rescales_the_item_mean_to_0_100() -> None:
    # 1+2+3+4+5+1+2+3+4+5+3 = 33 over 11 -> mean 3 -> (3 - 1) x 25 = 50
    row = instruments.score("quickdash", answers([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 3, *NO_MODULES]))
    assert row.loc[0, "total"] == pytest.approx(50)
    assert row.loc[0, "status"] == "scored"


def test_it_gives_the_range_ends_for_all_lowest_and_all_highest() -> None:
    scored = instruments.score("quickdash", answers([1] * 19, [5] * 19))
    assert scored["total"].tolist() == pytest.approx([0, 100])
    assert scored["work"].tolist() == pytest.approx([0, 100])
    assert scored["sports"].tolist() == pytest.approx([0, 100])


def test_it_scores_from_the_ten_answered_items_when_one_is_missing() -> None:
    # q11 blank: 2+2+3+3+2+2+3+3+2+2 = 24 over 10 -> mean 2.4 -> 1.4 x 25 = 35
    row = instruments.score(
        "quickdash", answers([2, 2, 3, 3, 2, 2, 3, 3, 2, 2, None, *NO_MODULES])
    ).iloc[0]
    assert row["total"] == pytest.approx(35)
    assert row["status"] == "scored"


def test_it_does_not_score_two_missing_items() -> None:
    row = instruments.score(
        "quickdash", answers([2, None, 3, 3, 2, 2, 3, 3, 2, 2, None, *NO_MODULES])
    ).iloc[0]
    assert row["status"] == "not_scored"
    assert "total: 2 of 11" in row["reason"]
    assert "work" not in row["reason"]


def test_it_scores_each_complete_module_separately() -> None:
    # work 2+3+3+4 = 12 -> mean 3 -> 50; sports 1+1+2+2 = 6 -> mean 1.5 -> 12.5
    row = instruments.score("quickdash", answers([1] * 11 + [2, 3, 3, 4] + [1, 1, 2, 2])).iloc[0]
    assert row["total"] == pytest.approx(0)
    assert row["work"] == pytest.approx(50)
    assert row["sports"] == pytest.approx(12.5)


def test_it_leaves_a_module_with_one_blank_item_unscored_but_keeps_the_main_score() -> None:
    row = instruments.score("quickdash", answers([3] * 11 + [2, 3, None, 4] + [None] * 4)).iloc[0]
    assert row["total"] == pytest.approx(50)
    assert math.isnan(row["work"])  # all four module items are required
    assert math.isnan(row["sports"])
    assert row["status"] == "scored"
    assert row["reason"] == ""


def test_it_rejects_an_answer_off_the_scale_naming_row_and_item() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("quickdash", answers([3] * 11 + NO_MODULES, [0] + [3] * 10 + NO_MODULES))
    assert "row 2, item q1: '0'" in str(error.value)
    assert "1, 2, 3, 4, 5" in str(error.value)


def test_it_has_no_reliable_change_without_a_published_error() -> None:
    with pytest.raises(instruments.InterpretationError):
        instruments.reliable_change(instruments.load("quickdash"), 50, 30)
