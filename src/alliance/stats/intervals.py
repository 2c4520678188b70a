"""Bootstrap confidence intervals: percentile and bias-corrected and accelerated (BCa)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import stats

Array = NDArray[np.float64]

CI_METHODS = ("percentile", "bca")


def percentile(draws: Array, level: float) -> tuple[Array, Array]:
    """Percentile limits of each column of the replicates (failed replicates are NaN)."""
    tail = (1 - level) / 2
    low, high = np.nanquantile(draws, [tail, 1 - tail], axis=0)
    return low, high


def bca(draws: Array, estimate: Array, jackknife: Array, level: float) -> tuple[Array, Array]:
    """BCa limits (Efron 1987): percentiles shifted for median bias and skewness.

    The bias correction z0 is the normal quantile of the share of replicates below the
    estimate (ties count half); the acceleration comes from the jackknife values
    (one row per left-out case).
    """
    valid = ~np.isnan(draws)
    count = valid.sum(axis=0)
    below = (np.where(valid, draws < estimate, False).sum(axis=0)
             + 0.5 * np.where(valid, draws == estimate, False).sum(axis=0))  # fmt: skip
    share = np.clip(below / count, 0.5 / count, 1 - 0.5 / count)
    z0 = stats.norm.ppf(share)
    centred = jackknife.mean(axis=0) - jackknife
    spread = (centred**2).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        acceleration = np.where(spread > 0, (centred**3).sum(axis=0) / (6 * spread**1.5), 0.0)
    tail = (1 - level) / 2
    limits = []
    for z_alpha in (stats.norm.ppf(tail), stats.norm.ppf(1 - tail)):
        shifted = z0 + (z0 + z_alpha) / (1 - acceleration * (z0 + z_alpha))
        probability = stats.norm.cdf(shifted)
        limits.append(
            np.array([np.nanquantile(draws[:, j], probability[j]) for j in range(draws.shape[1])])
        )
    return limits[0], limits[1]
