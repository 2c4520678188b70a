"""CARE measure golden cases, worked by hand from Mercer's scoring rule.

Ten items, poor (1) to excellent (5), or "does not apply" (NA). Total = sum, 10-50. Up to two
answers that are NA or blank are replaced by the mean of the answered items (so the total is
that mean x 10); with more than two the form is not scored.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_sums_a_complete_form() -> None:
    # 5+4+4+3+5+4+4+5+3+4 = 41
    scored = instruments.score("care", answers([5, 4, 4, 3, 5, 4, 4, 5, 3, 4]))
    assert scored.loc[0, "total"] == 41
    assert scored.loc[0, "status"] == "scored"


def test_it_gives_the_range_ends_for_all_poor_and_all_excellent() -> None:
    scored = instruments.score("care", answers([1] * 10, [5] * 10))
    assert scored["total"].tolist() == [10, 50]


def test_it_replaces_two_does_not_apply_answers_by_the_mean_of_the_rest() -> None:
    # q3 and q7 NA; answered 5+4+3+5+4+5+3+4 = 33 over 8 -> mean 4.125
    # each NA becomes 4.125: 33 + 2 x 4.125 = 41.25
    scored = instruments.score("care", answers([5, 4, "NA", 3, 5, 4, "NA", 5, 3, 4]))
    assert scored.loc[0, "total"] == pytest.approx(41.25)
    assert scored.loc[0, "status"] == "scored"


def test_it_treats_a_blank_like_does_not_apply_within_the_limit_of_two() -> None:
    # q3 blank, q7 NA; answered 3+4+4+5+4+4+3+4 = 31 over 8 -> 31 + 2 x 3.875 = 38.75
    scored = instruments.score("care", answers([3, 4, None, 4, 5, 4, "NA", 4, 3, 4]))
    assert scored.loc[0, "total"] == pytest.approx(38.75)
    assert scored.loc[0, "status"] == "scored"


def test_it_replaces_two_blanks_by_the_mean_of_the_rest() -> None:
    # q1 and q6 blank; answered 2+3+3+2+3+2+3+2 = 20 over 8 -> 20 + 2 x 2.5 = 25
    scored = instruments.score("care", answers([None, 2, 3, 3, 2, None, 3, 2, 3, 2]))
    assert scored.loc[0, "total"] == pytest.approx(25.0)


def test_it_keeps_prorated_totals_inside_the_range() -> None:
    # two NA, the rest all 1 (mean 1) or all 5 (mean 5): 10 and 50
    scored = instruments.score("care", answers(["NA", "NA"] + [1] * 8, [5] * 8 + ["NA", None]))
    assert scored["total"].tolist() == pytest.approx([10.0, 50.0])


@pytest.mark.parametrize(
    "row",
    [
        [5, "NA", 4, "NA", 4, None, 4, 5, 3, 4],  # 2 NA + 1 blank
        ["NA", "NA", "NA", 4, 4, 4, 4, 5, 3, 4],  # 3 NA
        [None, None, None, 4, 4, 4, 4, 5, 3, 4],  # 3 blank
    ],
)
def test_it_does_not_score_three_answers_that_are_missing_or_do_not_apply(
    row: list[object],
) -> None:
    scored = instruments.score("care", answers(row))
    assert scored.loc[0, "status"] == "not_scored"
    assert scored.loc[0, "reason"] == (
        "total: 3 of 10 answers missing or not applicable, at most 2 allowed"
    )


@pytest.mark.parametrize("value", [0, 6, 4.5])
def test_it_rejects_an_answer_off_the_five_point_scale(value: float) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("care", answers([4] * 10, [4] * 4 + [value] + [4] * 5))
    assert "row 2, item q5" in str(error.value)
    assert "1, 2, 3, 4, 5, blank (missing) or NA (does not apply)" in str(error.value)


def test_it_has_no_reliable_change_without_a_published_sd() -> None:
    # only Cronbach's alpha (0.94) is known; the RCI also needs an SD or an SEM
    with pytest.raises(instruments.InterpretationError):
        instruments.reliable_change(instruments.load("care"), 30, 45)
