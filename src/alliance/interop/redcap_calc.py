"""Scale scores as REDCap calculated fields, and reading hand-written ones back.

Written calculations follow the definition: reversal (``(6-[x])``), recoding (nested ``if``),
"does not apply" (``"NA"``) as missing or zero, the missing-answer limit with prorating, and the
named formulas. REDCap's ``sum()`` and ``mean()`` skip blank fields, which is what prorating
from the answered items needs.

Reading accepts what people write by hand: ``sum(...)``, ``mean(...)`` or ``[a]+[b]+...``,
each term a field or a reversed field ``(K-[x])``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alliance.instruments.definition import Definition, Method, Scale
from alliance.instruments.formulas import GAS_RHO
from alliance.instruments.plan import item_bounds
from alliance.interop.answer_options import number_code
from alliance.interop.fhir_names import DOES_NOT_APPLY_CODE

_FIELD = r"\[([a-z][a-z0-9_]*)\]"
_TERM = re.compile(rf"^(?:{_FIELD}|\(?\s*(-?[0-9.]+)\s*-\s*{_FIELD}\s*\)?)$")


@dataclass(frozen=True)
class HandCalc:
    """A hand-written calculation: the method, and each field with the K of ``K-[field]``."""

    method: Method
    fields: list[tuple[str, float | None]]


def variable(instrument_id: str, name: str) -> str:
    """The REDCap variable of an item or scale: ``<instrument>_<id>``."""
    return f"{instrument_id}_{name}"


def scale_calculation(definition: Definition, scale: Scale) -> str:
    """The REDCap calculation of one scale's score."""
    zero = scale.missing.does_not_apply == "zero"
    terms = ",".join(_term(definition, item_id, zero) for item_id in scale.items)
    answered = "+".join(_answered(definition, item_id, zero) for item_id in scale.items)
    answered = f"({answered})"
    n = len(scale.items)
    if scale.formula == "attendance_percent":
        first, second = (f"[{variable(definition.id, i)}]" for i in scale.items)
        score = f'if({second}>0,100*{first}/{second},"")'
    elif scale.method is Method.SUM:
        score = f"sum({terms})" if scale.missing.max_missing == 0 else f"mean({terms})*{n}"
    elif scale.method is Method.MEAN:
        score = f"mean({terms})"
    elif scale.formula == "percent_of_range":
        low, high = item_bounds(definition, scale.items[0])
        score = f"100*(mean({terms})-{number_code(low)})/{number_code(high - low)}"
    else:
        spread = f"sqrt({1 - GAS_RHO:g}*{answered}+{GAS_RHO:g}*{answered}*{answered})"
        score = f"50+10*sum({terms})/{spread}"
    return f'if({answered}>={n - scale.missing.max_missing},{score},"")'


def read_calculation(text: str) -> HandCalc | None:
    """Read a hand-written sum or mean of fields; None when it is anything else."""
    compact = re.sub(r"\s+", "", text)
    wrapped = re.fullmatch(r"(sum|mean)\((.*)\)", compact)
    if wrapped:
        method = Method.SUM if wrapped.group(1) == "sum" else Method.MEAN
        parts = _split_top_level(wrapped.group(2), ",")
    else:
        method, parts = Method.SUM, _split_top_level(compact, "+")
    fields: list[tuple[str, float | None]] = []
    for part in parts:
        match = _TERM.match(part)
        if match is None:
            return None
        plain, constant, reversed_field = match.groups()
        fields.append((plain, None) if plain else (reversed_field, float(constant)))
    return HandCalc(method, fields) if fields else None


def _term(definition: Definition, item_id: str, zero: bool) -> str:
    field = f"[{variable(definition.id, item_id)}]"
    item = definition.item(item_id)
    scale = definition.response_for(item_id)
    value = field
    if item.recode is not None:
        value = '""'
        for given, scored in reversed(item.recode.items()):
            value = f"if({field}={number_code(given)},{number_code(scored)},{value})"
    if item.reverse:
        value = f"({number_code(scale.min + scale.max)}-{value})"
    if scale.does_not_apply:
        value = f'if({field}="{DOES_NOT_APPLY_CODE}",{"0" if zero else chr(34) * 2},{value})'
    return value


def _answered(definition: Definition, item_id: str, zero: bool) -> str:
    field = f"[{variable(definition.id, item_id)}]"
    if definition.response_for(item_id).does_not_apply and not zero:
        return f'if({field}="" or {field}="{DOES_NOT_APPLY_CODE}",0,1)'
    return f'if({field}="",0,1)'


def _split_top_level(text: str, separator: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == separator and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts
