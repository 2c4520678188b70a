"""WATOCI golden cases, worked by hand from the rule this definition encodes.

The 17-item published form. Assumed (unverified): answers 1-7, no reversed items, total = sum
of the 17 items (17-119). No missing answers are allowed.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_sums_the_seventeen_items() -> None:
    # 7,6,5,4,3,2,1 + 7,6,5,4,3,2,1 + 7,6,5 = 28 + 28 + 18 = 74
    row = [7, 6, 5, 4, 3, 2, 1] * 2 + [7, 6, 5]
    scored = instruments.score("watoci", answers(row))
    assert scored.loc[0, "total"] == 74
    assert scored.loc[0, "status"] == "scored"


def test_it_gives_the_range_ends_for_all_lowest_and_all_highest() -> None:
    # 17 x 1 = 17; 17 x 7 = 119
    scored = instruments.score("watoci", answers([1] * 17, [7] * 17))
    assert scored["total"].tolist() == [17, 119]


def test_it_does_not_score_a_form_with_one_answer_missing() -> None:
    scored = instruments.score("watoci", answers([5] * 16 + [None]))
    assert scored.loc[0, "status"] == "not_scored"
    assert scored.loc[0, "reason"] == (
        "total: 1 of 17 answers missing or not applicable, at most 0 allowed"
    )


def test_it_refuses_a_table_from_the_16_item_physiotherapy_version() -> None:
    # Hall et al. 2012 analysed 16 items; which item they left out is unknown, so q17 is absent
    with pytest.raises(instruments.AnswerError, match="item q17: column is absent"):
        instruments.score("watoci", answers([5] * 16))


@pytest.mark.parametrize("value", [0, 8])
def test_it_rejects_an_answer_off_the_seven_point_scale(value: int) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("watoci", answers([4] * 3 + [value] + [4] * 13))
    assert f"row 1, item q4: '{value}'" in str(error.value)
