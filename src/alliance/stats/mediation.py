"""Mediation: simple, parallel and serial (PROCESS models 4 and 6), with bootstrap intervals.

The indirect effect of X on Y through mediators is a product of least-squares paths. Point
estimates and normal-theory path tests come from QR fits of each equation; the bootstrap
resamples cases (every equation sees the same rows) and refits every replicate from the
cross-products of the resampled rows in one batched solve, so 5,000 replicates cost a few
passes over the data rather than 5,000 refits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from alliance.stats import intervals, resample
from alliance.stats._data import AnalysisError, column, is_binary, names, numeric_frame
from alliance.stats.linear import LinearFit, leave_one_out, logit, logit_batch, ols
from alliance.stats.mediation_result import Effect, MediationResult
from alliance.stats.moments import Design, slopes

Array = NDArray[np.float64]

MAX_SERIAL = 4
"""Mediators allowed in a serial chain (15 specific indirect effects at four)."""


@dataclass(frozen=True)
class _Equation:
    outcome: str
    predictors: tuple[str, ...]
    logistic: bool


@dataclass(frozen=True)
class _Model:
    """Which equations make up the model and how their paths combine into effects."""

    x: str
    mediators: tuple[str, ...]
    y: str
    covariates: tuple[str, ...]
    serial: bool
    logistic: bool

    def equations(self) -> list[_Equation]:
        """Each mediator's equation, then the outcome's, then the total-effect equation."""
        found = []
        for j, mediator in enumerate(self.mediators):
            earlier = self.mediators[:j] if self.serial else ()
            found.append(_Equation(mediator, (self.x, *self.covariates, *earlier), False))
        found.append(_Equation(self.y, (self.x, *self.covariates, *self.mediators), self.logistic))
        found.append(_Equation(self.y, (self.x, *self.covariates), self.logistic))
        return found

    def chains(self) -> list[tuple[int, ...]]:
        """The mediators each specific indirect effect runs through, in order."""
        k = len(self.mediators)
        if not self.serial:
            return [(j,) for j in range(k)]
        return [chain for size in range(1, k + 1) for chain in combinations(range(k), size)]

    def labels(self) -> list[str]:
        """One label per effect, in the order ``effects`` returns them."""
        chains = [
            " → ".join([self.x, *(self.mediators[j] for j in chain), self.y])
            for chain in self.chains()
        ]
        found = [*chains, "total indirect"] if len(chains) > 1 else chains
        for first, second in combinations(range(len(chains)), 2):
            found.append(f"ind{first + 1} - ind{second + 1}")
        return [*found, f"{self.x} → {self.y} (direct)", f"{self.x} → {self.y} (total)"]

    def effects(self, coefficients: list[Array]) -> Array:
        """Every effect (batch x effects) from each equation's slopes (batch x predictors)."""
        k = len(self.mediators)
        start = 1 + len(self.covariates)
        a = [coefficients[j][:, 0] for j in range(k)]
        outcome = coefficients[k]
        b = [outcome[:, start + j] for j in range(k)]
        specific = []
        for chain in self.chains():
            value = a[chain[0]]
            for earlier, later in pairwise(chain):
                value = value * coefficients[later][:, start + earlier]
            specific.append(value * b[chain[-1]])
        found = [*specific, sum(specific)] if len(specific) > 1 else specific
        found += [specific[i] - specific[j] for i, j in combinations(range(len(specific)), 2)]
        found += [outcome[:, 0], coefficients[k + 1][:, 0]]
        return np.column_stack(found)


