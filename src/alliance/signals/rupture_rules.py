"""The rupture rules, stated once: the series path and the one-visit path (``rupture``), the
clinic's alert reconciliation (events stay open) and its alert texts all read this table.

Each rule compares a score with a reference: the previous score, the running baseline (the
mean of up to ``baseline_visits`` earlier scores, from the second on) or a concern cut-off of
the scale's definition. A fall is the reference minus the score.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from alliance.instruments.interpretation import OPERATORS


class Kind(StrEnum):
    """An event happened once and stays until acknowledged; a state holds while it holds."""

    EVENT = "event"
    STATE = "state"


class Reference(StrEnum):
    PREVIOUS = "previous"
    BASELINE = "baseline"
    CUTOFF = "cutoff"


class Comparison(StrEnum):
    FALL_AT_LEAST = "fall >= threshold"
    FALL_ABOVE = "fall > threshold"
    MEETS_CUTOFF = "score meets the cut-off's own operator (< or <=)"


class ThresholdSource(StrEnum):
    DROP = "drop"
    """The scale's drop threshold: the reliable-change size, or the watched scale's ``drop``."""
    ZERO = "zero"
    """Any fall; only on scales watched with ``any_drop``."""
    CUTOFF = "cutoff"
    """Each concern cut-off (``<`` or ``<=``) of the scale's definition."""


@dataclass(frozen=True)
class RuptureRule:
    """One rupture rule: what it compares, with what, and how it reads."""

    name: str
    kind: Kind
    reference: Reference
    comparison: Comparison
    threshold: ThresholdSource
    text: str
    """What the rule says of the scale, in English: also the key of its translation."""
    detail: str
    """The alert's detail, formatted with ``value``, ``reference``, ``threshold``, ``fall``."""

    def holds(self, value: Any, reference: Any, threshold: Any, operator: str = "<") -> Any:
        """Whether the rule fires, on floats or on whole arrays alike (NaN never fires);
        ``operator`` is the cut-off's."""
        if self.comparison is Comparison.FALL_AT_LEAST:
            return reference - value >= threshold
        if self.comparison is Comparison.FALL_ABOVE:
            return reference - value > threshold
        return OPERATORS[operator](value, threshold)

    def describe(self, value: float, reference: float, threshold: float) -> str:
        """The alert's detail for one finding."""
        fall = reference - value
        return self.detail.format(value=value, reference=reference, threshold=threshold, fall=fall)


RUPTURE_RULES = (
    RuptureRule(
        "drop_from_previous",
        Kind.EVENT,
        Reference.PREVIOUS,
        Comparison.FALL_AT_LEAST,
        ThresholdSource.DROP,
        "fell from the previous score",
        "fell {fall:g} from the previous score {reference:g} (threshold {threshold:g})",
    ),
    RuptureRule(
        "drop_from_baseline",
        Kind.EVENT,
        Reference.BASELINE,
        Comparison.FALL_AT_LEAST,
        ThresholdSource.DROP,
        "fell below the running baseline",
        "fell {fall:g} from the running baseline {reference:g} (threshold {threshold:g})",
    ),
    RuptureRule(
        "any_drop",
        Kind.EVENT,
        Reference.PREVIOUS,
        Comparison.FALL_ABOVE,
        ThresholdSource.ZERO,
        "fell",
        "fell {fall:g} from the previous score {reference:g} (threshold {threshold:g})",
    ),
    RuptureRule(
        "below_cutoff",
        Kind.STATE,
        Reference.CUTOFF,
        Comparison.MEETS_CUTOFF,
        ThresholdSource.CUTOFF,
        "is below the concern cut-off",
        "{value:g} is below the concern cut-off {threshold:g}",
    ),
)
"""In the order their alerts are listed for one scale."""

EVENT_RULES = frozenset(rule.name for rule in RUPTURE_RULES if rule.kind is Kind.EVENT)
"""Rules that describe something that happened, not a state: they never resolve themselves
(every other signal's rules are states)."""
