"""What an experiment's ANOVA / ANCOVA found, and its interaction plot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats


@dataclass(frozen=True)
class ExperimentResult:
    """``anova`` has one row per effect, covariate and the residual; ``cells`` the raw and
    adjusted means per cell; ``pairs`` Cohen's d between every two cells; ``contrasts`` the
    planned contrasts of adjusted means."""

    y: str
    factors: tuple[str, ...]
    covariates: tuple[str, ...]
    ss_type: int
    level: float
    n: int
    n_dropped: int
    anova: pd.DataFrame = field(repr=False)
    cells: pd.DataFrame = field(repr=False)
    pairs: pd.DataFrame = field(repr=False)
    contrasts: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The ANOVA (ANCOVA) table."""
        return self.anova.copy()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "analysis": "experiment",
            "y": self.y,
            "factors": list(self.factors),
            "covariates": list(self.covariates),
            "ss_type": self.ss_type,
            "n": self.n,
            "n_dropped": self.n_dropped,
            "anova": self.anova.to_dict(orient="records"),
            "cells": self.cells.drop(columns="_row").to_dict(orient="records"),
            "pairs": self.pairs.to_dict(orient="records"),
            "contrasts": self.contrasts.to_dict(orient="records"),
        }

    def summary(self) -> str:
        """A plain-text report: the table, the cells, the effect sizes and the contrasts."""
        kind = "ANCOVA" if self.covariates else "ANOVA"
        lines = [
            f"{kind} of {self.y} by {' x '.join(self.factors)} (type {self.ss_type} sums of "
            f"squares), n = {self.n} ({self.n_dropped} dropped)",
            "",
            f"  {'term':<28} {'SS':>10} {'df':>4} {'F':>9} {'p':>10} {'partial η²':>11}",
        ]
        for row in self.anova.to_dict(orient="records"):
            if row["kind"] == "residual":
                lines.append(f"  {'residual':<28} {row['ss']:10.3f} {row['df']:4d}")
                continue
            lines.append(
                f"  {row['term']:<28} {row['ss']:10.3f} {row['df']:4d} {row['f']:9.3f} "
                f"{row['p']:10.4g} {row['partial_eta2']:11.3f}"
            )
        lines += ["", "Cells (adjusted means at the covariates' means):"]
        for row in self.cells.to_dict(orient="records"):
            lines.append(
                f"  {row['cell']:<28} n {row['n']:4d}  mean {row['mean']:8.3f}  "
                f"SD {row['sd']:7.3f}  adjusted {row['adjusted_mean']:8.3f}"
            )
        if len(self.pairs):
            lines += ["", f"Cohen's d ({self.level:.0%} CI):"]
            for row in self.pairs.to_dict(orient="records"):
                lines.append(
                    f"  {row['first']} vs {row['second']}: {row['d']:.3f} "
                    f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]"
                )
        if len(self.contrasts):
            lines += ["", "Planned contrasts:"]
            for row in self.contrasts.to_dict(orient="records"):
                lines.append(
                    f"  {row['contrast']}: {row['estimate']:.3f} (SE {row['se']:.3f}), "
                    f"t({row['df']}) = {row['t']:.3f}, p = {row['p']:.4g}"
                )
        return "\n".join(lines)

    def plot(self) -> Figure:
        """Adjusted cell means with confidence intervals: levels of the first factor along the
        axis, one line per combination of the others."""
        figure = Figure(figsize=(7, 4.5), layout="constrained")
        axes = figure.subplots()
        first = self.factors[0]
        positions = {level: i for i, level in enumerate(dict.fromkeys(self.cells[first]))}
        others = list(self.factors[1:])
        groups = self.cells.groupby(others, sort=False) if others else [("", self.cells)]
        critical = float(stats.norm.ppf((1 + self.level) / 2))
        for key, rows in groups:
            x = np.array([positions[v] for v in rows[first]], dtype=float)
            label = " / ".join(map(str, key)) if isinstance(key, tuple) else str(key)
            axes.errorbar(x, rows["adjusted_mean"], yerr=critical * rows["adjusted_se"],
                          marker="o", capsize=4, label=label or None)  # fmt: skip
        axes.set_xticks(list(positions.values()), list(positions))
        axes.set_xlabel(first)
        axes.set_ylabel(f"{self.y} (adjusted mean)")
        if others:
            axes.legend(title=" / ".join(others))
        return figure
