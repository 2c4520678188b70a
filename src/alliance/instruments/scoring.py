"""Scoring a whole table of administrations at once, exactly as each definition says.

Steps per scale, each a whole-array operation: recode items, reverse items, treat "does not
apply" as the definition says, count missing answers against the scale's limit, then sum,
average or apply the named formula. Missing answers within the limit are prorated: the score
comes from the mean of the answered items. One administration of sums and means (a check-in)
is scored by the same rules in plain Python, where numpy's cost per call would be most of it.
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
    still in the CPU cache. The sum and mean scales are scored together (``_Stacked``): two
    array operations per scale and a handful for all, where one scale at a time cost about a
    dozen each.
    """
    count = values.shape[1]
    results = [(np.empty(count), np.empty(count, dtype=np.int64)) for _ in definition.scales]
    stacked = _stacked_scales(definition)
    formulas = [
        (scale, [answers.items.index(i) for i in scale.items], result)
        for scale, result in zip(definition.scales, results, strict=True)
        if scale.method is Method.FORMULA
    ]
    for start in range(0, count, CHUNK_ROWS):
        part = slice(start, start + CHUNK_ROWS)
        chunk, not_applicable = values[:, part], answers.not_applicable[:, part]
        if stacked.scales:
            scores, missing = stacked.score(chunk, not_applicable)
            for row, place in enumerate(stacked.scales):
                results[place][0][part], results[place][1][part] = scores[row], missing[row]
        weights = None if answers.weights is None else answers.weights[:, part]
        for scale, rows, (scores, missing) in formulas:
            zero = scale.missing.does_not_apply == "zero"
            scores[part], missing[part] = _score_formula(
                definition,
                scale,
                chunk[rows],
                not_applicable[rows] if zero else None,
                None if weights is None else weights[rows],
                start,
            )
    return results


