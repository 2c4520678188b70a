"""HAq-II golden cases, worked by hand from the rule this definition encodes.

19 answers on a 1-6 agreement scale (UNCONFIRMED). Items 4, 8, 11, 16 and 19 are negatively
worded (numbers UNCONFIRMED) and reversed as 7 - answer. total = mean of all 19 after
reversal (1-6); the authors' mean-or-sum rule was not found, the mean is the project's choice.
No missing answers allowed (no published rule).
"""

import math

import pytest

from alliance import instruments
from tests.instruments.conftest import answers

REVERSED = (4, 8, 11, 16, 19)


def form(positive: float, negative: float) -> list[float]:
    """Every positively worded item answered `positive`, every reversed item `negative`."""
    return [negative if n in REVERSED else positive for n in range(1, 20)]


def test_it_averages_all_nineteen_items_after_reversing_the_negative_ones() -> None:
    # positive items q1,q2,q3,q5,q6,q7,q9,q10,q12,q13,q14,q15,q17,q18 answered
    #   6,5,4,6,5,4,6,5,4,6,5,4,6,5 -> sum 71
    # reversed items q4=2->5, q8=1->6, q11=3->4, q16=2->5, q19=1->6 -> sum 26
    # total = (71 + 26) / 19 = 97 / 19 = 5.1052...
    given = [6, 5, 4, 2, 6, 5, 4, 1, 6, 5, 3, 4, 6, 5, 4, 2, 6, 5, 1]
    row = instruments.score("haq_ii", answers(given)).iloc[0]
    assert row["total"] == pytest.approx(97 / 19)
    assert row["status"] == "scored"


def test_it_reverses_exactly_items_4_8_11_16_and_19() -> None:
    # all 19 answered 6: 14 positive items give 6, 5 reversed give 7 - 6 = 1
    # total = (14 x 6 + 5 x 1) / 19 = 89 / 19
    row = instruments.score("haq_ii", answers([6] * 19)).iloc[0]
    assert row["total"] == pytest.approx(89 / 19)
    haq = instruments.load("haq_ii")
    assert [int(item.id[1:]) for item in haq.items if item.reverse] == list(REVERSED)


def test_it_gives_the_range_ends_1_and_6() -> None:
    # lowest: positive items 1, reversed items 6 -> every value 1 -> mean 1
    # highest: positive items 6, reversed items 1 -> every value 6 -> mean 6
    scored = instruments.score("haq_ii", answers(form(1, 6), form(6, 1)))
    assert scored["total"].tolist() == [1, 6]


def test_it_does_not_score_a_form_with_one_blank_answer() -> None:
    given: list[float | None] = list(form(5, 2))
    given[15] = None  # q16 blank
    row = instruments.score("haq_ii", answers(given)).iloc[0]
    assert math.isnan(row["total"])
    assert row["status"] == "not_scored"
    assert "total: 1 of 19 answers missing or not applicable, at most 0 allowed" in row["reason"]


@pytest.mark.parametrize("bad", [0, 7])
def test_it_rejects_an_answer_off_the_1_to_6_scale(bad: int) -> None:
    given = form(5, 2)
    given[2] = bad
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("haq_ii", answers(given))
    assert f"row 1, item q3: '{bad}'" in str(error.value)
    assert "1, 2, 3, 4, 5, 6" in str(error.value)


def test_it_rejects_does_not_apply() -> None:
    given: list[float | str] = list(form(5, 2))
    given[0] = "NA"
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("haq_ii", answers(given))
    assert "does not apply is not an allowed answer here" in str(error.value)


def test_it_marks_the_scale_reversal_and_scoring_rule_unverified() -> None:
    haq = instruments.load("haq_ii")
    assert not haq.verified
    assert not haq.response.provenance.verified
    assert not haq.scale("total").provenance.verified
