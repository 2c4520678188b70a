"""Scale scores as FHIRPath for SDC ``calculatedExpression``, and reading simple ones back.

Written expressions follow the definition exactly where FHIRPath can: the weights of the
answered options (``weight()``, i.e. itemWeight, so reversal and recoding are included), the
missing-answer limit and prorating, and the named formulas. "Does not apply" options carry no
weight, so they drop out of the weights; where a scale scores them as zero they still count as
answered. A scale mixing discrete and continuous items, or reversing a continuous item, gets
no expression: its score is then Alliance's alone.

Reading accepts the common hand-written form, a plain sum of item weights over the whole
questionnaire or over listed linkIds (``ordinal()`` read as ``weight()``).
"""

from __future__ import annotations

import re

from alliance.instruments.definition import Definition, Method, Scale
from alliance.instruments.formulas import GAS_RHO
from alliance.instruments.plan import item_bounds

ALL_ITEMS = "*"
"""Returned by ``read_sum`` when a sum runs over every scored item of the questionnaire."""

_SUM_ALL = re.compile(
    r"^%resource\.(answers\(\)|repeat\(item\)\.answer|item\.answer|item\.item\.answer)"
    r"\.value\.weight\(\)\.sum\(\)$"
)
_SUM_LISTED = re.compile(
    r"^%resource\.repeat\(item\)\.where\(linkId in \((?P<ids>[^()]*)\)\)"
    r"\.answer\.value\.weight\(\)\.sum\(\)$"
)


def scale_expression(definition: Definition, scale: Scale) -> str | None:
    """The FHIRPath computing this scale's score from a QuestionnaireResponse, or None."""
    items = [definition.item(item_id) for item_id in scale.items]
    discrete = {definition.response_for(item.id).is_discrete for item in items}
    if len(discrete) != 1:
        return None
    weighted = discrete.pop()
    if not weighted and any(item.reverse or item.recode for item in items):
        return None
    if scale.formula == "attendance_percent":
        first, second = (_answer(item_id) for item_id in scale.items)
        return f"iif({second} > 0, 100 * {first} / {second}, {{}})"
    selected = f"%resource.repeat(item).where(linkId in ({_id_list(scale.items)}))"
    values = f"{selected}.answer.value" + (".weight()" if weighted else "")
    zero = scale.missing.does_not_apply == "zero"
    answered = f"{selected}.answer.count()" if zero else f"{values}.count()"
    total = f"{values}.sum()"
    n = len(scale.items)
    score = _score(definition, scale, total, answered)
    if score is None:
        return None
    return f"iif({answered} >= {n - scale.missing.max_missing}, {score}, {{}})"


def read_sum(expression: str) -> list[str] | str | None:
    """The linkIds a hand-written sum of weights runs over (``ALL_ITEMS`` for all), else None."""
    text = re.sub(r"\s+", " ", expression.strip()).replace("ordinal()", "weight()")
    if _SUM_ALL.match(text):
        return ALL_ITEMS
    listed = _SUM_LISTED.match(text)
    if listed is None:
        return None
    ids = [part.strip() for part in listed.group("ids").split("|")]
    if not all(len(i) > 2 and i[0] == i[-1] == "'" for i in ids):
        return None
    return [i[1:-1] for i in ids]


def _score(definition: Definition, scale: Scale, total: str, answered: str) -> str | None:
    mean = f"({total} / {answered})"
    if scale.method is Method.SUM:
        return total if scale.missing.max_missing == 0 else f"{mean} * {len(scale.items)}"
    if scale.method is Method.MEAN:
        return mean
    if scale.formula == "percent_of_range":
        low, high = item_bounds(definition, scale.items[0])
        return f"100 * ({mean} - {low:g}) / {high - low:g}"
    if scale.formula == "gas_t":
        spread = f"({1 - GAS_RHO:g} * {answered} + {GAS_RHO:g} * {answered} * {answered}).sqrt()"
        return f"50 + 10 * {total} / {spread}"
    return None


def _answer(item_id: str) -> str:
    return f"%resource.repeat(item).where(linkId = '{item_id}').answer.value.first()"


def _id_list(item_ids: list[str]) -> str:
    return " | ".join(f"'{item_id}'" for item_id in item_ids)
