"""Path and structural equation models through semopy, for researchers who want SEM.

The model is written in lavaan-like syntax ("alliance ~ mi", "function ~ pain + alliance",
"F =~ q1 + q2 + q3"). semopy fits it by maximum likelihood (its MLW objective); this module
checks the data, runs the fit and returns the estimates and semopy's fit indices in the
shape of the other analyses.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from alliance.stats._data import AnalysisError, numeric_frame

FIT_INDICES = {"chi2": "chi2", "DoF": "df", "chi2 p-value": "p", "CFI": "cfi", "TLI": "tli",
               "RMSEA": "rmsea", "GFI": "gfi", "AIC": "aic", "BIC": "bic"}  # fmt: skip


@dataclass(frozen=True)
class PathModelResult:
    """Estimates (one row per parameter: lval, op, rval, estimate, standardised, se, z, p,
    interval) and fit indices (chi2, df, p, CFI, TLI, RMSEA, GFI, AIC, BIC) as semopy
    computes them."""

    description: str
    n: int
    n_dropped: int
    level: float
    estimates: pd.DataFrame = field(repr=False)
    fit: dict[str, float]

    def to_frame(self) -> pd.DataFrame:
        """The parameter estimates."""
        return self.estimates.copy()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "analysis": "path_model",
            "model": self.description,
            "n": self.n,
            "n_dropped": self.n_dropped,
            "fit": self.fit,
            "estimates": self.estimates.to_dict(orient="records"),
        }

    def summary(self) -> str:
        """A plain-text report: fit, then every parameter."""
        fit = self.fit
        lines = [
            f"Path model (semopy, ML), n = {self.n} ({self.n_dropped} dropped)",
            f"chi2({fit['df']:g}) = {fit['chi2']:.3f}, p = {fit['p']:.4g}; CFI {fit['cfi']:.3f}, "
            f"TLI {fit['tli']:.3f}, RMSEA {fit['rmsea']:.3f}",
            "",
        ]
        for row in self.estimates.to_dict(orient="records"):
            lines.append(
                f"  {row['lval']} {row['op']} {row['rval']:<20} {row['estimate']:9.4f}  "
                f"std {row['standardised']:7.3f}  SE {row['se']:7.4f}  p {row['p']:.4g}"
            )
        return "\n".join(lines)

    def plot(self) -> Figure:
        """Standardised regression paths with their intervals."""
        paths = self.estimates[self.estimates["op"] == "~"]
        figure = Figure(figsize=(7, 0.4 * len(paths) + 1.8), layout="constrained")
        axes = figure.subplots()
        positions = np.arange(len(paths))[::-1]
        scale = paths["standardised"] / paths["estimate"]
        axes.hlines(positions, paths["ci_low"] * scale, paths["ci_high"] * scale, color="tab:blue")
        axes.plot(paths["standardised"], positions, "o", color="tab:blue")
        axes.axvline(0, color="black", linewidth=0.8)
        labels = [
            f"{cause} → {effect}"
            for effect, cause in zip(paths["lval"], paths["rval"], strict=True)
        ]
        axes.set_yticks(positions, labels)
        axes.set_xlabel("standardised path coefficient")
        return figure


def path_model(data: pd.DataFrame, description: str, *, level: float = 0.95) -> PathModelResult:
    """Fit a path (or structural equation) model written in lavaan-like syntax.

    Rows missing any variable of the model are dropped (listwise).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> frame = pd.DataFrame({"mi": rng.integers(0, 2, 200).astype(float)})
    >>> frame["alliance"] = 0.5 * frame["mi"] + rng.normal(size=200)
    >>> frame["function"] = 0.4 * frame["alliance"] + rng.normal(size=200)
    >>> result = path_model(frame, "alliance ~ mi\\nfunction ~ alliance")
    >>> round(result.fit["df"])
    2
    """
    import semopy  # type: ignore[import-untyped]

    try:
        model = semopy.Model(description)
    except Exception as error:  # semopy raises bare exceptions for syntax errors
        raise AnalysisError(f"the model description could not be read: {error}") from error
    observed = sorted(model.vars["observed"])
    frame, dropped = numeric_frame(
        data, {"model variable": tuple(observed)}, minimum_rows=len(observed) + 3
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcome = model.fit(frame)
        if not getattr(outcome, "success", True):
            raise AnalysisError("semopy's optimiser did not converge for this model")
        table = model.inspect(std_est=True)
        indices = semopy.calc_stats(model).T["Value"]
    estimates = pd.DataFrame(
        {
            "lval": table["lval"],
            "op": table["op"],
            "rval": table["rval"],
            "estimate": pd.to_numeric(table["Estimate"], errors="coerce"),
            "standardised": pd.to_numeric(table["Est. Std"], errors="coerce"),
            "se": pd.to_numeric(table["Std. Err"], errors="coerce"),
            "z": pd.to_numeric(table["z-value"], errors="coerce"),
            "p": pd.to_numeric(table["p-value"], errors="coerce"),
        }
    )
    quantile = float(stats.norm.ppf((1 + level) / 2))
    estimates["ci_low"] = estimates["estimate"] - quantile * estimates["se"]
    estimates["ci_high"] = estimates["estimate"] + quantile * estimates["se"]
    fit = {name: float(indices[key]) for key, name in FIT_INDICES.items()}
    return PathModelResult(description, len(frame), dropped, level, estimates, fit)
