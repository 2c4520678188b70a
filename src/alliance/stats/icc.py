"""Intraclass correlations: the six forms of Shrout & Fleiss (1979) and McGraw & Wong (1996).

From a two-way layout of n targets (patients) rated by k raters (or occasions): one-way
random (ICC(1,1), ICC(1,k)), two-way random absolute agreement (ICC(A,1), ICC(A,k)) and
two-way mixed consistency (ICC(C,1), ICC(C,k)), each with its F test and confidence interval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from alliance.stats._data import AnalysisError


@dataclass(frozen=True)
class IntraclassResult:
    """One row per ICC form in ``table``: estimate, F, df1, df2, p and confidence limits."""

    n_targets: int
    n_raters: int
    n_dropped_targets: int
    level: float
    table: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The six forms."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "analysis": "icc",
            "targets": self.n_targets,
            "raters": self.n_raters,
            "dropped_targets": self.n_dropped_targets,
            "forms": self.table.to_dict(orient="records"),
        }

    def summary(self) -> str:
        """A plain-text table."""
        lines = [
            f"Intraclass correlations: {self.n_targets} targets x {self.n_raters} raters "
            f"({self.n_dropped_targets} targets with a missing rating dropped)",
            "",
        ]
        for row in self.table.to_dict(orient="records"):
            lines.append(
                f"  {row['form']:<9} {row['icc']:7.4f}  [{row['ci_low']:.4f}, {row['ci_high']:.4f}]"
                f"  F({row['df1']}, {row['df2']}) = {row['f']:.3f}, p = {row['p']:.4g}  "
                f"{row['description']}"
            )
        return "\n".join(lines)

    def plot(self) -> Figure:
        """Each form with its confidence interval."""
        figure = Figure(figsize=(6, 3), layout="constrained")
        axes = figure.subplots()
        positions = np.arange(len(self.table))[::-1]
        axes.hlines(positions, self.table["ci_low"], self.table["ci_high"], color="tab:blue")
        axes.plot(self.table["icc"], positions, "o", color="tab:blue")
        axes.set_yticks(positions, self.table["form"])
        axes.set_xlabel(f"ICC ({self.level:.0%} CI)")
        return figure


def intraclass_correlation(
    data: pd.DataFrame, *, targets: str, raters: str, ratings: str, level: float = 0.95
) -> IntraclassResult:
    """All six ICC forms from a long table (one row per target and rater).

    Targets without a rating from every rater are dropped, as the forms need a complete
    two-way layout.

    Examples
    --------
    Shrout & Fleiss's (1979) example: six targets, four judges.

    >>> ratings = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8],
    ...            [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> rows = [(t, r, v) for t, row in enumerate(ratings) for r, v in enumerate(row)]
    >>> table = pd.DataFrame(rows, columns=["patient", "rater", "score"])
    >>> result = intraclass_correlation(table, targets="patient", raters="rater", ratings="score")
    >>> result.table.set_index("form")["icc"].round(2).tolist()
    [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]
    """
    for role, name in (("targets", targets), ("raters", raters), ("ratings", ratings)):
        if name not in data.columns:
            raise AnalysisError(f"{role} column {name!r} is not in the data")
    values = pd.to_numeric(data[ratings], errors="coerce")
    if (values.isna() & data[ratings].notna()).any():
        raise AnalysisError(f"ratings column {ratings!r} is not numeric")
    repeated = data.duplicated(subset=[targets, raters])
    if repeated.any():
        target, rater = data.loc[repeated, [targets, raters]].iloc[0].tolist()
        raise AnalysisError(f"target {target} has more than one rating from rater {rater}")
    wide = data.assign(**{ratings: values}).pivot(index=targets, columns=raters, values=ratings)
    complete = wide.dropna()
    matrix = complete.to_numpy(dtype=np.float64)
    n, k = matrix.shape
    if n < 3 or k < 2:
        raise AnalysisError(
            f"an ICC needs at least 3 fully rated targets and 2 raters, got {n}, {k}"
        )
    return IntraclassResult(n, k, len(wide) - n, level, _forms(matrix, level))


def _forms(matrix: np.ndarray, level: float) -> pd.DataFrame:
    """The mean squares of the two-way layout and the six forms built from them."""
    n, k = matrix.shape
    grand = matrix.mean()
    ss_rows = k * np.sum((matrix.mean(axis=1) - grand) ** 2)
    ss_cols = n * np.sum((matrix.mean(axis=0) - grand) ** 2)
    ss_total = np.sum((matrix - grand) ** 2)
    ss_error = ss_total - ss_rows - ss_cols
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_error / ((n - 1) * (k - 1))
    msw = (ss_cols + ss_error) / (n * (k - 1))
    tail = (1 - level) / 2

    def limits(f_value: float, df1: float, df2: float) -> tuple[float, float]:
        return f_value / stats.f.ppf(1 - tail, df1, df2), f_value * stats.f.ppf(1 - tail, df2, df1)

    rows = []
    f1, d1, d2 = msr / msw, n - 1, n * (k - 1)
    low, high = limits(f1, d1, d2)
    icc1 = (msr - msw) / (msr + (k - 1) * msw)
    rows.append(("ICC(1,1)", "one-way random, single rater", icc1, f1, d1, d2,
                 (low - 1) / (low + k - 1), (high - 1) / (high + k - 1)))  # fmt: skip
    f3, e2 = msr / mse, (n - 1) * (k - 1)
    icc_a = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
    a_low, a_high = _agreement_limits(icc_a, msr, msc, mse, n, k, tail)
    rows.append(("ICC(A,1)", "two-way random, absolute agreement, single rater", icc_a, f3,
                 d1, e2, a_low, a_high))  # fmt: skip
    c_low, c_high = limits(f3, d1, e2)
    rows.append(("ICC(C,1)", "two-way mixed, consistency, single rater",
                 (msr - mse) / (msr + (k - 1) * mse), f3, d1, e2,
                 (c_low - 1) / (c_low + k - 1), (c_high - 1) / (c_high + k - 1)))  # fmt: skip
    rows.append(("ICC(1,k)", "one-way random, mean of k raters", (msr - msw) / msr, f1, d1, d2,
                 1 - 1 / low, 1 - 1 / high))  # fmt: skip
    rows.append(("ICC(A,k)", "two-way random, absolute agreement, mean of k raters",
                 (msr - mse) / (msr + (msc - mse) / n), f3, d1, e2,
                 _spearman_brown(a_low, k), _spearman_brown(a_high, k)))  # fmt: skip
    rows.append(("ICC(C,k)", "two-way mixed, consistency, mean of k raters", (msr - mse) / msr,
                 f3, d1, e2, 1 - 1 / c_low, 1 - 1 / c_high))  # fmt: skip
    table = pd.DataFrame(
        rows, columns=["form", "description", "icc", "f", "df1", "df2", "ci_low", "ci_high"]
    )
    table["p"] = stats.f.sf(table["f"], table["df1"], table["df2"])
    return table[["form", "description", "icc", "f", "df1", "df2", "p", "ci_low", "ci_high"]]


def _spearman_brown(single: float, k: int) -> float:
    return single * k / (1 + single * (k - 1))


def _agreement_limits(
    icc: float, msr: float, msc: float, mse: float, n: int, k: int, tail: float
) -> tuple[float, float]:
    """McGraw & Wong's interval for absolute agreement, with Satterthwaite's df."""
    a = k * icc / (n * (1 - icc))
    b = 1 + k * icc * (n - 1) / (n * (1 - icc))
    v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
    f_low = stats.f.ppf(1 - tail, n - 1, v)
    f_high = stats.f.ppf(1 - tail, v, n - 1)
    low = n * (msr - f_low * mse) / (f_low * (k * msc + (k * n - k - n) * mse) + n * msr)
    high = n * (f_high * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f_high * msr)
    return float(low), float(high)
