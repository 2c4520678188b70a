"""TSK-17 golden cases, worked by hand from the published rule.

Seventeen items scored 1-4; items 4, 8, 12 and 16 are reversed (5 - answer); the sum runs
17-68, higher = more kinesiophobia; > 37 = high kinesiophobia (Vlaeyen 1995); SEM 3.16
(Woby 2005). No published missing-data rule, so every item must be answered.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers

REVERSED = {4, 8, 12, 16}


def test_it_reverses_items_4_8_12_16_before_summing() -> None:
    # answers q1..q17 = 3,2,3,1,4,2,3,2,1,2,3,4,2,3,4,1,2
    # straight items: 3+2+3+4+2+3+1+2+3+2+3+4+2 = 34
    # reversed: q4 1->4, q8 2->3, q12 4->1, q16 1->4 = 12; total = 46
    given = [3, 2, 3, 1, 4, 2, 3, 2, 1, 2, 3, 4, 2, 3, 4, 1, 2]
    scored = instruments.score("tsk_17", answers(given))
    assert scored.loc[0, "total"] == 46
    assert scored.loc[0, "status"] == "scored"


def test_it_gives_the_range_ends_when_reversed_items_are_answered_the_other_way() -> None:
    # lowest: 13 straight items at 1 + 4 reversed items answered 4 (-> 1) = 17
    # highest: 13 straight items at 4 + 4 reversed items answered 1 (-> 4) = 68
    lowest = [4 if n in REVERSED else 1 for n in range(1, 18)]
    highest = [1 if n in REVERSED else 4 for n in range(1, 18)]
    scored = instruments.score("tsk_17", answers(lowest, highest))
    assert scored["total"].tolist() == [17, 68]


def test_it_scores_all_ones_and_all_fours_inside_the_range() -> None:
    # all 1: 13 x 1 + 4 x (5-1) = 13 + 16 = 29; all 4: 13 x 4 + 4 x (5-4) = 52 + 4 = 56
    scored = instruments.score("tsk_17", answers([1] * 17, [4] * 17))
    assert scored["total"].tolist() == [29, 56]


def test_it_does_not_score_a_form_with_one_blank_answer() -> None:
    scored = instruments.score("tsk_17", answers([2] * 16 + [None]))
    assert scored.loc[0, "status"] == "not_scored"
    assert "total: 1 of 17 answers missing" in scored.loc[0, "reason"]


def test_it_rejects_an_answer_off_the_scale_naming_row_and_item() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("tsk_17", answers([0] + [2] * 16))
    assert "row 1, item q1: '0'" in str(error.value)
    assert "1, 2, 3, 4" in str(error.value)


@pytest.mark.parametrize(("total", "high"), [(37, False), (38, True)])
def test_it_calls_kinesiophobia_high_only_above_37(total: int, high: bool) -> None:
    flags = instruments.cutoff_flags(instruments.load("tsk_17"), "total", [total])
    assert bool(flags.loc[0, "high kinesiophobia"]) is high


def test_it_calls_a_change_reliable_only_beyond_1_96_standard_errors() -> None:
    tsk = instruments.load("tsk_17")
    # SEM 3.16 -> SE of difference = 3.16 x sqrt(2) = 4.469; 1.96 x 4.469 = 8.76 points
    # 40 -> 32: RCI = -8 / 4.469 = -1.79 (unchanged); 40 -> 31: -9 / 4.469 = -2.01
    # lower is better, so a 9-point fall is improvement and a 9-point rise deterioration
    assert instruments.reliable_change(tsk, 40, 32).change is instruments.Change.UNCHANGED
    assert instruments.reliable_change(tsk, 40, 31).change is instruments.Change.IMPROVED
    assert instruments.reliable_change(tsk, 30, 39).change is instruments.Change.DETERIORATED
    assert instruments.reliable_change(tsk, 40, 31).rci == pytest.approx(-9 / (3.16 * 2**0.5))
