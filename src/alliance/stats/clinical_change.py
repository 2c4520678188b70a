"""Measurement error and clinically significant change for a cohort (Jacobson & Truax 1991).

SEM = SD·√(1 - r); the SD of a difference between two scores is √2·SEM; the minimal
detectable change MDC = z·√2·SEM; a patient's reliable change index RCI = change / (√2·SEM).
Cut-offs for a return to normal functioning: (a) two SDs beyond the dysfunctional mean towards
health, (b) two SDs inside the functional mean, (c) the point between the two distributions
weighted by their SDs. A patient who changed reliably for the better and crossed the cut-off
has recovered; reliably better without crossing, improved; reliably worse, deteriorated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from alliance.stats._data import AnalysisError

Array = NDArray[np.float64]

CATEGORIES = ("recovered", "improved", "unchanged", "deteriorated")


@dataclass(frozen=True)
class ClinicalChange:
    """Per-patient reliable change and category, with the cohort's SEM, MDC and cut-offs.

    ``cutoff`` is the one used to classify: c when functional norms are given, else a.
    """

    reliability: float
    sd: float
    sem: float
    sd_difference: float
    mdc: float
    level: float
    higher_is_better: bool
    cutoff_a: float
    cutoff_b: float
    cutoff_c: float
    cutoff: float
    patients: pd.DataFrame = field(repr=False)

    def counts(self) -> pd.Series:
        """Patients per category, in the order recovered, improved, unchanged, deteriorated."""
        return self.patients["category"].value_counts().reindex(list(CATEGORIES), fill_value=0)

    def to_frame(self) -> pd.DataFrame:
        """One row per patient: before, after, change, RCI, crossed the cut-off, category."""
        return self.patients.copy()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (the counts, not the patients)."""
        return {
            "analysis": "clinical_change",
            "reliability": self.reliability,
            "sd": self.sd,
            "sem": self.sem,
            "sd_difference": self.sd_difference,
            "mdc": self.mdc,
            "level": self.level,
            "cutoffs": {"a": self.cutoff_a, "b": self.cutoff_b, "c": self.cutoff_c},
            "cutoff_used": self.cutoff,
            "counts": {k: int(v) for k, v in self.counts().items()},
        }

    def summary(self) -> str:
        """A plain-text report."""
        counts = self.counts()
        total = int(counts.sum())
        lines = [
            f"Clinically significant change (Jacobson & Truax), {total} patients",
            f"SEM {self.sem:.4f} (SD {self.sd:.4f}, reliability {self.reliability:.3f}); "
            f"SD of a difference {self.sd_difference:.4f}; "
            f"MDC{self.level * 100:.0f} {self.mdc:.4f}",
            f"Cut-offs: a {self.cutoff_a:.4f}, b {self.cutoff_b:.4f}, c {self.cutoff_c:.4f}; "
            f"classified with {self.cutoff:.4f} ({'higher' if self.higher_is_better else 'lower'}"
            " is better)",
        ]
        for category, count in counts.items():
            lines.append(f"  {category:<13} {count:6d}  {count / total:6.1%}")
        return "\n".join(lines)

    def plot(self) -> Figure:
        """Before against after, with the no-change line, the reliable-change band and cut-off."""
        figure = Figure(figsize=(6, 6), layout="constrained")
        axes = figure.subplots()
        colours = {"recovered": "tab:green", "improved": "tab:blue", "unchanged": "tab:grey",
                   "deteriorated": "tab:red"}  # fmt: skip
        for category, rows in self.patients.groupby("category"):
            axes.scatter(rows["before"], rows["after"], s=10, label=str(category),
                         color=colours[str(category)])  # fmt: skip
        low = float(min(self.patients["before"].min(), self.patients["after"].min()))
        high = float(max(self.patients["before"].max(), self.patients["after"].max()))
        line = np.array([low, high])
        band = stats.norm.ppf((1 + self.level) / 2) * self.sd_difference
        axes.plot(line, line, color="black", linewidth=0.8)
        axes.plot(line, line + band, color="black", linestyle=":", linewidth=0.8)
        axes.plot(line, line - band, color="black", linestyle=":", linewidth=0.8)
        axes.axhline(self.cutoff, color="tab:purple", linestyle="--", linewidth=0.8)
        axes.set_xlabel("before")
        axes.set_ylabel("after")
        axes.legend(loc="best", fontsize=8)
        return figure


def clinical_change(
    before: ArrayLike,
    after: ArrayLike,
    *,
    reliability: float,
    higher_is_better: bool,
    sd: float | None = None,
    dysfunctional: tuple[float, float] | None = None,
    functional: tuple[float, float] | None = None,
    level: float = 0.95,
) -> ClinicalChange:
    """Classify each patient's change as recovered, improved, unchanged or deteriorated.

    ``sd`` defaults to the SD of the scores before treatment; ``dysfunctional`` (mean, SD)
    defaults to the before scores' mean and SD; ``functional`` (mean, SD) are published norms
    for a healthy population and, when given, make cut-off c the one used.

    Examples
    --------
    >>> result = clinical_change([40, 45, 38], [28, 44, 50], reliability=0.9,
    ...                          higher_is_better=False, sd=10)
    >>> result.patients["category"].tolist()
    ['improved', 'unchanged', 'deteriorated']
    """
    first = np.asarray(before, dtype=np.float64)
    second = np.asarray(after, dtype=np.float64)
    if first.shape != second.shape or first.ndim != 1 or len(first) == 0:
        raise AnalysisError("before and after: give one pair of scores per patient")
    if not 0 <= reliability < 1:
        raise AnalysisError(f"reliability must lie in [0, 1), got {reliability}")
    complete = np.isfinite(first) & np.isfinite(second)
    first, second = first[complete], second[complete]
    spread = float(np.std(first, ddof=1)) if sd is None else sd
    if not spread > 0:
        raise AnalysisError("sd: the reference SD must be positive")
    sem = spread * np.sqrt(1 - reliability)
    sd_difference = float(np.sqrt(2) * sem)
    z = float(stats.norm.ppf((1 + level) / 2))
    mean_dys, sd_dys = dysfunctional if dysfunctional else (float(first.mean()), spread)
    toward = 1.0 if higher_is_better else -1.0
    cutoff_a = mean_dys + toward * 2 * sd_dys
    cutoff_b = cutoff_c = float("nan")
    if functional is not None:
        mean_func, sd_func = functional
        cutoff_b = mean_func - toward * 2 * sd_func
        cutoff_c = (sd_dys * mean_func + sd_func * mean_dys) / (sd_dys + sd_func)
    cutoff = cutoff_c if functional is not None else cutoff_a
    rci = (second - first) / sd_difference
    better = toward * rci > z
    worse = toward * rci < -z
    crossed = toward * (second - cutoff) > 0
    category = np.where(
        better & crossed,
        "recovered",
        np.where(better, "improved", np.where(worse, "deteriorated", "unchanged")),
    )
    patients = pd.DataFrame(
        {"before": first, "after": second, "change": second - first, "rci": rci,
         "crossed_cutoff": crossed, "category": category}
    )  # fmt: skip
    return ClinicalChange(
        reliability=reliability,
        sd=spread,
        sem=float(sem),
        sd_difference=sd_difference,
        mdc=z * sd_difference,
        level=level,
        higher_is_better=higher_is_better,
        cutoff_a=float(cutoff_a),
        cutoff_b=float(cutoff_b),
        cutoff_c=float(cutoff_c),
        cutoff=float(cutoff),
        patients=patients,
    )
