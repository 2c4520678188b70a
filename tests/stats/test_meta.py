"""Meta-analysis: metafor's published BCG vaccine results, statsmodels, and the defining equations.

The BCG data (Colditz et al. 1994; metafor's ``dat.bcg``) are 13 trials' 2x2 counts. Golden
numbers are metafor's printed output (4 decimals), so they are compared to 5e-5; the
Q-profile limits are compared to metafor's root-finding tolerance.
"""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects

from alliance.stats import AnalysisError, effect_sizes, meta_analysis

PRINTED = 5e-5

BCG = pd.DataFrame(
    {
        "trial": ["Aronson", "Ferguson & Simes", "Rosenthal 1960", "Hart & Sutherland",
                  "Frimodt-Moller", "Stein & Aronson", "Vandiviere", "TPT Madras",
                  "Coetzee & Berjak", "Rosenthal 1961", "Comstock 1974", "Comstock & Webster",
                  "Comstock 1976"],
        "tpos": [4, 6, 3, 62, 33, 180, 8, 505, 29, 17, 186, 5, 27],
        "tneg": [119, 300, 228, 13536, 5036, 1361, 2537, 87886, 7470, 1699, 50448, 2493, 16886],
        "cpos": [11, 29, 11, 248, 47, 372, 10, 499, 45, 65, 141, 3, 29],
        "cneg": [128, 274, 209, 12619, 5761, 1079, 619, 87892, 7232, 1600, 27197, 2338, 17825],
    }
)  # fmt: skip


@pytest.fixture(scope="module")
def bcg() -> pd.DataFrame:
    ratios = effect_sizes.log_risk_ratio(BCG["tpos"], BCG["tneg"], BCG["cpos"], BCG["cneg"])
    return pd.concat([BCG, ratios], axis=1)


def test_it_computes_metafors_log_risk_ratios(bcg: pd.DataFrame) -> None:
    # metafor's escalc(measure="RR") printout, trials 7 to 13
    expected_yi = [-1.6209, 0.0120, -0.4694, -1.3713, -0.3394, 0.4459, -0.0173]
    expected_vi = [0.2230, 0.0040, 0.0564, 0.0730, 0.0124, 0.5325, 0.0714]
    np.testing.assert_allclose(bcg["yi"].iloc[6:], expected_yi, atol=PRINTED)
    np.testing.assert_allclose(bcg["vi"].iloc[6:], expected_vi, atol=PRINTED)


def test_it_computes_metafors_log_odds_ratios() -> None:
    odds = effect_sizes.log_odds_ratio(BCG["tpos"], BCG["tneg"], BCG["cpos"], BCG["cneg"])
    # metafor's escalc(measure="OR") printout (van Houwelingen et al. 2002 example), trials 1-7
    expected_yi = [-0.9387, -1.6662, -1.3863, -1.4564, -0.2191, -0.9581, -1.6338]
    expected_vi = [0.3571, 0.2081, 0.4334, 0.0203, 0.0520, 0.0099, 0.2270]
    np.testing.assert_allclose(odds["yi"].iloc[:7], expected_yi, atol=PRINTED)
    np.testing.assert_allclose(odds["vi"].iloc[:7], expected_vi, atol=PRINTED)


def test_it_matches_metafors_common_effect_model(bcg: pd.DataFrame) -> None:
    result = meta_analysis(bcg, effect="yi", variance="vi", method="FE")
    assert result.estimate == pytest.approx(-0.4303, abs=PRINTED)
    assert (result.ci_low, result.ci_high) == pytest.approx((-0.5097, -0.3509), abs=PRINTED)
    assert result.statistic == pytest.approx(-10.6247, abs=PRINTED)
    assert result.q == pytest.approx(152.2330, abs=PRINTED)


def test_it_matches_metafors_dersimonian_laird_model(bcg: pd.DataFrame) -> None:
    result = meta_analysis(bcg, effect="yi", variance="vi", method="DL")
    assert result.estimate == pytest.approx(-0.7141, abs=PRINTED)
    assert (result.ci_low, result.ci_high) == pytest.approx((-1.0644, -0.3638), abs=PRINTED)
    assert result.statistic == pytest.approx(-3.9952, abs=PRINTED)
    assert result.tau2 == pytest.approx(0.3088, abs=PRINTED)
    assert result.i2 == pytest.approx(92.1173, abs=PRINTED)
    # confint(res): Q-profile limits (metafor finds them to about 1e-4)
    assert result.tau2_ci == pytest.approx((0.1197, 1.1115), abs=1e-4)
    assert result.i2_ci == pytest.approx((81.9177, 97.6781), abs=0.01)
    assert result.h2_ci == pytest.approx((5.5303, 43.0680), abs=0.01)


