"""What a moderation analysis found: the interaction, simple slopes and the J-N region."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure


@dataclass(frozen=True)
class ModerationResult:
    """PROCESS model 1. ``simple_slopes`` and ``curve`` hold the effect of X at values of W;
    ``jn_points`` the values of W where significance changes (inside the observed range),
    ``jn_share_below`` the share of cases below each, and ``significant_regions`` the
    stretches of W (within the observed range) where the effect of X is significant.
    """

    x: str
    w: str
    y: str
    covariates: tuple[str, ...]
    model: str
    robust: str | None
    n: int
    n_dropped: int
    level: float
    coefficients: pd.DataFrame = field(repr=False)
    r2_change: float
    simple_slopes: pd.DataFrame = field(repr=False)
    jn_points: tuple[float, ...]
    jn_share_below: tuple[float, ...]
    significant_regions: tuple[tuple[float, float], ...]
    w_range: tuple[float, float]
    w_values: np.ndarray = field(repr=False, compare=False)
    curve: pd.DataFrame = field(repr=False, compare=False)

    @property
    def interaction(self) -> pd.Series:
        """The product term's row of the coefficient table."""
        return self.coefficients.iloc[3]

    @property
    def interaction_estimate(self) -> float:
        """b3: how much the effect of X changes per unit of W."""
        return float(self.coefficients["estimate"].iloc[3])

    def to_frame(self) -> pd.DataFrame:
        """The simple slopes: the effect of X at each probed value of W."""
        return self.simple_slopes.copy()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        row = self.interaction
        return {
            "analysis": "moderation",
            "model": self.model,
            "x": self.x,
            "w": self.w,
            "y": self.y,
            "covariates": list(self.covariates),
            "robust": self.robust,
            "n": self.n,
            "n_dropped": self.n_dropped,
            "interaction": {
                "estimate": float(row["estimate"]),
                "se": float(row["se"]),
                "p": float(row["p"]),
                "ci_low": float(row["ci_low"]),
                "ci_high": float(row["ci_high"]),
            },
            "r2_change": self.r2_change,
            "coefficients": self.coefficients.to_dict(orient="records"),
            "simple_slopes": self.simple_slopes.to_dict(orient="records"),
            "johnson_neyman": {
                "points": list(self.jn_points),
                "share_below": list(self.jn_share_below),
                "significant_regions": [list(r) for r in self.significant_regions],
                "w_range": list(self.w_range),
            },
        }

    def summary(self) -> str:
        """A plain-text report in the order PROCESS prints one."""
        row = self.interaction
        change = "" if np.isnan(self.r2_change) else f"; R^2 change {self.r2_change:.4f}"
        lines = [
            f"Moderation (PROCESS model 1): does {self.w} change the effect of {self.x} on "
            f"{self.y}?",
            f"n = {self.n} complete cases ({self.n_dropped} dropped); {self.model} model; "
            f"covariates: {', '.join(self.covariates) or 'none'}",
            "",
        ]
        for term, estimate, se, p in zip(
            self.coefficients["term"],
            self.coefficients["estimate"].to_numpy(dtype=float),
            self.coefficients["se"].to_numpy(dtype=float),
            self.coefficients["p"].to_numpy(dtype=float),
            strict=True,
        ):
            lines.append(f"  {term:<28} {estimate:10.4f}  SE {se:8.4f}  p {p:.4g}")
        lines += [
            "",
            f"Interaction {float(row['estimate']):.4f}, p = {float(row['p']):.4g}{change}",
            f"Effect of {self.x} at values of {self.w} ({self.level:.0%} CI):",
        ]
        for w, effect, p, low, high in zip(
            self.simple_slopes["w"].to_numpy(dtype=float),
            self.simple_slopes["effect"].to_numpy(dtype=float),
            self.simple_slopes["p"].to_numpy(dtype=float),
            self.simple_slopes["ci_low"].to_numpy(dtype=float),
            self.simple_slopes["ci_high"].to_numpy(dtype=float),
            strict=True,
        ):
            lines.append(
                f"  {self.w} = {w:9.4f}: {effect:9.4f}  p {p:.4g}  [{low:.4f}, {high:.4f}]"
            )
        lines.append("Johnson-Neyman:")
        if self.jn_points:
            for point, share in zip(self.jn_points, self.jn_share_below, strict=True):
                lines.append(f"  significance changes at {self.w} = {point:.4f} "
                             f"({share:.1%} of cases below)")  # fmt: skip
        else:
            lines.append("  no change of significance within the observed range")
        regions = ", ".join(f"[{a:.4f}, {b:.4f}]" for a, b in self.significant_regions)
        lines.append(f"  significant where {self.w} is in {regions or 'no part of its range'}")
        return "\n".join(lines)

    def plot(self) -> Figure:
        """The effect of X across W with its confidence band, the J-N points and the data."""
        figure = Figure(figsize=(8, 4.5), layout="constrained")
        axes = figure.subplots()
        curve = self.curve
        axes.fill_between(
            curve["w"], curve["ci_low"], curve["ci_high"], color="tab:blue", alpha=0.2
        )
        axes.plot(curve["w"], curve["effect"], color="tab:blue")
        for start, end in self.significant_regions:
            axes.axvspan(start, end, color="tab:green", alpha=0.08)
        for point in self.jn_points:
            axes.axvline(point, color="tab:red", linestyle="--", linewidth=1)
        axes.axhline(0, color="black", linewidth=0.8)
        bottom = axes.get_ylim()[0]
        axes.plot(self.w_values, np.full(len(self.w_values), bottom), "|", color="0.5", alpha=0.3)
        axes.set_xlabel(self.w)
        axes.set_ylabel(f"effect of {self.x} on {self.y}")
        axes.set_title(
            f"Johnson-Neyman: shaded where the effect is significant ({self.level:.0%})",
            fontsize=10,
        )
        return figure
