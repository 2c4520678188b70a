"""What a meta-analysis found, with its forest and funnel plots."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class EggerTest:
    """Egger's regression test for funnel-plot asymmetry (NaN with fewer than 3 studies)."""

    intercept: float
    se: float
    t: float
    p: float
    df: int


@dataclass(frozen=True)
class MetaResult:
    """A pooled estimate with heterogeneity statistics, in the effects' own (additive) scale.

    ``weights`` are each study's share of the pooled estimate; ``tau2_ci``, ``i2_ci`` and
    ``h2_ci`` come from the Q-profile method; ``df`` is None for z-based inference.
    """

    method: str
    knha: bool
    level: float
    labels: tuple[str, ...]
    effects: Array = field(repr=False, compare=False)
    variances: Array = field(repr=False, compare=False)
    weights: Array = field(repr=False, compare=False)
    estimate: float
    se: float
    statistic: float
    df: int | None
    p: float
    ci_low: float
    ci_high: float
    pi_low: float
    pi_high: float
    tau2: float
    tau2_se: float
    tau2_ci: tuple[float, float]
    i2: float
    i2_ci: tuple[float, float]
    h2: float
    h2_ci: tuple[float, float]
    q: float
    q_df: int
    q_p: float
    egger: EggerTest

    @property
    def k(self) -> int:
        """Number of studies pooled."""
        return len(self.effects)

    def to_frame(self) -> pd.DataFrame:
        """One row per study: effect, its confidence limits and its weight (percent)."""
        half = _quantile(self.level) * np.sqrt(self.variances)
        return pd.DataFrame(
            {
                "study": self.labels,
                "effect": self.effects,
                "variance": self.variances,
                "ci_low": self.effects - half,
                "ci_high": self.effects + half,
                "weight_percent": 100 * self.weights,
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "analysis": "meta",
            "method": self.method,
            "test": "knha" if self.knha else "z",
            "k": self.k,
            "estimate": self.estimate,
            "se": self.se,
            "statistic": self.statistic,
            "df": self.df,
            "p": self.p,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "tau2": self.tau2,
            "tau2_se": self.tau2_se,
            "tau2_ci": list(self.tau2_ci),
            "tau": float(np.sqrt(self.tau2)),
            "i2": self.i2,
            "i2_ci": list(self.i2_ci),
            "h2": self.h2,
            "h2_ci": list(self.h2_ci),
            "q": self.q,
            "q_df": self.q_df,
            "q_p": self.q_p,
            "pi_low": self.pi_low,
            "pi_high": self.pi_high,
            "egger": {
                "intercept": self.egger.intercept,
                "se": self.egger.se,
                "t": self.egger.t,
                "p": self.egger.p,
                "df": self.egger.df,
            },
            "level": self.level,
            "studies": self.to_frame().to_dict(orient="records"),
        }

    def summary(self) -> str:
        """A plain-text report in the order metafor prints one."""
        model = "Fixed-effect (common-effect)" if self.method == "FE" else "Random-effects"
        estimator = "" if self.method == "FE" else f"; tau^2 estimator: {self.method}"
        test = f"t({self.df})" if self.df is not None else "z"
        percent = f"{self.level:.0%}"
        lines = [f"{model} meta-analysis (k = {self.k}{estimator})", ""]
        if self.method != "FE":
            low, high = self.tau2_ci
            se = f" (SE = {self.tau2_se:.4f})" if np.isfinite(self.tau2_se) else ""
            lines += [
                f"tau^2 {self.tau2:.4f}{se}, {percent} CI [{low:.4f}, {high:.4f}]; "
                f"tau {np.sqrt(self.tau2):.4f}",
                f"I^2 {self.i2:.2f}% [{self.i2_ci[0]:.2f}, {self.i2_ci[1]:.2f}]; "
                f"H^2 {self.h2:.2f} [{self.h2_ci[0]:.2f}, {self.h2_ci[1]:.2f}]",
            ]
        lines += [
            f"Heterogeneity: Q({self.q_df}) = {self.q:.4f}, p = {self.q_p:.4g}",
            "",
            f"Pooled estimate {self.estimate:.4f} (SE {self.se:.4f}), {test} = "
            f"{self.statistic:.4f}, p = {self.p:.4g}",
            f"  {percent} CI [{self.ci_low:.4f}, {self.ci_high:.4f}]"
            + ("; Hartung-Knapp adjustment" if self.knha else ""),
        ]
        if self.method != "FE":
            lines.append(f"  {percent} prediction interval [{self.pi_low:.4f}, {self.pi_high:.4f}]")
        if np.isfinite(self.egger.t):
            lines.append(
                f"Egger's test: intercept {self.egger.intercept:.4f} (SE {self.egger.se:.4f}), "
                f"t({self.egger.df}) = {self.egger.t:.4f}, p = {self.egger.p:.4g}"
            )
        return "\n".join(lines)

    def plot(self) -> Figure:
        """Forest plot: each study's effect and interval sized by weight, and the pooled diamond."""
        frame = self.to_frame()
        rows = np.arange(self.k, 0, -1) + 1.0
        figure = Figure(figsize=(8, 0.35 * self.k + 2.2), layout="constrained")
        axes = figure.subplots()
        axes.hlines(rows, frame["ci_low"], frame["ci_high"], color="black", linewidth=1)
        sizes = 20 + 200 * frame["weight_percent"] / frame["weight_percent"].max()
        axes.scatter(frame["effect"], rows, s=sizes, marker="s", color="tab:blue", zorder=3)
        diamond_x = [self.ci_low, self.estimate, self.ci_high, self.estimate]
        axes.fill(diamond_x, [0.5, 0.8, 0.5, 0.2], color="tab:red", zorder=3)
        if self.method != "FE":
            axes.hlines(0.5, self.pi_low, self.pi_high, color="tab:red", linestyle=":")
        axes.axvline(0, color="grey", linewidth=0.8)
        axes.axvline(self.estimate, color="tab:red", linewidth=0.8, linestyle="--")
        pooled = "RE model" if self.method != "FE" else "FE model"
        axes.set_yticks([*rows, 0.5], [*self.labels, pooled])
        axes.set_xlabel(f"effect ({self.level:.0%} CI)")
        axes.set_ylim(-0.2, self.k + 1.8)
        return figure

    def plot_funnel(self) -> Figure:
        """Funnel plot: effect against standard error, with the pseudo-confidence region."""
        se = np.sqrt(self.variances)
        figure = Figure(figsize=(6, 4.5), layout="constrained")
        axes = figure.subplots()
        top = float(se.max()) * 1.05
        grid = np.linspace(0, top, 50)
        z = _quantile(self.level)
        axes.fill_betweenx(
            grid, self.estimate - z * grid, self.estimate + z * grid, color="0.92", zorder=0
        )
        axes.axvline(self.estimate, color="tab:red", linewidth=0.8)
        axes.scatter(self.effects, se, color="tab:blue", zorder=3)
        axes.set_ylim(top, 0)
        axes.set_xlabel("effect")
        axes.set_ylabel("standard error")
        if np.isfinite(self.egger.p):
            axes.set_title(f"Egger's test p = {self.egger.p:.3g}", fontsize=10)
        return figure

    def report_figures(self) -> list[tuple[str, Figure]]:
        """The figures a report shows, with captions."""
        return [
            ("Forest plot: each study and the pooled estimate", self.plot()),
            ("Funnel plot: small-study effects would make it lopsided", self.plot_funnel()),
        ]


def _quantile(level: float) -> float:
    from scipy import stats

    return float(stats.norm.ppf((1 + level) / 2))
