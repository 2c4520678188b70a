"""An item's answer options as other systems list them, and reading such a list back.

FHIR and REDCap both list a discrete item's answers as codes with labels, and FHIR adds the
score each answer contributes (its item weight). Writing, the weights come from the scoring
engine itself, so reverse scoring and recoding are exactly what scoring does. Reading, the
weights tell plain, reversed and recoded items apart.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from alliance.instruments.answers import Answers, Problem
from alliance.instruments.definition import Definition, ResponseScale
from alliance.instruments.scoring import item_values
from alliance.interop.fhir_names import DOES_NOT_APPLY_CODE
from alliance.interop.import_errors import ImportFileError

DOES_NOT_APPLY_LABEL = "does not apply"
ListedOption = tuple[str, str | None, float | None]
"""An option as a file lists it: code, label (or None) and weight (or None)."""


@dataclass(frozen=True)
class AnswerOption:
    """One answer: its code, its value (None for "does not apply"), label and scored weight."""

    code: str
    value: float | None
    display: str | None
    weight: float | None


@dataclass(frozen=True)
class ReadOptions:
    """What a list of answer options says about an item, in definition terms (raw fields)."""

    response: dict[str, Any]
    reverse: bool
    recode: dict[float, float] | None


def number_code(value: float) -> str:
    """The code of a numeric answer: "4", "-2", "0.5"."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def problem_text(field: str, problem: Problem) -> str:
    """A rejected answer in a file's terms: the field, the value as a number, and why."""
    try:
        value = number_code(float(problem.value)) + " "
    except ValueError:
        value = f"{problem.value!r} " if problem.value else ""
    return f"{field}: {value}{problem.reason}"


def answer_options(definition: Definition) -> dict[str, list[AnswerOption]]:
    """The answer options of every discrete item, with the weight the scoring engine gives each."""
    discrete = [item for item in definition.items if definition.response_for(item.id).is_discrete]
    if not discrete:
        return {}
    values = {item.id: _scale_values(definition.response_for(item.id)) for item in discrete}
    width = max(len(v) for v in values.values())
    matrix = np.full((len(definition.items), width), np.nan)
    for row, item in enumerate(definition.items):
        if item.id in values:
            matrix[row, : len(values[item.id])] = values[item.id]
    answers = Answers(
        [item.id for item in definition.items], matrix, np.zeros(matrix.shape, dtype=bool), None
    )
    weights = item_values(definition, answers)
    options: dict[str, list[AnswerOption]] = {}
    for row, item in enumerate(definition.items):
        if item.id not in values:
            continue
        scale = definition.response_for(item.id)
        listed = [
            AnswerOption(number_code(v), v, scale.anchors.get(v), float(w))
            for v, w in zip(values[item.id], weights[row], strict=False)
        ]
        if scale.does_not_apply:
            listed.append(AnswerOption(DOES_NOT_APPLY_CODE, None, DOES_NOT_APPLY_LABEL, None))
        options[item.id] = listed
    return options


def read_options(options: Sequence[ListedOption], source: str, where: str) -> ReadOptions:
    """Read (code, label, weight) options back into a response scale, reversal and recoding.

    Codes are the answer values; where they are not numbers (e.g. "Not-at-all"), every option
    must carry a weight and the weights are taken as the values. Raises ImportFileError when
    the options cannot be an Alliance response scale.
    """
    does_not_apply = any(code.upper() == DOES_NOT_APPLY_CODE for code, _, _ in options)
    listed = [option for option in options if option[0].upper() != DOES_NOT_APPLY_CODE]
    if len(listed) < 2:
        raise ImportFileError(source, where, "needs at least two answer options")
    numbers = [_number(code) for code, _, _ in listed]
    weights = [weight for _, _, weight in listed]
    if any(n is None for n in numbers):
        if any(w is None for w in weights):
            raise ImportFileError(
                source, where, "answer codes that are not numbers need a weight on every option"
            )
        numbers, weights = list(weights), [None] * len(listed)
    order = sorted(range(len(listed)), key=lambda k: float(numbers[k] or 0.0))
    values = [float(numbers[k] or 0.0) for k in order]
    step = round(values[1] - values[0], 9)
    spaced = itertools.pairwise(values)
    if step <= 0 or any(not math.isclose(b - a, step, abs_tol=1e-9) for a, b in spaced):
        shown = ", ".join(number_code(v) for v in values)
        raise ImportFileError(source, where, f"answer values {shown} are not evenly spaced")
    anchors = {
        values[position]: display
        for position, k in enumerate(order)
        if (display := listed[k][1]) and display != listed[k][0]
    }
    response: dict[str, Any] = {"min": values[0], "max": values[-1], "step": step}
    if anchors:
        response["anchors"] = anchors
    if does_not_apply:
        response["does_not_apply"] = True
    given = [weights[k] for k in order]
    if all(w is None for w in given):
        return ReadOptions(response, False, None)
    if any(w is None for w in given):
        raise ImportFileError(source, where, "some answer options have a weight and others none")
    scored = [float(w or 0.0) for w in given]
    if all(math.isclose(v, w) for v, w in zip(values, scored, strict=True)):
        return ReadOptions(response, False, None)
    low, high = values[0], values[-1]
    if all(math.isclose(low + high - v, w) for v, w in zip(values, scored, strict=True)):
        return ReadOptions(response, True, None)
    return ReadOptions(response, False, dict(zip(values, scored, strict=True)))


def _scale_values(scale: ResponseScale) -> list[float]:
    return [round(scale.min + k * scale.step, 9) for k in range(scale.steps + 1)]


def _number(code: str) -> float | None:
    try:
        value = float(code)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
