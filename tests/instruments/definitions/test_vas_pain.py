"""VAS pain golden cases: the mark's distance in whole millimetres (0-100) is the score."""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_scores_the_millimetres_measured() -> None:
    scored = instruments.score("vas_pain", answers([37]))
    assert scored.loc[0, "total"] == 37
    assert scored.loc[0, "status"] == "scored"


def test_it_gives_the_range_ends_for_both_ends_of_the_line() -> None:
    assert instruments.score("vas_pain", answers([0], [100]))["total"].tolist() == [0, 100]


def test_it_does_not_score_a_blank_line() -> None:
    row = instruments.score("vas_pain", answers([None])).iloc[0]
    assert row["status"] == "not_scored"
    assert "total: 1 of 1" in row["reason"]


@pytest.mark.parametrize("bad", [101, -1, 50.5])
def test_it_rejects_a_value_off_the_line_or_between_millimetres(bad: float) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("vas_pain", answers([bad]))
    assert "row 1, item q1" in str(error.value)
    assert "0 to 100" in str(error.value)


def test_it_has_no_reliable_change_without_a_published_error() -> None:
    with pytest.raises(instruments.InterpretationError):
        instruments.reliable_change(instruments.load("vas_pain"), 60, 30)
