"""Trajectories: a linear mixed model with a random intercept and slope per patient.

y_ij = x_ij'β + b_i0 + b_i1 t_ij + e_ij, b_i ~ N(0, Ψ), e_ij ~ N(0, σ²). Writing
Ψ = σ² ΛΛ' (Λ lower triangular), every patient's contribution to the (restricted)
likelihood needs only the patient's cross-products with Z_i = [1, t]: Z'Z (2 x 2), Z'X, Z'y,
and the totals X'X, X'y, y'y. With M_i = I + Λ'Z_i'Z_iΛ (Woodbury and the determinant
lemma), X'V⁻¹X = X'X - Σ U_i'M_i⁻¹U_i with U_i = Λ'Z_i'X_i, and log|V_i/σ²| = log|M_i|.
So the likelihood profiled over β and σ² is a sum of 2 x 2 algebra over patients, done for
all patients at once; three parameters are left to optimise. It is the same (exact) REML or
ML estimate statsmodels' MixedLM finds, without a Python loop over patients.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import optimize

from alliance.stats._data import AnalysisError, column, names, numeric_frame
from alliance.stats.growth_result import GrowthResult

Array = NDArray[np.float64]


@dataclass(frozen=True)
class _Patients:
    """Per-patient cross-products with Z = [1, time] and the pooled totals.

    Z'Z is [[count, Σt], [Σt, Σt²]]; Z'X is the rows ``sums`` (Σx) and ``timed`` (Σtx).
    """

    count: Array
    time_sum: Array
    time_squares: Array
    sums: Array  # g x p
    timed: Array  # g x p
    y_sum: Array
    y_timed: Array
    xtx: Array
    xty: Array
    yty: float
    n: int

    @classmethod
    def of(cls, group: NDArray[np.intp], time: Array, design: Array, outcome: Array) -> _Patients:
        """One pass over the rows, grouped with bincount."""
        size = int(group.max()) + 1

        def total(values: Array) -> Array:
            return np.bincount(group, weights=values, minlength=size).astype(np.float64)

        columns = range(design.shape[1])
        return cls(
            count=np.bincount(group, minlength=size).astype(np.float64),
            time_sum=total(time),
            time_squares=total(time * time),
            sums=np.column_stack([total(design[:, j]) for j in columns]),
            timed=np.column_stack([total(time * design[:, j]) for j in columns]),
            y_sum=total(outcome),
            y_timed=total(time * outcome),
            xtx=design.T @ design,
            xty=design.T @ outcome,
            yty=float(outcome @ outcome),
            n=len(outcome),
        )

    def woodbury(self, theta: Array) -> tuple[Array, Array, Array, Array, Array, Array, Array]:
        """M_i = I + Λ'Z_i'Z_iΛ (m11, m12, m22, det), U_i = Λ'Z_i'X_i and v_i = Λ'Z_i'y."""
        l1, l2, l3 = theta
        a, b, c = self.count, self.time_sum, self.time_squares
        m11 = 1 + a * l1 * l1 + 2 * b * l1 * l2 + c * l2 * l2
        m12 = l3 * (b * l1 + c * l2)
        m22 = 1 + c * l3 * l3
        det = m11 * m22 - m12 * m12
        u0 = l1 * self.sums + l2 * self.timed
        u1 = l3 * self.timed
        v = np.column_stack([l1 * self.y_sum + l2 * self.y_timed, l3 * self.y_timed])
        return m11, m12, m22, det, u0, u1, v


@dataclass(frozen=True)
class _Profile:
    """The profiled criterion and what it implies at one value of Λ."""

    criterion: float
    beta: Array
    sigma2: float
    information: Array  # X'V⁻¹X times σ²


def _profile(patients: _Patients, theta: Array, reml: bool) -> _Profile:
    """-2 log-likelihood (REML or ML) profiled over β and σ², vectorised over patients."""
    m11, m12, m22, det, u0, u1, v = patients.woodbury(theta)
    w00, w01, w11 = m22 / det, -m12 / det, m11 / det  # M⁻¹ entries
    information = patients.xtx - (
        (u0 * w00[:, None]).T @ u0
        + (u0 * w01[:, None]).T @ u1
        + (u1 * w01[:, None]).T @ u0
        + (u1 * w11[:, None]).T @ u1
    )
    minv_v0 = w00 * v[:, 0] + w01 * v[:, 1]
    minv_v1 = w01 * v[:, 0] + w11 * v[:, 1]
    cross = patients.xty - (u0.T @ minv_v0 + u1.T @ minv_v1)
    quadratic = patients.yty - float(v[:, 0] @ minv_v0 + v[:, 1] @ minv_v1)
    beta = np.linalg.solve(information, cross)
    residual = quadratic - cross @ beta
    p = len(beta)
    log_det = float(np.sum(np.log(det)))
    if reml:
        sigma2 = residual / (patients.n - p)
        log_info = np.linalg.slogdet(information)[1]
        criterion = log_det + log_info + (patients.n - p) * (1 + np.log(2 * np.pi * sigma2))
    else:
        sigma2 = residual / patients.n
        criterion = log_det + patients.n * (1 + np.log(2 * np.pi * sigma2))
    return _Profile(
        float(criterion), np.asarray(beta, dtype=np.float64), float(sigma2), information
    )


def growth(
    data: pd.DataFrame,
    *,
    y: str,
    time: str,
    group: str,
    covariates: str | Sequence[str] | None = None,
    by_time: str | Sequence[str] | None = None,
    reml: bool = True,
    level: float = 0.95,
) -> GrowthResult:
    """Fit each patient's trajectory over time with a random intercept and slope.

    Parameters
    ----------
    data : long table, one row per patient and visit.
    y, time, group : the outcome, the time of the visit and the patient identifier.
    covariates : fixed effects; a column may vary between visits (a time-varying alliance)
        or be constant within a patient (a baseline alliance).
    by_time : covariates whose effect on the slope is also estimated (covariate x time).
    reml : restricted maximum likelihood (the default, as in MixedLM) or plain ML.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> patients, visits = 300, 6
    >>> t = np.tile(np.arange(visits), patients).astype(float)
    >>> pid = np.repeat(np.arange(patients), visits)
    >>> slope = -0.4 + 0.2 * rng.normal(size=patients)
    >>> pain = 6 + rng.normal(size=patients)[pid] + slope[pid] * t + rng.normal(size=t.size)
    >>> frame = pd.DataFrame({"pain": pain, "visit": t, "patient": pid})
    >>> result = growth(frame, y="pain", time="visit", group="patient")
    >>> round(float(result.fixed.loc["visit", "estimate"]), 2)
    -0.4
    """
    extra = names(covariates, "covariates")
    sloped = names(by_time, "by_time")
    if unknown := [c for c in sloped if c not in extra]:
        raise AnalysisError(f"by_time: {unknown} must also be named as covariates")
    if group not in data.columns:
        raise AnalysisError(f"group column {group!r} is not in the data")
    frame, dropped = numeric_frame(
        data[data[group].notna()],
        {"y": (y,), "time": (time,), "covariates": extra},
        minimum_rows=4 + len(extra) + len(sloped),
    )
    dropped += int(data[group].isna().sum())
    codes, labels = pd.factorize(data.loc[frame.index, group], sort=True)
    if len(labels) < 3:
        raise AnalysisError(f"group: a mixed model needs at least 3 patients, got {len(labels)}")
    t = column(frame, time)
    terms = ["constant", time, *extra, *(f"{c}:{time}" for c in sloped)]
    design = np.column_stack(
        [
            np.ones(len(frame)),
            t,
            *(column(frame, c) for c in extra),
            *(column(frame, c) * t for c in sloped),
        ]
    )
    if np.linalg.matrix_rank(design) < design.shape[1]:
        raise AnalysisError("the fixed effects are collinear (one is a combination of others)")
    outcome = column(frame, y)
    patients = _Patients.of(codes.astype(np.intp), t, design, outcome)
    best = _optimise(patients, reml)
    return GrowthResult.of(
        y=y,
        time=time,
        group=group,
        terms=tuple(terms),
        reml=reml,
        level=level,
        n_dropped=dropped,
        patients=len(labels),
        profile=best[0],
        theta=best[1],
        converged=best[2],
        frame=pd.DataFrame({"group": codes, "time": t, "y": outcome}),
        design=design,
        random=_random_effects(patients, best[1], best[0].beta),
    )


def _optimise(patients: _Patients, reml: bool) -> tuple[_Profile, Array, bool]:
    """Minimise the profiled criterion over Λ's three entries (BFGS, central differences).

    Converged means the Newton step left (gradient over curvature, per parameter) is below
    1e-5: the variance parameters are then settled far beyond the reported precision. A
    second start (small variances) is tried only when the first does not converge.
    """

    def criterion(theta: Array) -> float:
        return _profile(patients, theta, reml).criterion

    def gradient(theta: Array) -> Array:
        found = np.empty(3)
        for i in range(3):
            step = np.zeros(3)
            step[i] = 1e-5 * (1 + abs(theta[i]))  # large enough to rise above rounding noise
            found[i] = (criterion(theta + step) - criterion(theta - step)) / (2 * step[i])
        return found

    def settled(theta: Array) -> bool:
        centre = criterion(theta)
        for i in range(3):
            step = np.zeros(3)
            step[i] = 1e-4 * (1 + abs(theta[i]))
            up, down = criterion(theta + step), criterion(theta - step)
            curvature = (up - 2 * centre + down) / step[i] ** 2
            if curvature <= 0 or abs((up - down) / (2 * step[i]) / curvature) >= 1e-5:
                return False
        return True

    best = None
    for start in (np.array([1.0, 0.0, 0.3]), np.array([0.2, 0.0, 0.05])):
        found = optimize.minimize(criterion, start, jac=gradient, method="BFGS")
        if best is None or found.fun < best.fun:
            best = found
        if settled(best.x):
            return _profile(patients, best.x, reml), best.x, True
    assert best is not None
    return _profile(patients, best.x, reml), best.x, False


def _random_effects(patients: _Patients, theta: Array, beta: Array) -> Array:
    """Each patient's predicted intercept and slope deviations (BLUPs): ΛM⁻¹Λ'Z'(y - Xβ)."""
    m11, m12, m22, det, u0, u1, v = patients.woodbury(theta)
    r0 = v[:, 0] - u0 @ beta
    r1 = v[:, 1] - u1 @ beta
    k0 = (m22 * r0 - m12 * r1) / det
    k1 = (m11 * r1 - m12 * r0) / det
    l1, l2, l3 = theta
    return np.column_stack([l1 * k0, l2 * k0 + l3 * k1])
