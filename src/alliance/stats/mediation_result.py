"""What a mediation analysis found: paths and effects with bootstrap intervals, and a figure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from numpy.typing import NDArray


@dataclass(frozen=True)
class Effect:
    """One effect with its bootstrap standard error and confidence limits."""

    label: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float

    def to_dict(self) -> dict[str, float]:
        """The numbers, keyed as the JSON output names them."""
        return {
            "estimate": self.estimate,
            "se": self.se,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
        }

    def excludes_zero(self) -> bool:
        """Whether the interval lies wholly on one side of zero."""
        return self.ci_low > 0 or self.ci_high < 0


@dataclass(frozen=True)
class MediationResult:
    """A fitted mediation model (PROCESS model 4, or model 6 when ``serial``).

    ``coefficients`` holds every equation's least-squares (or logistic) terms with
    normal-theory tests; ``indirect`` the specific indirect effects in the order of
    ``mediators`` (for a serial model: every chain, shortest first); ``draws`` the bootstrap
    replicates of every effect, one row per resample.
    """

    x: str
    mediators: tuple[str, ...]
    y: str
    covariates: tuple[str, ...]
    serial: bool
    outcome_model: str
    n: int
    n_dropped: int
    n_boot: int
    n_boot_failed: int
    seed: int
    ci: str
    level: float
    coefficients: pd.DataFrame = field(repr=False)
    indirect: tuple[Effect, ...]
    total_indirect: Effect | None
    contrasts: tuple[Effect, ...]
    direct: Effect
    total: Effect
    draws: NDArray[np.float64] = field(repr=False, compare=False)

    def path(self, equation: str, term: str) -> float:
        """The coefficient of ``term`` in the equation predicting ``equation``."""
        rows = self.coefficients
        match = rows[(rows["equation"] == equation) & (rows["term"] == term)]
        return float(match["estimate"].iloc[0])

    @property
    def a(self) -> dict[str, float]:
        """X → mediator, per mediator."""
        return {m: self.path(m, self.x) for m in self.mediators}

    @property
    def b(self) -> dict[str, float]:
        """Mediator → Y controlling for X (and the other mediators), per mediator."""
        return {m: self.path(self.y, m) for m in self.mediators}

    @property
    def d(self) -> dict[str, float]:
        """Mediator → later mediator in a serial model, keyed "M1 → M2"."""
        if not self.serial:
            return {}
        return {
            f"{first} → {second}": self.path(second, first)
            for i, second in enumerate(self.mediators)
            for first in self.mediators[:i]
        }

    @property
    def overall_indirect(self) -> Effect:
        """The one indirect effect, or the total of several."""
        return self.total_indirect if self.total_indirect is not None else self.indirect[0]

    def effects(self) -> list[tuple[str, Effect]]:
        """Every effect with its kind, in reporting order."""
        found = [("indirect", e) for e in self.indirect]
        if self.total_indirect is not None:
            found.append(("total indirect", self.total_indirect))
        found += [("contrast", e) for e in self.contrasts]
        return [*found, ("direct", self.direct), ("total", self.total)]

    def to_frame(self) -> pd.DataFrame:
        """One row per effect: kind, label, estimate, bootstrap SE and confidence limits."""
        return pd.DataFrame(
            [{"kind": kind, "label": e.label, **e.to_dict()} for kind, e in self.effects()]
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: paths, effects and how they were estimated."""
        single = len(self.mediators) == 1
        return {
            "analysis": "mediation",
            "model": "serial" if self.serial else ("simple" if single else "parallel"),
            "x": self.x,
            "m": list(self.mediators),
            "y": self.y,
            "covariates": list(self.covariates),
            "outcome_model": self.outcome_model,
            "n": self.n,
            "n_dropped": self.n_dropped,
            "a": self.a[self.mediators[0]] if single else self.a,
            "b": self.b[self.mediators[0]] if single else self.b,
            **({"d": self.d} if self.serial else {}),
            "c": self.total.estimate,
            "c_prime": self.direct.estimate,
            "indirect": self.overall_indirect.to_dict(),
            "indirect_effects": [{"path": e.label, **e.to_dict()} for e in self.indirect],
            "contrasts": [{"contrast": e.label, **e.to_dict()} for e in self.contrasts],
            "direct": self.direct.to_dict(),
            "total": self.total.to_dict(),
            "bootstrap": {
                "resamples": self.n_boot,
                "failed": self.n_boot_failed,
                "seed": self.seed,
                "ci": self.ci,
                "level": self.level,
            },
        }

    def summary(self) -> str:
        """A plain-text report in the order PROCESS prints one."""
        kind = "serial" if self.serial else "parallel" if len(self.mediators) > 1 else "simple"
        arrow = " → " if self.serial else ", "
        lines = [
            f"Mediation ({kind}): {self.x} → {arrow.join(self.mediators)} → {self.y}",
            f"n = {self.n} complete cases ({self.n_dropped} dropped); "
            f"covariates: {', '.join(self.covariates) or 'none'}; "
            f"outcome model: {self.outcome_model}",
            "",
            "Paths (normal-theory tests)",
        ]
        terms = self.coefficients[self.coefficients["term"] != "constant"]
        width = max(len(f"{row.equation} ← {row.term}") for row in terms.itertuples())
        for row in terms.itertuples(index=False):
            name = f"{row.equation} ← {row.term}"
            lines.append(f"  {name:<{width}}  {row.estimate:9.4f}  SE {row.se:7.4f}  p {row.p:.4g}")
        percent = f"{self.level:.0%}"
        lines += ["", f"Effects ({percent} {self.ci} bootstrap CI, {self.n_boot} resamples)"]
        width = max(len(f"{k}: {e.label}") for k, e in self.effects())
        for kind_name, e in self.effects():
            name = f"{kind_name}: {e.label}"
            lines.append(
                f"  {name:<{width}}  {e.estimate:9.4f}  SE {e.se:7.4f}  "
                f"[{e.ci_low:.4f}, {e.ci_high:.4f}]"
            )
        if self.outcome_model == "logistic":
            lines.append(
                "Paths into the outcome are on the log-odds scale; with a logistic outcome the "
                "total effect is not the sum of direct and indirect effects."
            )
        if self.n_boot_failed:
            lines.append(f"{self.n_boot_failed} resamples could not be fitted and were left out.")
        lines.append(f"Seed {self.seed} reproduces these intervals.")
        return "\n".join(lines)

    def plot(self) -> Figure:
        """Each effect with its interval, and the bootstrap distribution of the indirect effect."""
        figure = Figure(figsize=(10, 0.5 * len(self.effects()) + 2.5), layout="constrained")
        left, right = figure.subplots(1, 2, width_ratios=[3, 2])
        effects = self.effects()
        positions = np.arange(len(effects))[::-1]
        for position, (_, e) in zip(positions, effects, strict=True):
            colour = "tab:blue" if e.excludes_zero() else "tab:grey"
            left.plot([e.ci_low, e.ci_high], [position, position], color=colour, linewidth=2)
            left.plot([e.estimate], [position], "o", color=colour)
        left.axvline(0, color="black", linewidth=0.8)
        left.set_yticks(
            positions,
            [e.label if kind != "contrast" else f"contrast {e.label}" for kind, e in effects],
        )
        left.set_xlabel(f"effect ({self.level:.0%} {self.ci} bootstrap CI)")
        overall = self.overall_indirect
        column = len(self.indirect) if self.total_indirect is not None else 0
        values = self.draws[:, column]
        right.hist(values[~np.isnan(values)], bins=60, color="tab:blue", alpha=0.6)
        for limit in (overall.ci_low, overall.ci_high):
            right.axvline(limit, color="tab:red", linestyle="--")
        right.axvline(overall.estimate, color="black")
        right.set_xlabel(f"{'total ' if self.total_indirect else ''}indirect effect, resamples")
        right.set_ylabel("count")
        return figure
