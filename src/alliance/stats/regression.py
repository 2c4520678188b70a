"""The alliance as a predictor: linear or logistic regression with covariates.

The shape of Ferreira et al. (2013): outcome at follow-up on alliance, adjusting for the
baseline score and other covariates, with standardised coefficients and, where residual
spread is uneven, heteroskedasticity-consistent (HC0-HC3) standard errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from alliance.stats._data import AnalysisError, column, is_binary, names, numeric_frame
from alliance.stats.linear import HC_TYPES, LinearFit, logit, ols


@dataclass(frozen=True)
class RegressionResult:
    """A fitted regression: one row per term in ``coefficients``.

    ``beta`` is the standardised coefficient: in SD of the outcome per SD of the predictor
    (linear), or the log odds ratio per SD of the predictor (logistic).
    """

    y: str
    predictors: tuple[str, ...]
    model: str
    robust: str | None
    n: int
    n_dropped: int
    level: float
    coefficients: pd.DataFrame = field(repr=False)
    r2: float
    r2_adjusted: float
    fitted: np.ndarray = field(repr=False, compare=False)
    observed: np.ndarray = field(repr=False, compare=False)

    def to_frame(self) -> pd.DataFrame:
        """The coefficient table."""
        return self.coefficients.copy()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "analysis": "predictor",
            "model": self.model,
            "y": self.y,
            "x": list(self.predictors),
            "robust": self.robust,
            "n": self.n,
            "n_dropped": self.n_dropped,
            "r2": self.r2,
            "r2_adjusted": self.r2_adjusted,
            "coefficients": self.coefficients.to_dict(orient="records"),
        }

    def summary(self) -> str:
        """A plain-text coefficient table."""
        errors = f"{self.robust} robust" if self.robust else "classical"
        fit = (
            f"R^2 {self.r2:.4f} (adjusted {self.r2_adjusted:.4f})"
            if self.model == "linear"
            else f"McFadden pseudo-R^2 {self.r2:.4f}"
        )
        lines = [
            f"{self.model.capitalize()} regression of {self.y} on {', '.join(self.predictors)}",
            f"n = {self.n} complete cases ({self.n_dropped} dropped); {errors} standard errors; "
            f"{fit}",
            "",
            f"  {'term':<20} {'estimate':>10} {'SE':>9} {'p':>10} {'beta':>8}  {self.level:.0%} CI",
        ]
        table = self.coefficients
        for term, estimate, se, p, beta, low, high in zip(
            table["term"],
            table["estimate"].to_numpy(dtype=float),
            table["se"].to_numpy(dtype=float),
            table["p"].to_numpy(dtype=float),
            table["beta"].to_numpy(dtype=float),
            table["ci_low"].to_numpy(dtype=float),
            table["ci_high"].to_numpy(dtype=float),
            strict=True,
        ):
            shown = "" if np.isnan(beta) else f"{beta:8.4f}"
            lines.append(
                f"  {term:<20} {estimate:10.4f} {se:9.4f} {p:10.4g} {shown:>8}  "
                f"[{low:.4f}, {high:.4f}]"
            )
        return "\n".join(lines)

    def plot(self) -> Figure:
        """Standardised coefficients with intervals, beside observed against fitted values."""
        figure = Figure(figsize=(10, 4), layout="constrained")
        left, right = figure.subplots(1, 2)
        terms = self.coefficients[self.coefficients["term"] != "constant"]
        scale = terms["beta"] / terms["estimate"]
        positions = np.arange(len(terms))[::-1]
        left.hlines(positions, terms["ci_low"] * scale, terms["ci_high"] * scale, color="tab:blue")
        left.plot(terms["beta"], positions, "o", color="tab:blue")
        left.axvline(0, color="black", linewidth=0.8)
        left.set_yticks(positions, terms["term"])
        left.set_xlabel("standardised coefficient")
        right.scatter(self.fitted, self.observed, s=8, alpha=0.4)
        right.set_xlabel("fitted" if self.model == "linear" else "fitted probability")
        right.set_ylabel(self.y)
        return figure


def regression(
    data: pd.DataFrame,
    *,
    y: str,
    x: str | Sequence[str],
    covariates: str | Sequence[str] | None = None,
    model: Literal["auto", "linear", "logistic"] = "auto",
    robust: str | None = None,
    level: float = 0.95,
) -> RegressionResult:
    """Regress the outcome on the predictor(s) of interest and the covariates.

    ``model="auto"`` fits a logistic model when the outcome holds only 0 and 1. ``robust``
    is one of "HC0", "HC1", "HC2", "HC3" (HC3 is the safer choice in small samples).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"alliance": rng.normal(size=200), "baseline": rng.normal(size=200)})
    >>> frame["function"] = 0.3 * frame["alliance"] + 0.5 * frame["baseline"] + rng.normal(size=200)
    >>> result = regression(frame, y="function", x="alliance", covariates="baseline")
    >>> round(float(result.coefficients.set_index("term").loc["alliance", "estimate"]), 3)
    0.367
    """
    focal = names(x, "x")
    others = names(covariates, "covariates")
    if not focal:
        raise AnalysisError("x: name at least one predictor")
    if robust is not None and robust not in HC_TYPES:
        raise AnalysisError(f"robust must be one of {', '.join(HC_TYPES)}, got {robust!r}")
    if model not in ("auto", "linear", "logistic"):
        raise AnalysisError(f"model must be auto, linear or logistic, got {model!r}")
    predictors = (*focal, *others)
    frame, dropped = numeric_frame(
        data, {"y": (y,), "x": focal, "covariates": others}, minimum_rows=len(predictors) + 3
    )
    outcome = column(frame, y)
    logistic = model == "logistic" or (model == "auto" and is_binary(outcome))
    if logistic and not is_binary(outcome):
        raise AnalysisError(f"a logistic outcome must be coded 0/1; {y!r} holds other values")
    design = np.column_stack([np.ones(len(frame)), *(column(frame, p) for p in predictors)])
    fit = logit(design, outcome, robust) if logistic else ols(design, outcome, robust)
    spread = design[:, 1:].std(axis=0, ddof=1)
    beta = fit.coef[1:] * spread / (1.0 if logistic else outcome.std(ddof=1))
    fitted = 1 / (1 + np.exp(-design @ fit.coef)) if logistic else design @ fit.coef
    r2, adjusted = _fit_quality(fit, outcome, fitted, logistic, design.shape[1])
    return RegressionResult(
        y=y,
        predictors=predictors,
        model="logistic" if logistic else "linear",
        robust=robust,
        n=len(frame),
        n_dropped=dropped,
        level=level,
        coefficients=_table(
            ("constant", *predictors), fit, np.concatenate([[np.nan], beta]), level, logistic
        ),
        r2=r2,
        r2_adjusted=adjusted,
        fitted=fitted,
        observed=outcome,
    )


def _fit_quality(
    fit: LinearFit, outcome: np.ndarray, fitted: np.ndarray, logistic: bool, k: int
) -> tuple[float, float]:
    """R² and adjusted R² (linear), or McFadden's pseudo-R² twice (logistic)."""
    n = len(outcome)
    if logistic:
        share = outcome.mean()
        null = n * (share * np.log(share) + (1 - share) * np.log(1 - share))
        full = np.sum(outcome * np.log(fitted) + (1 - outcome) * np.log(1 - fitted))
        pseudo = float(1 - full / null)
        return pseudo, pseudo
    total = np.sum((outcome - outcome.mean()) ** 2)
    r2 = float(1 - fit.residual @ fit.residual / total)
    return r2, float(1 - (1 - r2) * (n - 1) / (n - k))


def _table(
    terms: tuple[str, ...], fit: LinearFit, beta: np.ndarray, level: float, logistic: bool
) -> pd.DataFrame:
    low, high = fit.interval(level)
    table = pd.DataFrame(
        {
            "term": terms,
            "estimate": fit.coef,
            "se": fit.se,
            "statistic": fit.statistic(),
            "p": fit.p_value(),
            "ci_low": low,
            "ci_high": high,
            "beta": beta,
        }
    )
    if logistic:
        table["odds_ratio"] = np.exp(fit.coef)
        table["or_ci_low"] = np.exp(low)
        table["or_ci_high"] = np.exp(high)
    return table
