"""Influence flags at intake: perceived injustice, catastrophising, fear of movement above the
published cut-offs of their instruments, so the therapist knows early."""

from __future__ import annotations

import numpy as np
import pandas as pd

from alliance import instruments
from alliance.instruments.definition import Cutoff
from alliance.instruments.interpretation import OPERATORS
from alliance.signals.alerts import Alert
from alliance.signals.parameters import Influence, SignalParameters, derived
from alliance.signals.series import Split, at, by_scale


def influence_flags(table: pd.DataFrame, parameters: SignalParameters) -> list[Alert]:
    """An alert for each series whose first score on an influence measure meets its cut-off."""
    return influence_alerts(by_scale(table), parameters)


def influence_alerts(
    scales: Split, parameters: SignalParameters, at_visit: int | None = None
) -> list[Alert]:
    """The influence flags in scores split by scale (only those at ``at_visit``, if given)."""
    found = []
    for influence, cutoff in derived(parameters, _cutoffs):
        rows = scales.get((influence.instrument, influence.scale))
        if rows is None:
            continue
        first = rows.starts
        score = rows.score[first]
        met = np.asarray(OPERATORS[cutoff.op](score, cutoff.value), dtype=bool)
        met &= at(rows.visit[first], at_visit)
        found += [
            Alert(
                patient=str(rows.patient[first[i]]),
                series=str(rows.series[first[i]]),
                visit=int(rows.visit[first[i]]),
                signal="influence",
                rule="above_cutoff",
                instrument=influence.instrument,
                scale=influence.scale,
                value=float(score[i]),
                threshold=cutoff.value,
                detail=f"{score[i]:g} {cutoff.op} {cutoff.value:g}: {cutoff.label}",
            )
            for i in np.flatnonzero(met)
        ]
    return found


def _cutoffs(parameters: SignalParameters) -> tuple[tuple[Influence, Cutoff], ...]:
    """Each influence with its cut-off, looked up once."""
    return tuple(
        (
            influence,
            next(
                c
                for c in instruments.load(influence.instrument)
                .scale(influence.scale)
                .interpretation.cutoffs
                if c.label == influence.cutoff
            ),
        )
        for influence in parameters.influences
    )
