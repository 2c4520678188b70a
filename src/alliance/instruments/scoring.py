"""Scoring a whole table of administrations at once, exactly as each definition says.

Steps per scale, each a whole-array operation: recode items, reverse items, treat "does not
apply" as the definition says, count missing answers against the scale's limit, then sum,
average or apply the named formula. Missing answers within the limit are prorated: the score
comes from the mean of the answered items.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from alliance.instruments.answers import (
    MAX_REPORTED,
    AnswerError,
    Answers,
    Problem,
    read_answers,
    read_record,
)
from alliance.instruments.definition import Definition, Method, ResponseScale, Scale
from alliance.instruments.formulas import FORMULAS, Formula

SCORED = "scored"
NOT_SCORED = "not_scored"
CHUNK_ROWS = 1 << 14
"""Administrations scored at a time: the temporaries of a chunk stay in the CPU cache."""
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


def compute_scales(
    definition: Definition, values: NDArray[np.float64], answers: Answers
) -> list[tuple[NDArray[np.float64], NDArray[np.int64]]]:
    """Score every scale for every row: per scale, the scores and each row's missing count.

    Rows are taken a chunk at a time and every scale is scored from that chunk while it is
    still in the CPU cache.
    """
    count = values.shape[1]
    results = [(np.empty(count), np.empty(count, dtype=np.int64)) for _ in definition.scales]
    item_rows = [[answers.items.index(i) for i in scale.items] for scale in definition.scales]
    for start in range(0, count, CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        chunk, not_applicable = values[:, part], answers.not_applicable[:, part]
        weights = None if answers.weights is None else answers.weights[:, part]
        for scale, rows, (scores, missing) in zip(
            definition.scales, item_rows, results, strict=True
        ):
            zero = scale.missing.does_not_apply == "zero"
            scores[part], missing[part] = _score_chunk(
                definition,
                scale,
                chunk[rows],
                not_applicable[rows] if zero else None,
                None if weights is None else weights[rows],
                start,
            )
    return results


def _score_chunk(
    definition: Definition,
    scale: Scale,
    block: NDArray[np.float64],
    not_applicable: NDArray[np.bool_] | None,
    weights: NDArray[np.float64] | None,
    first_row: int,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Score a block of (scale items x administrations); ``block`` is a copy we may change.

    ``not_applicable`` is given when the scale scores "does not apply" as zero.
    """
    if not_applicable is not None:
        block[not_applicable] = 0.0
    absent = np.isnan(block)
    # Summing booleans viewed as int8 is many times faster than a plain bool sum.
    missing = np.add.reduce(absent.view(np.int8), axis=0, dtype=np.int16).astype(np.int64)
    if scale.method is Method.FORMULA:
        assert scale.formula is not None
        formula = FORMULAS[scale.formula]
        _reject_inconsistent(definition, formula, block, first_row)
        low, high = item_bounds(definition, scale.items[0])
        scores = formula.compute(block, weights, low, high)
    elif scale.method is Method.SUM and scale.missing.max_missing == 0:
        scores = block.sum(axis=0)
    else:
        answered = len(scale.items) - missing
        block[absent] = 0.0
        scores = np.full(block.shape[1], np.nan)
        np.divide(block.sum(axis=0), answered, out=scores, where=answered > 0)
        if scale.method is Method.SUM:
            scores *= len(scale.items)
    scores[missing > scale.missing.max_missing] = np.nan
    return np.round(scores, SCORE_DECIMALS, out=scores), missing


def _reject_inconsistent(
    definition: Definition, formula: Formula, block: NDArray[np.float64], first_row: int
) -> None:
    """Raise AnswerError for rows whose answers contradict each other under this formula."""
    if formula.inconsistent is None:
        return
    mask, reason = formula.inconsistent(block)
    rows = np.flatnonzero(mask) + first_row
    if len(rows):
        problems = [Problem(int(row) + 1, "q1", "", reason) for row in rows[:MAX_REPORTED]]
        raise AnswerError(definition.id, problems, total=len(rows))


