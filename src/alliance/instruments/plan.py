"""A definition's scoring rules compiled once into the plan both executors read.

Every decision scoring takes from a definition is taken here, once per definition: how each
item's answer is recoded or reversed; for each scale, which items it reads, what "does not
apply" counts as, how many answers may be missing, and whether the score is the sum of the
answers or the mean of those answered times a factor (prorating). The table executor
(``scoring.score``) applies the plan to whole arrays; the one-record executor
(``scoring.score_record``) applies it to one administration in plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from alliance.instruments.definition import Definition, Method, Scale
from alliance.instruments.formulas import FORMULAS, Formula


def item_bounds(definition: Definition, item_id: str) -> tuple[float, float]:
    """Lowest and highest value an item contributes after recoding."""
    item = definition.item(item_id)
    if item.recode is not None:
        return min(item.recode.values()), max(item.recode.values())
    scale = definition.response_for(item_id)
    return scale.min, scale.max


@dataclass(frozen=True)
class ItemRule:
    """How one recoded or reversed item's answer becomes the value its scales read."""

    row: int
    """The item's place among the definition's items: its row in the answers."""
    recode: tuple[tuple[float, float], ...]
    """(answer, value) pairs, applied first; empty when the answer is kept."""
    mirror: float | None
    """For a reversed item, its response scale's min + max: the value is mirror - answer."""


@dataclass(frozen=True)
class ScaleRule:
    """How one scale's score comes from its items' values."""

    scale: Scale
    rows: tuple[int, ...]
    """The rows of its items' values, in the scale's order."""
    zero_not_applicable: bool
    """Whether "does not apply" is a value of zero (else it is a missing answer)."""
    max_missing: int
    """The most answers that may be missing; with more, there is no score."""
    prorated: bool
    """Whether the score is the mean of the answered items times ``factor``; otherwise it is
    their sum (a sum that allows no missing answer)."""
    factor: float
    """1 for a mean; the number of items for a prorated sum."""
    formula: Formula | None
    """The named formula that computes the score instead, if any."""
    item_range: tuple[float, float]
    """Its items' common lowest and highest value (what a formula reads)."""


@dataclass(frozen=True)
class Stacked:
    """The sum and mean scales laid end to end, for the table executor to score together.

    A scale whose "does not apply" is zero reads its missing marks from a second copy of the
    items' rows (as many rows on as there are items), where those answers count as given.
    """

    places: list[int]
    """The scales' places in the definition."""
    segments: list[tuple[NDArray[np.intp], NDArray[np.intp]]]
    """Per scale, the rows of its items' values and of their missing marks."""
    sizes: NDArray[np.int64]
    max_missing: NDArray[np.int64]
    plain_sum: NDArray[np.bool_]
    """Scales whose score is the sum itself (not ``prorated``)."""
    factor: NDArray[np.float64]
    any_zero: bool


@dataclass(frozen=True)
class Plan:
    """A definition's scoring rules, as the executors apply them."""

    items: tuple[ItemRule, ...]
    """The items whose value is not the answer itself."""
    scales: tuple[ScaleRule, ...]
    """Every scale, in the definition's order."""
    stacked: Stacked
    """The sum and mean scales' rules as arrays."""
    plain: bool
    """Whether one record may be scored by the plain executor: every scale is a sum or a
    mean and no answer is recoded (formulas and recodes are numpy work, kept in one place)."""


def compile_plan(definition: Definition) -> Plan:
    """The plan of a definition (``plan_of`` keeps each definition's)."""
    index = {item.id: row for row, item in enumerate(definition.items)}
    items = tuple(
        ItemRule(
            row=index[item.id],
            recode=tuple(item.recode.items()) if item.recode is not None else (),
            mirror=_mirror(definition, item.id) if item.reverse else None,
        )
        for item in definition.items
        if item.recode or item.reverse
    )
    scales = tuple(_scale_rule(definition, scale, index) for scale in definition.scales)
    return Plan(
        items=items,
        scales=scales,
        stacked=_stack(scales, len(index)),
        plain=all(rule.formula is None for rule in scales) and not any(r.recode for r in items),
    )


def _mirror(definition: Definition, item_id: str) -> float:
    """Reverse scoring maps an answer to min + max - answer on its response scale."""
    response = definition.response_for(item_id)
    return response.min + response.max


def _scale_rule(definition: Definition, scale: Scale, index: dict[str, int]) -> ScaleRule:
    is_sum = scale.method is Method.SUM
    return ScaleRule(
        scale=scale,
        rows=tuple(index[item] for item in scale.items),
        zero_not_applicable=scale.missing.does_not_apply == "zero",
        max_missing=scale.missing.max_missing,
        prorated=not (is_sum and scale.missing.max_missing == 0),
        factor=float(len(scale.items)) if is_sum else 1.0,
        formula=FORMULAS[scale.formula] if scale.formula is not None else None,
        item_range=item_bounds(definition, scale.items[0]),
    )


def _stack(scales: tuple[ScaleRule, ...], item_count: int) -> Stacked:
    """The sum and mean scales' rules as ``Stacked`` arrays (one row per scale)."""
    chosen = [(place, rule) for place, rule in enumerate(scales) if rule.formula is None]
    segments = []
    for _, rule in chosen:
        rows = np.array(rule.rows, dtype=np.intp)
        segments.append((rows, rows + item_count if rule.zero_not_applicable else rows))
    return Stacked(
        places=[place for place, _ in chosen],
        segments=segments,
        sizes=np.array([len(rule.rows) for _, rule in chosen], dtype=np.int64)[:, None],
        max_missing=np.array([rule.max_missing for _, rule in chosen], dtype=np.int64)[:, None],
        plain_sum=np.array([not rule.prorated for _, rule in chosen], dtype=bool)[:, None],
        factor=np.array([rule.factor for _, rule in chosen], dtype=np.float64)[:, None],
        any_zero=any(rule.zero_not_applicable for _, rule in chosen),
    )


_plans: dict[tuple[str, str], tuple[Definition, Plan]] = {}
"""Each definition's plan, compiled once: keyed by id and version, and held with the
definition itself, so that another definition of the same id and version is not given it."""


def plan_of(definition: Definition) -> Plan:
    """The definition's plan, compiled on first use."""
    key = (definition.id, definition.version)
    held = _plans.get(key)
    if held is None or held[0] is not definition:
        held = _plans[key] = (definition, compile_plan(definition))
    return held[1]
