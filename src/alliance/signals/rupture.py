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
from alliance.signals.series import Split, by_scale

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


def ruptures(
    table: pd.DataFrame, parameters: SignalParameters, scales: Split | None = None
) -> list[Alert]:
    """Every rupture alert in a prepared table (see ``series.prepare``); ``scales`` is the
    table already split by ``by_scale``, if the caller has it."""
    found: list[Alert] = []
    scales = by_scale(table) if scales is None else scales
    for watched in parameters.watched:
        rows = scales.get((watched.instrument, watched.scale))
        if rows is not None:
            found += _scale_ruptures(rows, watched, parameters)
    return found


def _scale_ruptures(
    rows: pd.DataFrame, watched: Watched, parameters: SignalParameters
) -> list[Alert]:
    scale = instruments.load(watched.instrument).scale(watched.scale)
    threshold = drop_threshold(watched, parameters)
    series = rows["series"].to_numpy()
    score = rows["score"].to_numpy(float)
    earlier = np.stack(
        [_shifted(score, series, k) for k in range(1, parameters.baseline_visits + 1)]
    )
    previous = earlier[0]
    counted = (~np.isnan(earlier)).sum(axis=0)
    with np.errstate(invalid="ignore"):
        baseline = np.where(
            counted >= 2, np.nansum(earlier, axis=0) / np.maximum(counted, 1), np.nan
        )
        checks = [
            ("drop_from_previous", previous - score >= threshold, previous, threshold),
            ("drop_from_baseline", baseline - score >= threshold, baseline, threshold),
        ]
        if watched.any_drop:
            checks.append(("any_drop", previous - score > 0, previous, 0.0))
    for cutoff in scale.interpretation.cutoffs:
        if cutoff.op in ("<", "<="):
            met = np.asarray(OPERATORS[cutoff.op](score, cutoff.value), dtype=bool)
            checks.append(("below_cutoff", met, np.full(len(score), cutoff.value), cutoff.value))
    patients, visits = rows["patient"].to_numpy(), rows["visit"].to_numpy()
    return [
        Alert(
            patient=str(patients[i]),
            series=str(series[i]),
            visit=int(visits[i]),
            signal=SIGNAL,
            rule=rule,
            instrument=watched.instrument,
            scale=watched.scale,
            value=float(score[i]),
            threshold=float(limit),
            detail=_detail(rule, float(score[i]), float(reference[i]), limit),
        )
        for rule, fired, reference, limit in checks
        for i in np.flatnonzero(fired)
    ]


def _shifted(values: np.ndarray, series: np.ndarray, k: int) -> np.ndarray:
    """The value k rows earlier within the same series (rows sorted by series and visit)."""
    out = np.full(len(values), np.nan)
    if k < len(values):
        same = series[k:] == series[:-k]
        out[k:] = np.where(same, values[:-k], np.nan)
    return out


def _detail(rule: str, value: float, reference: float, limit: float) -> str:
    if rule == "below_cutoff":
        return f"{value:g} is below the concern cut-off {limit:g}"
    where = "the previous score" if rule != "drop_from_baseline" else "the running baseline"
    return f"fell {reference - value:g} from {where} {reference:g} (threshold {limit:g})"
