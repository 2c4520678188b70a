"""Reliable change from each series' first to its latest score, for every scored scale.

Jacobson and Truax (1991): RCI = (latest - first) / (sqrt(2) x SEM), reliable when
|RCI| > z (1.96). Read in the scale's direction: improved, deteriorated or unchanged;
"recovered" when the improvement is reliable and the latest score meets the instrument's
recovery cut-off (a cut-off whose label starts with "recovered"). ``mcid_met`` says whether
the improvement reaches the instrument's MCID.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from alliance import instruments
from alliance.instruments.definition import Direction, Scale
from alliance.instruments.interpretation import OPERATORS, InterpretationError
from alliance.instruments.interpretation import standard_error_of_measurement as sem_of
from alliance.signals.alerts import Alert
from alliance.signals.parameters import SignalParameters
from alliance.signals.series import group_ends, group_numbers

RECOVERED, IMPROVED, UNCHANGED, DETERIORATED = "recovered", "improved", "unchanged", "deteriorated"


COLUMNS = ["series", "instrument", "scale", "patient", "first_visit", "first", "latest_visit",
           "latest", "rci", "category", "mcid_met"]  # fmt: skip


def reliable_changes(table: pd.DataFrame, parameters: SignalParameters) -> pd.DataFrame:
    """One row per series and scale with an SEM: first, latest, RCI, category, mcid_met."""
    measured, kept = _measured_rows(table)
    if not kept.any():
        return pd.DataFrame(columns=COLUMNS)
    summary = _first_and_latest(table.take(np.flatnonzero(kept)))
    numbers = group_numbers(summary, ["instrument", "scale"])
    parts = [
        _classify(
            summary.take(np.flatnonzero(numbers == number)), *measured[key], parameters.reliable_z
        )
        for number, key in enumerate(_names(summary, group_ends(numbers)[0]))
    ]
    return pd.concat(parts, ignore_index=True)


def _measured_rows(
    table: pd.DataFrame,
) -> tuple[dict[tuple[str, str], tuple[Scale, float]], np.ndarray]:
    """The scales in ``table`` that have an SEM, and which rows are on them. Looked up per
    instrument first, so a table with none (a check-in) costs almost nothing."""
    instrument, scale = table["instrument"].to_numpy(), table["scale"].to_numpy()
    measured: dict[tuple[str, str], tuple[Scale, float]] = {}
    kept = np.zeros(len(table), dtype=bool)
    for name in pd.unique(instrument):
        on = instrument == name
        for scale_id in pd.unique(scale[on]):
            found = _measured_scale(str(name), str(scale_id))
            if found is not None:
                measured[str(name), str(scale_id)] = found
                kept |= on & (scale == scale_id)
    return measured, kept


def _names(table: pd.DataFrame, rows: np.ndarray) -> list[tuple[str, str]]:
    """The (instrument, scale) of each of ``rows``."""
    instruments = table["instrument"].to_numpy()[rows]
    scales = table["scale"].to_numpy()[rows]
    return [(str(i), str(s)) for i, s in zip(instruments, scales, strict=True)]


def _first_and_latest(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per series and scale: its patient, first and latest visit and score."""
    first, last = group_ends(group_numbers(rows, ["series", "instrument", "scale"]))
    start = rows.take(first).reset_index(drop=True)
    end = rows.take(last).reset_index(drop=True)
    return pd.DataFrame(
        {
            "series": start["series"],
            "instrument": start["instrument"],
            "scale": start["scale"],
            "patient": start["patient"],
            "first_visit": start["visit"],
            "first": start["score"],
            "latest_visit": end["visit"],
            "latest": end["score"],
        }
    )


def deteriorations(changes: pd.DataFrame) -> list[Alert]:
    """An alert for every reliable worsening."""
    worse_rows = np.flatnonzero(changes["category"].to_numpy() == DETERIORATED)
    if not len(worse_rows):
        return []
    worse = changes.take(worse_rows)
    return [
        Alert(
            patient=str(row["patient"]),
            series=str(row["series"]),
            visit=int(row["latest_visit"]),
            signal="deterioration",
            rule="reliable_change",
            instrument=str(row["instrument"]),
            scale=str(row["scale"]),
            value=float(row["latest"]),
            threshold=float(row["first"]),
            detail=f"{row['first']:g} -> {row['latest']:g}, RCI {row['rci']:+.2f}",
        )
        for row in worse.to_dict("records")
    ]


def _measured_scale(instrument: str, scale_id: str) -> tuple[Scale, float] | None:
    """The scale and its SEM, if the instrument is known and the scale has one."""
    try:
        scale = instruments.load(instrument).scale(scale_id)
        return scale, sem_of(scale)
    except (KeyError, InterpretationError):
        return None


def _classify(rows: pd.DataFrame, scale: Scale, sem: float, z: float) -> pd.DataFrame:
    change = rows["latest"] - rows["first"]
    rci = change / (math.sqrt(2) * sem)
    better = rci if scale.direction is Direction.HIGHER_IS_BETTER else -rci
    category = np.select([better > z, better < -z], [IMPROVED, DETERIORATED], UNCHANGED)
    for cutoff in scale.interpretation.cutoffs:
        if cutoff.label.lower().startswith("recovered"):
            met = np.asarray(OPERATORS[cutoff.op](rows["latest"].to_numpy(), cutoff.value))
            category = np.where((category == IMPROVED) & met, RECOVERED, category)
    mcid = scale.interpretation.mcid
    gain = change if scale.direction is Direction.HIGHER_IS_BETTER else -change
    mcid_met = gain >= mcid.value if mcid is not None else pd.Series(np.nan, index=rows.index)
    return rows.assign(rci=rci, category=category, mcid_met=mcid_met)
