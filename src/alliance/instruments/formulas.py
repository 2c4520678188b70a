"""Named scoring formulas that are more than a sum or a mean of items.

Each formula works on a whole table at once: ``values`` is an (items x administrations)
float array with NaN for a missing answer, already recoded and reversed. A definition names
its formula; the formula's ``bounds`` gives the score range the definition must declare.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from alliance.instruments.answers import Reason

FloatArray = NDArray[np.float64]

GAS_RHO = 0.3
"""Inter-goal correlation assumed by Kiresuk and Sherman's T-score (1968)."""


@dataclass(frozen=True)
class Formula:
    """A named rule: how to compute the score and which range it can take.

    ``compute(values, weights, low, high)`` and ``bounds(k, low, high)`` receive the
    common bounds of the scale's items after recoding; ``weights`` is None when the
    instrument takes none.
    """

    name: str
    description: str
    compute: Callable[[FloatArray, FloatArray | None, float, float], FloatArray]
    bounds: Callable[[int, float, float], tuple[float, float]]
    inconsistent: Callable[[FloatArray], tuple[NDArray[np.bool_], Reason]] | None = None


def answered_mean(values: FloatArray) -> FloatArray:
    """Mean of the answered (non-NaN) items of each administration; NaN when none is."""
    answered = (~np.isnan(values)).sum(axis=0)
    mean = np.full(values.shape[1], np.nan)
    np.divide(np.nansum(values, axis=0), answered, out=mean, where=answered > 0)
    return mean


def percent_of_range(
    values: FloatArray, weights: FloatArray | None, low: float, high: float
) -> FloatArray:
    """Mean of the answered items as a percentage of the item range.

    This is the ODI rule (sum / (5 x sections answered) x 100), the QuickDASH rule
    ((mean - 1) x 25) and the NDI percentage (raw x 2): one linear map.
    """
    return 100.0 * (answered_mean(values) - low) / (high - low)


def gas_t_score(
    values: FloatArray, weights: FloatArray | None, low: float, high: float
) -> FloatArray:
    """Kiresuk-Sherman Goal Attainment T-score over the goals that were rated.

    T = 50 + 10 * sum(w x) / sqrt((1 - rho) * sum(w^2) + rho * (sum w)^2), rho = 0.3.
    """
    answered = ~np.isnan(values)
    w = np.where(answered, 1.0 if weights is None else weights, 0.0)
    x = np.where(answered, values, 0.0)
    numerator = (w * x).sum(axis=0)
    denominator = np.sqrt((1 - GAS_RHO) * (w**2).sum(axis=0) + GAS_RHO * w.sum(axis=0) ** 2)
    ratio = np.full(values.shape[1], np.nan)
    np.divide(numerator, denominator, out=ratio, where=denominator > 0)
    return 50.0 + 10.0 * ratio


def _gas_bounds(k: int, low: float, high: float) -> tuple[float, float]:
    # Equal weights over all k goals give the extremes (Cauchy-Schwarz on the denominator).
    spread = 10.0 * k / math.sqrt((1 - GAS_RHO) * k + GAS_RHO * k**2)
    return 50.0 + low * spread, 50.0 + high * spread


def attendance_percent(
    values: FloatArray, weights: FloatArray | None, low: float, high: float
) -> FloatArray:
    """Visits attended (item 1) as a percentage of visits scheduled (item 2)."""
    attended, scheduled = values[0], values[1]
    ratio = np.full(values.shape[1], np.nan)
    np.divide(100.0 * attended, scheduled, out=ratio, where=scheduled > 0)
    return ratio


def _more_attended_than_scheduled(values: FloatArray) -> tuple[NDArray[np.bool_], Reason]:
    with np.errstate(invalid="ignore"):
        return values[0] > values[1], Reason.MORE_ATTENDED_THAN_SCHEDULED


def _percent_bounds(k: int, low: float, high: float) -> tuple[float, float]:
    return 0.0, 100.0


FORMULAS: dict[str, Formula] = {
    "percent_of_range": Formula(
        "percent_of_range",
        "mean of the answered items as 0-100 % of the item range",
        percent_of_range,
        _percent_bounds,
    ),
    "gas_t": Formula(
        "gas_t",
        "Kiresuk-Sherman T-score (rho 0.3), unweighted unless weights are given",
        gas_t_score,
        _gas_bounds,
    ),
    "attendance_percent": Formula(
        "attendance_percent",
        "visits attended (item 1) as a percentage of visits scheduled (item 2)",
        attendance_percent,
        _percent_bounds,
        _more_attended_than_scheduled,
    ),
}
