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
from alliance.instruments.formulas import FORMULAS, Formula, answered_mean

SCORED = "scored"
NOT_SCORED = "not_scored"


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
) -> tuple[NDArray[np.float64], NDArray[np.int64] | None]:
    """Score one scale for every row; return the scores and, if any is unscored, missing counts."""
    rows = [answers.items.index(item_id) for item_id in scale.items]
    block = values[rows]
    if scale.missing.does_not_apply == "zero":
        block = np.where(answers.not_applicable[rows], 0.0, block)
    if scale.method is Method.SUM and scale.missing.max_missing == 0:
        scores = block.sum(axis=0)
    elif scale.method is Method.SUM:
        scores = answered_mean(block) * len(rows)
    elif scale.method is Method.MEAN:
        scores = answered_mean(block)
    else:
        assert scale.formula is not None
        formula = FORMULAS[scale.formula]
        _reject_inconsistent(definition, formula, block)
        low, high = item_bounds(definition, scale.items[0])
        weights = np.ones_like(block) if answers.weights is None else answers.weights[rows]
        scores = formula.compute(block, weights, low, high)
    plain_sum = scale.method is Method.SUM and scale.missing.max_missing == 0
    if plain_sum and not np.isnan(scores).any():
        return scores, None  # a complete sum needs no missing-answer count
    missing = np.isnan(block).sum(axis=0)
    scores[missing > scale.missing.max_missing] = np.nan
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
    failed = np.zeros(len(frame), dtype=bool)
    reasons = np.full(len(frame), "", dtype=object)
    columns: dict[str, object] = {}
    for scale in definition.scales:
        scores, missing = compute_scale(definition, scale, values, answers)
        columns[scale.id] = scores
        if scale.optional or missing is None:
            continue
        unscored = np.isnan(scores)
        failed |= unscored
        reasons = _add_reason(reasons, unscored, scale, missing)
    columns["status"] = pd.Categorical.from_codes(
        failed.astype(np.int8), dtype=pd.CategoricalDtype([SCORED, NOT_SCORED])
    )
    columns["reason"] = reasons
    added = pd.DataFrame(columns, index=frame.index)
    kept = frame.drop(columns=[c for c in added.columns if c in frame.columns])
    return pd.concat([kept, added], axis=1)


def _add_reason(
    reasons: NDArray[np.object_],
    unscored: NDArray[np.bool_],
    scale: Scale,
    missing: NDArray[np.int64],
) -> NDArray[np.object_]:
    """Append why each unscored row has no score on this scale."""
    if not unscored.any():
        return reasons
    k = len(scale.items)
    limit = scale.missing.max_missing
    texts = np.array(
        [
            f"{scale.id}: {n} of {k} answers missing or not applicable, at most {limit} allowed"
            if n > limit
            else f"{scale.id}: cannot be computed from these answers"
            for n in range(k + 1)
        ],
        dtype=object,
    )[missing[unscored]]
    current = reasons[unscored]
    out = reasons.copy()
    out[unscored] = np.where(current == "", texts, current + "; " + texts)
    return out
