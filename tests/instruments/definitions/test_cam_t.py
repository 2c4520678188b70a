"""CAM-T golden cases for this definition's PLACEHOLDER structure, worked by hand.

The published CAM-T items per mode are unknown. Here each of the six IRM modes is one
1-5 rating (q1 advocating, q2 collaborating, q3 empathizing, q4 encouraging, q5 instructing,
q6 problem-solving); each mode subscale is its rating and total = mean of the six.
No missing answers allowed.
"""

import math

import pytest

from alliance import instruments
from tests.instruments.conftest import answers

MODES = ["advocating", "collaborating", "empathizing", "encouraging", "instructing"]
MODES.append("problem_solving")


def test_it_reports_one_subscale_per_mode_and_their_mean_as_total() -> None:
    # ratings 5,4,3,2,1,3 -> each mode its own rating; total = 18 / 6 = 3
    row = instruments.score("cam_t", answers([5, 4, 3, 2, 1, 3])).iloc[0]
    assert [row[mode] for mode in MODES] == [5, 4, 3, 2, 1, 3]
    assert row["total"] == 3
    assert row["status"] == "scored"


def test_it_has_exactly_the_six_irm_modes_as_subscales() -> None:
    cam = instruments.load("cam_t")
    assert [scale.id for scale in cam.scales] == ["total", *MODES]
    assert cam.respondent == "therapist"


def test_it_gives_the_range_ends_1_and_5() -> None:
    scored = instruments.score("cam_t", answers([1] * 6, [5] * 6))
    assert scored["total"].tolist() == [1, 5]
    assert scored["problem_solving"].tolist() == [1, 5]


def test_it_does_not_score_a_form_with_one_mode_unrated() -> None:
    # q3 (empathizing) blank: empathizing and total fail; the other modes are still reported
    row = instruments.score("cam_t", answers([5, 4, None, 2, 1, 3])).iloc[0]
    assert math.isnan(row["empathizing"])
    assert math.isnan(row["total"])
    assert row["advocating"] == 5
    assert row["status"] == "not_scored"
    assert "total: 1 of 6 answers missing or not applicable, at most 0 allowed" in row["reason"]
    assert "empathizing: 1 of 1" in row["reason"]


@pytest.mark.parametrize("bad", [0, 6])
def test_it_rejects_a_rating_off_the_1_to_5_scale(bad: int) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("cam_t", answers([3, 3, 3, 3, 3, bad]))
    assert f"row 1, item q6: '{bad}'" in str(error.value)
    assert "1, 2, 3, 4, 5" in str(error.value)


def test_it_marks_every_scoring_fact_of_the_placeholder_unverified() -> None:
    cam = instruments.load("cam_t")
    assert not any(fact.verified for fact in cam.scoring_facts())
    assert "placeholder" in cam.name
