"""RMDQ golden cases: the score is the number of statements that apply (yes = 1, no = 0).

A statement marked "does not apply" scores 0 (Roland & Fairbank); a blank (unanswered)
statement has no published rule, so the form is not scored.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers

SEVEN = [
    *(1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0),  # q1-q12
    *(1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0),  # q13-q24
]


def test_it_counts_the_statements_that_apply() -> None:
    # yes on q1, q3, q6, q9, q11, q13, q17 -> 7
    scored = instruments.score("rmdq", answers(SEVEN))
    assert scored.loc[0, "total"] == pytest.approx(7)
    assert scored.loc[0, "status"] == "scored"


def test_it_gives_the_range_ends_for_no_and_every_statement() -> None:
    scored = instruments.score("rmdq", answers([0] * 24, [1] * 24))
    assert scored["total"].tolist() == pytest.approx([0, 24])


def test_it_scores_does_not_apply_as_no() -> None:
    # q2 and q24 marked NA instead of 0: still 7 statements apply, nothing is missing
    row = SEVEN.copy()
    row[1], row[23] = "NA", "NA"
    scored = instruments.score("rmdq", answers(row))
    assert scored.loc[0, "total"] == pytest.approx(7)
    assert scored.loc[0, "status"] == "scored"


def test_it_does_not_score_a_form_with_an_unanswered_statement() -> None:
    row = SEVEN.copy()
    row[4] = None
    scored = instruments.score("rmdq", answers(row))
    assert scored.loc[0, "status"] == "not_scored"
    assert "total: 1 of 24" in scored.loc[0, "reason"]


@pytest.mark.parametrize("bad", [2, -1, 0.5])
def test_it_rejects_an_answer_other_than_yes_or_no(bad: float) -> None:
    row = SEVEN.copy()
    row[5] = bad
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("rmdq", answers(row))
    assert "row 1, item q6" in str(error.value)
    assert "0, 1, blank (missing) or NA (does not apply)" in str(error.value)


def test_it_flags_recovery_at_two_or_fewer() -> None:
    # Kamper 2010: RMDQ <= 2 best identifies self-rated recovery.
    flags = instruments.cutoff_flags(instruments.load("rmdq"), "total", [2, 3])
    assert flags["recovered (RMDQ <= 2)"].tolist() == [True, False]


def test_it_has_no_reliable_change_without_a_published_error() -> None:
    with pytest.raises(instruments.InterpretationError):
        instruments.reliable_change(instruments.load("rmdq"), 12, 4)
