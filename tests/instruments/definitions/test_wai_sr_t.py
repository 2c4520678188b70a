"""WAI-SR therapist form golden cases, worked by hand from the rule this definition encodes.

Assumed to mirror the client WAI-SR (unverified for the therapist form): answers 1-5, no
reversed items; task = items 1, 2, 10, 12; bond = 3, 5, 7, 9; goal = 4, 6, 8, 11; each a sum
(4-20); total = sum of all twelve (12-60). No missing answers are allowed.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_sums_each_subscale_from_its_own_items() -> None:
    # q1..q12 = 5,4,3,2,1,5,4,3,2,1,5,4
    # task = q1+q2+q10+q12 = 5+4+1+4 = 14; bond = q3+q5+q7+q9 = 3+1+4+2 = 10
    # goal = q4+q6+q8+q11 = 2+5+3+5 = 15; total = 14+10+15 = 39
    scored = instruments.score("wai_sr_t", answers([5, 4, 3, 2, 1, 5, 4, 3, 2, 1, 5, 4]))
    row = scored.iloc[0]
    assert (row["task"], row["bond"], row["goal"], row["total"]) == (14, 10, 15, 39)
    assert row["status"] == "scored"


def test_it_gives_the_range_ends_for_all_lowest_and_all_highest() -> None:
    # no item is reversed, so all 1 -> 12 and all 5 -> 60
    scored = instruments.score("wai_sr_t", answers([1] * 12, [5] * 12))
    assert scored["total"].tolist() == [12, 60]
    assert scored["goal"].tolist() == [4, 20]


def test_it_does_not_score_a_form_with_one_answer_missing() -> None:
    scored = instruments.score("wai_sr_t", answers([None] + [3] * 11))
    row = scored.iloc[0]
    assert row["status"] == "not_scored"
    assert "total: 1 of 12 answers missing or not applicable, at most 0 allowed" in row["reason"]
    assert "task: 1 of 4" in row["reason"]
    assert row["goal"] == 12  # 3+3+3+3, still reported


def test_it_rejects_an_answer_off_the_five_point_scale() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("wai_sr_t", answers([3] * 12, [3] * 8 + [6] + [3] * 3))
    assert "row 2, item q9: '6'" in str(error.value)
    assert "1, 2, 3, 4, 5" in str(error.value)


def test_it_rejects_does_not_apply() -> None:
    with pytest.raises(instruments.AnswerError, match="does not apply is not an allowed"):
        instruments.score("wai_sr_t", answers(["NA"] + [3] * 11))


def test_it_is_the_therapists_rating() -> None:
    assert instruments.load("wai_sr_t").respondent.value == "therapist"
