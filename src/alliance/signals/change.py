"""Reliable change from each series' first to its latest score, for every scored scale.

Jacobson and Truax (1991): RCI = (latest - first) / (sqrt(2) x SEM), reliable when
|RCI| > z (1.96). Read in the scale's direction: improved, deteriorated or unchanged;
"recovered" when the improvement is reliable and the latest score meets the instrument's
recovery cut-off (a cut-off whose label starts with "recovered"). ``mcid_met`` says whether
the improvement reaches the instrument's MCID.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliance import instruments
from alliance.instruments.definition import Definition, Direction, Scale
from alliance.instruments.interpretation import OPERATORS, InterpretationError
from alliance.instruments.interpretation import standard_error_of_measurement as sem_of
from alliance.signals.alerts import Alert
from alliance.signals.parameters import SignalParameters
from alliance.signals.series import Bundle, Split, at, by_scale

RECOVERED, IMPROVED, UNCHANGED, DETERIORATED = "recovered", "improved", "unchanged", "deteriorated"


COLUMNS = ["series", "instrument", "scale", "patient", "first_visit", "first", "latest_visit",
           "latest", "rci", "category", "mcid_met"]  # fmt: skip


@dataclass(frozen=True)
class _Changes:
    """First and latest score of each series on one scale, its RCI and category."""

    rows: Bundle
    starts: np.ndarray
    ends: np.ndarray
    rci: np.ndarray
    category: np.ndarray
    mcid_met: np.ndarray | None


def reliable_changes(table: pd.DataFrame, parameters: SignalParameters) -> pd.DataFrame:
    """One row per series and scale with an SEM: first, latest, RCI, category, mcid_met."""
    parts = [
        _frame(key, changes)
        for key, changes in _measured_changes(by_scale(table), parameters.reliable_z)
    ]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(parts, ignore_index=True)


def deterioration_alerts(
    scales: Split, parameters: SignalParameters, at_visit: int | None = None
) -> list[Alert]:
    """An alert for every reliable worsening (only those at ``at_visit``, if given)."""
    found = []
    for (instrument, scale), changes in _measured_changes(scales, parameters.reliable_z):
        rows, starts, ends = changes.rows, changes.starts, changes.ends
        worse = (changes.category == DETERIORATED) & at(rows.visit[ends], at_visit)
        found += [
            Alert(
                patient=str(rows.patient[starts[i]]),
                series=str(rows.series[starts[i]]),
                visit=int(rows.visit[ends[i]]),
                signal="deterioration",
                rule="reliable_change",
                instrument=instrument,
                scale=scale,
                value=float(rows.score[ends[i]]),
                threshold=float(rows.score[starts[i]]),
                detail=f"{rows.score[starts[i]]:g} -> {rows.score[ends[i]]:g}, "
                f"RCI {changes.rci[i]:+.2f}",
            )
            for i in np.flatnonzero(worse)
        ]
    return found


def _measured_changes(scales: Split, z: float) -> list[tuple[tuple[str, str], _Changes]]:
    """The changes on every scale with an SEM, in the order of ``scales``."""
    found = []
    for key, rows in scales.items():
        measured = _measured_scale(*key)
        if measured is not None:
            found.append((key, _classify(rows, *measured, z)))
    return found


_measured: dict[tuple[str, str], tuple[Definition, tuple[Scale, float] | None]] = {}
"""Each scale's SEM lookup, by the definition it came from (most scales a check-in reads have
none, and finding that out raises an exception each time)."""


def _measured_scale(instrument: str, scale_id: str) -> tuple[Scale, float] | None:
    """The scale and its SEM, if the instrument is known and the scale has one."""
    try:
        definition = instruments.load(instrument)
    except KeyError:
        return None
    kept = _measured.get((instrument, scale_id))
    if kept is not None and kept[0] is definition:
        return kept[1]
    try:
        scale = definition.scale(scale_id)
        found: tuple[Scale, float] | None = (scale, sem_of(scale))
    except (KeyError, InterpretationError):
        found = None
    _measured[instrument, scale_id] = (definition, found)
    return found


def _classify(rows: Bundle, scale: Scale, sem: float, z: float) -> _Changes:
    starts, ends = rows.starts, rows.ends
    first, latest = rows.score[starts], rows.score[ends]
    change = latest - first
    rci = change / (math.sqrt(2) * sem)
    better = rci if scale.direction is Direction.HIGHER_IS_BETTER else -rci
    category = np.where(better > z, IMPROVED, np.where(better < -z, DETERIORATED, UNCHANGED))
    for cutoff in scale.interpretation.cutoffs:
        if cutoff.label.lower().startswith("recovered"):
            met = np.asarray(OPERATORS[cutoff.op](latest, cutoff.value))
            category = np.where((category == IMPROVED) & met, RECOVERED, category)
    mcid = scale.interpretation.mcid
    gain = change if scale.direction is Direction.HIGHER_IS_BETTER else -change
    mcid_met = gain >= mcid.value if mcid is not None else None
    return _Changes(rows, starts, ends, rci, category, mcid_met)


def _frame(key: tuple[str, str], changes: _Changes) -> pd.DataFrame:
    """One scale's changes as rows of the ``reliable_changes`` table."""
    rows, starts, ends = changes.rows, changes.starts, changes.ends
    frame = pd.DataFrame(
        {
            "series": rows.series[starts],
            "instrument": key[0],
            "scale": key[1],
            "patient": rows.patient[starts],
            "first_visit": rows.visit[starts],
            "first": rows.score[starts],
            "latest_visit": rows.visit[ends],
            "latest": rows.score[ends],
            "rci": changes.rci,
            "category": changes.category,
        }
    )
    mcid_met = changes.mcid_met
    return frame.assign(
        mcid_met=pd.Series(np.nan, index=frame.index) if mcid_met is None else mcid_met
    )
