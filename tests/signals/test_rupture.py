"""Rupture rules on hand-made series, with thresholds worked out by hand."""

import math

import pandas as pd
import pytest

from alliance import signals
from alliance.signals.parameters import Watched

PARAMETERS = signals.SignalParameters()


def checkin(scale: str, values: list[float], patient: str = "A") -> pd.DataFrame:
    return pd.DataFrame(
        {"patient": patient, "visit": range(1, len(values) + 1), "instrument": "checkin",
         "scale": scale, "score": values}
    )  # fmt: skip


def found(table: pd.DataFrame, parameters: signals.SignalParameters = PARAMETERS) -> pd.DataFrame:
    return signals.alerts_frame(signals.ruptures(signals.prepare(table), parameters))


def test_it_flags_a_fall_of_three_points_from_the_previous_goal_rating() -> None:
    # goal 9, 9, 5, 8: visit 3 fell 4 from 9 (>= 3); its baseline mean(9, 9) = 9 also fell 4
    alerts = found(checkin("goal", [9, 9, 5, 8]))
    assert set(zip(alerts["visit"], alerts["rule"], strict=True)) == {
        (3, "drop_from_previous"),
        (3, "drop_from_baseline"),
    }
    row = alerts.set_index("rule").loc["drop_from_previous"]
    assert (row["value"], row["threshold"], row["scale"]) == (5, 3, "goal")
    assert "revisit" in row["suggestion"].lower()


def test_it_does_not_flag_a_fall_smaller_than_the_threshold() -> None:
    assert found(checkin("bond", [8, 6, 8, 6])).empty


def test_it_compares_with_the_running_baseline_of_earlier_visits() -> None:
    # task 10, 8, 9, 6: previous 9 -> 6 is 3 (flag); baseline mean(10, 8, 9) = 9 -> 6 also 3
    # task 10, 8, 6: previous 8 -> 6 is 2 (no); baseline mean(10, 8) = 9 -> 6 is 3 (flag)
    alerts = found(checkin("task", [10, 8, 6]))
    assert list(alerts["rule"]) == ["drop_from_baseline"]
    assert "running baseline 9" in alerts.loc[0, "detail"]


def test_it_flags_a_check_in_below_its_cut_off() -> None:
    # the check-in's provisional concern cut-off is a mean below 7
    alerts = found(checkin("total", [7.25, 6.75]))
    assert list(zip(alerts["visit"], alerts["rule"], strict=True)) == [(2, "below_cutoff")]


def test_it_keeps_patients_apart() -> None:
    table = pd.concat([checkin("goal", [9, 9], "A"), checkin("goal", [5, 5], "B")])
    assert found(table).empty


def test_the_threshold_is_the_reliable_change_size_where_an_sem_exists() -> None:
    # LEFS SEM 3.2: 1.96 x sqrt(2) x 3.2 = 8.870
    watched = Watched(instrument="lefs", scale="total")
    assert signals.drop_threshold(watched, PARAMETERS) == pytest.approx(1.96 * math.sqrt(2) * 3.2)


def test_any_drop_flags_every_fall_where_asked() -> None:
    parameters = signals.SignalParameters(
        watched=(Watched(instrument="srs", scale="total", drop=1.0, any_drop=True),)
    )
    table = pd.DataFrame(
        {"patient": "A", "visit": [1, 2, 3], "instrument": "srs", "scale": "total",
         "score": [39.0, 38.6, 38.7]}
    )  # fmt: skip
    alerts = found(table, parameters)
    assert list(zip(alerts["visit"], alerts["rule"], strict=True)) == [(2, "any_drop")]


def test_it_refuses_a_watched_scale_without_sem_or_drop() -> None:
    with pytest.raises(ValueError, match="no SEM"):
        signals.drop_threshold(Watched(instrument="checkin", scale="goal"), PARAMETERS)


def test_it_refuses_a_table_without_scores() -> None:
    with pytest.raises(signals.SeriesError, match="lacks the columns score"):
        signals.prepare(
            pd.DataFrame({"patient": ["A"], "visit": [1], "instrument": ["x"], "scale": ["y"]})
        )
