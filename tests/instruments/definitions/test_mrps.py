"""MRPS golden cases, worked by hand from Beattie et al. 2005's two-factor scoring.

10 answers on a 1-5 scale (UNCONFIRMED). In this definition's placeholder numbering
internal = mean of q1-q7 and external = mean of q8-q10 (the authors' numbering was not
found); total = mean of all ten (the project's convention). No missing answers allowed.
SEM 0.19 (internal) and 0.24 (external): reliable change beyond 1.96 x sqrt(2) x SEM.
"""

import math

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_averages_the_internal_and_external_factors_separately() -> None:
    # internal q1-q7 = 5,4,5,4,5,4,5 -> 32 / 7 = 4.5714...
    # external q8-q10 = 3,2,4 -> 9 / 3 = 3
    # total = (32 + 9) / 10 = 4.1
    row = instruments.score("mrps", answers([5, 4, 5, 4, 5, 4, 5, 3, 2, 4])).iloc[0]
    assert row["internal"] == pytest.approx(32 / 7)
    assert row["external"] == pytest.approx(3.0)
    assert row["total"] == pytest.approx(4.1)
    assert row["status"] == "scored"


def test_it_gives_the_range_ends_1_and_5() -> None:
    scored = instruments.score("mrps", answers([1] * 10, [5] * 10))
    for scale in ("internal", "external", "total"):
        assert scored[scale].tolist() == [1, 5]


def test_it_does_not_score_a_form_with_one_blank_answer() -> None:
    # q9 blank: external and total fail; internal (q1-q7) is complete: 35 / 7 = 5
    row = instruments.score("mrps", answers([5] * 8 + [None, 4])).iloc[0]
    assert math.isnan(row["external"])
    assert math.isnan(row["total"])
    assert row["internal"] == 5
    assert row["status"] == "not_scored"
    assert "external: 1 of 3 answers missing or not applicable, at most 0 allowed" in row["reason"]
    assert "total: 1 of 10" in row["reason"]


@pytest.mark.parametrize("bad", [0, 6])
def test_it_rejects_an_answer_off_the_1_to_5_scale(bad: int) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("mrps", answers([4] * 9 + [bad]))
    assert f"row 1, item q10: '{bad}'" in str(error.value)
    assert "1, 2, 3, 4, 5" in str(error.value)


def test_it_calls_an_internal_change_reliable_only_beyond_0_53() -> None:
    mrps = instruments.load("mrps")
    # SEM 0.19 -> SE of difference = 0.19 x sqrt(2) = 0.2687; 1.96 x 0.2687 = 0.5267
    # +0.5 -> RCI 1.86 (unchanged); +0.6 -> RCI 2.23 (improved)
    assert instruments.reliable_change(mrps, 3.5, 4.0, "internal").change.value == "unchanged"
    assert instruments.reliable_change(mrps, 3.5, 4.1, "internal").change.value == "improved"


def test_it_calls_an_external_change_reliable_only_beyond_0_67() -> None:
    mrps = instruments.load("mrps")
    # SEM 0.24 -> SE of difference = 0.24 x sqrt(2) = 0.3394; 1.96 x 0.3394 = 0.6653
    # -0.6 -> RCI -1.77 (unchanged); -0.7 -> RCI -2.06 (deteriorated)
    assert instruments.reliable_change(mrps, 4.0, 3.4, "external").change.value == "unchanged"
    result = instruments.reliable_change(mrps, 4.0, 3.3, "external")
    assert result.change.value == "deteriorated"
    assert result.rci == pytest.approx(-0.7 / (0.24 * math.sqrt(2)))


def test_it_has_no_reliable_change_for_the_unpublished_total() -> None:
    with pytest.raises(instruments.InterpretationError):
        instruments.reliable_change(instruments.load("mrps"), 3.0, 4.5)


def test_it_marks_the_placeholder_item_numbering_unverified() -> None:
    mrps = instruments.load("mrps")
    assert not mrps.verified
    for scale in ("internal", "external", "total"):
        assert not mrps.scale(scale).provenance.verified
    assert mrps.scale("internal").interpretation.sem is not None
    assert mrps.scale("internal").interpretation.sem.provenance.verified
