"""GROC golden cases: one rating from -7 (very much worse) to +7 (very much better) is the score."""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_scores_the_rating_itself_including_negative_ones() -> None:
    scored = instruments.score("groc", answers([3], [0], [-2]))
    assert scored["total"].tolist() == [3, 0, -2]
    assert set(scored["status"]) == {"scored"}


def test_it_gives_the_range_ends() -> None:
    assert instruments.score("groc", answers([-7], [7]))["total"].tolist() == [-7, 7]


def test_it_does_not_score_a_blank_rating() -> None:
    row = instruments.score("groc", answers([None])).iloc[0]
    assert row["status"] == "not_scored"
    assert "total: 1 of 1" in row["reason"]


@pytest.mark.parametrize("bad", [8, -8, 1.5])
def test_it_rejects_a_rating_off_the_15_point_scale(bad: float) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("groc", answers([bad]))
    assert "row 1, item q1" in str(error.value)
    assert "-7, -6" in str(error.value)


def test_it_has_no_reliable_change_without_an_sd() -> None:
    # a reliability coefficient alone (ICC 0.62) cannot give an SEM
    with pytest.raises(instruments.InterpretationError):
        instruments.reliable_change(instruments.load("groc"), 0, 5)
