"""Moderated mediation: PROCESS models 7, 8, 14, 58 and 59.

W moderates the first stage (X → M: 7, 8, 58, 59), the second stage (M → Y: 14, 58, 59)
and/or the direct effect (8, 59). The indirect effect through mediator j at a value w of W is
a_j(w)·b_j(w), with a_j(w) = a1 + a3·w where the first stage is moderated and b_j(w) =
b1 + b3·w where the second is. When only one stage is moderated the indirect effect is
linear in w and its slope is Hayes's (2015) index of moderated mediation (a3·b, or a·b3).
Every equation is linear, so the bootstrap refits every replicate from cross-products, as in
``mediation``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from alliance.stats import intervals, resample
from alliance.stats._data import AnalysisError, column, is_binary, names, numeric_frame
from alliance.stats.linear import LinearFit, leave_one_out, ols
from alliance.stats.moderated_mediation_result import ModeratedMediationResult
from alliance.stats.moments import Design, slopes

Array = NDArray[np.float64]

STAGES = {
    7: (True, False, False),
    8: (True, False, True),
    14: (False, True, False),
    58: (True, True, False),
    59: (True, True, True),
}
"""PROCESS model: (first stage moderated, second stage moderated, direct effect moderated)."""

GRID = 40
"""Values of W along which the conditional indirect effect is drawn."""


@dataclass(frozen=True)
class _Spec:
    x: str
    w: str
    mediators: tuple[str, ...]
    y: str
    covariates: tuple[str, ...]
    model: int

    @property
    def first(self) -> bool:
        return STAGES[self.model][0]

    @property
    def second(self) -> bool:
        return STAGES[self.model][1]

    @property
    def direct(self) -> bool:
        return STAGES[self.model][2]

    def equations(self) -> list[tuple[str, tuple[str, ...]]]:
        """(outcome, predictors) of each mediator's equation, then the outcome's."""
        first = (self.x, self.w, "__xw") if self.first else (self.x,)
        found = [(m, (*first, *self.covariates)) for m in self.mediators]
        outcome: tuple[str, ...] = (self.x, *self.mediators)
        if self.second or self.direct:
            outcome += (self.w,)
        if self.second:
            outcome += tuple(f"__{m}w" for m in self.mediators)
        if self.direct:
            outcome += ("__xw",)
        found.append((self.y, (*outcome, *self.covariates)))
        return found

    def effects(self, coefficients: list[Array], values: Array) -> Array:
        """Conditional indirect effects at ``values`` (per mediator), the index (or the
        difference from the first value when both stages are moderated) and the direct
        effect at ``values``; batch x effects."""
        k = len(self.mediators)
        outcome = coefficients[k]
        columns = []
        for j in range(k):
            a1 = coefficients[j][:, 0]
            a3 = coefficients[j][:, 2] if self.first else np.zeros_like(a1)
            b1 = outcome[:, 1 + j]
            b3 = outcome[:, 2 + k + j] if self.second else np.zeros_like(b1)
            conditional = (a1[:, None] + a3[:, None] * values) * (
                b1[:, None] + b3[:, None] * values
            )
            columns.append(conditional)
            if self.first and self.second:
                columns.append(conditional[:, 1:] - conditional[:, :1])
            else:
                columns.append((a3 * b1 + a1 * b3)[:, None])
        c1 = outcome[:, 0]
        c3 = outcome[:, -1 - len(self.covariates)] if self.direct else np.zeros_like(c1)
        columns.append(c1[:, None] + c3[:, None] * values)
        return np.hstack(columns)


def moderated_mediation(
    data: pd.DataFrame,
    *,
    x: str,
    m: str | Sequence[str],
    w: str,
    y: str,
    model: Literal[7, 8, 14, 58, 59],
    covariates: str | Sequence[str] | None = None,
    at: Sequence[float] | None = None,
    n_boot: int = 5000,
    seed: int | None = None,
    ci: Literal["percentile", "bca"] = "percentile",
    level: float = 0.95,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> ModeratedMediationResult:
    """Conditional indirect effects of X on Y through M at values of the moderator W.

    ``at`` gives the values of W to probe: by default the two values of a 0/1 moderator,
    otherwise the mean and one SD either side. Mediators act in parallel. The bootstrap,
    seed, intervals and ``workers`` work as in ``mediation``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(5)
    >>> frame = pd.DataFrame({"training": rng.integers(0, 2, 400),
    ...                       "experience": rng.normal(size=400)})
    >>> gain = 0.3 + 0.3 * frame["experience"]
    >>> frame["alliance"] = gain * frame["training"] + rng.normal(size=400)
    >>> frame["function"] = 0.5 * frame["alliance"] + rng.normal(size=400)
    >>> result = moderated_mediation(frame, x="training", m="alliance", w="experience",
    ...                              y="function", model=7, n_boot=500, seed=1)
    >>> round(float(result.index["estimate"].iloc[0]), 2)
    0.23
    """
    mediators = names(m, "m")
    extra = names(covariates, "covariates")
    if model not in STAGES:
        raise AnalysisError(f"model must be one of {', '.join(map(str, STAGES))}, got {model!r}")
    if not mediators:
        raise AnalysisError("m: name at least one mediator")
    if ci not in intervals.CI_METHODS:
        raise AnalysisError(f"ci must be one of {', '.join(intervals.CI_METHODS)}, got {ci!r}")
    if n_boot < 100:
        raise AnalysisError(f"n_boot must be at least 100 for a bootstrap interval, got {n_boot}")
    spec = _Spec(x, w, mediators, y, extra, model)
    roles = {"x": (x,), "m": mediators, "w": (w,), "y": (y,), "covariates": extra}
    frame, dropped = numeric_frame(data, roles, minimum_rows=len(spec.equations()[-1][1]) + 3)
    frame = _with_products(frame, spec)
    moderator = column(frame, w)
    probes = _probe_values(moderator, at)
    grid = np.linspace(moderator.min(), moderator.max(), GRID)
    values = np.concatenate([probes, grid])
    fits = [_fit(frame, outcome, predictors) for outcome, predictors in spec.equations()]
    estimate = spec.effects([f.coef[None, 1:] for f in fits], values)[0]
    used_seed = resample.entropy(seed)
    statistic = _statistic(frame, spec, values)
    draws = resample.bootstrap(len(frame), n_boot, used_seed, statistic, progress, workers)
    if ci == "bca":
        jackknife = spec.effects(
            [
                leave_one_out(_design(frame, p), f)[:, 1:]
                for (_, p), f in zip(spec.equations(), fits, strict=True)
            ],
            values,
        )
        low, high = intervals.bca(draws, estimate, jackknife, level)
    else:
        low, high = intervals.percentile(draws, level)
    return ModeratedMediationResult.of(
        spec_model=model,
        x=x,
        w=w,
        mediators=mediators,
        y=y,
        covariates=extra,
        n=len(frame),
        n_dropped=dropped,
        n_boot=n_boot,
        seed=used_seed,
        ci=ci,
        level=level,
        probes=probes,
        grid=grid,
        first=spec.first,
        second=spec.second,
        direct=spec.direct,
        estimate=estimate,
        se=np.nanstd(draws, axis=0, ddof=1),
        low=low,
        high=high,
        coefficients=_table(spec, fits, level),
    )


def _with_products(frame: pd.DataFrame, spec: _Spec) -> pd.DataFrame:
    """The product columns the moderated paths need."""
    products = {"__xw": frame[spec.x] * frame[spec.w]}
    products |= {f"__{m}w": frame[m] * frame[spec.w] for m in spec.mediators}
    return frame.assign(**products)


def _probe_values(moderator: Array, at: Sequence[float] | None) -> Array:
    if at is not None:
        values = np.asarray(at, dtype=np.float64)
        if values.ndim != 1 or len(values) == 0 or not np.all(np.isfinite(values)):
            raise AnalysisError("at: give one or more finite values of the moderator")
        return values
    if is_binary(moderator):
        return np.array([0.0, 1.0])
    mean, sd = moderator.mean(), moderator.std(ddof=1)
    return np.array([mean - sd, mean, mean + sd])


def _design(frame: pd.DataFrame, predictors: tuple[str, ...]) -> Array:
    return np.column_stack([np.ones(len(frame)), *(column(frame, p) for p in predictors)])


def _fit(frame: pd.DataFrame, outcome: str, predictors: tuple[str, ...]) -> LinearFit:
    try:
        return ols(_design(frame, predictors), column(frame, outcome))
    except AnalysisError as error:
        raise AnalysisError(f"the equation for {outcome!r}: {error}") from error


def _statistic(frame: pd.DataFrame, spec: _Spec, values: Array) -> resample.Statistic:
    used = list(dict.fromkeys(name for o, p in spec.equations() for name in (o, *p)))
    design = Design.of(used, np.column_stack([column(frame, name) for name in used]))

    def statistic(deviations: NDArray[np.float32]) -> Array:
        moments = design.resampled(deviations)
        coefficients = [slopes(moments, design, p, o) for o, p in spec.equations()]
        return spec.effects(coefficients, values)

    return statistic


def _table(spec: _Spec, fits: list[LinearFit], level: float) -> pd.DataFrame:
    """Every equation's terms, the product columns named as the interactions they are."""
    readable = {"__xw": f"{spec.x}:{spec.w}"} | {f"__{m}w": f"{m}:{spec.w}" for m in spec.mediators}
    rows = []
    for (outcome, predictors), fit in zip(spec.equations(), fits, strict=True):
        low, high = fit.interval(level)
        for i, term in enumerate(("constant", *predictors)):
            rows.append(
                {
                    "equation": outcome,
                    "term": readable.get(term, term),
                    "estimate": fit.coef[i],
                    "se": fit.se[i],
                    "p": fit.p_value()[i],
                    "ci_low": low[i],
                    "ci_high": high[i],
                }
            )
    return pd.DataFrame(rows)
