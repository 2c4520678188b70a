"""Reading scores: bands, cut-offs, classifications and the Jacobson-Truax reliable change index."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from alliance.instruments.definition import Definition, Direction, Scale

RCI_CRITICAL = 1.96
"""|RCI| above this is reliable change at p < .05 (Jacobson & Truax 1991)."""

OPERATORS: dict[str, np.ufunc] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
}


class Change(StrEnum):
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    DETERIORATED = "deteriorated"


class InterpretationError(ValueError):
    """Raised when a definition lacks the facts an interpretation needs."""


def band(definition: Definition, scale_id: str, scores: ArrayLike) -> NDArray[np.object_]:
    """The band label of each score (None where the score is missing or the scale has no bands)."""
    scale = definition.scale(scale_id)
    values = np.asarray(scores, dtype=float)
    labels = np.full(values.shape, None, dtype=object)
    if not scale.interpretation.bands:
        return labels
    maxima = np.array([b.max for b in scale.interpretation.bands])
    names = np.array([b.label for b in scale.interpretation.bands], dtype=object)
    index = np.searchsorted(maxima, values, side="left")
    valid = ~np.isnan(values) & (index < len(maxima))
    labels[valid] = names[index[valid]]
    return labels


def cutoff_flags(definition: Definition, scale_id: str, scores: ArrayLike) -> pd.DataFrame:
    """One boolean column per cut-off of the scale, True where the score meets it."""
    scale = definition.scale(scale_id)
    values = np.asarray(scores, dtype=float)
    flags = {
        cutoff.label: np.asarray(OPERATORS[cutoff.op](values, cutoff.value)) & ~np.isnan(values)
        for cutoff in scale.interpretation.cutoffs
    }
    return pd.DataFrame(flags)


def classify(definition: Definition, scores: pd.DataFrame) -> pd.Series:
    """Apply the instrument's classification (first matching rule wins) to scored rows."""
    if definition.classification is None:
        raise InterpretationError(f"{definition.id} has no classification")
    result = pd.Series(None, index=scores.index, dtype=object)
    undecided = np.ones(len(scores), dtype=bool)
    for rule in definition.classification.rules:
        match = undecided.copy()
        for condition in rule.when:
            values = scores[condition.scale].to_numpy(dtype=float)
            match &= np.asarray(OPERATORS[condition.op](values, condition.value), dtype=bool)
        result[match] = rule.label
        undecided &= ~match
    needed = {c.scale for rule in definition.classification.rules for c in rule.when}
    missing = scores[sorted(needed)].isna().any(axis=1).to_numpy()
    result[missing] = None
    return result


def interpret(definition: Definition, scored: pd.DataFrame) -> pd.DataFrame:
    """Labels for scored rows: ``<scale>_band`` per banded scale, ``<scale>_<cut-off label>``
    per cut-off (True / False, blank where unscored) and the classification, if any."""
    columns: dict[str, object] = {}
    for scale in definition.scales:
        scores = scored[scale.id].to_numpy(dtype=float)
        if scale.interpretation.bands:
            columns[f"{scale.id}_band"] = band(definition, scale.id, scores)
        flags = cutoff_flags(definition, scale.id, scores)
        for label in flags.columns:
            columns[f"{scale.id}_{label}"] = flags[label].where(~np.isnan(scores)).to_numpy()
    if definition.classification is not None:
        columns[definition.classification.name] = classify(definition, scored).to_numpy()
    return pd.DataFrame(columns, index=scored.index)


def standard_error_of_measurement(scale: Scale, sd: float | None = None) -> float:
    """The SEM: SD x sqrt(1 - reliability) when an SD is given, else the definition's SEM,
    else the definition's own SD and reliability.

    Jacobson and Truax take the SD from a reference sample, so a clinic may pass its own.
    """
    facts = scale.interpretation
    if sd is not None:
        if sd <= 0:
            raise InterpretationError(f"the SD must be positive, not {sd:g}")
        if facts.reliability is None:
            raise InterpretationError(f"scale {scale.id!r} has no reliability coefficient")
        return sd * math.sqrt(1 - facts.reliability.value)
    if facts.sem is not None:
        return facts.sem.value
    if facts.sd is not None and facts.reliability is not None:
        return facts.sd.value * math.sqrt(1 - facts.reliability.value)
    raise InterpretationError(
        f"scale {scale.id!r} has neither an SEM nor an SD with a reliability coefficient"
    )


@dataclass(frozen=True)
class ReliableChange:
    """The Jacobson-Truax reliable change between two administrations of one scale."""

    instrument: str
    scale: str
    before: float
    after: float
    sem: float
    se_difference: float
    rci: float
    change: Change

    @property
    def reliable(self) -> bool:
        return self.change is not Change.UNCHANGED

    def summary(self) -> str:
        """One line for people: the change, the index and what it means."""
        return (
            f"{self.instrument} {self.scale}: {self.before:.4g} -> {self.after:.4g}, "
            f"RCI {self.rci:+.2f} (SEM {self.sem:.3g}, SE of difference {self.se_difference:.3g}); "
            f"{self.change.value}"
        )


def reliable_change(
    definition: Definition,
    before: float,
    after: float,
    scale_id: str = "total",
    sd: float | None = None,
) -> ReliableChange:
    """Jacobson-Truax RCI = (after - before) / (sqrt(2) x SEM), read in the scale's direction.

    ``sd`` is a reference-sample SD (for example the clinic's own at intake); with it the SEM
    is SD x sqrt(1 - reliability) from the definition's reliability coefficient.
    """
    scale = definition.scale(scale_id)
    low, high = scale.range
    for name, value in (("before", before), ("after", after)):
        if not low <= value <= high:
            raise InterpretationError(
                f"{name} = {value:g} lies outside {scale.id} range {low:g}-{high:g}"
            )
    sem = standard_error_of_measurement(scale, sd)
    se_difference = math.sqrt(2) * sem
    rci = (after - before) / se_difference
    signed = rci if scale.direction is Direction.HIGHER_IS_BETTER else -rci
    if signed > RCI_CRITICAL:
        change = Change.IMPROVED
    elif signed < -RCI_CRITICAL:
        change = Change.DETERIORATED
    else:
        change = Change.UNCHANGED
    return ReliableChange(definition.id, scale.id, before, after, sem, se_difference, rci, change)
