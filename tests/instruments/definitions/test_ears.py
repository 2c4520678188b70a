"""EARS golden cases, worked by hand from Newman-Beinart et al.'s (2017) scored section.

Six items scored 0-4 and summed (0-24); higher = better adherence. The reverse-keyed items
are unknown, so none is reversed: answers must arrive already keyed (4 = most adherent).
No published missing-data rule, so every item must be answered.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_sums_the_six_answers() -> None:
    # 4+3+2+1+0+4 = 14
    scored = instruments.score("ears", answers([4, 3, 2, 1, 0, 4]))
    assert scored.loc[0, "total"] == 14
    assert scored.loc[0, "status"] == "scored"


def test_it_gives_the_range_ends_and_reverses_nothing() -> None:
    # 6 x 0 = 0 and 6 x 4 = 24: only possible while no item is reversed
    scored = instruments.score("ears", answers([0] * 6, [4] * 6))
    assert scored["total"].tolist() == [0, 24]
    assert not any(item.reverse for item in instruments.load("ears").items)


def test_it_marks_the_sum_unverified_while_the_reverse_key_is_unknown() -> None:
    ears = instruments.load("ears")
    assert ears.scale("total").provenance.verified is False
    assert "Reverse-keyed items unknown" in ears.scale("total").provenance.note


def test_it_does_not_score_a_form_with_one_blank_answer() -> None:
    scored = instruments.score("ears", answers([2, 2, None, 2, 2, 2]))
    assert scored.loc[0, "status"] == "not_scored"
    assert "total: 1 of 6 answers missing" in scored.loc[0, "reason"]


def test_it_rejects_an_answer_off_the_scale_naming_row_and_item() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("ears", answers([2] * 5 + [5]))
    assert "row 1, item q6: '5'" in str(error.value)


def test_it_refuses_a_reliable_change_index_without_an_sd_or_sem() -> None:
    with pytest.raises(instruments.InterpretationError):
        instruments.reliable_change(instruments.load("ears"), 10, 20)
