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


def reliable_changes(table: pd.DataFrame, parameters: SignalParameters) -> pd.DataFrame:
    """One row per series and scale with an SEM: first, latest, RCI, category, mcid_met."""
    first, last = group_ends(group_numbers(table, ["series", "instrument", "scale"]))
    start = table.take(first).reset_index(drop=True)
    end = table.take(last).reset_index(drop=True)
    summary = pd.DataFrame(
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
    numbers = group_numbers(summary, ["instrument", "scale"])
    heads = group_ends(numbers)[0]
    names = zip(
        summary["instrument"].to_numpy()[heads], summary["scale"].to_numpy()[heads], strict=True
    )
    parts = []
    for number, (instrument, scale_id) in enumerate(names):
        scale = _scale(str(instrument), str(scale_id))
        if scale is None:
            continue
        try:
            sem = sem_of(scale)
        except InterpretationError:
            continue
        rows = summary.take(np.flatnonzero(numbers == number))
        parts.append(_classify(rows, scale, sem, parameters.reliable_z))
    if not parts:
        return summary.iloc[:0].assign(rci=[], category=[], mcid_met=[])
    return pd.concat(parts, ignore_index=True)


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


def _scale(instrument: str, scale_id: str) -> Scale | None:
    try:
        return instruments.load(instrument).scale(scale_id)
    except KeyError:
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