@dataclass(frozen=True)
class _Stacked:
    """A definition's sum and mean scales, scored together: each scale's sum and missing
    count is one array operation, and all the rest is done for every scale at once.

    A scale whose "does not apply" counts as zero reads its missing answers from a second
    copy of the items' rows (as many rows on as there are items), where those are answered.
    """

    scales: list[int]
    """The scales' places in the definition."""
    segments: list[tuple[NDArray[np.intp], NDArray[np.intp]]]
    """Per scale, the rows of its items' answers and of their missing marks."""
    sizes: NDArray[np.int64]
    max_missing: NDArray[np.int64]
    plain_sum: NDArray[np.bool_]
    """Sums that allow no missing answer: the sum itself, never prorated."""
    factor: NDArray[np.float64]
    """What the mean of the answered items is multiplied by: 1, or the items of a sum."""
    any_zero: bool

    @classmethod
    def of(cls, definition: Definition) -> _Stacked:
        index = {item.id: j for j, item in enumerate(definition.items)}
        chosen = [
            (place, scale)
            for place, scale in enumerate(definition.scales)
            if scale.method is not Method.FORMULA
        ]
        segments = []
        for _, scale in chosen:
            rows = np.array([index[item] for item in scale.items], dtype=np.intp)
            zero = scale.missing.does_not_apply == "zero"
            segments.append((rows, rows + len(index) if zero else rows))
        sizes = np.array([len(scale.items) for _, scale in chosen], dtype=np.int64)
        is_sum = np.array([scale.method is Method.SUM for _, scale in chosen], dtype=bool)
        max_missing = np.array([scale.missing.max_missing for _, scale in chosen], dtype=np.int64)
        return cls(
            scales=[place for place, _ in chosen],
            segments=segments,
            sizes=sizes[:, None],
            max_missing=max_missing[:, None],
            plain_sum=(is_sum & (max_missing == 0))[:, None],
            factor=np.where(is_sum, sizes, 1).astype(np.float64)[:, None],
            any_zero=any(scale.missing.does_not_apply == "zero" for _, scale in chosen),
        )

    def score(
        self, chunk: NDArray[np.float64], not_applicable: NDArray[np.bool_]
    ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """Every scale's scores and missing counts (scales x rows) for a chunk of answers
        (items x rows). A missing answer adds zero to the sum and is counted; the score is
        the sum, or the mean of the answered items (times the items, for a prorated sum),
        and NaN when more are missing than the scale allows."""
        absent = np.isnan(chunk)
        filled = np.where(absent, 0.0, chunk)
        if self.any_zero:
            absent = np.concatenate([absent, absent & ~not_applicable])
        # Summing booleans viewed as int8 is many times faster than a plain bool sum.
        marks = absent.view(np.int8)
        sums = np.empty((len(self.scales), chunk.shape[1]))
        counted = np.empty((len(self.scales), chunk.shape[1]), dtype=np.int16)
        for row, (items, missing_items) in enumerate(self.segments):
            np.add.reduce(filled[items], axis=0, out=sums[row])
            np.add.reduce(marks[missing_items], axis=0, dtype=np.int16, out=counted[row])
        missing = counted.astype(np.int64)
        if self.plain_sum.all():
            scores = sums
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                prorated = sums / (self.sizes - missing) * self.factor
            scores = np.where(self.plain_sum, sums, prorated)
        scores[missing > self.max_missing] = np.nan
        return np.round(scores, SCORE_DECIMALS, out=scores), missing


_stacked: dict[tuple[str, str], tuple[Definition, _Stacked]] = {}
"""Each definition's ``_Stacked``, built once: keyed by id and version, and held with the
definition itself, so that another definition of the same id and version is not given it."""


def _stacked_scales(definition: Definition) -> _Stacked:
    """The definition's sum and mean scales laid end to end (answers' rows are always in the
    order of the definition's items)."""
    key = (definition.id, definition.version)
    held = _stacked.get(key)
    if held is None or held[0] is not definition:
        held = _stacked[key] = (definition, _Stacked.of(definition))
    return held[1]


def _score_formula(
    definition: Definition,
    scale: Scale,
    block: NDArray[np.float64],
    not_applicable: NDArray[np.bool_] | None,
    weights: NDArray[np.float64] | None,
    first_row: int,
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Score a formula scale on a block of (scale items x administrations); ``block`` is a
    copy we may change. ``not_applicable`` is given when the scale scores "does not apply"
    as zero."""
    assert scale.formula is not None
    if not_applicable is not None:
        block[not_applicable] = 0.0
    absent = np.isnan(block)
    missing = np.add.reduce(absent.view(np.int8), axis=0, dtype=np.int16).astype(np.int64)
    formula = FORMULAS[scale.formula]
    _reject_inconsistent(definition, formula, block, first_row)
    low, high = item_bounds(definition, scale.items[0])
    scores = formula.compute(block, weights, low, high)
    scores[missing > scale.missing.max_missing] = np.nan
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
    """Score one administration given as item id -> answer, by the same rules as ``score``.

    Raises ``AnswerError`` (row 1) when an answer is not allowed.
    """
    numbers = record_numbers(definition, record) if _sums_and_means(definition) else None
    if numbers is not None:
        return _score_numbers(definition, numbers)
    scores, failed, reasons = score_answers(definition, read_record(definition, record))
    return RecordScore(
        scores={s: None if np.isnan(v[0]) else float(v[0]) for s, v in scores.items()},
        status=NOT_SCORED if failed[0] else SCORED,
        reason=str(reasons[0] or ""),
    )


def _sums_and_means(definition: Definition) -> bool:
    """Whether every scale is a sum or a mean and no item is recoded (``_score_numbers``)."""
    return all(scale.method is not Method.FORMULA for scale in definition.scales) and not any(
        item.recode for item in definition.items
    )


def _score_numbers(definition: Definition, numbers: list[float]) -> RecordScore:
    """Score one administration's answers (``record_numbers``) in plain Python, by the rules
    ``_Stacked`` applies to a table (without "does not apply", which is not a number): for one
    check-in numpy's cost per call was most of the cost of scoring it."""
    values = {}
    for item, number in zip(definition.items, numbers, strict=True):
        if item.reverse:
            response = item.response or definition.response
            number = response.min + response.max - number
        values[item.id] = number
    scores: dict[str, float | None] = {}
    reasons = []
    for scale in definition.scales:
        answered = [values[item] for item in scale.items if not math.isnan(values[item])]
        missing = len(scale.items) - len(answered)
        score = _sum_or_mean(scale, answered, missing)
        scores[scale.id] = None if math.isnan(score) else score
        if math.isnan(score) and not scale.optional:
            reasons.append(_reason(scale, missing))
    return RecordScore(scores, NOT_SCORED if reasons else SCORED, "; ".join(reasons))


def _sum_or_mean(scale: Scale, answered: list[float], missing: int) -> float:
    """One sum or mean scale's score from its answered items (``_Stacked.score``'s rules and
    rounding, summed in item order as a table's rows are; NaN when more are missing than it
    allows)."""
    if missing > scale.missing.max_missing or not answered:
        return math.nan
    total = sum(answered)
    if scale.method is Method.MEAN:
        score = total / len(answered)
    elif scale.missing.max_missing:
        score = total / len(answered) * len(scale.items)
    else:
        score = total
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
