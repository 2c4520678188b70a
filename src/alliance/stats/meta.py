"""Fixed- and random-effects meta-analysis, as metafor's ``rma`` computes it.

τ² by DerSimonian-Laird, REML (Fisher scoring) or Paule-Mandel; Wald (z) or Hartung-Knapp
(t) inference; Q, I², H² with their Q-profile confidence intervals; a prediction interval;
Egger's regression test. The heavy part is a handful of weighted sums over the studies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, stats

from alliance.stats._data import AnalysisError
from alliance.stats.meta_result import EggerTest, MetaResult

Array = NDArray[np.float64]

METHODS = ("FE", "DL", "REML", "PM")


def meta_analysis(
    data: pd.DataFrame | None = None,
    *,
    effect: str | ArrayLike,
    variance: str | ArrayLike,
    method: Literal["FE", "DL", "REML", "PM"] = "REML",
    knha: bool = False,
    level: float = 0.95,
    labels: str | Sequence[str] | None = None,
) -> MetaResult:
    """Pool study effects weighted by the inverse of their variance (plus τ² when random).

    Parameters
    ----------
    data : a table with one row per study, or None when the values are given directly.
    effect, variance : column names in ``data`` (or arrays): the effects on an additive scale
        (Fisher z, Hedges' g, log ratios; see ``alliance.stats.effect_sizes``) and their
        sampling variances.
    method : "FE" (common effect), or the random-effects τ² estimator "DL", "REML" or "PM".
    knha : Hartung-Knapp adjustment: a variance from the spread of the effects, t with k - 1 df.
    labels : a column name or one label per study, for the forest plot.

    Examples
    --------
    >>> result = meta_analysis(effect=[0.3, 0.1, 0.5, 0.2], variance=[0.01, 0.02, 0.04, 0.01])
    >>> round(result.estimate, 4), round(result.tau2, 4)
    (0.2455, 0.0)
    """
    y, v, names = _studies(data, effect, variance, labels)
    if method not in METHODS:
        raise AnalysisError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if not 0 < level < 1:
        raise AnalysisError(f"level must lie between 0 and 1, got {level}")
    k = len(y)
    fixed_weights = 1 / v
    q = _q_statistic(y, v, 0.0)
    tau2 = _tau2(method, y, v)
    weights = 1 / (v + tau2)
    estimate = float(np.sum(weights * y) / np.sum(weights))
    if knha:
        spread = float(np.sum(weights * (y - estimate) ** 2) / (k - 1))
        se = float(np.sqrt(spread / np.sum(weights)))
        df: int | None = k - 1
        quantile = float(stats.t.ppf((1 + level) / 2, k - 1))
        p_value = float(2 * stats.t.sf(abs(estimate / se), k - 1))
    else:
        se = float(np.sqrt(1 / np.sum(weights)))
        df = None
        quantile = float(stats.norm.ppf((1 + level) / 2))
        p_value = float(2 * stats.norm.sf(abs(estimate / se)))
    typical = _typical_variance(fixed_weights)
    tau2_low, tau2_high = _q_profile(y, v, level) if method != "FE" else (np.nan, np.nan)
    prediction = quantile * np.sqrt(se**2 + tau2)
    return MetaResult(
        method=method,
        knha=knha,
        level=level,
        labels=names,
        effects=y,
        variances=v,
        weights=weights / weights.sum(),
        estimate=estimate,
        se=se,
        statistic=estimate / se,
        df=df,
        p=p_value,
        ci_low=estimate - quantile * se,
        ci_high=estimate + quantile * se,
        pi_low=estimate - prediction,
        pi_high=estimate + prediction,
        tau2=tau2,
        tau2_se=_reml_tau2_se(v, tau2) if method == "REML" else float("nan"),
        tau2_ci=(tau2_low, tau2_high),
        i2=100 * tau2 / (tau2 + typical) if method != "FE" else _fixed_i2(q, k),
        i2_ci=(100 * tau2_low / (tau2_low + typical), 100 * tau2_high / (tau2_high + typical)),
        h2=(tau2 + typical) / typical if method != "FE" else max(q / (k - 1), 1.0),
        h2_ci=((tau2_low + typical) / typical, (tau2_high + typical) / typical),
        q=q,
        q_df=k - 1,
        q_p=float(stats.chi2.sf(q, k - 1)),
        egger=egger_test(y, v),
    )


def egger_test(effects: ArrayLike, variances: ArrayLike) -> EggerTest:
    """Egger's regression test: a non-zero intercept suggests small-study effects.

    The standardised effect (effect / SE) is regressed on precision (1 / SE); the intercept
    is tested with t on k - 2 df (metafor's ``regtest(model="lm")``). NaN when there are fewer
    than 3 studies or every study has the same precision.
    """
    y = np.asarray(effects, dtype=np.float64)
    se = np.sqrt(np.asarray(variances, dtype=np.float64))
    k = len(y)
    precision = 1 / se
    if k < 3 or np.ptp(precision) <= 1e-9 * precision.max():
        return EggerTest(float("nan"), float("nan"), float("nan"), float("nan"), k - 2)
    design = np.column_stack([np.ones(k), precision])
    coef, *_ = np.linalg.lstsq(design, y / se, rcond=None)
    residual = y / se - design @ coef
    sigma2 = residual @ residual / (k - 2)
    cov = sigma2 * np.linalg.inv(design.T @ design)
    intercept_se = float(np.sqrt(cov[0, 0]))
    t_value = float(coef[0] / intercept_se)
    return EggerTest(
        float(coef[0]), intercept_se, t_value, float(2 * stats.t.sf(abs(t_value), k - 2)), k - 2
    )


def _studies(
    data: pd.DataFrame | None,
    effect: str | ArrayLike,
    variance: str | ArrayLike,
    labels: str | Sequence[str] | None,
) -> tuple[Array, Array, tuple[str, ...]]:
    """Effects, variances and labels as arrays, refusing what cannot be pooled."""
    y = _values(data, effect, "effect")
    v = _values(data, variance, "variance")
    if len(y) != len(v):
        raise AnalysisError(f"{len(y)} effects but {len(v)} variances")
    keep = np.isfinite(y) & np.isfinite(v)
    if isinstance(labels, str) and data is not None:
        if labels not in data.columns:
            raise AnalysisError(f"labels column {labels!r} is not in the data")
        names = [str(value) for value in data[labels]]
    elif labels is not None and not isinstance(labels, str):
        names = [str(value) for value in labels]
        if len(names) != len(y):
            raise AnalysisError(f"{len(names)} labels for {len(y)} studies")
    else:
        names = [f"study {i + 1}" for i in range(len(y))]
    y, v = y[keep], v[keep]
    names = [name for name, kept in zip(names, keep, strict=True) if kept]
    if len(y) < 2:
        raise AnalysisError(
            f"a meta-analysis needs at least 2 studies with both values, got {len(y)}"
        )
    if np.any(v <= 0):
        raise AnalysisError("variance: every sampling variance must be positive")
    return y, v, tuple(names)


def _values(data: pd.DataFrame | None, value: str | ArrayLike, role: str) -> Array:
    if isinstance(value, str):
        if data is None:
            raise AnalysisError(f"{role}: a column name needs a data table")
        if value not in data.columns:
            raise AnalysisError(f"{role} column {value!r} is not in the data")
        converted = pd.to_numeric(data[value], errors="coerce")
        if (converted.isna() & data[value].notna()).any():
            raise AnalysisError(f"{role} column {value!r} is not numeric")
        return converted.to_numpy(dtype=np.float64)
    return np.asarray(value, dtype=np.float64).ravel()


def _q_statistic(y: Array, v: Array, tau2: float) -> float:
    """Generalised Cochran's Q: weighted squared deviations from the weighted mean."""
    weights = 1 / (v + tau2)
    mean = np.sum(weights * y) / np.sum(weights)
    return float(np.sum(weights * (y - mean) ** 2))


def _tau2(method: str, y: Array, v: Array) -> float:
    if method == "FE":
        return 0.0
    if method == "DL":
        return _dl(y, v)
    return _reml(y, v) if method == "REML" else _pm(y, v)


def _dl(y: Array, v: Array) -> float:
    """DerSimonian-Laird method-of-moments τ², truncated at zero."""
    weights = 1 / v
    q = _q_statistic(y, v, 0.0)
    scale = weights.sum() - np.sum(weights**2) / weights.sum()
    return max(0.0, float((q - (len(y) - 1)) / scale))


def _reml(y: Array, v: Array) -> float:
    """Restricted maximum-likelihood τ² by Fisher scoring from the DL value, truncated at zero."""
    tau2 = _dl(y, v)
    for _ in range(200):
        weights = 1 / (v + tau2)
        mean = np.sum(weights * y) / np.sum(weights)
        scored = np.sum(weights**2 * ((y - mean) ** 2 - v)) / np.sum(weights**2)
        updated = max(0.0, float(scored + 1 / np.sum(weights)))
        if abs(updated - tau2) < 1e-12 * (1 + tau2):
            return updated
        tau2 = updated
    raise AnalysisError("the REML estimate of tau^2 did not converge")


def _pm(y: Array, v: Array) -> float:
    """Paule-Mandel τ²: where the generalised Q equals its expectation k - 1."""
    target = len(y) - 1
    if _q_statistic(y, v, 0.0) <= target:
        return 0.0
    upper = 1.0
    while _q_statistic(y, v, upper) > target:
        upper *= 4
    return float(optimize.brentq(lambda t: _q_statistic(y, v, t) - target, 0.0, upper, xtol=1e-14))


def _q_profile(y: Array, v: Array, level: float) -> tuple[float, float]:
    """Confidence limits of τ² where the generalised Q meets the chi-square quantiles."""
    k = len(y)
    tail = (1 - level) / 2
    limits = []
    for quantile in (stats.chi2.ppf(1 - tail, k - 1), stats.chi2.ppf(tail, k - 1)):
        if _q_statistic(y, v, 0.0) < quantile:
            limits.append(0.0)
            continue
        upper = 1.0
        while _q_statistic(y, v, upper) > quantile:
            upper *= 4
        limits.append(
            float(
                optimize.brentq(
                    lambda t, q=quantile: _q_statistic(y, v, t) - q, 0.0, upper, xtol=1e-14
                )
            )
        )
    return limits[0], limits[1]


def _typical_variance(weights: Array) -> float:
    """The 'typical' within-study variance that I² and H² compare τ² with (Higgins & Thompson)."""
    k = len(weights)
    return float((k - 1) * weights.sum() / (weights.sum() ** 2 - np.sum(weights**2)))


def _fixed_i2(q: float, k: int) -> float:
    return max(0.0, 100 * (q - (k - 1)) / q) if q > 0 else 0.0


def _reml_tau2_se(v: Array, tau2: float) -> float:
    """Standard error of the REML τ² from the inverse of its expected information."""
    weights = 1 / (v + tau2)
    projection = np.diag(weights) - np.outer(weights, weights) / weights.sum()
    return float(np.sqrt(2 / np.sum(projection * projection.T)))
