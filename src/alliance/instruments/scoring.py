"""Scoring administrations exactly as each definition says: two executors of one plan.

The definition's rules are compiled once into a ``plan.Plan``: per item, its recode and
reversal; per scale, its items, what "does not apply" counts as, how many answers may be
missing, and a sum or a prorated mean (the mean of the answered items, times the items for a
sum), or a named formula. The table executor applies the plan to whole arrays at a time. The
one-record executor (``score_record``, a check-in) applies the same plan to one
administration of sums and means in plain Python, where numpy's cost per call would be most
of the cost; anything else it leaves to the table executor with one row.
"""

from __future__ import annotations

import math
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
    record_numbers,
)
from alliance.instruments.definition import Definition, Method, Scale
from alliance.instruments.formulas import FORMULAS, Formula
from alliance.instruments.plan import Plan, ScaleRule, Stacked, item_bounds, plan_of

SCORED = "scored"
NOT_SCORED = "not_scored"
CHUNK_ROWS = 1 << 14
"""Administrations scored at a time: the temporaries of a chunk stay in the CPU cache."""
SCORE_DECIMALS = 9
"""Scores are rounded here: far finer than any published rule, and it removes binary noise
such as 8.6 + 9.7 + 9.9 + 7.8 = 35.99999999999999, which would wrongly meet a cut-off of < 36."""


def item_values(definition: Definition, answers: Answers) -> NDArray[np.float64]:
    """Answers after recoding and reverse scoring; NaN for blank and "does not apply"."""
    rules = plan_of(definition).items
    if not rules:
        return answers.values
    values = answers.values.copy()
    for rule in rules:
        j = rule.row
        if rule.recode:
            recoded = np.full_like(values[j], np.nan)
            for given, scored in rule.recode:
                recoded[np.isclose(values[j], given)] = scored
            values[j] = recoded
        if rule.mirror is not None:
            values[j] = rule.mirror - values[j]
    return values


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
    still in the CPU cache. The sum and mean scales are scored together (``_score_stacked``):
    two array operations per scale and a handful for all, where one scale at a time cost
    about a dozen each.
    """
    plan = plan_of(definition)
    count = values.shape[1]
    results = [(np.empty(count), np.empty(count, dtype=np.int64)) for _ in plan.scales]
    formulas = [
        (rule, list(rule.rows), result)
        for rule, result in zip(plan.scales, results, strict=True)
        if rule.formula is not None
    ]
    for start in range(0, count, CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        chunk, not_applicable = values[:, part], answers.not_applicable[:, part]
        if plan.stacked.places:
            scores, missing = _score_stacked(plan.stacked, chunk, not_applicable)
            for row, place in enumerate(plan.stacked.places):
                results[place][0][part], results[place][1][part] = scores[row], missing[row]
        weights = None if answers.weights is None else answers.weights[:, part]
        for rule, rows, (scores, missing) in formulas:
            scores[part], missing[part] = _score_formula(
                definition,
                rule,
                chunk[rows],
                not_applicable[rows] if rule.zero_not_applicable else None,
                None if weights is None else weights[rows],
                start,
            )
    return results


def _score_stacked(
    stacked: Stacked, chunk: NDArray[np.float64], not_applicable: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Every sum and mean scale's scores and missing counts (scales x rows) for a chunk of
    answers (items x rows). A missing answer adds zero to the sum and is counted; the score
    is the sum, or the mean of the answered items times the factor, and NaN when more are
    missing than the scale allows."""
    absent = np.isnan(chunk)
    filled = np.where(absent, 0.0, chunk)
    if stacked.any_zero:
        absent = np.concatenate([absent, absent & ~not_applicable])
    # Summing booleans viewed as int8 is many times faster than a plain bool sum.
    marks = absent.view(np.int8)
    sums = np.empty((len(stacked.places), chunk.shape[1]))
    counted = np.empty((len(stacked.places), chunk.shape[1]), dtype=np.int16)
    for row, (items, missing_items) in enumerate(stacked.segments):
        np.add.reduce(filled[items], axis=0, out=sums[row])
        np.add.reduce(marks[missing_items], axis=0, dtype=np.int16, out=counted[row])
    missing = counted.astype(np.int64)
    if stacked.plain_sum.all():
        scores = sums
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            prorated = sums / (stacked.sizes - missing) * stacked.factor
        scores = np.where(stacked.plain_sum, sums, prorated)
    scores[missing > stacked.max_missing] = np.nan
    return np.round(scores, SCORE_DECIMALS, out=scores), missing


