"""SIRAS golden cases, worked by hand from the (unconfirmed) format in the reference file.

Three therapist-rated items scored 1-5 and summed (3-15); higher = better adherence in the
clinic session. No published missing-data rule, so every item must be answered.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_sums_the_three_ratings() -> None:
    # 5 + 3 + 4 = 12
    scored = instruments.score("siras", answers([5, 3, 4]))
    assert scored.loc[0, "total"] == 12
    assert scored.loc[0, "status"] == "scored"


def test_it_gives_the_range_ends_for_all_lowest_and_all_highest() -> None:
    scored = instruments.score("siras", answers([1, 1, 1], [5, 5, 5]))
    assert scored["total"].tolist() == [3, 15]


def test_it_is_rated_by_the_therapist() -> None:
    assert instruments.load("siras").respondent == "therapist"


def test_it_does_not_score_a_form_with_one_blank_rating() -> None:
    scored = instruments.score("siras", answers([4, None, 4]))
    assert scored.loc[0, "status"] == "not_scored"
    assert "total: 1 of 3 answers missing" in scored.loc[0, "reason"]


@pytest.mark.parametrize("bad", [0, 6])
def test_it_rejects_a_rating_off_the_scale(bad: int) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("siras", answers([3, 3, bad]))
    assert f"row 1, item q3: '{bad}'" in str(error.value)
    assert "1, 2, 3, 4, 5" in str(error.value)
