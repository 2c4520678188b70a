"""Influence flags at intake: perceived injustice, catastrophising, fear of movement above the
published cut-offs of their instruments, so the therapist knows early."""

from __future__ import annotations

import numpy as np
import pandas as pd

from alliance import instruments
from alliance.instruments.interpretation import OPERATORS
from alliance.signals.alerts import Alert
from alliance.signals.parameters import SignalParameters
from alliance.signals.series import Split, by_scale, group_ends, group_numbers


def influence_flags(
    table: pd.DataFrame, parameters: SignalParameters, scales: Split | None = None
) -> list[Alert]:
    """An alert for each series whose first score on an influence measure meets its cut-off
    (``scales``: the table already split by ``by_scale``, if the caller has it)."""
    found = []
    scales = by_scale(table) if scales is None else scales
    for influence in parameters.influences:
        rows = scales.get((influence.instrument, influence.scale))
        if rows is None:
            continue
        scale = instruments.load(influence.instrument).scale(influence.scale)
        cutoff = next(c for c in scale.interpretation.cutoffs if c.label == influence.cutoff)
        first = rows.take(np.sort(group_ends(group_numbers(rows, ["series"]))[0]))
        met = np.asarray(OPERATORS[cutoff.op](first["score"].to_numpy(), cutoff.value), dtype=bool)
        if not met.any():
            continue
        found += [
            Alert(
                patient=str(row["patient"]),
                series=str(row["series"]),
                visit=int(row["visit"]),
                signal="influence",
                rule="above_cutoff",
                instrument=influence.instrument,
                scale=influence.scale,
                value=float(row["score"]),
                threshold=cutoff.value,
                detail=f"{row['score']:g} {cutoff.op} {cutoff.value:g}: {cutoff.label}",
            )
            for row in first[met].to_dict("records")
        ]
    return found
