"""JSPPPE golden cases, worked by hand.

5 answers on a 1-7 agreement scale (UNCONFIRMED); total = sum 5-35 (UNCONFIRMED); no item is
reversed (none found). No missing answers allowed (no published rule).
"""

import math

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_sums_the_five_answers() -> None:
    # 7 + 6 + 5 + 6 + 7 = 31
    row = instruments.score("jspppe", answers([7, 6, 5, 6, 7])).iloc[0]
    assert row["total"] == 31
    assert row["status"] == "scored"


def test_it_reverses_no_item() -> None:
    # 1 + 2 + 3 + 4 + 5 = 15: each answer counts as given
    assert instruments.score("jspppe", answers([1, 2, 3, 4, 5])).loc[0, "total"] == 15
    assert not any(item.reverse for item in instruments.load("jspppe").items)


def test_it_gives_the_range_ends_5_and_35() -> None:
    scored = instruments.score("jspppe", answers([1] * 5, [7] * 5))
    assert scored["total"].tolist() == [5, 35]


def test_it_does_not_score_a_form_with_one_blank_answer() -> None:
    row = instruments.score("jspppe", answers([7, 6, None, 6, 7])).iloc[0]
    assert math.isnan(row["total"])
    assert row["status"] == "not_scored"
    assert "total: 1 of 5 answers missing or not applicable, at most 0 allowed" in row["reason"]


@pytest.mark.parametrize("bad", [0, 8, 3.5])
def test_it_rejects_an_answer_off_the_1_to_7_scale(bad: float) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("jspppe", answers([7, 6, 5, 6, 7], [7, 6, 5, 6, bad]))
    assert "row 2, item q5" in str(error.value)
    assert "1, 2, 3, 4, 5, 6, 7" in str(error.value)


def test_it_marks_the_scale_and_sum_unverified() -> None:
    jspppe = instruments.load("jspppe")
    assert not jspppe.verified
    assert jspppe.citation.provenance.verified
