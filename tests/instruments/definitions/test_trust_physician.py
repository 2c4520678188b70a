"""Trust in Physician Scale golden cases, worked by hand.

11 answers 1-5. Four negatively worded items are reversed as 6 - answer; which four is
UNCONFIRMED, this definition reverses 1, 5, 7 and 11. total = sum 11-55 after reversal;
total_100 = (sum - 11) / 44 x 100 (percent_of_range: (mean - 1) / 4 x 100). No missing
answers allowed (no published rule). Alpha 0.90, but no SD or SEM, so no reliable change.
"""

import math

import pytest

from alliance import instruments
from tests.instruments.conftest import answers

REVERSED = (1, 5, 7, 11)


def form(positive: float, negative: float) -> list[float]:
    """Every positively worded item answered `positive`, every reversed item `negative`."""
    return [negative if n in REVERSED else positive for n in range(1, 12)]


def test_it_sums_after_reversing_the_four_negative_items_and_rescales_to_100() -> None:
    # answers q1..q11 = 2,4,4,5,1,3,2,4,4,5,1
    # reversed: q1 2->4, q5 1->5, q7 2->4, q11 1->5
    # values 4,4,4,5,5,3,4,4,4,5,5 -> sum 47; total_100 = (47 - 11) / 44 x 100 = 81.818...
    row = instruments.score("trust_physician", answers([2, 4, 4, 5, 1, 3, 2, 4, 4, 5, 1])).iloc[0]
    assert row["total"] == 47
    assert row["total_100"] == pytest.approx(3600 / 44)
    assert row["status"] == "scored"


def test_it_reverses_exactly_items_1_5_7_and_11() -> None:
    # all answered 5: 7 positive items give 5, 4 reversed give 6 - 5 = 1 -> 35 + 4 = 39
    row = instruments.score("trust_physician", answers([5] * 11)).iloc[0]
    assert row["total"] == 39
    tps = instruments.load("trust_physician")
    assert [int(item.id[1:]) for item in tps.items if item.reverse] == list(REVERSED)


def test_it_puts_the_midpoint_at_50() -> None:
    # all answered 3: reversal keeps 3 -> sum 33 -> (33 - 11) / 44 x 100 = 50
    row = instruments.score("trust_physician", answers([3] * 11)).iloc[0]
    assert (row["total"], row["total_100"]) == (33, 50)


def test_it_gives_the_range_ends_11_55_and_0_100() -> None:
    # lowest: positive 1, reversed 5 -> every value 1 -> 11 -> 0
    # highest: positive 5, reversed 1 -> every value 5 -> 55 -> 100
    scored = instruments.score("trust_physician", answers(form(1, 5), form(5, 1)))
    assert scored["total"].tolist() == [11, 55]
    assert scored["total_100"].tolist() == pytest.approx([0, 100])


def test_it_does_not_score_a_form_with_one_blank_answer() -> None:
    given: list[float | None] = list(form(4, 2))
    given[6] = None  # q7 blank
    row = instruments.score("trust_physician", answers(given)).iloc[0]
    assert math.isnan(row["total"])
    assert math.isnan(row["total_100"])
    assert row["status"] == "not_scored"
    assert "total: 1 of 11 answers missing or not applicable, at most 0 allowed" in row["reason"]
    assert "total_100: 1 of 11" in row["reason"]


@pytest.mark.parametrize("bad", [0, 6])
def test_it_rejects_an_answer_off_the_1_to_5_scale(bad: int) -> None:
    given = form(4, 2)
    given[10] = bad
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("trust_physician", answers(given))
    assert f"row 1, item q11: '{bad}'" in str(error.value)
    assert "1, 2, 3, 4, 5" in str(error.value)


def test_it_has_no_reliable_change_index_without_an_sd_or_sem() -> None:
    with pytest.raises(instruments.InterpretationError):
        instruments.reliable_change(instruments.load("trust_physician"), 30, 40)


def test_it_keeps_the_reversed_item_numbers_marked_unverified() -> None:
    tps = instruments.load("trust_physician")
    assert not tps.scale("total").provenance.verified
    assert not tps.scale("total_100").provenance.verified
    assert tps.scale("total").interpretation.reliability is not None
    assert tps.scale("total").interpretation.reliability.provenance.verified
