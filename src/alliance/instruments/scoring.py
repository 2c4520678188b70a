"""Scoring a whole table of administrations at once, exactly as each definition says.

Steps per scale, each a whole-array operation: recode items, reverse items, treat "does not
apply" as the definition says, count missing answers against the scale's limit, then sum,
average or apply the named formula. Missing answers within the limit are prorated: the score
comes from the mean of the answered items.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from alliance.instruments.answers import MAX_REPORTED, AnswerError, Answers, Problem, read_answers
from alliance.instruments.definition import Definition, Method, ResponseScale, Scale
from alliance.instruments.formulas import FORMULAS, Formula, answered_sum

SCORED = "scored"
NOT_SCORED = "not_scored"
SCORE_DECIMALS = 9
"""Scores are rounded here: far finer than any published rule, and it removes binary noise
such as 8.6 + 9.7 + 9.9 + 7.8 = 35.99999999999999, which would wrongly meet a cut-off of < 36."""


def item_values(definition: Definition, answers: Answers) -> NDArray[np.float64]:
    """Answers after recoding and reverse scoring; NaN for blank and "does not apply"."""
    changed = [i for i, item in enumerate(definition.items) if item.recode or item.reverse]
    if not changed:
        return answers.values
    values = answers.values.copy()
    for j in changed:
        item = definition.items[j]
        if item.recode is not None:
            recoded = np.full_like(values[j], np.nan)
            for given, scored in item.recode.items():
                recoded[np.isclose(values[j], given)] = scored
            values[j] = recoded
        if item.reverse:
            values[j] = reverse(definition.response_for(item.id), values[j])
    return values


def reverse(scale: ResponseScale, values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Reverse-score answers on a response scale: min + max - answer."""
    return scale.min + scale.max - values


def item_bounds(definition: Definition, item_id: str) -> tuple[float, float]:
    """Lowest and highest value an item contributes after recoding."""
    item = definition.item(item_id)
    if item.recode is not None:
        return min(item.recode.values()), max(item.recode.values())
    scale = definition.response_for(item_id)
    return scale.min, scale.max


def scale_bounds(definition: Definition, scale: Scale) -> tuple[float, float]:
    """The range a scale's score can take, derived from its items and method."""
    bounds = [item_bounds(definition, item_id) for item_id in scale.items]
    lows, highs = [b[0] for b in bounds], [b[1] for b in bounds]
    if scale.method is Method.SUM:
        return sum(lows), sum(highs)
    if scale.method is Method.MEAN:
        return min(lows), max(highs)
    assert scale.formula is not None
    return FORMULAS[scale.formula].bounds(len(scale.items), min(lows), max(highs))


def compute_scale(
    definition: Definition, scale: Scale, values: NDArray[np.float64], answers: Answers
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Score one scale for every row; return the scores and each row's count of missing answers."""
    rows = [answers.items.index(item_id) for item_id in scale.items]
    if scale.missing.does_not_apply == "zero":
        values = values.copy()
        values[rows] = np.where(answers.not_applicable[rows], 0.0, values[rows])
    if scale.method is Method.SUM and scale.missing.max_missing == 0:
        return _complete_sum(values, rows)
    if scale.method is Method.FORMULA:
        assert scale.formula is not None
        block = values[rows]
        formula = FORMULAS[scale.formula]
        _reject_inconsistent(definition, formula, block)
        low, high = item_bounds(definition, scale.items[0])
        weights = None if answers.weights is None else answers.weights[rows]
        scores = formula.compute(block, weights, low, high)
        missing = np.isnan(block).sum(axis=0)
    else:
        total, answered = answered_sum([values[row] for row in rows])
        scores = np.full(len(total), np.nan)
        np.divide(total, answered, out=scores, where=answered > 0)
        if scale.method is Method.SUM:
            scores *= len(rows)
        missing = len(rows) - answered
    scores[missing > scale.missing.max_missing] = np.nan
    return scores, missing


def _complete_sum(
    values: NDArray[np.float64], rows: list[int]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Sum of the items, NaN where any is missing; missing counts only for those rows."""
    scores = values[rows[0]].copy()
    for row in rows[1:]:
        scores += values[row]
    missing = np.zeros(len(scores), dtype=np.int64)
    if np.isnan(scores).any():
        for row in rows:
            missing += np.isnan(values[row])
    return scores, missing


def _reject_inconsistent(
    definition: Definition, formula: Formula, block: NDArray[np.float64]
) -> None:
    """Raise AnswerError for rows whose answers contradict each other under this formula."""
    if formula.inconsistent is None:
        return
    mask, reason = formula.inconsistent(block)
    rows = np.flatnonzero(mask)
    if len(rows):
        problems = [Problem(int(row) + 1, "q1", "", reason) for row in rows[:MAX_REPORTED]]
        raise AnswerError(definition.id, problems, total=len(rows))


def score(definition: Definition, frame: pd.DataFrame) -> pd.DataFrame:
    """Score every row of ``frame``: the input columns, one column per scale, status, reason.

    Raises ``AnswerError`` (and scores nothing) when any cell is not an allowed answer.
    """
    answers = read_answers(definition, frame)
    values = item_values(definition, answers)
    columns: dict[str, object] = {}
    shortfalls: list[tuple[Scale, NDArray[np.int64]]] = []
    for scale in definition.scales:
        scores, missing = compute_scale(definition, scale, values, answers)
        columns[scale.id] = np.round(scores, SCORE_DECIMALS)
        if not scale.optional:
            shortfalls.append((scale, np.where(np.isnan(scores), missing, -1)))
    failed, reasons = _reasons(shortfalls, len(frame))
    columns["status"] = pd.Categorical.from_codes(
        failed.astype(np.int8), dtype=pd.CategoricalDtype([SCORED, NOT_SCORED])
    )
    columns["reason"] = reasons
    added = pd.DataFrame(columns, index=frame.index)
    kept = frame.drop(columns=[c for c in added.columns if c in frame.columns])
    return pd.concat([kept, added], axis=1)


def _reasons(
    shortfalls: list[tuple[Scale, NDArray[np.int64]]], rows: int
) -> tuple[NDArray[np.bool_], NDArray[np.object_]]:
    """Which rows failed a required scale, and why, in words.

    ``shortfalls`` holds, per required scale, -1 where it scored and the count of missing
    answers where it did not. Each distinct pattern is put into words once.
    """
    reasons = np.full(rows, "", dtype=object)
    scales = [scale for scale, _ in shortfalls]
    failed = np.zeros(rows, dtype=bool)
    for _, counts in shortfalls:
        failed |= counts >= 0
    if not failed.any():
        return failed, reasons
    pattern = np.stack([counts[failed] for _, counts in shortfalls], axis=1)
    base = int(pattern.max()) + 2
    keys = ((pattern + 1) * base ** np.arange(len(scales))).sum(axis=1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    combos = pattern[first]
    texts = np.array(
        [
            "; ".join(
                _reason(scale, int(n)) for scale, n in zip(scales, combo, strict=True) if n >= 0
            )
            for combo in combos
        ],
        dtype=object,
    )
    reasons[failed] = texts[inverse.ravel()]
    return failed, reasons


def _reason(scale: Scale, missing: int) -> str:
    limit = scale.missing.max_missing
    if missing > limit:
        return (
            f"{scale.id}: {missing} of {len(scale.items)} answers missing or not applicable, "
            f"at most {limit} allowed"
        )
    return f"{scale.id}: cannot be computed from these answers"
