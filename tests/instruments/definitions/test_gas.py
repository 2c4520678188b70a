"""GAS golden cases, worked by hand from the Kiresuk-Sherman T-score (rho = 0.3).

T = 50 + 10 x sum(w x) / sqrt(0.7 x sum(w^2) + 0.3 x (sum w)^2), over the goals rated
(-2..+2). Up to five goals; blank = no goal. Weights come from optional q1_weight..q5_weight
columns; a goal without a weight column weighs 1.
"""

import math

import pandas as pd
import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def _weighted(goals: list[int | None], weights: dict[str, float | None]) -> pd.DataFrame:
    frame = answers(goals)
    for column, weight in weights.items():
        frame[column] = [weight]
    return frame


def test_it_scores_three_unweighted_goals() -> None:
    # x = 2, 1, 0; w = 1: sum(w x) = 3; sum(w^2) = 3; (sum w)^2 = 9
    # T = 50 + 10 x 3 / sqrt(0.7 x 3 + 0.3 x 9) = 50 + 30 / sqrt(4.8) = 50 + 13.693 = 63.693
    scored = instruments.score("gas", answers([2, 1, 0, None, None]))
    assert scored.loc[0, "total"] == pytest.approx(50 + 30 / math.sqrt(4.8))
    assert scored.loc[0, "total"] == pytest.approx(63.693, abs=1e-3)
    assert scored.loc[0, "status"] == "scored"


def test_it_weights_goals_from_the_weight_columns() -> None:
    # x = 1, -1, 2; w = 2, 1, 3: sum(w x) = 2 - 1 + 6 = 7; sum(w^2) = 4 + 1 + 9 = 14;
    # sum w = 6 -> T = 50 + 70 / sqrt(0.7 x 14 + 0.3 x 36) = 50 + 70 / sqrt(20.6)
    # = 50 + 15.423 = 65.423 (unweighted the same goals give 50 + 20 / sqrt(4.8) = 59.129)
    frame = _weighted([1, -1, 2, None, None], {"q1_weight": 2, "q2_weight": 1, "q3_weight": 3})
    scored = instruments.score("gas", frame)
    assert scored.loc[0, "total"] == pytest.approx(50 + 70 / math.sqrt(20.6))
    assert scored.loc[0, "total"] == pytest.approx(65.423, abs=1e-3)


def test_it_weighs_a_goal_without_a_weight_column_as_1() -> None:
    # x = 2, -1; w = 3 (q1_weight), 1 (no q2_weight column): sum(w x) = 6 - 1 = 5;
    # sum(w^2) = 10; sum w = 4 -> T = 50 + 50 / sqrt(7 + 4.8) = 50 + 50 / sqrt(11.8) = 64.556
    scored = instruments.score("gas", _weighted([2, -1, None, None, None], {"q1_weight": 3}))
    assert scored.loc[0, "total"] == pytest.approx(50 + 50 / math.sqrt(11.8))


def test_it_gives_the_unweighted_score_when_all_weights_are_equal() -> None:
    # scaling every weight by 3 scales numerator and denominator alike: 50 + 30 / sqrt(4.8)
    weights = {"q1_weight": 3, "q2_weight": 3, "q3_weight": 3}
    scored = instruments.score("gas", _weighted([2, 1, 0, None, None], weights))
    assert scored.loc[0, "total"] == pytest.approx(50 + 30 / math.sqrt(4.8))


@pytest.mark.parametrize(("level", "t_score"), [(-2, 30), (-1, 40), (0, 50), (1, 60), (2, 70)])
def test_it_scores_a_single_goal_as_50_plus_10_per_level(level: int, t_score: float) -> None:
    # one goal: T = 50 + 10 x w x / sqrt(0.7 w^2 + 0.3 w^2) = 50 + 10 x
    scored = instruments.score("gas", answers([level, None, None, None, None]))
    assert scored.loc[0, "total"] == pytest.approx(t_score)


def test_it_gives_50_when_every_goal_is_met_as_expected() -> None:
    scored = instruments.score("gas", answers([0, 0, 0, 0, 0]))
    assert scored.loc[0, "total"] == 50


def test_it_reaches_the_declared_range_ends_with_five_goals_at_the_extremes() -> None:
    # all +2: 50 + 10 x 10 / sqrt(0.7 x 5 + 0.3 x 25) = 50 + 100 / sqrt(11) = 80.151
    # all -2: 50 - 100 / sqrt(11) = 19.849
    scored = instruments.score("gas", answers([2] * 5, [-2] * 5))
    assert scored["total"].tolist() == pytest.approx(
        [50 + 100 / math.sqrt(11), 50 - 100 / math.sqrt(11)]
    )
    declared = instruments.load("gas").scale("total").range
    assert declared == pytest.approx((50 - 100 / math.sqrt(11), 50 + 100 / math.sqrt(11)))


def test_it_does_not_score_a_row_with_no_goal_rated() -> None:
    scored = instruments.score("gas", answers([None] * 5))
    assert scored.loc[0, "status"] == "not_scored"
    assert "total: 5 of 5 answers missing" in scored.loc[0, "reason"]
    assert "at most 4 allowed" in scored.loc[0, "reason"]


@pytest.mark.parametrize("bad", [3, -3, 0.5])
def test_it_rejects_a_level_off_the_minus_2_to_plus_2_scale(bad: float) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("gas", answers([0, bad, None, None, None]))
    assert "row 1, item q2" in str(error.value)
    assert "-2, -1, 0, 1, 2" in str(error.value)


@pytest.mark.parametrize("weight", [0, -1, None])
def test_it_rejects_a_rated_goal_whose_weight_is_not_positive(weight: float | None) -> None:
    frame = _weighted([1, 1, None, None, None], {"q1_weight": weight})
    with pytest.raises(instruments.AnswerError, match="q1_weight"):
        instruments.score("gas", frame)


def test_it_ignores_a_blank_weight_on_an_unrated_goal() -> None:
    # goal 3 is not set, so its blank weight does not matter: 50 + 10 x 2 / sqrt(0.7 x 2 + 1.2)
    frame = _weighted([1, 1, None, None, None], {"q3_weight": None})
    scored = instruments.score("gas", frame)
    assert scored.loc[0, "total"] == pytest.approx(50 + 20 / math.sqrt(2.6))


@pytest.mark.parametrize(
    ("goals", "better", "less"),
    [([0, 0, 0, 0, 0], False, False), ([1, None, None, None, None], True, False)],
)
def test_it_reads_50_as_expected_and_above_or_below_as_better_or_worse(
    goals: list[int | None], better: bool, less: bool
) -> None:
    definition = instruments.load("gas")
    scored = instruments.score(definition, answers(goals, [-1, None, None, None, None]))
    flags = instruments.cutoff_flags(definition, "total", scored["total"])
    assert flags["better than expected overall"].tolist() == [better, False]
    assert flags["less than expected overall"].tolist() == [less, True]