def mediation(
    data: pd.DataFrame,
    *,
    x: str,
    m: str | Sequence[str],
    y: str,
    covariates: str | Sequence[str] | None = None,
    serial: bool = False,
    n_boot: int = 5000,
    seed: int | None = None,
    ci: Literal["percentile", "bca"] = "percentile",
    level: float = 0.95,
    outcome: Literal["auto", "linear", "logistic"] = "auto",
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> MediationResult:
    """Estimate how much of X's effect on Y runs through one or more mediators.

    Parameters
    ----------
    data : one row per case; rows missing any named column are dropped (listwise).
    x, m, y : the predictor, the mediator(s) and the outcome. Several mediators act in
        parallel (each its own indirect effect, their total and pairwise contrasts), or in
        sequence with ``serial=True`` (X → M1 → M2 → Y, PROCESS model 6).
    covariates : entered in every equation.
    n_boot, seed : bootstrap resamples of whole cases, reproducible from the seed (the seed
        used is reported when none is given).
    ci : "percentile" or "bca" (bias-corrected and accelerated, jackknife acceleration).
    outcome : "logistic" models a 0/1 outcome on the log-odds scale; "auto" picks it when Y
        holds only 0 and 1.
    workers : worker processes for the bootstrap (same results as one; worth it for large n).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> alliance = rng.normal(size=300)
    >>> adherence = 0.5 * alliance + rng.normal(size=300)
    >>> outcome = 0.4 * adherence + 0.1 * alliance + rng.normal(size=300)
    >>> frame = pd.DataFrame({"alliance": alliance, "adherence": adherence, "outcome": outcome})
    >>> result = mediation(frame, x="alliance", m="adherence", y="outcome", n_boot=500, seed=1)
    >>> round(result.indirect[0].estimate, 3)
    0.245
    """
    mediators = names(m, "m")
    model = _model(data, x, mediators, y, names(covariates, "covariates"), serial, outcome)
    if not 0 < level < 1:
        raise AnalysisError(f"level must lie between 0 and 1, got {level}")
    if ci not in intervals.CI_METHODS:
        raise AnalysisError(f"ci must be one of {', '.join(intervals.CI_METHODS)}, got {ci!r}")
    if n_boot < 100:
        raise AnalysisError(f"n_boot must be at least 100 for a bootstrap interval, got {n_boot}")
    roles = {
        "x": (x,),
        "m": mediators,
        "y": (y,),
        "covariates": model.covariates,
    }
    equations = model.equations()
    frame, dropped = numeric_frame(data, roles, minimum_rows=len(equations[-2].predictors) + 3)
    if model.logistic and not is_binary(column(frame, y)):
        raise AnalysisError(f"a logistic outcome must be coded 0/1; {y!r} holds other values")
    fits = [_fit(frame, equation) for equation in equations]
    estimate = model.effects([fit.coef[None, 1:] for fit in fits])[0]
    used_seed = resample.entropy(seed)
    statistic = _replicate_statistic(frame, model, fits)
    draws = resample.bootstrap(len(frame), n_boot, used_seed, statistic, progress, workers)
    if ci == "bca":
        jackknife = model.effects(
            [
                leave_one_out(_design(frame, eq), fit)[:, 1:]
                for eq, fit in zip(equations, fits, strict=True)
            ]
        )
        low, high = intervals.bca(draws, estimate, jackknife, level)
    else:
        low, high = intervals.percentile(draws, level)
    se = np.nanstd(draws, axis=0, ddof=1)
    effects = [
        Effect(label, float(e), float(s), float(lo), float(hi))
        for label, e, s, lo, hi in zip(model.labels(), estimate, se, low, high, strict=True)
    ]
    return MediationResult(
        x=x,
        mediators=mediators,
        y=y,
        covariates=model.covariates,
        serial=model.serial,
        outcome_model="logistic" if model.logistic else "linear",
        n=len(frame),
        n_dropped=dropped,
        n_boot=n_boot,
        n_boot_failed=int(np.isnan(draws).any(axis=1).sum()),
        seed=used_seed,
        ci=ci,
        level=level,
        coefficients=_coefficient_table(equations, fits, level),
        indirect=tuple(effects[: len(model.chains())]),
        total_indirect=effects[len(model.chains())] if len(mediators) > 1 else None,
        contrasts=tuple(effects[len(model.chains()) + (len(mediators) > 1) : -2]),
        direct=effects[-2],
        total=effects[-1],
        draws=draws,
    )


def _model(
    data: pd.DataFrame,
    x: str,
    mediators: tuple[str, ...],
    y: str,
    covariates: tuple[str, ...],
    serial: bool,
    outcome: str,
) -> _Model:
    if not mediators:
        raise AnalysisError("m: name at least one mediator")
    if serial and not 2 <= len(mediators) <= MAX_SERIAL:
        raise AnalysisError(
            f"a serial model needs 2 to {MAX_SERIAL} mediators, got {len(mediators)}"
        )
    if outcome not in ("auto", "linear", "logistic"):
        raise AnalysisError(f"outcome must be auto, linear or logistic, got {outcome!r}")
    logistic = outcome == "logistic"
    if outcome == "auto" and isinstance(data, pd.DataFrame) and y in data.columns:
        values = pd.to_numeric(data[y], errors="coerce").dropna().to_numpy(dtype=float)
        logistic = is_binary(values)
    return _Model(x, mediators, y, covariates, serial, logistic)


def _design(frame: pd.DataFrame, equation: _Equation) -> Array:
    columns = [np.ones(len(frame)), *(column(frame, name) for name in equation.predictors)]
    return np.column_stack(columns)


def _fit(frame: pd.DataFrame, equation: _Equation) -> LinearFit:
    design = _design(frame, equation)
    try:
        if equation.logistic:
            return logit(design, column(frame, equation.outcome))
        return ols(design, column(frame, equation.outcome))
    except AnalysisError as error:
        raise AnalysisError(f"the equation for {equation.outcome!r}: {error}") from error


def _replicate_statistic(
    frame: pd.DataFrame, model: _Model, fits: list[LinearFit]
) -> resample.Statistic:
    """The function that turns a chunk of resampling counts into every effect's replicates."""
    equations = model.equations()
    linear_columns = [model.x, *model.covariates, *model.mediators]
    if not model.logistic:
        linear_columns.append(model.y)
    design = Design.of(linear_columns, np.column_stack([column(frame, c) for c in linear_columns]))
    outcome = column(frame, model.y)

    def statistic(deviations: NDArray[np.float32]) -> Array:
        moments = design.resampled(deviations)
        coefficients = []
        for equation, fit in zip(equations, fits, strict=True):
            if not equation.logistic:
                coefficients.append(slopes(moments, design, equation.predictors, equation.outcome))
                continue
            where = [0, *(design.index(name) for name in equation.predictors)]
            scale = design.scale[[i - 1 for i in where[1:]]]
            start = _standardised_start(fit.coef, design, where)
            weights = deviations.astype(np.float64) + 1.0
            coef = logit_batch(design.z[:, where], outcome, weights, start)
            coefficients.append(coef[:, 1:] / scale)
        return model.effects(coefficients)

    return statistic


def _standardised_start(coef: Array, design: Design, where: list[int]) -> Array:
    """A logistic fit's coefficients re-expressed for centred and scaled predictors."""
    centre = design.centre[[i - 1 for i in where[1:]]]
    scale = design.scale[[i - 1 for i in where[1:]]]
    return np.concatenate([[coef[0] + coef[1:] @ centre], coef[1:] * scale])


def _coefficient_table(
    equations: list[_Equation], fits: list[LinearFit], level: float
) -> pd.DataFrame:
    rows = []
    for number, (equation, fit) in enumerate(zip(equations, fits, strict=True)):
        low, high = fit.interval(level)
        name = "total effect model" if number == len(equations) - 1 else equation.outcome
        terms = ("constant", *equation.predictors)
        for i, term in enumerate(terms):
            rows.append(
                {
                    "equation": name,
                    "term": term,
                    "estimate": fit.coef[i],
                    "se": fit.se[i],
                    "statistic": fit.statistic()[i],
                    "p": fit.p_value()[i],
                    "ci_low": low[i],
                    "ci_high": high[i],
                }
            )
    return pd.DataFrame(rows)
