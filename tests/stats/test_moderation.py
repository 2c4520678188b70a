"""Moderation (PROCESS model 1): coefficients, simple slopes and Johnson-Neyman points
checked against statsmodels' fit and its tests of linear combinations."""

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from alliance.stats import AnalysisError, moderation


@pytest.fixture(scope="module")
def trial() -> pd.DataFrame:
    rng = np.random.default_rng(17)
    n = 500
    alliance = rng.normal(size=n)
    treated = rng.integers(0, 2, size=n)
    age = rng.normal(size=n)
    pain = -0.1 * treated - 0.35 * treated * alliance + 0.2 * alliance + 0.1 * age
    pain = pain + rng.normal(size=n) * (1 + 0.5 * np.abs(alliance))
    return pd.DataFrame({"treated": treated, "alliance": alliance, "age": age, "pain": pain})


def contrast(fit: object, w: float) -> object:
    vector = np.zeros(len(fit.params))  # type: ignore[attr-defined]
    names = list(fit.params.index)  # type: ignore[attr-defined]
    vector[names.index("treated")] = 1
    vector[names.index("treated:alliance")] = w
    return fit.t_test(vector)  # type: ignore[attr-defined]


@pytest.mark.parametrize("robust", [None, "HC3"])
def test_it_matches_statsmodels_simple_slopes(trial: pd.DataFrame, robust: str | None) -> None:
    result = moderation(trial, x="treated", w="alliance", y="pain", covariates="age", robust=robust)
    peer = smf.ols("pain ~ treated * alliance + age", trial).fit(
        cov_type=robust or "nonrobust", use_t=True
    )
    table = result.coefficients.set_index("term")
    assert table.loc["treated:alliance", "estimate"] == pytest.approx(
        peer.params["treated:alliance"], rel=1e-10
    )
    assert table.loc["treated:alliance", "se"] == pytest.approx(
        peer.bse["treated:alliance"], rel=1e-10
    )
    for row in result.simple_slopes.itertuples():
        test = contrast(peer, row.w)
        assert row.effect == pytest.approx(float(test.effect[0]), rel=1e-10)  # type: ignore[attr-defined]
        assert row.se == pytest.approx(float(test.sd[0, 0]), rel=1e-10)  # type: ignore[attr-defined]
        assert row.p == pytest.approx(float(test.pvalue), rel=1e-6)  # type: ignore[attr-defined]


def test_it_probes_the_mean_and_one_sd_either_side_by_default(trial: pd.DataFrame) -> None:
    result = moderation(trial, x="treated", w="alliance", y="pain")
    mean, sd = trial["alliance"].mean(), trial["alliance"].std()
    np.testing.assert_allclose(result.simple_slopes["w"], [mean - sd, mean, mean + sd])
    swapped = moderation(trial, x="alliance", w="treated", y="pain")
    assert swapped.simple_slopes["w"].tolist() == [0.0, 1.0]
    chosen = moderation(trial, x="treated", w="alliance", y="pain", at=[-2, 2])
    assert chosen.simple_slopes["w"].tolist() == [-2.0, 2.0]


def test_significance_changes_exactly_at_the_johnson_neyman_points(trial: pd.DataFrame) -> None:
    result = moderation(trial, x="treated", w="alliance", y="pain", covariates="age")
    peer = smf.ols("pain ~ treated * alliance + age", trial).fit()
    assert result.jn_points
    for point in result.jn_points:
        assert float(contrast(peer, point).pvalue) == pytest.approx(0.05, abs=1e-9)  # type: ignore[attr-defined]
    for start, end in result.significant_regions:
        assert float(contrast(peer, (start + end) / 2).pvalue) < 0.05  # type: ignore[attr-defined]
    low, high = result.w_range
    edges = sorted({low, *result.jn_points, high})
    covered = [(a + b) / 2 for a, b in pairwise(edges)]
    inside = [any(s <= m <= e for s, e in result.significant_regions) for m in covered]
    assert inside == [float(contrast(peer, m).pvalue) < 0.05 for m in covered]  # type: ignore[attr-defined]
    share = (trial["alliance"] < result.jn_points[0]).mean()
    assert result.jn_share_below[0] == pytest.approx(share)


def test_it_moderates_a_binary_outcome_on_the_log_odds_scale(trial: pd.DataFrame) -> None:
    frame = trial.assign(relief=(trial["pain"] < 0).astype(int))
    result = moderation(frame, x="treated", w="alliance", y="relief")
    peer = smf.logit("relief ~ treated * alliance", frame).fit(disp=0)
    assert result.model == "logistic"
    assert result.interaction_estimate == pytest.approx(peer.params["treated:alliance"], rel=1e-7)
    row = result.simple_slopes.iloc[0]
    assert row["p"] == pytest.approx(float(contrast(peer, row["w"]).pvalue), rel=1e-5)  # type: ignore[attr-defined]


def test_its_r2_change_is_the_gain_from_the_product_term(trial: pd.DataFrame) -> None:
    result = moderation(trial, x="treated", w="alliance", y="pain")
    full = smf.ols("pain ~ treated * alliance", trial).fit().rsquared
    reduced = smf.ols("pain ~ treated + alliance", trial).fit().rsquared
    assert result.r2_change == pytest.approx(full - reduced, rel=1e-10)


def test_it_refuses_a_moderator_that_is_also_the_predictor(trial: pd.DataFrame) -> None:
    with pytest.raises(AnalysisError, match="column 'alliance' is both x and w"):
        moderation(trial, x="alliance", w="alliance", y="pain")


def test_it_reports_the_region_and_draws_it(trial: pd.DataFrame) -> None:
    result = moderation(trial, x="treated", w="alliance", y="pain")
    text = result.summary()
    assert "significance changes at alliance = " in text
    payload = result.to_dict()
    assert payload["johnson_neyman"]["points"] == list(result.jn_points)
    axes = result.plot().axes[0]
    dashed = [line for line in axes.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == len(result.jn_points)
