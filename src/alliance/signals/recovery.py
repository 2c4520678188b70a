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

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Self, cast

import numpy as np
import pandas as pd
import statsmodels.api as sm

from alliance import instruments
from alliance.instruments.definition import Direction
from alliance.signals.alerts import Alert
from alliance.signals.parameters import SignalParameters
from alliance.signals.series import Bundle, Split, at, by_scale

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


@dataclass(frozen=True)
class _Status:
    """One outcome's scores after intake (``rows``: positions in its bundle), with the intake,
    the bounds and the status of each."""

    rows: np.ndarray
    intake: np.ndarray
    amber: np.ndarray
    red: np.ndarray
    status: np.ndarray
    method: str


Conditions = Mapping[str, object]
"""Each series' condition."""

STATUS_COLUMNS = ["patient", "series", "instrument", "scale", "visit", "score", "intake",
                  "amber_bound", "red_bound", "status", "method"]  # fmt: skip


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
        condition_of = by_series(conditions)
        for key in self.outcomes:
            rows = scales.get(key)
            if rows is None or len(rows.starts) < self.parameters.min_history_episodes:
                continue
            levels = _levels(rows, conditions)
            design = _design(rows, np.arange(len(rows.score)), condition_of, levels)
            quantiles = [self.parameters.amber_quantile, self.parameters.red_quantile]
            if not _higher_is_worse(key):
                quantiles = [1 - q for q in quantiles]
            model = sm.QuantReg(rows.score, design)
            amber, red = (np.asarray(model.fit(q=q, max_iter=5000).params) for q in quantiles)
            self.curves_[key] = _Curves(amber, red, levels)
        return self

    def status(self, table: pd.DataFrame, conditions: pd.Series | None = None) -> pd.DataFrame:
        """Green / amber / red for every outcome score after intake, with the bounds used."""
        scales = by_scale(table)
        parts = [
            _status_frame(key, scales[key], found)
            for key, found in self._statuses(scales, by_series(conditions))
        ]
        if not parts:
            return pd.DataFrame(columns=STATUS_COLUMNS)
        return pd.concat(parts, ignore_index=True)[STATUS_COLUMNS]

    def alerts(self, table: pd.DataFrame, conditions: pd.Series | None = None) -> list[Alert]:
        """An alert where an outcome has been red ``red_persistence`` administrations in a row."""
        return self.scale_alerts(by_scale(table), by_series(conditions))

    def scale_alerts(
        self, scales: Split, conditions: Conditions | None = None, at_visit: int | None = None
    ) -> list[Alert]:
        """The not-on-track alerts in scores split by scale (only those at ``at_visit``)."""
        found = []
        for (instrument, scale), status in self._statuses(scales, conditions):
            rows = scales[instrument, scale]
            series = rows.series[status.rows]
            red_run = status.status == RED
            for k in range(1, self.parameters.red_persistence):
                earlier = np.zeros(len(red_run), dtype=bool)
                earlier[k:] = (series[k:] == series[:-k]) & (status.status[:-k] == RED)
                red_run &= earlier
            red_run &= at(rows.visit[status.rows], at_visit)
            for i in np.flatnonzero(red_run):
                row = status.rows[i]
                score, intake, bound = rows.score[row], status.intake[i], status.red[i]
                found.append(
                    Alert(
                        patient=str(rows.patient[row]),
                        series=str(rows.series[row]),
                        visit=int(rows.visit[row]),
                        signal="not_on_track",
                        rule=status.method,
                        instrument=instrument,
                        scale=scale,
                        value=float(score),
                        threshold=float(bound),
                        detail=f"{score:g} is worse than the expected bound "
                        f"{bound:.3g} (intake {intake:g})",
                    )
                )
        return found

    def _statuses(
        self, scales: Split, conditions: Conditions | None
    ) -> list[tuple[tuple[str, str], _Status]]:
        """The status of every outcome in ``scales`` with a score after intake."""
        found = []
        for key in self.outcomes:
            rows = scales.get(key)
            if rows is None:
                continue
            after = np.flatnonzero(rows.visit > rows.visit[rows.first])
            if not len(after):
                continue
            if key in self.curves_:
                curves = self.curves_[key]
                design = _design(rows, after, conditions, curves.conditions)
                bounds = design @ curves.amber, design @ curves.red
                found.append((key, _label(rows, after, *bounds, key, "expected_recovery")))
            else:
                found.append((key, self._mcid_status(rows, after, key)))
        return found

    def _mcid_status(self, rows: Bundle, after: np.ndarray, key: tuple[str, str]) -> _Status:
        scale = instruments.load(key[0]).scale(key[1])
        mcid = scale.interpretation.mcid
        if mcid is None:
            empty = np.zeros(0)
            return _Status(after[:0], empty, empty, empty, empty.astype(str), "mcid_fallback")
        intake, intake_visit = rows.score[rows.first[after]], rows.visit[rows.first[after]]
        pace = (rows.visit[after] - intake_visit) / (self.parameters.mcid_by_visit - 1)
        expected = mcid.value * np.minimum(pace, 1.0)
        sign = -1.0 if _higher_is_worse(key) else 1.0
        amber_bound = intake + sign * expected
        red_bound = intake + sign * np.where(pace >= 1, expected / 2, 0.0)
        return _label(rows, after, amber_bound, red_bound, key, "mcid_fallback")


