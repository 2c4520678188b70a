"""Reliability of a scale: Cronbach's alpha with its confidence interval, McDonald's omega,
and the intraclass correlations of Shrout & Fleiss (1979) / McGraw & Wong (1996)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from numpy.typing import NDArray
from scipy import optimize, stats

from alliance.stats._data import AnalysisError

Array = NDArray[np.float64]


@dataclass(frozen=True)
class ScaleReliability:
    """Alpha (with Feldt's F-based interval), omega total from a one-factor model, the
    one-factor loadings and uniquenesses, and alpha if each item were dropped."""

    items: tuple[str, ...]
    n: int
    n_dropped: int
    level: float
    alpha: float
    alpha_ci: tuple[float, float]
    omega: float
    loadings: Array = field(repr=False, compare=False)
    uniquenesses: Array = field(repr=False, compare=False)
    alpha_if_dropped: Array = field(repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per item: standardised loading, uniqueness and alpha without it."""
        return pd.DataFrame(
            {
                "item": self.items,
                "loading": self.loadings,
                "uniqueness": self.uniquenesses,
                "alpha_if_dropped": self.alpha_if_dropped,
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "analysis": "reliability",
            "n": self.n,
            "n_dropped": self.n_dropped,
            "alpha": self.alpha,
            "alpha_ci": list(self.alpha_ci),
            "omega": self.omega,
            "items": self.to_frame().to_dict(orient="records"),
        }

    def summary(self) -> str:
        """A plain-text report."""
        low, high = self.alpha_ci
        lines = [
            f"Reliability of {len(self.items)} items, n = {self.n} ({self.n_dropped} dropped)",
            f"Cronbach's alpha {self.alpha:.4f}, {self.level:.0%} CI [{low:.4f}, {high:.4f}]",
            f"McDonald's omega (total, one factor) {self.omega:.4f}",
            "",
            f"  {'item':<12} {'loading':>8} {'alpha if dropped':>17}",
        ]
        for item, loading, dropped in zip(
            self.items, self.loadings, self.alpha_if_dropped, strict=True
        ):
            lines.append(f"  {item:<12} {loading:8.3f} {dropped:17.4f}")
        return "\n".join(lines)

    def plot(self) -> Figure:
        """Standardised one-factor loadings per item."""
        figure = Figure(figsize=(6, 0.3 * len(self.items) + 1.5), layout="constrained")
        axes = figure.subplots()
        positions = np.arange(len(self.items))[::-1]
        axes.barh(positions, self.loadings, color="tab:blue")
        axes.set_yticks(positions, self.items)
        axes.set_xlim(min(0.0, float(self.loadings.min())), 1)
        axes.set_xlabel("standardised loading (one factor)")
        return figure


def scale_reliability(items: pd.DataFrame, level: float = 0.95) -> ScaleReliability:
    """Alpha, its interval and omega for a table with one column per item, one row per person.

    Rows with a missing answer are dropped (listwise), as pingouin and most programs do.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> trait = rng.normal(size=(300, 1))
    >>> answers = pd.DataFrame(trait + rng.normal(size=(300, 5)), columns=list("abcde"))
    >>> round(scale_reliability(answers).alpha, 3)
    0.858
    """
    if not isinstance(items, pd.DataFrame) or items.shape[1] < 2:
        raise AnalysisError("items: give a table with at least 2 item columns")
    numeric = items.apply(pd.to_numeric, errors="coerce")
    if (numeric.isna() & items.notna()).any().any():
        raise AnalysisError("items: every answer must be a number")
    complete = numeric.dropna().to_numpy(dtype=np.float64)
    if len(complete) < 3:
        raise AnalysisError(f"items: only {len(complete)} complete rows; at least 3 needed")
    covariance = np.cov(complete, rowvar=False)
    if np.any(np.diag(covariance) == 0):
        raise AnalysisError("items: an item does not vary")
    n, k = complete.shape
    value = _alpha(covariance)
    tail = (1 - level) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    ci = (
        1 - (1 - value) * float(stats.f.ppf(1 - tail, df1, df2)),
        1 - (1 - value) * float(stats.f.ppf(tail, df1, df2)),
    )
    loadings, uniquenesses = _one_factor(covariance)
    omega = float(loadings.sum() ** 2 / (loadings.sum() ** 2 + uniquenesses.sum()))
    scale = np.sqrt(np.diag(covariance))
    dropped = np.array(
        [_alpha(np.delete(np.delete(covariance, j, 0), j, 1)) for j in range(k)] if k > 2
        else [np.nan] * k
    )  # fmt: skip
    return ScaleReliability(
        items=tuple(str(c) for c in items.columns),
        n=n,
        n_dropped=len(items) - n,
        level=level,
        alpha=value,
        alpha_ci=ci,
        omega=omega,
        loadings=loadings / scale,
        uniquenesses=uniquenesses / scale**2,
        alpha_if_dropped=dropped,
    )


def _alpha(covariance: Array) -> float:
    k = covariance.shape[0]
    return float(k / (k - 1) * (1 - np.trace(covariance) / covariance.sum()))


def _one_factor(covariance: Array) -> tuple[Array, Array]:
    """Maximum-likelihood loadings and unique variances of a single common factor.

    Minimises log|Σ| + tr(SΣ⁻¹) with Σ = λλ' + diag(ψ), ψ kept positive through its log.
    """
    k = covariance.shape[0]
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    start_loadings = eigenvectors[:, -1] * np.sqrt(eigenvalues[-1])
    start = np.concatenate(
        [
            start_loadings,
            np.log(np.maximum(np.diag(covariance) - start_loadings**2, 1e-3 * np.diag(covariance))),
        ]
    )

    def objective(parameters: Array) -> tuple[float, Array]:
        loadings, psi = parameters[:k], np.exp(parameters[k:])
        sigma = np.outer(loadings, loadings) + np.diag(psi)
        inverse = np.linalg.inv(sigma)
        value = np.linalg.slogdet(sigma)[1] + np.trace(covariance @ inverse)
        gradient_sigma = inverse - inverse @ covariance @ inverse
        gradient = np.concatenate([2 * gradient_sigma @ loadings, np.diag(gradient_sigma) * psi])
        return float(value), gradient

    found = optimize.minimize(
        objective, start, jac=True, method="L-BFGS-B", options={"gtol": 1e-10}
    )
    loadings = found.x[:k]
    if loadings.sum() < 0:
        loadings = -loadings
    return loadings, np.exp(found.x[k:])
