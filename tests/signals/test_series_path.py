"""The per-series entry point (plain rows, what a check-in uses) finds exactly the alerts the
table path finds in the same scores, on random clinics, with and without fitted models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliance import signals
from alliance.synth import SynthConfig, generate

SCALES = {
    ("checkin", "total"): (0, 10),
    ("checkin", "goal"): (0, 10),
    ("checkin", "task"): (0, 10),
    ("checkin", "bond"): (0, 10),
    ("srs", "total"): (20, 40),
    ("wai_sr", "total"): (12, 60),
    ("wai_sr", "bond"): (3, 15),
    ("nprs", "total"): (0, 10),
    ("odi", "total"): (0, 100),
    ("ndi", "total"): (0, 50),
    ("lefs", "total"): (0, 80),
    ("psfs", "total"): (0, 10),
    ("ieq", "total"): (0, 48),
    ("pcs", "total"): (0, 52),
    ("tsk_17", "total"): (17, 68),
}
STATUSES = ["attended", "attended", "attended", "missed", "cancelled"]
CONDITIONS = ["neck_pain", "low_back_pain", "knee_oa", "shoulder"]

Clinic = tuple[pd.DataFrame, list[signals.Row], pd.DataFrame, pd.Series]


def random_clinic(rng: np.random.Generator) -> Clinic:
    """A few series of random scores on random scales and visits, in a random order, with
    their visits and conditions; a patient may have two episodes, a visit may repeat, and
    now and then a row names another patient (the table path takes a series' first row's)."""
    rows = []
    names = rng.choice(["1", "2", "3", "10", "12", "100", "27"], size=rng.integers(1, 5))
    series_ids = sorted(set(names.tolist()))
    for number, series in enumerate(series_ids):
        patient = f"P{number // 2}"
        scales = list(SCALES)
        for k in rng.choice(len(scales), size=rng.integers(1, 7), replace=False):
            low, high = SCALES[scales[k]]
            visits = rng.integers(1, 12, size=rng.integers(1, 9))
            for visit in visits.tolist():
                score = float(rng.integers(low * 2, high * 2 + 1)) / 2
                who = patient if rng.random() > 0.1 else "P9"
                rows.append((who, series, visit, *scales[k], score))
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    frame = pd.DataFrame(
        rows, columns=["patient", "episode_id", "visit", "instrument", "scale", "score"]
    )
    visits = pd.DataFrame(
        [
            (series, visit, str(rng.choice(STATUSES)))
            for series in series_ids
            for visit in range(1, int(rng.integers(2, 13)))
        ],
        columns=["series", "visit", "status"],
    )
    conditions = pd.Series({series: str(rng.choice(CONDITIONS)) for series in series_ids})
    return frame, rows, visits, conditions


@pytest.fixture(scope="module")
def models() -> tuple[signals.ExpectedRecovery, signals.DropoutRisk]:
    history = generate(SynthConfig(patients=400, seed=41))
    table = signals.prepare(history.scores)
    conditions = history.episodes.set_index("episode_id")["condition"]
    visits = history.visits.rename(columns={"episode_id": "series"})
    recovery = signals.ExpectedRecovery().fit(table, conditions)
    dropped = history.truth_episodes.set_index("episode_id")["dropout"]
    dropout = signals.DropoutRisk().fit(signals.visit_features(table, visits), dropped)
    return recovery, dropout


def both_paths(
    clinic: Clinic,
    parameters: signals.SignalParameters,
    recovery: signals.ExpectedRecovery | None,
    dropout: signals.DropoutRisk | None,
    at_visit: int | None = None,
) -> tuple[list[signals.Alert], list[signals.Alert]]:
    frame, rows, visits, conditions = clinic
    table = signals.alerts(frame, parameters, recovery, dropout, visits, conditions)
    if at_visit is not None:
        table = [alert for alert in table if alert.visit == at_visit]
    per_series = signals.series_alerts(
        rows,
        parameters,
        recovery,
        dropout,
        visits.itertuples(index=False, name=None),
        conditions.to_dict(),
        at_visit=at_visit,
    )
    return table, per_series


def test_it_finds_the_alerts_of_the_table_path_with_the_mcid_fallback() -> None:
    rng = np.random.default_rng(7)
    parameters = signals.SignalParameters()
    fired = set()
    for _ in range(150):
        table, per_series = both_paths(random_clinic(rng), parameters, None, None)
        assert per_series == table
        fired |= {(alert.signal, alert.rule) for alert in table}
    assert {"drop_from_previous", "drop_from_baseline", "below_cutoff", "reliable_change",
            "above_cutoff", "mcid_fallback"} <= {rule for _, rule in fired}  # fmt: skip


def test_it_finds_the_alerts_of_the_table_path_with_fitted_models(
    models: tuple[signals.ExpectedRecovery, signals.DropoutRisk],
) -> None:
    rng = np.random.default_rng(8)
    fired = set()
    for _ in range(150):
        table, per_series = both_paths(random_clinic(rng), models[0].parameters, *models)
        assert per_series == table
        fired |= {alert.rule for alert in table}
    assert {"expected_recovery", "dropout_model"} <= fired


def test_at_a_visit_it_finds_the_table_paths_alerts_at_that_visit(
    models: tuple[signals.ExpectedRecovery, signals.DropoutRisk],
) -> None:
    rng = np.random.default_rng(9)
    found = 0
    for _ in range(150):
        clinic = random_clinic(rng)
        latest = int(clinic[0]["visit"].max())
        table, per_series = both_paths(clinic, models[0].parameters, *models, at_visit=latest)
        assert per_series == table
        found += len(table)
    assert found > 50


def test_other_parameters_give_the_same_alerts_on_both_paths_and_at_a_visit() -> None:
    parameters = signals.SignalParameters(
        watched=(
            signals.Watched(instrument="srs", scale="total", drop=1.0, any_drop=True),
            signals.Watched(instrument="checkin", scale="goal", drop=2.0),
            signals.Watched(instrument="nprs", scale="total"),
        ),
        baseline_visits=2,
        red_persistence=1,
        mcid_by_visit=3,
        reliable_z=1.0,
    )
    rng = np.random.default_rng(10)
    fired = set()
    for _ in range(100):
        clinic = random_clinic(rng)
        table, per_series = both_paths(clinic, parameters, None, None)
        assert per_series == table
        latest = int(clinic[0]["visit"].max())
        table, per_series = both_paths(clinic, parameters, None, None, at_visit=latest)
        assert per_series == table
        fired |= {alert.rule for alert in table}
    assert {"any_drop", "drop_from_previous", "drop_from_baseline", "below_cutoff"} <= fired


def test_a_score_that_is_not_a_number_is_refused_on_both_paths() -> None:
    row = ("A", "1", 1, "nprs", "total", float("nan"))
    with pytest.raises(signals.SeriesError):
        signals.series_alerts([row])
    with pytest.raises(signals.SeriesError):
        signals.alerts(
            pd.DataFrame([row], columns=["patient", "episode_id", "visit", "instrument",
                                         "scale", "score"])
        )  # fmt: skip
