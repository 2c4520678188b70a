"""PSEQ golden cases, worked by hand from Nicholas's (2007) scoring rule.

Ten items scored 0-6 and summed (0-60); no item is reversed; higher = stronger
self-efficacy. Severity bands (secondary source): 0-19 severe, 20-30 moderate, 31-40 mild,
41-60 minimal. No published missing-data rule, so every item must be answered.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_sums_the_ten_answers() -> None:
    # 6+5+4+3+2+1+0+6+5+4 = 21 + 15 = 36
    scored = instruments.score("pseq", answers([6, 5, 4, 3, 2, 1, 0, 6, 5, 4]))
    assert scored.loc[0, "total"] == 36
    assert scored.loc[0, "status"] == "scored"


def test_it_gives_the_range_ends_for_all_lowest_and_all_highest() -> None:
    scored = instruments.score("pseq", answers([0] * 10, [6] * 10))
    assert scored["total"].tolist() == [0, 60]


def test_it_does_not_score_a_form_with_one_blank_answer() -> None:
    scored = instruments.score("pseq", answers([3] * 9 + [None]))
    assert scored.loc[0, "status"] == "not_scored"
    assert "total: 1 of 10 answers missing" in scored.loc[0, "reason"]


def test_it_rejects_an_answer_off_the_scale_naming_row_and_item() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("pseq", answers([3] * 10, [3, 7] + [3] * 8))
    assert "row 2, item q2: '7'" in str(error.value)
    assert "0, 1, 2, 3, 4, 5, 6" in str(error.value)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "severe"),
        (19, "severe"),
        (20, "moderate"),
        (30, "moderate"),
        (31, "mild"),
        (40, "mild"),
        (41, "minimal"),
        (60, "minimal"),
    ],
)
def test_it_places_scores_in_the_severity_bands_at_their_edges(total: int, band: str) -> None:
    assert instruments.band(instruments.load("pseq"), "total", [total])[0] == band


def test_it_refuses_a_reliable_change_index_without_an_sd_or_sem() -> None:
    with pytest.raises(instruments.InterpretationError):
        instruments.reliable_change(instruments.load("pseq"), 20, 40)
