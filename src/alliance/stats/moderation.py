"""Moderation (PROCESS model 1): does the effect of X on Y depend on W?

Y = b0 + b1 X + b2 W + b3 XW (+ covariates). The effect of X at a value of W is
θ(W) = b1 + b3 W, with variance var(b1) + 2 W cov(b1, b3) + W² var(b3). Simple slopes probe
θ at chosen values of W; the Johnson-Neyman technique finds the values of W where θ(W)
crosses the significance threshold: the roots of a quadratic in W.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from alliance.stats._data import AnalysisError, column, is_binary, names, numeric_frame
from alliance.stats.linear import HC_TYPES, LinearFit, logit, ols
from alliance.stats.moderation_result import ModerationResult


def moderation(
    data: pd.DataFrame,
    *,
    x: str,
    w: str,
    y: str,
    covariates: str | Sequence[str] | None = None,
    at: Sequence[float] | None = None,
    model: Literal["auto", "linear", "logistic"] = "auto",
    robust: str | None = None,
    level: float = 0.95,
) -> ModerationResult:
    """Fit X, W and their product, probe the effect of X at values of W, and find the
    Johnson-Neyman region of significance.

    ``at`` gives the values of W for simple slopes: by default the two values of a 0/1
    moderator, otherwise the mean and one SD either side. A 0/1 outcome gets a logistic
    model (effects in log odds, z tests) unless ``model`` says otherwise.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> frame = pd.DataFrame({"treated": rng.integers(0, 2, 400), "alliance": rng.normal(size=400)})
    >>> frame["pain"] = -0.2 * frame["treated"] * (1 + frame["alliance"]) + rng.normal(size=400)
    >>> result = moderation(frame, x="treated", w="alliance", y="pain")
    >>> round(result.interaction_estimate, 2)
    -0.27
    """
    extra = names(covariates, "covariates")
    if robust is not None and robust not in HC_TYPES:
        raise AnalysisError(f"robust must be one of {', '.join(HC_TYPES)}, got {robust!r}")
    if model not in ("auto", "linear", "logistic"):
        raise AnalysisError(f"model must be auto, linear or logistic, got {model!r}")
    frame, dropped = numeric_frame(
        data, {"x": (x,), "w": (w,), "y": (y,), "covariates": extra}, minimum_rows=len(extra) + 7
    )
    outcome = column(frame, y)
    logistic = model == "logistic" or (model == "auto" and is_binary(outcome))
    if logistic and not is_binary(outcome):
        raise AnalysisError(f"a logistic outcome must be coded 0/1; {y!r} holds other values")
    predictor, moderator = column(frame, x), column(frame, w)
    covariate_columns = [column(frame, c) for c in extra]
    design = np.column_stack(
        [np.ones(len(frame)), predictor, moderator, predictor * moderator, *covariate_columns]
    )
    fit = logit(design, outcome, robust) if logistic else ols(design, outcome, robust)
    values = _probe_values(moderator, at)
    critical = _critical(fit, level)
    regions, points = _johnson_neyman(fit, critical, float(moderator.min()), float(moderator.max()))
    terms = ("constant", x, w, f"{x}:{w}", *extra)
    low, high = fit.interval(level)
    return ModerationResult(
        x=x,
        w=w,
        y=y,
        covariates=extra,
        model="logistic" if logistic else "linear",
        robust=robust,
        n=len(frame),
        n_dropped=dropped,
        level=level,
        coefficients=pd.DataFrame(
            {
                "term": terms,
                "estimate": fit.coef,
                "se": fit.se,
                "statistic": fit.statistic(),
                "p": fit.p_value(),
                "ci_low": low,
                "ci_high": high,
            }
        ),
        r2_change=_r2_change(design, outcome, fit) if not logistic else float("nan"),
        simple_slopes=_conditional_effects(fit, values, critical),
        jn_points=tuple(points),
        jn_share_below=tuple(float(np.mean(moderator < p)) for p in points),
        significant_regions=tuple(regions),
        w_range=(float(moderator.min()), float(moderator.max())),
        w_values=moderator,
        curve=_conditional_effects(
            fit, np.linspace(moderator.min(), moderator.max(), 200), critical
        ),
    )


def _probe_values(moderator: np.ndarray, at: Sequence[float] | None) -> np.ndarray:
    if at is not None:
        values = np.asarray(at, dtype=float)
        if values.ndim != 1 or len(values) == 0 or not np.all(np.isfinite(values)):
            raise AnalysisError("at: give one or more finite values of the moderator")
        return values
    if is_binary(moderator):
        return np.array([0.0, 1.0])
    mean, sd = moderator.mean(), moderator.std(ddof=1)
    return np.array([mean - sd, mean, mean + sd])


def _critical(fit: LinearFit, level: float) -> float:
    tail = (1 + level) / 2
    return float(stats.norm.ppf(tail) if fit.df is None else stats.t.ppf(tail, fit.df))


def _conditional_effects(fit: LinearFit, values: np.ndarray, critical: float) -> pd.DataFrame:
    """θ(W) = b1 + b3 W with its standard error, test and interval at each W."""
    b1, b3 = fit.coef[1], fit.coef[3]
    v11, v13, v33 = fit.cov[1, 1], fit.cov[1, 3], fit.cov[3, 3]
    effect = b1 + b3 * values
    se = np.sqrt(v11 + 2 * values * v13 + values**2 * v33)
    statistic = effect / se
    p = 2 * (
        stats.norm.sf(np.abs(statistic))
        if fit.df is None
        else stats.t.sf(np.abs(statistic), fit.df)
    )
    return pd.DataFrame(
        {
            "w": values,
            "effect": effect,
            "se": se,
            "statistic": statistic,
            "p": p,
            "ci_low": effect - critical * se,
            "ci_high": effect + critical * se,
        }
    )


def _johnson_neyman(
    fit: LinearFit, critical: float, low: float, high: float
) -> tuple[list[tuple[float, float]], list[float]]:
    """Where θ(W) is significant within the observed range of W, and the boundary values.

    θ(W)² - c² var θ(W) is a quadratic a W² + b W + c0; it is positive exactly where the
    effect of X is significant.
    """
    b1, b3 = fit.coef[1], fit.coef[3]
    v11, v13, v33 = fit.cov[1, 1], fit.cov[1, 3], fit.cov[3, 3]
    t2 = critical**2
    quadratic = np.array([b3**2 - t2 * v33, 2 * (b1 * b3 - t2 * v13), b1**2 - t2 * v11])
    roots = np.roots(quadratic) if abs(quadratic[0]) > 1e-300 else np.roots(quadratic[1:])
    points = sorted(float(r.real) for r in roots if abs(r.imag) < 1e-12 and low < r.real < high)
    edges = [low, *points, high]
    regions: list[tuple[float, float]] = []
    for start, end in pairwise(edges):
        middle = (start + end) / 2
        if np.polyval(quadratic, middle) > 0:
            if regions and regions[-1][1] == start:
                regions[-1] = (regions[-1][0], end)
            else:
                regions.append((start, end))
    return regions, points


def _r2_change(design: np.ndarray, outcome: np.ndarray, fit: LinearFit) -> float:
    """The share of outcome variance the product term adds beyond X, W and covariates."""
    without = ols(np.delete(design, 3, axis=1), outcome)
    total = np.sum((outcome - outcome.mean()) ** 2)
    return float((without.residual @ without.residual - fit.residual @ fit.residual) / total)