def by_series(conditions: pd.Series | None) -> Conditions | None:
    """Conditions indexed by series as a plain mapping."""
    return None if conditions is None else cast(Conditions, conditions.to_dict())


MIN_EPISODES_PER_CONDITION = 10
"""A condition gets its own term only with this many episodes; rarer ones share the baseline."""


def _levels(rows: Bundle, conditions: pd.Series | None) -> list[str]:
    """Conditions with enough episodes for their own term (the commonest is the baseline)."""
    if conditions is None:
        return []
    counts = conditions.reindex(rows.series[rows.starts]).dropna().astype(str).value_counts()
    frequent = counts[counts >= MIN_EPISODES_PER_CONDITION].index
    return sorted(frequent.drop(counts.index[0], errors="ignore"))


def _design(
    rows: Bundle, at_rows: np.ndarray, conditions: Conditions | None, levels: list[str]
) -> np.ndarray:
    """Intercept, intake, log(visits since intake + 1), their product, condition dummies
    (for ``at_rows`` of ``rows``)."""
    first = rows.first[at_rows]
    elapsed = np.log(rows.visit[at_rows].astype(float) - rows.visit[first].astype(float) + 1)
    intake = rows.score[first]
    columns = [np.ones(len(at_rows)), intake, elapsed, intake * elapsed]
    if conditions is not None and levels:
        condition = np.array(
            [str(conditions.get(s, np.nan)) for s in rows.series[at_rows]], dtype=object
        )
        columns += [(condition == level).astype(float) for level in levels]
    return np.column_stack(columns)


def _higher_is_worse(key: tuple[str, str]) -> bool:
    direction = instruments.load(key[0]).scale(key[1]).direction
    return direction is Direction.HIGHER_IS_WORSE


def _label(
    rows: Bundle,
    after: np.ndarray,
    amber: np.ndarray,
    red: np.ndarray,
    key: tuple[str, str],
    method: str,
) -> _Status:
    score = rows.score[after]
    if _higher_is_worse(key):
        worse_amber, worse_red = score > amber, score > red
    else:
        worse_amber, worse_red = score < amber, score < red
    status = np.where(worse_red, RED, np.where(worse_amber, AMBER, GREEN))
    return _Status(after, rows.score[rows.first[after]], amber, red, status, method)


def _status_frame(key: tuple[str, str], rows: Bundle, status: _Status) -> pd.DataFrame:
    """One outcome's statuses as rows of the ``status`` table."""
    at_rows = status.rows
    return pd.DataFrame(
        {
            "patient": rows.patient[at_rows],
            "series": rows.series[at_rows],
            "instrument": key[0],
            "scale": key[1],
            "visit": rows.visit[at_rows],
            "score": rows.score[at_rows],
            "intake": status.intake,
            "amber_bound": status.amber,
            "red_bound": status.red,
            "status": status.status,
            "method": status.method,
        }
    )
