"""WAI-SR golden cases, worked by hand from Hatcher & Gillaspy's scoring rule.

Subscales: task = items 1, 2, 10, 12; bond = 3, 5, 7, 9; goal = 4, 6, 8, 11; each a sum of
1-5 answers (4-20); total = sum of all twelve (12-60). No items are reversed.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_sums_each_subscale_from_its_own_items() -> None:
    # q1..q12 = 1,2,3,4,5,1,2,3,4,5,1,2
    # task = q1+q2+q10+q12 = 1+2+5+2 = 10; bond = q3+q5+q7+q9 = 3+5+2+4 = 14
    # goal = q4+q6+q8+q11 = 4+1+3+1 = 9; total = 33
    scored = instruments.score("wai_sr", answers([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2]))
    row = scored.iloc[0]
    assert (row["task"], row["bond"], row["goal"], row["total"]) == (10, 14, 9, 33)
    assert row["status"] == "scored"


def test_it_gives_the_range_ends_for_all_lowest_and_all_highest() -> None:
    scored = instruments.score("wai_sr", answers([1] * 12, [5] * 12))
    assert scored["total"].tolist() == [12, 60]
    assert scored["bond"].tolist() == [4, 20]


def test_it_does_not_score_an_incomplete_form() -> None:
    scored = instruments.score("wai_sr", answers([3] * 11 + [None]))
    row = scored.iloc[0]
    assert row["status"] == "not_scored"
    assert "total: 1 of 12" in row["reason"]
    assert "task: 1 of 4" in row["reason"]
    assert row["bond"] == 12  # the complete subscales are still reported


def test_it_rejects_an_answer_off_the_scale_naming_row_and_item() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("wai_sr", answers([3] * 12, [3] * 5 + [7] + [3] * 6))
    assert "row 2, item q6: '7'" in str(error.value)
    assert "1, 2, 3, 4, 5" in str(error.value)


@pytest.mark.parametrize(("total", "band"), [(35, "weak"), (36, "moderate"), (48, "strong")])
def test_it_labels_the_vendor_bands_at_their_edges(total: int, band: str) -> None:
    assert instruments.band(instruments.load("wai_sr"), "total", [total])[0] == band
