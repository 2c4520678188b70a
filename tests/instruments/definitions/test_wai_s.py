"""WAI-S (client) golden cases, worked by hand from the rule this definition encodes.

Answers 1-7. Items 4 and 10 are reverse-scored (8 - answer); that key is unverified.
Assumed map (unverified, taken from the WAI-SR): task = 1, 2, 10, 12; bond = 3, 5, 7, 9;
goal = 4, 6, 8, 11; each a sum of four items (4-28); total = sum of all twelve (12-84).
No missing answers are allowed.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_reverses_items_4_and_10_before_summing() -> None:
    # q1..q12 = 6,5,7,2,6,5,7,6,7,3,5,6; reversed q4 = 8-2 = 6, q10 = 8-3 = 5
    # task = q1+q2+q10r+q12 = 6+5+5+6 = 22; bond = q3+q5+q7+q9 = 7+6+7+7 = 27
    # goal = q4r+q6+q8+q11 = 6+5+6+5 = 22; total = 22+27+22 = 71
    scored = instruments.score("wai_s", answers([6, 5, 7, 2, 6, 5, 7, 6, 7, 3, 5, 6]))
    row = scored.iloc[0]
    assert (row["task"], row["bond"], row["goal"], row["total"]) == (22, 27, 22, 71)
    assert row["status"] == "scored"


def test_it_scores_all_ones_as_24_because_two_items_are_reversed() -> None:
    # ten items at 1 plus q4 and q10 reversed to 8-1 = 7: 10 + 14 = 24
    scored = instruments.score("wai_s", answers([1] * 12))
    assert scored.loc[0, "total"] == 24
    assert scored.loc[0, "goal"] == 10  # q4r 7 + q6 1 + q8 1 + q11 1


def test_it_gives_the_range_ends_for_the_weakest_and_strongest_alliance() -> None:
    weakest = [1, 1, 1, 7, 1, 1, 1, 1, 1, 7, 1, 1]  # reversed items answered 7 -> 1
    strongest = [7, 7, 7, 1, 7, 7, 7, 7, 7, 1, 7, 7]  # reversed items answered 1 -> 7
    scored = instruments.score("wai_s", answers(weakest, strongest))
    assert scored["total"].tolist() == [12, 84]
    assert scored["task"].tolist() == [4, 28]
    assert scored["bond"].tolist() == [4, 28]
    assert scored["goal"].tolist() == [4, 28]


def test_it_does_not_score_a_form_with_one_answer_missing() -> None:
    # q10 blank: total and task lack one answer each; goal and bond are complete
    scored = instruments.score("wai_s", answers([4] * 9 + [None] + [4] * 2))
    row = scored.iloc[0]
    assert row["status"] == "not_scored"
    assert "total: 1 of 12 answers missing or not applicable, at most 0 allowed" in row["reason"]
    assert "task: 1 of 4" in row["reason"]
    assert row["bond"] == 16  # 4+4+4+4, still reported


def test_it_rejects_does_not_apply_because_the_form_has_no_such_option() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("wai_s", answers([4] * 11 + ["NA"]))
    assert "row 1, item q12" in str(error.value)
    assert "does not apply is not an allowed answer here" in str(error.value)


@pytest.mark.parametrize("value", [0, 8, 3.5])
def test_it_rejects_an_answer_off_the_seven_point_scale(value: float) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("wai_s", answers([4] * 12, [4] * 6 + [value] + [4] * 5))
    assert "row 2, item q7" in str(error.value)
    assert "1, 2, 3, 4, 5, 6, 7" in str(error.value)


def test_it_marks_the_definition_as_resting_on_unverified_scoring_facts() -> None:
    assert instruments.load("wai_s").verified is False
