"""Mediation: point estimates, paths and bootstrap intervals against pingouin, statsmodels and
explicit refits of the resampled rows."""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from alliance.stats import AnalysisError, mediation
from alliance.stats.resample import deviations
from tests.stats.conftest import mediation_frame

COVARIATES = ["age", "baseline"]


def ols_params(frame: pd.DataFrame, outcome: str, predictors: list[str]) -> pd.Series:
    return sm.OLS(frame[outcome], sm.add_constant(frame[predictors])).fit().params


def test_it_gives_pingouins_point_estimates_with_covariates(clinic: pd.DataFrame) -> None:
    result = mediation(
        clinic, x="alliance", m="adherence", y="outcome", covariates=COVARIATES, n_boot=200, seed=1
    )
    peer = pg.mediation_analysis(
        data=clinic, x="alliance", m="adherence", y="outcome", covar=COVARIATES, n_boot=50, seed=1
    ).set_index("path")
    assert result.indirect[0].estimate == pytest.approx(peer.loc["Indirect", "coef"], abs=1e-12)
    assert result.a["adherence"] == pytest.approx(peer.loc["adherence ~ X", "coef"], abs=1e-12)
    assert result.direct.estimate == pytest.approx(peer.loc["Direct", "coef"], abs=1e-12)
    assert result.total.estimate == pytest.approx(peer.loc["Total", "coef"], abs=1e-12)


def test_it_gives_pingouins_parallel_indirect_effects(clinic: pd.DataFrame) -> None:
    result = mediation(
        clinic, x="alliance", m=["adherence", "expectancy"], y="outcome", n_boot=200, seed=1
    )
    peer = pg.mediation_analysis(
        data=clinic, x="alliance", m=["adherence", "expectancy"], y="outcome", n_boot=50, seed=1
    ).set_index("path")
    for effect, name in zip(result.indirect, ["adherence", "expectancy"], strict=True):
        assert effect.estimate == pytest.approx(peer.loc[f"Indirect {name}", "coef"], abs=1e-12)
    assert result.total_indirect is not None
    assert result.total_indirect.estimate == pytest.approx(
        peer.loc["Indirect adherence", "coef"] + peer.loc["Indirect expectancy", "coef"], abs=1e-12
    )
    (contrast,) = result.contrasts
    assert contrast.estimate == pytest.approx(
        result.indirect[0].estimate - result.indirect[1].estimate, abs=1e-12
    )


def test_it_reports_every_equations_paths_as_statsmodels_does(clinic: pd.DataFrame) -> None:
    result = mediation(
        clinic,
        x="alliance",
        m=["adherence", "expectancy"],
        y="outcome",
        covariates="age",
        serial=True,
        n_boot=200,
        seed=1,
    )
    equations = {
        "adherence": ["alliance", "age"],
        "expectancy": ["alliance", "age", "adherence"],
        "outcome": ["alliance", "age", "adherence", "expectancy"],
        "total effect model": ["alliance", "age"],
    }
    table = result.coefficients
    for equation, predictors in equations.items():
        outcome = "outcome" if equation == "total effect model" else equation
        fit = sm.OLS(clinic[outcome], sm.add_constant(clinic[predictors])).fit()
        rows = table[table["equation"] == equation]
        np.testing.assert_allclose(rows["estimate"], fit.params, rtol=1e-10)
        np.testing.assert_allclose(rows["se"], fit.bse, rtol=1e-10)
        np.testing.assert_allclose(rows["p"], fit.pvalues, rtol=1e-8, atol=1e-300)
        np.testing.assert_allclose(rows["ci_low"], fit.conf_int()[0], rtol=1e-10)


def test_it_multiplies_serial_paths_along_every_chain(clinic: pd.DataFrame) -> None:
    result = mediation(
        clinic,
        x="alliance",
        m=["adherence", "expectancy"],
        y="outcome",
        covariates=COVARIATES,
        serial=True,
        n_boot=200,
        seed=1,
    )
    a1 = ols_params(clinic, "adherence", ["alliance", *COVARIATES])["alliance"]
    second = ols_params(clinic, "expectancy", ["alliance", *COVARIATES, "adherence"])
    third = ols_params(clinic, "outcome", ["alliance", *COVARIATES, "adherence", "expectancy"])
    expected = {
        "alliance → adherence → outcome": a1 * third["adherence"],
        "alliance → expectancy → outcome": second["alliance"] * third["expectancy"],
        "alliance → adherence → expectancy → outcome": (
            a1 * second["adherence"] * third["expectancy"]
        ),
    }
    assert {e.label: pytest.approx(e.estimate, abs=1e-12) for e in result.indirect} == expected
    assert result.d == {"adherence → expectancy": pytest.approx(second["adherence"], abs=1e-12)}
    assert len(result.contrasts) == 3


