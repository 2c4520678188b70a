"""TSK-11 (Woby et al. 2005) golden cases, worked by hand from the published rule.

Items q1..q11 are TSK-17 items 1, 2, 3, 5, 6, 7, 10, 11, 13, 15, 17, each scored 1-4 and
summed (11-44); none is reversed (all four reversed TSK-17 items were dropped); higher =
more kinesiophobia; SEM 2.54. No published missing-data rule, so every item must be answered.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_sums_the_eleven_answers_without_reversing_any() -> None:
    # 1+2+3+4 + 1+2+3+4 + 1+2+3 = 10 + 10 + 6 = 26
    scored = instruments.score("tsk_11", answers([1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3]))
    assert scored.loc[0, "total"] == 26
    assert scored.loc[0, "status"] == "scored"


def test_it_gives_the_range_ends_for_all_lowest_and_all_highest() -> None:
    # 11 x 1 = 11; 11 x 4 = 44 (only possible because no item is reversed)
    scored = instruments.score("tsk_11", answers([1] * 11, [4] * 11))
    assert scored["total"].tolist() == [11, 44]


def test_it_names_the_original_tsk_17_item_in_each_label() -> None:
    originals = [1, 2, 3, 5, 6, 7, 10, 11, 13, 15, 17]
    labels = [item.label for item in instruments.load("tsk_11").items]
    assert labels == [f"Fear of movement (TSK-17 item {n})" for n in originals]


def test_it_does_not_score_a_form_with_one_blank_answer() -> None:
    scored = instruments.score("tsk_11", answers([None] + [2] * 10))
    assert scored.loc[0, "status"] == "not_scored"
    assert "total: 1 of 11 answers missing" in scored.loc[0, "reason"]


def test_it_rejects_an_answer_off_the_scale_naming_row_and_item() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("tsk_11", answers([2] * 11, [2] * 10 + [5]))
    assert "row 2, item q11: '5'" in str(error.value)


def test_it_calls_a_change_reliable_only_beyond_1_96_standard_errors() -> None:
    tsk = instruments.load("tsk_11")
    # SEM 2.54 -> SE of difference = 2.54 x sqrt(2) = 3.592; 1.96 x 3.592 = 7.04 points
    # 30 -> 23: RCI = -7 / 3.592 = -1.95 (unchanged); 30 -> 22: -8 / 3.592 = -2.23 (improved)
    assert instruments.reliable_change(tsk, 30, 23).change is instruments.Change.UNCHANGED
    assert instruments.reliable_change(tsk, 30, 22).change is instruments.Change.IMPROVED
    assert instruments.reliable_change(tsk, 20, 28).change is instruments.Change.DETERIORATED