def _score_formula(
    definition: Definition,
    rule: ScaleRule,
    block: NDArray[np.float64],
    not_applicable: NDArray[np.bool_] | None,
    weights: NDArray[np.float64] | None,
    first_row: int,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Score a formula scale on a block of (scale items x administrations); ``block`` is a
    copy we may change. ``not_applicable`` is given when the scale scores "does not apply"
    as zero."""
    assert rule.formula is not None
    if not_applicable is not None:
        block[not_applicable] = 0.0
    absent = np.isnan(block)
    missing = np.add.reduce(absent.view(np.int8), axis=0, dtype=np.int16).astype(np.int64)
    _reject_inconsistent(definition, rule.formula, block, first_row)
    scores = rule.formula.compute(block, weights, *rule.item_range)
    scores[missing > rule.max_missing] = np.nan
    return np.round(scores, SCORE_DECIMALS, out=scores), missing


def _reject_inconsistent(
    definition: Definition, formula: Formula, block: NDArray[np.float64], first_row: int
) -> None:
    """Raise AnswerError for rows whose answers contradict each other under this formula."""
    if formula.inconsistent is None:
        return
    mask, code = formula.inconsistent(block)
    rows = np.flatnonzero(mask) + first_row
    if len(rows):
        problems = [Problem.of(int(row) + 1, "q1", "", code) for row in rows[:MAX_REPORTED]]
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
    """Score one administration given as item id -> answer, by the same plan as ``score``.

    Raises ``AnswerError`` (row 1) when an answer is not allowed.
    """
    plan = plan_of(definition)
    numbers = record_numbers(definition, record) if plan.plain else None
    if numbers is not None:
        return _score_numbers(plan, numbers)
    scores, failed, reasons = score_answers(definition, read_record(definition, record))
    return RecordScore(
        scores={s: None if np.isnan(v[0]) else float(v[0]) for s, v in scores.items()},
        status=NOT_SCORED if failed[0] else SCORED,
        reason=str(reasons[0] or ""),
    )


def _score_numbers(plan: Plan, values: list[float]) -> RecordScore:
    """The one-record executor: one administration's answers (``record_numbers``, changed in
    place) scored by a plain plan (``Plan.plain``: no recode, no formula, and a record of
    numbers has no "does not apply")."""
    for item in plan.items:
        if item.mirror is not None:
            values[item.row] = item.mirror - values[item.row]
    scores: dict[str, float | None] = {}
    reasons = []
    for rule in plan.scales:
        answered = [values[row] for row in rule.rows if not math.isnan(values[row])]
        missing = len(rule.rows) - len(answered)
        score = _sum_or_mean(rule, answered, missing)
        scores[rule.scale.id] = None if math.isnan(score) else score
        if math.isnan(score) and not rule.scale.optional:
            reasons.append(_reason(rule.scale, missing))
    return RecordScore(scores, NOT_SCORED if reasons else SCORED, "; ".join(reasons))


def _sum_or_mean(rule: ScaleRule, answered: list[float], missing: int) -> float:
    """One sum or mean scale's score from its answered items, as ``_score_stacked`` gives it
    (summed in item order, as a table's rows are; NaN when more are missing than it allows)."""
    if missing > rule.max_missing or not answered:
        return math.nan
    total = sum(answered)
    score = total / len(answered) * rule.factor if rule.prorated else total
    # ``np.round``'s arithmetic: times 10**decimals, rounded half to even, divided back.
    return round(score * 10.0**SCORE_DECIMALS, 0) / 10.0**SCORE_DECIMALS


@dataclass(frozen=True)
class Unscored:
    """A required scale left without a score: how many of its answers are missing (or do not
    apply, where that counts as missing), of how many items, and the most it allows."""

    scale: str
    missing: int
    items: int
    allowed: int


def unscored(definition: Definition, record: Mapping[str, object]) -> list[Unscored]:
    """Why one administration (as ``score_record`` takes it) is not scored: each required
    scale without a score (none when it is scored). A clinic words these in its reader's
    language; ``RecordScore.reason`` says them in English."""
    answers = read_record(definition, record)
    computed = compute_scales(definition, item_values(definition, answers), answers)
    return [
        Unscored(scale.id, int(missing[0]), len(scale.items), scale.missing.max_missing)
        for scale, (scores, missing) in zip(definition.scales, computed, strict=True)
        if not scale.optional and np.isnan(scores[0])
    ]


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
