"""Not on track: each patient's latest outcome against the recovery expected for them.

The expected curve is learned from the clinic's completed episodes by quantile regression
(statsmodels QuantReg) of the score at each visit on the intake score, log(visit), their
product and the condition. A score worse than the ``amber_quantile`` curve is amber, worse
than the ``red_quantile`` curve red; an alert needs ``red_persistence`` reds in a row.
With fewer than ``min_history_episodes`` completed episodes the model falls back to the
instrument's MCID: an improvement of one MCID is expected by visit ``mcid_by_visit`` (pro
rata before it); less is amber, half of it or a worsening red.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

import numpy as np
import pandas as pd
import statsmodels.api as sm

from alliance import instruments
from alliance.instruments.definition import Direction
from alliance.signals.alerts import Alert
from alliance.signals.parameters import SignalParameters
from alliance.signals.series import Split, by_scale, group_ends, group_numbers

OUTCOMES = (
    ("nprs", "total"),
    ("odi", "total"),
    ("ndi", "total"),
    ("quickdash", "total"),
    ("lefs", "total"),
    ("psfs", "total"),
)
GREEN, AMBER, RED = "green", "amber", "red"


@dataclass
class _Curves:
    """Quantile-regression coefficients of one outcome, and the condition levels seen."""

    amber: np.ndarray
    red: np.ndarray
    conditions: list[str]


@dataclass
class ExpectedRecovery:
    """Expected recovery per outcome; ``fit()`` on history, then ``status()`` on patients."""

    parameters: SignalParameters = field(default_factory=SignalParameters)
    outcomes: tuple[tuple[str, str], ...] = OUTCOMES
    curves_: dict[tuple[str, str], _Curves] = field(default_factory=dict)

    def fit(self, history: pd.DataFrame, conditions: pd.Series | None = None) -> Self:
        """Learn the curves from completed episodes (a prepared table; ``conditions`` by series)."""
        self.curves_ = {}
        scales = by_scale(history)
        for key in self.outcomes:
            if key not in scales:
                continue
            rows = _outcome_rows(scales[key])
            if rows["series"].nunique() < self.parameters.min_history_episodes:
                continue
            self.curves_[key] = self._fit_outcome(rows, key, conditions)
        return self

    def status(
        self, table: pd.DataFrame, conditions: pd.Series | None = None, scales: Split | None = None
    ) -> pd.DataFrame:
        """Green / amber / red for every outcome score after intake, with the bounds used
        (``scales``: the table already split by ``by_scale``, if the caller has it)."""
        parts = []
        scales = by_scale(table) if scales is None else scales
        for key in self.outcomes:
            if key not in scales:
                continue
            rows = _outcome_rows(scales[key])
            rows = rows[rows["visit"] > rows["intake_visit"]]
            if rows.empty:
                continue
            if key in self.curves_:
                parts.append(self._model_status(rows, key, conditions))
            else:
                parts.append(self._mcid_status(rows, key))
        columns = ["patient", "series", "instrument", "scale", "visit", "score", "intake",
                   "amber_bound", "red_bound", "status", "method"]  # fmt: skip
        if not parts:
            return pd.DataFrame(columns=columns)
        return pd.concat(parts, ignore_index=True)[columns]

    def alerts(
        self, table: pd.DataFrame, conditions: pd.Series | None = None, scales: Split | None = None
    ) -> list[Alert]:
        """An alert where an outcome has been red ``red_persistence`` administrations in a row."""
        status = self.status(table, conditions, scales)
        red_run = (status["status"].to_numpy() == RED).copy()
        if not red_run.any():
            return []
        key = (status["series"] + "|" + status["instrument"] + "|" + status["scale"]).to_numpy()
        for k in range(1, self.parameters.red_persistence):
            earlier = np.zeros(len(red_run), dtype=bool)
            earlier[k:] = (key[k:] == key[:-k]) & (status["status"].to_numpy()[:-k] == RED)
            red_run &= earlier
        red = status[red_run]
        return [
            Alert(
                patient=str(row["patient"]),
                series=str(row["series"]),
                visit=int(row["visit"]),
                signal="not_on_track",
                rule=str(row["method"]),
                instrument=str(row["instrument"]),
                scale=str(row["scale"]),
                value=float(row["score"]),
                threshold=float(row["red_bound"]),
                detail=f"{row['score']:g} is worse than the expected bound "
                f"{row['red_bound']:.3g} (intake {row['intake']:g})",
            )
            for row in red.to_dict("records")
        ]

    def _fit_outcome(
        self, rows: pd.DataFrame, key: tuple[str, str], conditions: pd.Series | None
    ) -> _Curves:
        levels = _levels(rows, conditions)
        design = _design(rows, conditions, levels)
        worse_high = _higher_is_worse(key)
        quantiles = [self.parameters.amber_quantile, self.parameters.red_quantile]
        if not worse_high:
            quantiles = [1 - q for q in quantiles]
        model = sm.QuantReg(rows["score"].to_numpy(float), design)
        amber, red = (np.asarray(model.fit(q=q, max_iter=5000).params) for q in quantiles)
        return _Curves(amber, red, levels)

    def _model_status(
        self, rows: pd.DataFrame, key: tuple[str, str], conditions: pd.Series | None
    ) -> pd.DataFrame:
        curves = self.curves_[key]
        design = _design(rows, conditions, curves.conditions)
        return _label(rows, design @ curves.amber, design @ curves.red, key, "expected_recovery")

    def _mcid_status(self, rows: pd.DataFrame, key: tuple[str, str]) -> pd.DataFrame:
        scale = instruments.load(key[0]).scale(key[1])
        mcid = scale.interpretation.mcid
        if mcid is None:
            return rows.iloc[:0].assign(amber_bound=[], red_bound=[], status=[], method=[])
        pace = (rows["visit"] - rows["intake_visit"]) / (self.parameters.mcid_by_visit - 1)
        expected = mcid.value * np.minimum(pace, 1.0)
        sign = -1.0 if _higher_is_worse(key) else 1.0
        amber_bound = rows["intake"] + sign * expected
        red_bound = rows["intake"] + sign * np.where(pace >= 1, expected / 2, 0.0)
        return _label(rows, amber_bound.to_numpy(), np.asarray(red_bound), key, "mcid_fallback")


def _outcome_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """One outcome's rows with each series' intake score and visit."""
    numbers = group_numbers(rows, ["series"])
    first = group_ends(numbers)[0][numbers]
    return rows.assign(
        intake=rows["score"].to_numpy()[first], intake_visit=rows["visit"].to_numpy()[first]
    )


MIN_EPISODES_PER_CONDITION = 10
"""A condition gets its own term only with this many episodes; rarer ones share the baseline."""


def _levels(rows: pd.DataFrame, conditions: pd.Series | None) -> list[str]:
    """Conditions with enough episodes for their own term (the commonest is the baseline)."""
    if conditions is None:
        return []
    counts = conditions.reindex(rows["series"].unique()).dropna().astype(str).value_counts()
    frequent = counts[counts >= MIN_EPISODES_PER_CONDITION].index
    return sorted(frequent.drop(counts.index[0], errors="ignore"))


def _design(rows: pd.DataFrame, conditions: pd.Series | None, levels: list[str]) -> np.ndarray:
    """Intercept, intake, log(visits since intake + 1), their product, condition dummies."""
    elapsed = np.log(rows["visit"].to_numpy(float) - rows["intake_visit"].to_numpy(float) + 1)
    intake = rows["intake"].to_numpy(float)
    columns = [np.ones(len(rows)), intake, elapsed, intake * elapsed]
    if conditions is not None and levels:
        condition = conditions.reindex(rows["series"]).astype(str).to_numpy()
        columns += [(condition == level).astype(float) for level in levels]
    return np.column_stack(columns)


def _higher_is_worse(key: tuple[str, str]) -> bool:
    direction = instruments.load(key[0]).scale(key[1]).direction
    return direction is Direction.HIGHER_IS_WORSE


def _label(
    rows: pd.DataFrame, amber: np.ndarray, red: np.ndarray, key: tuple[str, str], method: str
) -> pd.DataFrame:
    score = rows["score"].to_numpy(float)
    if _higher_is_worse(key):
        worse_amber, worse_red = score > amber, score > red
    else:
        worse_amber, worse_red = score < amber, score < red
    status = np.select([worse_red, worse_amber], [RED, AMBER], GREEN)
    return rows.assign(amber_bound=amber, red_bound=red, status=status, method=method)
