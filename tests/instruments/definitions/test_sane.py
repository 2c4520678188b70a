"""SANE golden cases: one 0-100 % of normal rating, in whole percent, is the score."""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_scores_the_percentage_itself() -> None:
    scored = instruments.score("sane", answers([85]))
    assert scored.loc[0, "total"] == 85
    assert scored.loc[0, "status"] == "scored"


def test_it_gives_the_range_ends() -> None:
    assert instruments.score("sane", answers([0], [100]))["total"].tolist() == [0, 100]


def test_it_does_not_score_a_blank_rating() -> None:
    row = instruments.score("sane", answers([None])).iloc[0]
    assert row["status"] == "not_scored"
    assert "total: 1 of 1" in row["reason"]


@pytest.mark.parametrize("bad", [101, -5, 92.5])
def test_it_rejects_a_value_off_the_scale_or_between_whole_percents(bad: float) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("sane", answers([bad]))
    assert "row 1, item q1" in str(error.value)


def test_it_flags_scores_below_92_5() -> None:
    # Rhon et al.: SANE < 92.5 predicted later injury in a military return-to-duty cohort
    flags = instruments.cutoff_flags(instruments.load("sane"), "total", [92, 93])
    assert flags.iloc[:, 0].tolist() == [True, False]


def test_it_calls_a_change_reliable_only_beyond_1_96_standard_errors() -> None:
    sane = instruments.load("sane")
    # SEM 7.82 -> SE of difference = 7.82 x sqrt(2) = 11.059; 1.96 x 11.059 = 21.68 points
    assert instruments.reliable_change(sane, 50, 71).change is instruments.Change.UNCHANGED
    assert instruments.reliable_change(sane, 50, 72).change is instruments.Change.IMPROVED
    assert instruments.reliable_change(sane, 80, 58).change is instruments.Change.DETERIORATED