def test_it_matches_metafors_reml_model(bcg: pd.DataFrame) -> None:
    result = meta_analysis(bcg, effect="yi", variance="vi", method="REML")
    assert result.tau2 == pytest.approx(0.3132, abs=PRINTED)
    assert result.tau2_se == pytest.approx(0.1664, abs=PRINTED)
    assert result.i2 == pytest.approx(92.22, abs=0.005)
    assert result.h2 == pytest.approx(12.86, abs=0.005)
    assert result.q == pytest.approx(152.2330, abs=PRINTED)
    assert result.estimate == pytest.approx(-0.7145, abs=PRINTED)
    assert result.se == pytest.approx(0.1798, abs=PRINTED)
    assert result.statistic == pytest.approx(-3.9744, abs=PRINTED)
    assert (result.ci_low, result.ci_high) == pytest.approx((-1.0669, -0.3622), abs=PRINTED)
    # predict(res, transf=exp): 0.4894 [0.3441, 0.6962], prediction interval [0.1546, 1.5490]
    assert math.exp(result.pi_low) == pytest.approx(0.1546, abs=PRINTED)
    assert math.exp(result.pi_high) == pytest.approx(1.5490, abs=PRINTED)


def test_it_matches_metafors_hartung_knapp_model(bcg: pd.DataFrame) -> None:
    result = meta_analysis(bcg, effect="yi", variance="vi", method="REML", knha=True)
    assert result.se == pytest.approx(0.1808, abs=PRINTED)
    assert result.statistic == pytest.approx(-3.9522, abs=PRINTED)
    assert result.df == 12
    assert result.p == pytest.approx(0.0019, abs=PRINTED)
    assert (result.ci_low, result.ci_high) == pytest.approx((-1.1084, -0.3206), abs=PRINTED)
    # predict(res, transf=exp, digits=2): prediction interval 0.14 to 1.76
    assert (round(math.exp(result.pi_low), 2), round(math.exp(result.pi_high), 2)) == (0.14, 1.76)


@pytest.mark.parametrize(("method", "peer_method"), [("DL", "dl"), ("PM", "pm")])
def test_it_matches_statsmodels_combine_effects(
    bcg: pd.DataFrame, method: str, peer_method: str
) -> None:
    peer = combine_effects(bcg["yi"].to_numpy(), bcg["vi"].to_numpy(), method_re=peer_method)
    result = meta_analysis(bcg, effect="yi", variance="vi", method=method)  # type: ignore[arg-type]
    assert result.tau2 == pytest.approx(peer.tau2, rel=1e-6)
    assert result.estimate == pytest.approx(peer.mean_effect_re, rel=1e-6)
    assert result.se == pytest.approx(peer.sd_eff_w_re, rel=1e-6)
    knha = meta_analysis(bcg, effect="yi", variance="vi", method=method, knha=True)  # type: ignore[arg-type]
    assert knha.se == pytest.approx(peer.sd_eff_w_re_hksj, rel=1e-6)