def score(definition: Definition, frame: pd.DataFrame) -> pd.DataFrame:
    """Score every row of ``frame``: the input columns, one column per scale, status, reason.

    Raises ``AnswerError`` (and scores nothing) when any cell is not an allowed answer.
    """
    scores, failed, reasons = score_answers(definition, read_answers(definition, frame))
    columns: dict[str, object] = dict(scores)
    columns["status"] = pd.Categorical.from_codes(
        failed.astype(np.int8), dtype=pd.CategoricalDtype([SCORED, NOT_SCORED])
    )
    columns["reason"] = reasons
    added = pd.DataFrame(columns, index=frame.index)
    kept = frame.drop(columns=[c for c in added.columns if c in frame.columns])
    return pd.concat([kept, added], axis=1)


@dataclass(frozen=True)
class RecordScore:
    """One administration's scores (None where a scale could not be scored), status, reason."""

    scores: dict[str, float | None]
    status: str
    reason: str


def score_record(definition: Definition, record: Mapping[str, object]) -> RecordScore:
    """Score one administration given as item id -> answer, by the same rules as ``score``.

    Raises ``AnswerError`` (row 1) when an answer is not allowed.
    """
    scores, failed, reasons = score_answers(definition, read_record(definition, record))
    return RecordScore(
        scores={s: None if np.isnan(v[0]) else float(v[0]) for s, v in scores.items()},
        status=NOT_SCORED if failed[0] else SCORED,
        reason=str(reasons[0] or ""),
    )


def score_answers(
    definition: Definition, answers: Answers
) -> tuple[dict[str, NDArray[np.float64]], NDArray[np.bool_], NDArray[np.object_]]:
    """Score validated answers: each scale's scores, which rows failed a required scale, why."""
    values = item_values(definition, answers)
    scores: dict[str, NDArray[np.float64]] = {}
    required: list[tuple[Scale, NDArray[np.float64], NDArray[np.int64]]] = []
    for scale, (scale_scores, missing) in zip(
        definition.scales, compute_scales(definition, values, answers), strict=True
    ):
        scores[scale.id] = scale_scores
        if not scale.optional:
            required.append((scale, scale_scores, missing))
    failed, reasons = _reasons(required, values.shape[1])
    return scores, failed, reasons


def _reasons(
    required: list[tuple[Scale, NDArray[np.float64], NDArray[np.int64]]], rows: int
) -> tuple[NDArray[np.bool_], NDArray[np.object_]]:
    """Which rows failed a required scale, and why, in words.

    Each row's failures are packed into one integer (per scale: 0 if scored, else missing
    answers + 1, in mixed radix), so each distinct pattern is put into words only once.
    """
    keys = np.zeros(rows, dtype=np.int64)
    radix = 1
    for scale, scores, missing in required:
        keys += np.where(np.isnan(scores), missing + 1, 0) * radix
        radix *= len(scale.items) + 2
    lookup = np.empty(radix, dtype=object)
    for key in np.flatnonzero(np.bincount(keys, minlength=1)):
        lookup[key] = _describe(int(key), [scale for scale, _, _ in required])
    return keys > 0, lookup[keys]


def _describe(key: int, scales: list[Scale]) -> str:
    """Unpack a failure pattern (see ``_reasons``) into "scale: why; scale: why"."""
    parts = []
    for scale in scales:
        key, code = divmod(key, len(scale.items) + 2)
        if code:
            parts.append(_reason(scale, code - 1))
    return "; ".join(parts)


def _reason(scale: Scale, missing: int) -> str:
    limit = scale.missing.max_missing
    if missing > limit:
        return (
            f"{scale.id}: {missing} of {len(scale.items)} answers missing or not applicable, "
            f"at most {limit} allowed"
        )
    return f"{scale.id}: cannot be computed from these answers"
