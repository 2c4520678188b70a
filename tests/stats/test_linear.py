"""Least squares and logistic fits against statsmodels; leave-one-out against refits."""

import numpy as np
import pytest
import statsmodels.api as sm

from alliance.stats.intervals import bca
from alliance.stats.linear import leave_one_out, logit, logit_batch, ols


@pytest.fixture(scope="module")
def design() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(4)
    x = sm.add_constant(rng.normal(size=(80, 3)))
    noise = rng.normal(size=80) * (1 + np.abs(x[:, 1]))
    y = x @ np.array([1.0, 0.5, -0.3, 0.2]) + noise
    binary = (x @ np.array([0.2, 1.0, -0.5, 0.3]) + rng.logistic(size=80) > 0).astype(float)
    return x, y, binary


@pytest.mark.parametrize("robust", [None, "HC0", "HC1", "HC2", "HC3"])
def test_it_matches_statsmodels_ols(design: tuple[np.ndarray, ...], robust: str | None) -> None:
    x, y, _ = design
    peer = sm.OLS(y, x).fit(cov_type=robust or "nonrobust")
    fit = ols(x, y, robust=robust)
    np.testing.assert_allclose(fit.coef, peer.params, rtol=1e-10)
    np.testing.assert_allclose(fit.se, peer.bse, rtol=1e-10)


@pytest.mark.parametrize("robust", [None, "HC0"])
def test_it_matches_statsmodels_logit(design: tuple[np.ndarray, ...], robust: str | None) -> None:
    x, _, binary = design
    peer = sm.Logit(binary, x).fit(disp=0, cov_type=robust or "nonrobust")
    fit = logit(x, binary, robust=robust)
    np.testing.assert_allclose(fit.coef, peer.params, rtol=1e-8)
    np.testing.assert_allclose(fit.se, peer.bse, rtol=1e-6)
    np.testing.assert_allclose(fit.p_value(), peer.pvalues, rtol=1e-6)


def test_its_leave_one_out_coefficients_equal_refits(design: tuple[np.ndarray, ...]) -> None:
    x, y, _ = design
    deleted = leave_one_out(x, ols(x, y))
    for i in (0, 17, 79):
        keep = np.arange(len(y)) != i
        refit = np.linalg.lstsq(x[keep], y[keep], rcond=None)[0]
        np.testing.assert_allclose(deleted[i], refit, rtol=1e-10)


def test_its_logistic_leave_one_out_is_close_to_refits(design: tuple[np.ndarray, ...]) -> None:
    x, _, binary = design
    deleted = leave_one_out(x, logit(x, binary))
    for i in (0, 17, 79):
        keep = np.arange(len(binary)) != i
        refit = logit(x[keep], binary[keep]).coef
        np.testing.assert_allclose(deleted[i], refit, atol=0.02)


def test_batched_logistic_fits_equal_weighted_statsmodels_fits(
    design: tuple[np.ndarray, ...],
) -> None:
    x, _, binary = design
    weights = np.random.default_rng(1).poisson(1.0, size=(4, len(binary))).astype(float)
    batched = logit_batch(x, binary, weights, logit(x, binary).coef)
    for row, weight in zip(batched, weights, strict=True):
        peer = sm.GLM(binary, x, family=sm.families.Binomial(), freq_weights=weight).fit()
        np.testing.assert_allclose(row, peer.params, rtol=1e-7)


def test_bca_without_acceleration_is_pingouins_bias_corrected_interval() -> None:
    from pingouin.regression import _bias_corrected_ci

    draws = np.random.default_rng(3).gamma(4.0, size=3000)
    estimate = 3.6
    low, high = bca(draws[:, None], np.array([estimate]), np.zeros((10, 1)), 0.95)
    expected = _bias_corrected_ci(draws, estimate, alpha=0.05)
    np.testing.assert_allclose([low[0], high[0]], expected, rtol=1e-12)
