"""The expected-recovery and dropout models: hand-worked fallback, calibration on held-out
synthetic clinics, and agreement with an independent logistic fit (scikit-learn)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from alliance import signals
from alliance.synth import Cohort, SynthConfig, generate


@pytest.fixture(scope="module")
def history() -> Cohort:
    return generate(SynthConfig(patients=1500, seed=31))


@pytest.fixture(scope="module")
def monitored() -> Cohort:
    return generate(SynthConfig(patients=1500, seed=32))


def prepared(cohort: Cohort) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    conditions = cohort.episodes.set_index("episode_id")["condition"]
    visits = cohort.visits.rename(columns={"episode_id": "series"})
    return signals.prepare(cohort.scores), conditions, visits


def test_the_mcid_fallback_expects_one_mcid_by_visit_five() -> None:
    # ODI MCID 10: at visit 3, pace (3-1)/(5-1) = 0.5 -> expected gain 5: amber above 45,
    # red above the intake 50; at visit 5 the full 10: amber above 40, red above 45
    table = pd.DataFrame(
        {"patient": ["A", "A", "A", "B", "B"], "visit": [1, 3, 5, 1, 3], "instrument": "odi",
         "scale": "total", "score": [50, 47, 44, 50, 51]}
    )  # fmt: skip
    status = signals.ExpectedRecovery().status(signals.prepare(table))
    status = status.set_index(["patient", "visit"])
    assert status.loc[("A", 3), ["amber_bound", "red_bound", "status"]].tolist() == [
        45,
        50,
        "amber",
    ]
    assert status.loc[("A", 5), ["amber_bound", "red_bound", "status"]].tolist() == [
        40,
        45,
        "amber",
    ]
    assert status.loc[("B", 3), "status"] == "red"
    assert set(status["method"]) == {"mcid_fallback"}


def test_the_learned_curves_are_calibrated_on_a_new_clinic(
    history: Cohort, monitored: Cohort
) -> None:
    # By construction about 50% of similar patients are worse than the amber curve and 20%
    # worse than the red one; on a held-out clinic the shares should come out close.
    table, conditions, _ = prepared(history)
    model = signals.ExpectedRecovery().fit(table, conditions)
    assert ("nprs", "total") in model.curves_
    table, conditions, _ = prepared(monitored)
    status = model.status(table, conditions).query("instrument == 'nprs'")
    worse_than_red = (status["status"] == "red").mean()
    worse_than_amber = status["status"].isin(["amber", "red"]).mean()
    assert worse_than_red == pytest.approx(0.2, abs=0.03)
    assert worse_than_amber == pytest.approx(0.5, abs=0.04)


def test_not_on_track_alerts_need_two_reds_in_a_row(history: Cohort, monitored: Cohort) -> None:
    table, conditions, _ = prepared(history)
    model = signals.ExpectedRecovery().fit(table, conditions)
    table, conditions, _ = prepared(monitored)
    status = model.status(table, conditions)
    alerts = signals.alerts_frame(model.alerts(table, conditions))
    for alert in alerts.head(20).to_dict("records"):
        rows = status[
            (status["series"] == alert["series"]) & (status["instrument"] == alert["instrument"])
        ]
        rows = rows[rows["visit"] <= alert["visit"]].tail(2)
        assert (rows["status"] == "red").all()


def test_the_dropout_model_matches_an_independent_logistic_fit(history: Cohort) -> None:
    table, _, visits = prepared(history)
    features = signals.visit_features(table, visits)
    dropped = history.truth_episodes.set_index("episode_id")["dropout"]
    model = signals.DropoutRisk().fit(features, dropped)
    design = ((features[list(model.coef_.index)] - model.mean_) / model.scale_).fillna(0.0)
    label = features["series"].map(dropped).astype(int)
    reference = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(design, label)
    np.testing.assert_allclose(model.coef_.to_numpy(), reference.coef_[0], atol=1e-4)
    assert model.intercept_ == pytest.approx(reference.intercept_[0], abs=1e-4)
    assert model.coef_["alliance"] < 0  # a stronger alliance, less dropout


def test_a_dropout_alert_explains_its_largest_reasons(history: Cohort, monitored: Cohort) -> None:
    table, _, visits = prepared(history)
    dropped = history.truth_episodes.set_index("episode_id")["dropout"]
    model = signals.DropoutRisk().fit(signals.visit_features(table, visits), dropped)
    table, _, visits = prepared(monitored)
    alerts = model.alerts(signals.visit_features(table, visits))
    assert alerts
    assert all(alert.value >= 0.3 for alert in alerts)
    assert any("low alliance" in alert.detail for alert in alerts)


def test_the_dropout_model_refuses_a_history_without_dropouts(history: Cohort) -> None:
    table, _, visits = prepared(history)
    nobody = history.truth_episodes.set_index("episode_id")["dropout"] & False
    with pytest.raises(signals.HistoryError, match="no dropouts"):
        signals.DropoutRisk().fit(signals.visit_features(table, visits), nobody)
