"""PCS golden cases, worked by hand from Sullivan, Bishop & Pivik's (1995) scoring rule.

Thirteen items scored 0-4; rumination = items 8-11 (0-16), magnification = 6, 7, 13 (0-12),
helplessness = 1-5 and 12 (0-24), total = all thirteen (0-52). Higher = more catastrophizing.
Cut-offs: total >= 30, helplessness >= 13, magnification >= 5. No published missing-data
rule, so every item of a scale must be answered.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_sums_each_subscale_from_its_own_items() -> None:
    # q1..q13 = 0,1,2,3,4,4,3,2,1,0,1,2,3
    # helplessness = q1+q2+q3+q4+q5+q12 = 0+1+2+3+4+2 = 12
    # magnification = q6+q7+q13 = 4+3+3 = 10; rumination = q8+q9+q10+q11 = 2+1+0+1 = 4
    # total = 12 + 10 + 4 = 26
    scored = instruments.score("pcs", answers([0, 1, 2, 3, 4, 4, 3, 2, 1, 0, 1, 2, 3]))
    row = scored.iloc[0]
    assert (row["helplessness"], row["magnification"], row["rumination"]) == (12, 10, 4)
    assert row["total"] == 26
    assert row["status"] == "scored"


def test_it_gives_the_range_ends_for_all_lowest_and_all_highest() -> None:
    scored = instruments.score("pcs", answers([0] * 13, [4] * 13))
    assert scored["total"].tolist() == [0, 52]
    assert scored["rumination"].tolist() == [0, 16]
    assert scored["magnification"].tolist() == [0, 12]
    assert scored["helplessness"].tolist() == [0, 24]


def test_it_does_not_score_a_form_with_one_blank_answer_but_keeps_complete_subscales() -> None:
    # q9 blank: total and rumination lack one answer; helplessness (6 x 2 = 12) and
    # magnification (3 x 2 = 6) are complete and still reported
    scored = instruments.score("pcs", answers([2] * 8 + [None] + [2] * 4))
    row = scored.iloc[0]
    assert row["status"] == "not_scored"
    assert "total: 1 of 13" in row["reason"]
    assert "rumination: 1 of 4" in row["reason"]
    assert (row["helplessness"], row["magnification"]) == (12, 6)


def test_it_rejects_an_answer_off_the_scale_naming_row_and_item() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("pcs", answers([2] * 12 + [5]))
    assert "row 1, item q13: '5'" in str(error.value)
    assert "0, 1, 2, 3, 4" in str(error.value)


@pytest.mark.parametrize(
    ("scale", "label", "below", "at"),
    [
        ("total", "clinically relevant catastrophizing", 29, 30),
        ("helplessness", "clinically relevant helplessness", 12, 13),
        ("magnification", "clinically relevant magnification", 4, 5),
    ],
)
def test_it_flags_each_cut_off_from_its_value_upwards(
    scale: str, label: str, below: int, at: int
) -> None:
    flags = instruments.cutoff_flags(instruments.load("pcs"), scale, [below, at])
    assert flags[label].tolist() == [False, True]


def test_it_stores_no_rumination_cut_off_because_none_is_confirmed() -> None:
    assert instruments.load("pcs").scale("rumination").interpretation.cutoffs == []
