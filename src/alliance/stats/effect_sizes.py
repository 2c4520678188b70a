"""Study effect sizes and their sampling variances, for pooling in a meta-analysis.

Each function returns a table with ``yi`` (the effect) and ``vi`` (its sampling variance),
as metafor's ``escalc`` names them, one row per study.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln

from alliance.stats._data import AnalysisError

Array = NDArray[np.float64]


def fisher_z(r: ArrayLike, n: ArrayLike) -> pd.DataFrame:
    """Correlations as Fisher's z = atanh(r), with variance 1 / (n - 3)."""
    correlation, size = _floats(r, "r"), _floats(n, "n")
    if np.any(np.abs(correlation) >= 1):
        raise AnalysisError("r: a correlation must lie strictly between -1 and 1")
    if np.any(size <= 3):
        raise AnalysisError("n: Fisher's z needs more than 3 cases per study")
    return _table(np.arctanh(correlation), 1 / (size - 3))


def hedges_g(
    mean1: ArrayLike,
    sd1: ArrayLike,
    n1: ArrayLike,
    mean2: ArrayLike,
    sd2: ArrayLike,
    n2: ArrayLike,
) -> pd.DataFrame:
    """Standardised mean differences (group 1 minus group 2) with the exact small-sample factor.

    g = J(n1 + n2 - 2) (mean1 - mean2) / pooled SD, where J(m) = Γ(m/2) / (√(m/2) Γ((m-1)/2));
    variance 1/n1 + 1/n2 + g² / (2 (n1 + n2)) (Hedges & Olkin 1985, metafor's default).
    """
    m1, s1, k1 = _floats(mean1, "mean1"), _floats(sd1, "sd1"), _floats(n1, "n1")
    m2, s2, k2 = _floats(mean2, "mean2"), _floats(sd2, "sd2"), _floats(n2, "n2")
    if np.any(k1 < 2) or np.any(k2 < 2):
        raise AnalysisError("n1, n2: each group needs at least 2 cases")
    if np.any(s1 <= 0) or np.any(s2 <= 0):
        raise AnalysisError("sd1, sd2: standard deviations must be positive")
    df = k1 + k2 - 2
    pooled = np.sqrt(((k1 - 1) * s1**2 + (k2 - 1) * s2**2) / df)
    correction = np.exp(gammaln(df / 2) - 0.5 * np.log(df / 2) - gammaln((df - 1) / 2))
    g = correction * (m1 - m2) / pooled
    return _table(g, 1 / k1 + 1 / k2 + g**2 / (2 * (k1 + k2)))


def log_risk_ratio(
    events1: ArrayLike, others1: ArrayLike, events2: ArrayLike, others2: ArrayLike
) -> pd.DataFrame:
    """Log risk ratios (group 1 over group 2) from 2x2 counts.

    A study with a zero cell gets 1/2 added to each of its four cells (metafor's default).
    """
    a, b, c, d = _cells(events1, others1, events2, others2)
    risk1, risk2 = a / (a + b), c / (c + d)
    return _table(np.log(risk1 / risk2), 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))


def log_odds_ratio(
    events1: ArrayLike, others1: ArrayLike, events2: ArrayLike, others2: ArrayLike
) -> pd.DataFrame:
    """Log odds ratios (group 1 over group 2) from 2x2 counts, with the same zero-cell rule."""
    a, b, c, d = _cells(events1, others1, events2, others2)
    return _table(np.log(a * d / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d)


def _cells(*counts: ArrayLike) -> tuple[Array, Array, Array, Array]:
    names = ("events1", "others1", "events2", "others2")
    a, b, c, d = (_floats(value, name) for value, name in zip(counts, names, strict=True))
    if any(np.any(cell < 0) for cell in (a, b, c, d)):
        raise AnalysisError("2x2 counts cannot be negative")
    if np.any(a + c == 0) or np.any(b + d == 0):
        raise AnalysisError(
            "a study with no events (or no non-events) in either group has no ratio"
        )
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    half = np.where(zero, 0.5, 0.0)
    return a + half, b + half, c + half, d + half


def _floats(values: ArrayLike, name: str) -> Array:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or len(array) == 0:
        raise AnalysisError(f"{name}: give one value per study")
    if not np.all(np.isfinite(array)):
        raise AnalysisError(f"{name}: every value must be a finite number")
    return array


def _table(effect: Array, variance: Array) -> pd.DataFrame:
    return pd.DataFrame({"yi": effect, "vi": variance})
