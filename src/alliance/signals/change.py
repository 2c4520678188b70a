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

RECOVERED, IMPROVED, UNCHANGED, DETERIORATED = "recovered", "improved", "unchanged", "deteriorated"


def reliable_changes(table: pd.DataFrame, parameters: SignalParameters) -> pd.DataFrame:
    """One row per series and scale with an SEM: first, latest, RCI, category, mcid_met."""
    firsts = table.groupby(["series", "instrument", "scale"], sort=False)
    summary = firsts.agg(
        patient=("patient", "first"),
        first_visit=("visit", "first"),
        first=("score", "first"),
        latest_visit=("visit", "last"),
        latest=("score", "last"),
    ).reset_index()
    parts = []
    for (instrument, scale_id), rows in summary.groupby(["instrument", "scale"], sort=False):
        scale = _scale(str(instrument), str(scale_id))
        if scale is None:
            continue
        try:
            sem = sem_of(scale)
        except InterpretationError:
            continue
        parts.append(_classify(rows, scale, sem, parameters.reliable_z))
    if not parts:
        return summary.iloc[:0].assign(rci=[], category=[], mcid_met=[])
    return pd.concat(parts, ignore_index=True)


def deteriorations(changes: pd.DataFrame) -> list[Alert]:
    """An alert for every reliable worsening."""
    worse = changes[changes["category"] == DETERIORATED]
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