def test_it_refits_each_resample_exactly(clinic: pd.DataFrame) -> None:
    """Replicates from cross-products equal least squares on the resampled rows themselves."""
    result = mediation(
        clinic,
        x="alliance",
        m=["adherence", "expectancy"],
        y="outcome",
        covariates=COVARIATES,
        serial=True,
        n_boot=100,
        seed=11,
    )
    counts = deviations(len(clinic), 0, 5, 11).astype(int) + 1
    for replicate, weight in enumerate(counts):
        rows = clinic.loc[clinic.index.repeat(weight)]
        a1 = ols_params(rows, "adherence", ["alliance", *COVARIATES])["alliance"]
        second = ols_params(rows, "expectancy", ["alliance", *COVARIATES, "adherence"])
        third = ols_params(rows, "outcome", ["alliance", *COVARIATES, "adherence", "expectancy"])
        serial = a1 * second["adherence"] * third["expectancy"]
        assert result.draws[replicate, 2] == pytest.approx(serial, rel=1e-6)
        assert result.draws[replicate, -2] == pytest.approx(third["alliance"], rel=1e-6)


def test_its_percentile_interval_agrees_with_pingouins_resamples(clinic: pd.DataFrame) -> None:
    """Different random streams, same bootstrap: limits agree within Monte-Carlo error."""
    result = mediation(
        clinic,
        x="alliance",
        m="adherence",
        y="outcome",
        covariates=COVARIATES,
        n_boot=4000,
        seed=5,
    )
    _, draws = pg.mediation_analysis(
        data=clinic,
        x="alliance",
        m="adherence",
        y="outcome",
        covar=COVARIATES,
        n_boot=4000,
        seed=5,
        return_dist=True,
    )
    effect = result.indirect[0]
    # a 2.5 % quantile from 4000 resamples has a Monte-Carlo SD near 0.05 bootstrap SEs
    assert effect.se == pytest.approx(np.std(draws, ddof=1), rel=0.06)
    assert effect.ci_low == pytest.approx(np.percentile(draws, 2.5), abs=0.25 * effect.se)
    assert effect.ci_high == pytest.approx(np.percentile(draws, 97.5), abs=0.25 * effect.se)


def test_its_bca_interval_agrees_with_scipy() -> None:
    from scipy import stats

    frame = mediation_frame(150, seed=8)
    result = mediation(
        frame, x="alliance", m="adherence", y="outcome", n_boot=4000, seed=2, ci="bca"
    )

    def indirect(x: np.ndarray, m: np.ndarray, y: np.ndarray) -> float:
        a = np.polyfit(x, m, 1)[0]
        design = np.column_stack([np.ones_like(x), x, m])
        return float(a * np.linalg.lstsq(design, y, rcond=None)[0][2])

    peer = stats.bootstrap(
        (frame["alliance"], frame["adherence"], frame["outcome"]),
        indirect,
        paired=True,
        vectorized=False,
        n_resamples=4000,
        method="BCa",
        rng=np.random.default_rng(2),
    )
    effect = result.indirect[0]
    assert effect.ci_low == pytest.approx(peer.confidence_interval.low, abs=0.3 * effect.se)
    assert effect.ci_high == pytest.approx(peer.confidence_interval.high, abs=0.3 * effect.se)
    assert effect.se == pytest.approx(peer.standard_error, rel=0.08)


def test_it_models_a_binary_outcome_on_the_log_odds_scale(clinic: pd.DataFrame) -> None:
    frame = clinic.assign(recovered=(clinic["outcome"] > 0).astype(int))
    result = mediation(
        frame, x="alliance", m="adherence", y="recovered", covariates="age", n_boot=200, seed=4
    )
    assert result.outcome_model == "logistic"
    design = sm.add_constant(frame[["alliance", "age", "adherence"]])
    fit = sm.Logit(frame["recovered"], design).fit(disp=0)
    assert result.b["adherence"] == pytest.approx(fit.params["adherence"], abs=1e-8)
    assert result.direct.estimate == pytest.approx(fit.params["alliance"], abs=1e-8)
    counts = deviations(len(frame), 0, 3, 4).astype(float) + 1
    for replicate, weight in enumerate(counts):
        weighted = sm.GLM(
            frame["recovered"], design, family=sm.families.Binomial(), freq_weights=weight
        ).fit()
        assert result.draws[replicate, 1] == pytest.approx(weighted.params["alliance"], rel=1e-6)


