"""Least squares and logistic regression fits, with the standard errors the analyses report."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special, stats

from alliance.stats._data import AnalysisError

Array = NDArray[np.float64]

HC_TYPES = ("HC0", "HC1", "HC2", "HC3")
"""White's heteroskedasticity-consistent covariances (MacKinnon & White 1985 numbering)."""


@dataclass(frozen=True)
class LinearFit:
    """Coefficients, their covariance and what inference on them needs.

    ``df`` is the residual degrees of freedom for t-based inference, or None for the z-based
    (large-sample) inference of a logistic model.
    """

    coef: Array
    cov: Array
    df: int | None
    hat: Array
    residual: Array
    bread: Array

    @property
    def se(self) -> Array:
        """Standard errors of the coefficients."""
        return np.sqrt(np.diag(self.cov))

    def statistic(self) -> Array:
        """t (linear) or z (logistic) statistics against zero."""
        return self.coef / self.se

    def p_value(self) -> Array:
        """Two-sided p-values of the statistics."""
        statistic = np.abs(self.statistic())
        if self.df is None:
            return 2 * stats.norm.sf(statistic)
        return 2 * stats.t.sf(statistic, self.df)

    def interval(self, level: float) -> tuple[Array, Array]:
        """Normal-theory (t or z) confidence limits of the coefficients."""
        tail = (1 + level) / 2
        quantile = stats.norm.ppf(tail) if self.df is None else stats.t.ppf(tail, self.df)
        return self.coef - quantile * self.se, self.coef + quantile * self.se


def ols(design: Array, outcome: Array, robust: str | None = None) -> LinearFit:
    """Ordinary least squares by QR, with classical or HC0-HC3 robust covariance."""
    n, k = design.shape
    if n <= k:
        raise AnalysisError(f"{n} complete rows cannot estimate {k} coefficients")
    q, r = np.linalg.qr(design)
    if np.min(np.abs(np.diag(r))) <= 1e-10 * np.max(np.abs(np.diag(r))):
        raise AnalysisError("the predictors are collinear (one is a combination of others)")
    coef = np.linalg.solve(r, q.T @ outcome)
    residual = outcome - design @ coef
    r_inverse = np.linalg.inv(r)
    bread = r_inverse @ r_inverse.T
    hat = np.einsum("ij,ij->i", q, q)
    df = n - k
    if robust is None:
        cov = bread * (residual @ residual / df)
    else:
        cov = _sandwich(design, residual, bread, hat, robust)
    return LinearFit(coef, cov, df, hat, residual, bread)


def _sandwich(design: Array, residual: Array, bread: Array, hat: Array, kind: str) -> Array:
    """The heteroskedasticity-consistent covariance of the given type."""
    n, k = design.shape
    if kind not in HC_TYPES:
        raise AnalysisError(f"robust must be one of {', '.join(HC_TYPES)}, got {kind!r}")
    squared = residual**2
    if kind == "HC1":
        squared = squared * n / (n - k)
    elif kind == "HC2":
        squared = squared / (1 - hat)
    elif kind == "HC3":
        squared = squared / (1 - hat) ** 2
    meat = (design * squared[:, None]).T @ design
    return bread @ meat @ bread


def logit(
    design: Array, outcome: Array, robust: str | None = None, max_iter: int = 50
) -> LinearFit:
    """Logistic regression by Newton-Raphson, refusing data that separate the outcome."""
    n, k = design.shape
    if n <= k:
        raise AnalysisError(f"{n} complete rows cannot estimate {k} coefficients")
    coef = np.zeros(k)
    for _ in range(max_iter):
        probability = _expit(design @ coef)
        weight = probability * (1 - probability)
        information = (design * weight[:, None]).T @ design
        try:
            step = np.linalg.solve(information, design.T @ (outcome - probability))
        except np.linalg.LinAlgError as error:
            raise AnalysisError(
                "the predictors are collinear (one is a combination of others)"
            ) from error
        coef = coef + step
        if np.max(np.abs(step)) < 1e-10 * (1 + np.max(np.abs(coef))):
            break
    else:
        raise AnalysisError("the logistic model did not converge (is the outcome separated?)")
    if np.max(np.abs(design @ coef)) > 30:
        raise AnalysisError("the outcome is (quasi-)separated by the predictors; no finite fit")
    probability = _expit(design @ coef)
    weight = probability * (1 - probability)
    bread = np.asarray(np.linalg.inv((design * weight[:, None]).T @ design), dtype=np.float64)
    hat = weight * np.einsum("ij,jk,ik->i", design, bread, design)
    residual = outcome - probability
    cov = bread if robust is None else _sandwich(design, residual, bread, hat, robust)
    return LinearFit(coef, cov, None, hat, residual, bread)


def leave_one_out(design: Array, fit: LinearFit) -> Array:
    """The coefficients with each row left out in turn (n x k), without n refits.

    Exact for least squares (the deletion formula); for a logistic model it is the one-step
    approximation of Pregibon (1981), which is what the jackknife of a BCa interval needs.
    """
    influence = (design @ fit.bread) * (fit.residual / (1 - fit.hat))[:, None]
    return fit.coef[None, :] - influence


def _expit(eta: Array) -> Array:
    return np.asarray(special.expit(eta), dtype=np.float64)


def logit_batch(design: Array, outcome: Array, weights: Array, start: Array) -> Array:
    """Weighted logistic fits for many weight vectors at once (b x k), by batched Newton steps.

    ``weights`` is b x n (bootstrap counts); each fit starts from ``start``, the unweighted
    estimate, and stops being updated once its step is negligible. A fit that does not
    converge (a separated resample) comes back as NaN.
    """
    rows, cols = np.triu_indices(design.shape[1])
    products = design[:, rows] * design[:, cols]
    coef = np.repeat(start[None, :], weights.shape[0], axis=0)
    active = np.arange(weights.shape[0])
    for _ in range(30):
        every = len(active) == len(coef)
        chosen = weights if every else weights[active]
        probability = _expit((coef if every else coef[active]) @ design.T)
        packed = (chosen * probability * (1 - probability)) @ products
        information = np.empty((len(active), design.shape[1], design.shape[1]))
        information[:, rows, cols] = packed
        information[:, cols, rows] = packed
        gradient = (chosen * (outcome[None, :] - probability)) @ design
        try:
            step = np.linalg.solve(information, gradient[..., None])[..., 0]
        except np.linalg.LinAlgError:
            step = np.stack([_safe_solve(a, g) for a, g in zip(information, gradient, strict=True)])
        coef[active] += np.nan_to_num(step, nan=0.0)
        # Newton converges quadratically: after a step below 1e-5 the error is near 1e-10
        moving = np.max(np.abs(step), axis=1) >= 1e-5 * (1 + np.max(np.abs(coef[active]), axis=1))
        active = active[moving | np.isnan(step).any(axis=1)]
        if len(active) == 0:
            break
    coef[active] = np.nan
    separated = np.max(np.abs(coef @ design.T), axis=1) > 30
    coef[separated] = np.nan
    return coef


def _safe_solve(matrix: Array, vector: Array) -> Array:
    try:
        solved = np.asarray(np.linalg.solve(matrix, vector), dtype=np.float64)
        return solved
    except np.linalg.LinAlgError:
        return np.full_like(vector, np.nan)
