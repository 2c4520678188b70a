"""Alliance ruptures: a scale below its concern cut-off, or a sudden fall.

Rules, each checked on every watched scale (total, goal, task, bond):
- ``below_cutoff``: the score meets the instrument's concern cut-off (e.g. SRS < 36);
- ``drop_from_previous``: the score fell from the previous one by at least the threshold;
- ``drop_from_baseline``: the score fell from the mean of up to ``baseline_visits`` earlier
  scores by at least the threshold (from the second earlier score on);
- ``any_drop``: any fall at all, for scales watched that way (visual-analogue ratings).

The threshold is the reliable-change size, z x sqrt(2) x SEM, when the definition gives an SEM
(or an SD and a reliability); otherwise the watched scale's ``drop``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from alliance import instruments
from alliance.instruments.interpretation import OPERATORS, InterpretationError
from alliance.instruments.interpretation import standard_error_of_measurement as sem_of
from alliance.signals.alerts import Alert
from alliance.signals.parameters import SignalParameters, Watched

SIGNAL = "rupture"


def drop_threshold(watched: Watched, parameters: SignalParameters) -> float:
    """The fall that counts as a rupture on this scale (see the module docstring)."""
    scale = instruments.load(watched.instrument).scale(watched.scale)
    try:
        return parameters.reliable_z * math.sqrt(2) * sem_of(scale)
    except InterpretationError:
        if watched.drop is None:
            raise ValueError(
                f"{watched.instrument}.{watched.scale} has no SEM: give it a drop threshold"
            ) from None
        return watched.drop


def ruptures(table: pd.DataFrame, parameters: SignalParameters) -> list[Alert]:
    """Every rupture alert in a prepared table (see ``series.prepare``)."""
    found: list[Alert] = []
    for watched in parameters.watched:
        rows = table[
            (table["instrument"] == watched.instrument) & (table["scale"] == watched.scale)
        ]
        if not rows.empty:
            found += _scale_ruptures(rows, watched, parameters)
    return found


def _scale_ruptures(
    rows: pd.DataFrame, watched: Watched, parameters: SignalParameters
) -> list[Alert]:
    scale = instruments.load(watched.instrument).scale(watched.scale)
    threshold = drop_threshold(watched, parameters)
    grouped = rows.groupby("series", sort=False)["score"]
    earlier = pd.concat(
        [grouped.shift(k) for k in range(1, parameters.baseline_visits + 1)], axis=1
    )
    previous = earlier.iloc[:, 0]
    baseline = earlier.mean(axis=1).where(earlier.notna().sum(axis=1) >= 2)
    score = rows["score"]
    checks: list[tuple[str, pd.Series, pd.Series, float]] = [
        ("drop_from_previous", previous - score >= threshold, previous, threshold),
        ("drop_from_baseline", baseline - score >= threshold, baseline, threshold),
    ]
    if watched.any_drop:
        checks.append(("any_drop", previous - score > 0, previous, 0.0))
    for cutoff in scale.interpretation.cutoffs:
        if cutoff.op in ("<", "<="):
            met = pd.Series(
                np.asarray(OPERATORS[cutoff.op](score.to_numpy(), cutoff.value)), index=rows.index
            )
            checks.append(
                ("below_cutoff", met, pd.Series(cutoff.value, index=rows.index), cutoff.value)
            )
    found = []
    for rule, fired, reference, limit in checks:
        for index in rows.index[fired.fillna(False).to_numpy(bool)]:
            row = rows.loc[index]
            found.append(
                Alert(
                    patient=str(row["patient"]),
                    series=str(row["series"]),
                    visit=int(row["visit"]),
                    signal=SIGNAL,
                    rule=rule,
                    instrument=watched.instrument,
                    scale=watched.scale,
                    value=float(row["score"]),
                    threshold=float(limit),
                    detail=_detail(rule, float(row["score"]), float(reference[index]), limit),
                )
            )
    return found


def _detail(rule: str, value: float, reference: float, limit: float) -> str:
    if rule == "below_cutoff":
        return f"{value:g} is below the concern cut-off {limit:g}"
    where = "the previous score" if rule != "drop_from_baseline" else "the running baseline"
    return f"fell {reference - value:g} from {where} {reference:g} (threshold {limit:g})"
