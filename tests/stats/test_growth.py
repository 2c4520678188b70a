"""Growth (mixed) models against statsmodels' MixedLM on the same data."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from alliance.stats import AnalysisError, growth


def trajectories(patients: int, visits: int, seed: int, unbalanced: bool) -> pd.DataFrame:
    """Pain falling over visits, faster with a stronger alliance (baseline and per visit)."""
    rng = np.random.default_rng(seed)
    pid = np.repeat(np.arange(patients), visits)
    t = np.tile(np.arange(visits), patients).astype(float)
    baseline = rng.normal(size=patients)[pid]
    visit_alliance = baseline + 0.5 * rng.normal(size=pid.size)
    intercept = rng.normal(size=patients)[pid]
    slope = 0.3 * rng.normal(size=patients)[pid]
    pain = (
        6 + intercept - (0.4 + slope) * t - 0.3 * baseline - 0.05 * baseline * t
        - 0.1 * visit_alliance + rng.normal(size=pid.size)
    )  # fmt: skip
    frame = pd.DataFrame(
        {"pain": pain, "visit": t, "alliance": baseline, "alliance_now": visit_alliance,
         "patient": [f"P{p:04d}" for p in pid]}
    )  # fmt: skip
    if unbalanced:
        frame = frame[rng.random(len(frame)) > 0.25 * (t / visits)]
    return frame


@pytest.fixture(scope="module")
def clinic() -> pd.DataFrame:
    return trajectories(120, 6, seed=12, unbalanced=True)


@pytest.mark.parametrize("reml", [True, False])
def test_it_matches_mixedlm(clinic: pd.DataFrame, reml: bool) -> None:
    result = growth(
        clinic, y="pain", time="visit", group="patient",
        covariates=["alliance", "alliance_now"], by_time="alliance", reml=reml,
    )  # fmt: skip
    peer = smf.mixedlm(
        "pain ~ visit + alliance + alliance_now + alliance:visit",
        clinic,
        groups=clinic["patient"],
        re_formula="~visit",
    ).fit(reml=reml)
    np.testing.assert_allclose(result.fixed["estimate"], peer.fe_params, atol=1e-6)
    # MixedLM inverts the observed information of all parameters jointly; the fixed effects'
    # usual (GLS) covariance σ²(X'V⁻¹X)⁻¹ differs from it at the fifth decimal here
    np.testing.assert_allclose(result.fixed["se"], peer.bse_fe, atol=1e-4)
    np.testing.assert_allclose(result.cov_re, peer.cov_re, atol=1e-5)
    assert result.scale == pytest.approx(peer.scale, rel=1e-5)
    assert result.llf == pytest.approx(peer.llf, abs=1e-6)


def test_its_patient_deviations_match_mixedlms_random_effects(clinic: pd.DataFrame) -> None:
    result = growth(clinic, y="pain", time="visit", group="patient", covariates="alliance")
    peer = smf.mixedlm(
        "pain ~ visit + alliance", clinic, groups=clinic["patient"], re_formula="~visit"
    ).fit()
    expected = np.array([peer.random_effects[p].to_numpy() for p in sorted(peer.random_effects)])
    np.testing.assert_allclose(result.random, expected, atol=1e-4)


def test_it_counts_patients_observations_and_dropped_rows(clinic: pd.DataFrame) -> None:
    frame = clinic.copy()
    frame.iloc[:3, frame.columns.get_loc("pain")] = np.nan
    frame.iloc[5, frame.columns.get_loc("patient")] = None
    result = growth(frame, y="pain", time="visit", group="patient")
    assert result.n_dropped == 4
    assert result.n == len(clinic) - 4
    assert result.patients == clinic["patient"].nunique()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"by_time": "alliance"}, r"by_time: \['alliance'\] must also be named as covariates"),
        ({"group": "clinic"}, "group column 'clinic' is not in the data"),
        ({"covariates": "visit2"}, "the fixed effects are collinear"),
    ],
)
def test_it_refuses_a_model_it_cannot_fit(
    clinic: pd.DataFrame, arguments: dict[str, object], message: str
) -> None:
    call: dict[str, object] = {"y": "pain", "time": "visit", "group": "patient"}
    with pytest.raises(AnalysisError, match=message):
        growth(clinic.assign(visit2=clinic["visit"] * 2), **{**call, **arguments})  # type: ignore[arg-type]


def test_it_summarises_and_draws_growth_curves(clinic: pd.DataFrame) -> None:
    result = growth(clinic, y="pain", time="visit", group="patient", covariates="alliance")
    assert "random intercept and slope per patient" in result.summary()
    assert result.to_dict()["random"]["residual_variance"] == result.scale
    axes = result.plot(patients=10).axes[0]
    assert axes.get_legend_handles_labels()[1] == ["average"]
    assert len(axes.get_lines()) == 2 * 10 + 1
