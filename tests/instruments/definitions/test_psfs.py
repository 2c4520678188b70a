"""PSFS golden cases from the authors' rule: the mean of the activities rated (0-10).

A blank slot is an activity the patient did not name; one rated activity is enough.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_averages_the_three_activities_named() -> None:
    # (7 + 4 + 5) / 3 = 16 / 3 = 5.333
    row = instruments.score("psfs", answers([7, 4, 5, None, None])).iloc[0]
    assert row["total"] == pytest.approx(16 / 3)
    assert row["status"] == "scored"


def test_it_averages_all_five_when_five_are_named() -> None:
    # (2 + 4 + 6 + 8 + 10) / 5 = 6
    assert instruments.score("psfs", answers([2, 4, 6, 8, 10])).loc[0, "total"] == pytest.approx(6)


def test_it_scores_a_single_rated_activity_as_itself() -> None:
    row = instruments.score("psfs", answers([3, None, None, None, None])).iloc[0]
    assert row["total"] == pytest.approx(3)
    assert row["status"] == "scored"


def test_it_does_not_score_a_form_with_no_activity_rated() -> None:
    row = instruments.score("psfs", answers([None] * 5)).iloc[0]
    assert row["status"] == "not_scored"
    assert "total: 5 of 5" in row["reason"]
    assert "at most 4 allowed" in row["reason"]


def test_it_gives_the_range_ends() -> None:
    scored = instruments.score("psfs", answers([0, 0, 0, None, None], [10, 10, None, None, None]))
    assert scored["total"].tolist() == pytest.approx([0, 10])


@pytest.mark.parametrize("bad", [11, -1, 7.5])
def test_it_rejects_a_rating_off_the_0_to_10_scale(bad: float) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("psfs", answers([5, bad, None, None, None]))
    assert "row 1, item q2" in str(error.value)


def test_it_has_no_reliable_change_without_a_published_error() -> None:
    with pytest.raises(instruments.InterpretationError):
        instruments.reliable_change(instruments.load("psfs"), 3, 7)