def generalised_q(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    w = 1 / (v + tau2)
    return float(np.sum(w * (y - np.sum(w * y) / w.sum()) ** 2))


def restricted_log_likelihood(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    w = 1 / (v + tau2)
    mean = np.sum(w * y) / w.sum()
    return float(-0.5 * (np.sum(np.log(v + tau2)) + np.log(w.sum()) + np.sum(w * (y - mean) ** 2)))


studies = st.lists(
    st.tuples(st.floats(-2, 2), st.floats(0.01, 0.5)), min_size=3, max_size=25
).filter(lambda rows: len({round(y, 3) for y, _ in rows}) > 2)


@settings(max_examples=60, deadline=None)
@given(rows=studies)
def test_each_estimator_solves_its_own_equation(rows: list[tuple[float, float]]) -> None:
    y, v = np.array(rows).T
    k = len(y)
    pm = meta_analysis(effect=y, variance=v, method="PM")
    if pm.tau2 > 0:
        assert generalised_q(y, v, pm.tau2) == pytest.approx(k - 1, rel=1e-8)
    else:
        assert generalised_q(y, v, 0.0) <= k - 1 + 1e-9
    reml = meta_analysis(effect=y, variance=v, method="REML")
    best = optimize.minimize_scalar(
        lambda t: -restricted_log_likelihood(y, v, t), bounds=(0, 20), method="bounded",
        options={"xatol": 1e-10},
    )  # fmt: skip
    assert restricted_log_likelihood(y, v, reml.tau2) >= -best.fun - 1e-7
    low, high = reml.tau2_ci
    assert low <= high
    if high > 0:
        assert generalised_q(y, v, high) == pytest.approx(stats.chi2.ppf(0.025, k - 1), rel=1e-6)


def test_eggers_test_is_the_intercept_of_the_standardised_regression(bcg: pd.DataFrame) -> None:
    import statsmodels.api as sm

    result = meta_analysis(bcg, effect="yi", variance="vi")
    se = np.sqrt(bcg["vi"])
    peer = sm.OLS(bcg["yi"] / se, sm.add_constant(1 / se)).fit()
    assert result.egger.intercept == pytest.approx(peer.params.iloc[0], rel=1e-10)
    assert result.egger.t == pytest.approx(peer.tvalues.iloc[0], rel=1e-10)
    assert result.egger.p == pytest.approx(peer.pvalues.iloc[0], rel=1e-8)


def test_it_converts_correlations_to_fisher_z() -> None:
    table = effect_sizes.fisher_z([0.5, -0.2], [28, 103])
    np.testing.assert_allclose(table["yi"], [0.5 * math.log(3), 0.5 * math.log(0.8 / 1.2)])
    np.testing.assert_allclose(table["vi"], [1 / 25, 1 / 100])


def test_it_computes_hedges_g_with_the_exact_correction() -> None:
    table = effect_sizes.hedges_g([10.0], [2.0], [20], [8.0], [2.0], [20])
    df = 38
    correction = math.gamma(df / 2) / (math.sqrt(df / 2) * math.gamma((df - 1) / 2))
    assert table["yi"].iloc[0] == pytest.approx(correction * 1.0, rel=1e-12)
    # the familiar approximation 1 - 3 / (4 df - 1) agrees to about 1e-4
    assert table["yi"].iloc[0] == pytest.approx(1 - 3 / (4 * df - 1), abs=1e-4)
    g = table["yi"].iloc[0]
    assert table["vi"].iloc[0] == pytest.approx(1 / 20 + 1 / 20 + g**2 / 80, rel=1e-12)


def test_it_adds_a_half_to_every_cell_of_a_study_with_a_zero() -> None:
    table = effect_sizes.log_odds_ratio([0, 5], [10, 5], [3, 5], [7, 5])
    assert table["yi"].iloc[0] == pytest.approx(math.log(0.5 * 7.5 / (10.5 * 3.5)))
    assert table["vi"].iloc[0] == pytest.approx(1 / 0.5 + 1 / 10.5 + 1 / 3.5 + 1 / 7.5)
    assert table["yi"].iloc[1] == 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"effect": "missing"}, "effect column 'missing' is not in the data"),
        ({"method": "HS"}, "method must be one of FE, DL, REML, PM"),
        ({"variance": "negative"}, "every sampling variance must be positive"),
        ({"labels": ["a", "b"]}, "2 labels for 13 studies"),
    ],
)
def test_it_refuses_what_cannot_be_pooled(
    bcg: pd.DataFrame, arguments: dict[str, object], message: str
) -> None:
    call: dict[str, object] = {"effect": "yi", "variance": "vi"}
    with pytest.raises(AnalysisError, match=message):
        meta_analysis(bcg.assign(negative=-bcg["vi"]), **{**call, **arguments})  # type: ignore[arg-type]


def test_it_drops_studies_missing_a_value(bcg: pd.DataFrame) -> None:
    frame = bcg.copy()
    frame.loc[0, "vi"] = np.nan
    result = meta_analysis(frame, effect="yi", variance="vi", labels="trial")
    assert result.k == 12
    assert result.labels[0] == "Ferguson & Simes"


def test_it_tabulates_and_draws_forest_and_funnel_plots(bcg: pd.DataFrame) -> None:
    result = meta_analysis(bcg, effect="yi", variance="vi", labels="trial")
    frame = result.to_frame()
    assert frame["weight_percent"].sum() == pytest.approx(100)
    assert frame["study"].iloc[7] == "TPT Madras"
    captions = [caption for caption, _ in result.report_figures()]
    assert captions[0].startswith("Forest plot")
    labels = [t.get_text() for t in result.plot().axes[0].get_yticklabels()]
    assert labels == [*BCG["trial"], "RE model"]
    assert "tau^2 0.3132 (SE = 0.1664)" in result.summary()