def test_it_reproduces_its_resamples_from_the_seed(clinic: pd.DataFrame) -> None:
    """The same seed gives the same resamples, however many are drawn; a longer run's matrix
    products have another shape, which BLAS may round differently in float32's last digits."""
    first = mediation(clinic, x="alliance", m="adherence", y="outcome", n_boot=300, seed=9)
    again = mediation(clinic, x="alliance", m="adherence", y="outcome", n_boot=300, seed=9)
    longer = mediation(clinic, x="alliance", m="adherence", y="outcome", n_boot=500, seed=9)
    other = mediation(clinic, x="alliance", m="adherence", y="outcome", n_boot=300, seed=10)
    np.testing.assert_array_equal(first.draws, again.draws)
    np.testing.assert_allclose(first.draws, longer.draws[:300], rtol=1e-5, atol=1e-9)
    assert not np.allclose(first.draws, other.draws, rtol=1e-2)


def test_it_reports_the_seed_it_drew_when_none_is_given(clinic: pd.DataFrame) -> None:
    drawn = mediation(clinic, x="alliance", m="adherence", y="outcome", n_boot=200)
    again = mediation(clinic, x="alliance", m="adherence", y="outcome", n_boot=200, seed=drawn.seed)
    np.testing.assert_array_equal(drawn.draws, again.draws)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(30, 200))
def test_the_total_effect_is_direct_plus_indirect_in_every_resample(seed: int, n: int) -> None:
    frame = mediation_frame(n, seed)
    result = mediation(
        frame,
        x="alliance",
        m=["adherence", "expectancy"],
        y="outcome",
        covariates="age",
        n_boot=100,
        seed=seed,
    )
    assert result.total_indirect is not None
    assert result.total.estimate == pytest.approx(
        result.direct.estimate + result.total_indirect.estimate, abs=1e-10
    )
    total, direct, indirect = result.draws[:, -1], result.draws[:, -2], result.draws[:, 2]
    np.testing.assert_allclose(total, direct + indirect, atol=1e-5)


def test_it_drops_incomplete_rows_and_counts_them(clinic: pd.DataFrame) -> None:
    frame = clinic.copy()
    frame.loc[[0, 5, 9], "adherence"] = np.nan
    frame.loc[12, "age"] = np.nan
    result = mediation(
        frame, x="alliance", m="adherence", y="outcome", covariates="age", n_boot=200, seed=1
    )
    assert (result.n, result.n_dropped) == (len(clinic) - 4, 4)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"m": "missing"}, "m column 'missing' is not in the data"),
        ({"covariates": ["age", "alliance"]}, "column 'alliance' is both x and covariates"),
        ({"m": ["adherence"], "serial": True}, "a serial model needs 2 to 4 mediators"),
        ({"n_boot": 10}, "n_boot must be at least 100"),
        ({"ci": "normal"}, "ci must be one of percentile, bca"),
        ({"outcome": "logistic"}, "a logistic outcome must be coded 0/1"),
        ({"covariates": "site"}, "covariates column 'site' is not numeric (e.g. 'north')"),
        ({"covariates": "copy"}, "the predictors are collinear"),
    ],
)
def test_it_refuses_bad_input_saying_why(
    clinic: pd.DataFrame, arguments: dict[str, object], message: str
) -> None:
    frame = clinic.assign(site=["north", "south"] * (len(clinic) // 2), copy=clinic["alliance"] * 2)
    call: dict[str, object] = {"x": "alliance", "m": "adherence", "y": "outcome", "n_boot": 200}
    with pytest.raises(AnalysisError, match=message.replace("(", r"\(").replace(")", r"\)")):
        mediation(frame, **{**call, **arguments})  # type: ignore[arg-type]


def test_it_summarises_tabulates_and_plots(clinic: pd.DataFrame) -> None:
    result = mediation(
        clinic, x="alliance", m=["adherence", "expectancy"], y="outcome", n_boot=300, seed=1
    )
    frame = result.to_frame()
    assert frame["kind"].tolist() == [
        "indirect",
        "indirect",
        "total indirect",
        "contrast",
        "direct",
        "total",
    ]
    assert f"{result.indirect[0].estimate:9.4f}" in result.summary()
    assert "Seed 1 reproduces" in result.summary()
    payload = result.to_dict()
    assert set(payload["a"]) == {"adherence", "expectancy"}
    assert payload["indirect"]["estimate"] == result.total_indirect.estimate  # type: ignore[union-attr]
    figure = result.plot()
    assert isinstance(figure, Figure)
    assert len(figure.axes[0].get_yticklabels()) == len(frame)


def test_it_refuses_a_negative_seed(clinic: pd.DataFrame) -> None:
    with pytest.raises(AnalysisError, match="seed must be a non-negative integer, got -1"):
        mediation(clinic, x="alliance", m="adherence", y="outcome", n_boot=200, seed=-1)
