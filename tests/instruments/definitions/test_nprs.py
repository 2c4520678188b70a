"""NPRS golden cases: one 0-10 rating is the score (Childs et al. 2005; Kamper et al. 2010)."""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_scores_the_rating_itself() -> None:
    scored = instruments.score("nprs", answers([6]))
    assert scored.loc[0, "total"] == 6
    assert scored.loc[0, "status"] == "scored"


def test_it_gives_the_range_ends_for_no_pain_and_worst_pain() -> None:
    assert instruments.score("nprs", answers([0], [10]))["total"].tolist() == [0, 10]


def test_it_does_not_score_a_blank_rating() -> None:
    row = instruments.score("nprs", answers([None])).iloc[0]
    assert row["status"] == "not_scored"
    assert "total: 1 of 1" in row["reason"]


@pytest.mark.parametrize("bad", [11, -1, 5.5])
def test_it_rejects_a_rating_off_the_0_to_10_scale(bad: float) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("nprs", answers([3], [bad]))
    assert "row 2, item q1" in str(error.value)


def test_it_rejects_does_not_apply() -> None:
    with pytest.raises(instruments.AnswerError, match="does not apply is not an allowed"):
        instruments.score("nprs", answers(["NA"]))


def test_it_flags_recovery_only_at_zero() -> None:
    # Kamper 2010: NRS 0 best identifies self-rated recovery from low back pain.
    flags = instruments.cutoff_flags(instruments.load("nprs"), "total", [0, 1])
    assert flags["recovered (NRS 0)"].tolist() == [True, False]


def test_it_calls_a_change_reliable_only_beyond_1_96_standard_errors() -> None:
    nprs = instruments.load("nprs")
    # SEM 1.02 -> SE of difference = 1.02 x sqrt(2) = 1.4425; 1.96 x 1.4425 = 2.83 points
    assert instruments.reliable_change(nprs, 7, 5).change is instruments.Change.UNCHANGED
    # 7 -> 4: RCI = -3 / 1.4425 = -2.08; lower pain is better
    assert instruments.reliable_change(nprs, 7, 4).change is instruments.Change.IMPROVED
    assert instruments.reliable_change(nprs, 3, 6).change is instruments.Change.DETERIORATED
