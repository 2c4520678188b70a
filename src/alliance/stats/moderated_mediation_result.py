"""What a moderated mediation found: conditional indirect effects, the index, and a figure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class ModeratedMediationResult:
    """PROCESS model 7, 8, 14, 58 or 59.

    ``conditional``: the indirect effect through each mediator at each probed W, with its
    bootstrap SE and interval. ``index``: the index of moderated mediation per mediator
    (models 7, 8, 14), or for 58 and 59, where the indirect effect is not linear in W, the
    difference between the conditional effects at each probed W and at the first.
    ``direct``: the direct effect (at each probed W in models 8 and 59). ``curve``: the
    conditional indirect effects along W, with intervals, for the figure.
    """

    model: int
    x: str
    w: str
    mediators: tuple[str, ...]
    y: str
    covariates: tuple[str, ...]
    n: int
    n_dropped: int
    n_boot: int
    seed: int
    ci: str
    level: float
    coefficients: pd.DataFrame = field(repr=False)
    conditional: pd.DataFrame = field(repr=False)
    index: pd.DataFrame = field(repr=False)
    direct: pd.DataFrame = field(repr=False)
    curve: pd.DataFrame = field(repr=False, compare=False)

    @classmethod
    def of(
        cls,
        *,
        spec_model: int,
        x: str,
        w: str,
        mediators: tuple[str, ...],
        y: str,
        covariates: tuple[str, ...],
        n: int,
        n_dropped: int,
        n_boot: int,
        seed: int,
        ci: str,
        level: float,
        probes: Array,
        grid: Array,
        first: bool,
        second: bool,
        direct: bool,
        estimate: Array,
        se: Array,
        low: Array,
        high: Array,
        coefficients: pd.DataFrame,
    ) -> ModeratedMediationResult:
        """Slice the flat vector of effects (see ``_Spec.effects``) into tables."""
        values = np.concatenate([probes, grid])
        width, probed = len(values), len(probes)
        quadratic = first and second
        conditional: list[dict[str, Any]] = []
        index: list[dict[str, Any]] = []
        curve: list[dict[str, Any]] = []
        start = 0
        for mediator in mediators:
            block = slice(start, start + width)
            for i, value in enumerate(values):
                row = _row(estimate, se, low, high, block.start + i) | {
                    "mediator": mediator,
                    "w": float(value),
                }
                (conditional if i < probed else curve).append(row)
            start += width
            if quadratic:
                for i in range(1, probed):
                    index.append(
                        _row(estimate, se, low, high, start + i - 1)
                        | {
                            "mediator": mediator,
                            "w": float(probes[i]),
                            "versus_w": float(probes[0]),
                        }
                    )
                start += width - 1
            else:
                index.append(_row(estimate, se, low, high, start) | {"mediator": mediator})
                start += 1
        direct_rows = [
            _row(estimate, se, low, high, start + i) | {"w": float(probes[i]) if direct else None}
            for i in range(probed if direct else 1)
        ]
        return cls(
            model=spec_model,
            x=x,
            w=w,
            mediators=mediators,
            y=y,
            covariates=covariates,
            n=n,
            n_dropped=n_dropped,
            n_boot=n_boot,
            seed=seed,
            ci=ci,
            level=level,
            coefficients=coefficients,
            conditional=pd.DataFrame(conditional),
            index=pd.DataFrame(index),
            direct=pd.DataFrame(direct_rows),
            curve=pd.DataFrame(curve),
        )

    def to_frame(self) -> pd.DataFrame:
        """The conditional indirect effects at the probed values of W."""
        return self.conditional.copy()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "analysis": "moderated_mediation",
            "process_model": self.model,
            "x": self.x,
            "w": self.w,
            "m": list(self.mediators),
            "y": self.y,
            "covariates": list(self.covariates),
            "n": self.n,
            "n_dropped": self.n_dropped,
            "conditional_indirect": self.conditional.to_dict(orient="records"),
            "index": self.index.to_dict(orient="records"),
            "direct": self.direct.to_dict(orient="records"),
            "bootstrap": {
                "resamples": self.n_boot,
                "seed": self.seed,
                "ci": self.ci,
                "level": self.level,
            },
        }

    def summary(self) -> str:
        """A plain-text report in the order PROCESS prints one."""
        lines = [
            f"Moderated mediation (PROCESS model {self.model}): {self.x} → "
            f"{', '.join(self.mediators)} → {self.y}, moderated by {self.w}",
            f"n = {self.n} ({self.n_dropped} dropped); {self.n_boot} {self.ci} bootstrap "
            f"resamples, seed {self.seed}",
            "",
            "Paths (normal-theory tests)",
        ]
        terms = self.coefficients[self.coefficients["term"] != "constant"]
        for row in terms.to_dict(orient="records"):
            lines.append(
                f"  {row['equation']} ← {row['term']:<24} {row['estimate']:9.4f}  "
                f"SE {row['se']:7.4f}  p {row['p']:.4g}"
            )
        lines += ["", f"Conditional indirect effects ({self.level:.0%} CI)"]
        for row in self.conditional.to_dict(orient="records"):
            lines.append(
                f"  {row['mediator']} at {self.w} = {row['w']:8.4f}: "
                f"{row['estimate']:9.4f}  SE {row['se']:7.4f}  "
                f"[{row['ci_low']:.4f}, {row['ci_high']:.4f}]"
            )
        heading = (
            "Index of moderated mediation"
            if "versus_w" not in self.index
            else "Differences between conditional indirect effects"
        )
        lines += ["", heading]
        for row in self.index.to_dict(orient="records"):
            where = (
                f" ({self.w} {row['w']:.4f} vs {row['versus_w']:.4f})" if "versus_w" in row else ""
            )
            lines.append(
                f"  {row['mediator']}{where}: {row['estimate']:9.4f}  "
                f"SE {row['se']:7.4f}  [{row['ci_low']:.4f}, {row['ci_high']:.4f}]"
            )
        lines += ["", "Direct effect"]
        for row in self.direct.to_dict(orient="records"):
            where = "" if row["w"] is None else f" at {self.w} = {row['w']:.4f}"
            lines.append(
                f"  {self.x} → {self.y}{where}: {row['estimate']:9.4f}  "
                f"[{row['ci_low']:.4f}, {row['ci_high']:.4f}]"
            )
        return "\n".join(lines)

    def plot(self) -> Figure:
        """The conditional indirect effect along W with its bootstrap interval band."""
        figure = Figure(figsize=(8, 4.5), layout="constrained")
        axes = figure.subplots()
        for mediator, rows in self.curve.groupby("mediator", sort=False):
            axes.fill_between(rows["w"], rows["ci_low"], rows["ci_high"], alpha=0.2)
            axes.plot(rows["w"], rows["estimate"], label=f"through {mediator}")
        axes.axhline(0, color="black", linewidth=0.8)
        axes.set_xlabel(self.w)
        axes.set_ylabel(f"indirect effect of {self.x} on {self.y}")
        axes.legend(loc="best")
        axes.set_title(f"Conditional indirect effect ({self.level:.0%} {self.ci} bootstrap band)")
        return figure


def _row(estimate: Array, se: Array, low: Array, high: Array, i: int) -> dict[str, Any]:
    return {
        "estimate": float(estimate[i]),
        "se": float(se[i]),
        "ci_low": float(low[i]),
        "ci_high": float(high[i]),
    }
