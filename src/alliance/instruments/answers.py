"""Reading a table of raw answers into arrays, rejecting anything the definition does not allow.

A blank cell is a missing answer; the text ``NA`` is "does not apply". Every other cell must
be a number on the item's response scale. The whole table is checked before anything is
scored, and a problem is reported with its row, item, value and the allowed answers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from alliance.instruments.definition import Definition, ResponseScale

DOES_NOT_APPLY = "NA"
"""The cell text that records a "does not apply" answer."""

MAX_REPORTED = 10
TOLERANCE = 1e-6
"""How far, in steps of its scale, a number may lie from an allowed answer and count as it."""
CHUNK_ROWS = 1 << 14
"""Cells checked at a time: the temporaries of a chunk stay in the CPU cache."""


class Reason(StrEnum):
    """Why an answer is refused, as a code: ``Problem.reason`` says it in English, and the
    clinic says it in its reader's language from the code (and the item's response scale)."""

    NOT_ALLOWED = "not_allowed"
    DOES_NOT_APPLY_NOT_ALLOWED = "does_not_apply_not_allowed"
    WEIGHT_NOT_POSITIVE = "weight_not_positive"
    COLUMN_ABSENT = "column_absent"
    MORE_ATTENDED_THAN_SCHEDULED = "more_attended_than_scheduled"


REASONS = {
    Reason.NOT_ALLOWED: "is not an allowed answer",
    Reason.DOES_NOT_APPLY_NOT_ALLOWED: "does not apply is not an allowed answer here",
    Reason.WEIGHT_NOT_POSITIVE: "must be a positive number for a rated goal",
    Reason.COLUMN_ABSENT: "column is absent from the table",
    Reason.MORE_ATTENDED_THAN_SCHEDULED: "more visits attended (q1) than scheduled (q2)",
}
"""Each reason in English."""


@dataclass(frozen=True)
class Problem:
    """One unacceptable cell: 1-based row number, item id, the value given and why (in
    English, and as a code; ``scale`` is the item's, when the reason lists its answers)."""

    row: int
    item: str
    value: str
    reason: str
    code: Reason
    scale: ResponseScale | None = None

    @classmethod
    def of(
        cls, row: int, item: str, value: str, code: Reason, scale: ResponseScale | None = None
    ) -> Problem:
        """The problem with its English reason, the allowed answers added when given."""
        reason = REASONS[code]
        if scale is not None:
            reason += f" (allowed: {scale.allowed_text()})"
        return cls(row, item, value, reason, code, scale)

    def __str__(self) -> str:
        where = f"row {self.row}, item {self.item}" if self.row else f"item {self.item}"
        return f"{where}: {self.value!r} {self.reason}" if self.value else f"{where}: {self.reason}"


class AnswerError(ValueError):
    """Raised when a table of answers contains values the instrument does not allow."""

    def __init__(self, instrument: str, problems: list[Problem], total: int | None = None):
        self.instrument = instrument
        self.problems = problems
        count = total if total is not None else len(problems)
        lines = [f"{instrument}: {count} answer(s) rejected, nothing was scored"]
        lines += [f"  {problem}" for problem in problems[:MAX_REPORTED]]
        if count > MAX_REPORTED:
            lines.append(f"  ... and {count - MAX_REPORTED} more")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Answers:
    """Validated answers, one array row per item (items x administrations).

    ``values`` holds NaN where the answer is blank or "does not apply"; ``not_applicable``
    marks the latter; ``weights`` is None unless the instrument takes goal weights.
    """

    items: list[str]
    values: NDArray[np.float64]
    not_applicable: NDArray[np.bool_]
    weights: NDArray[np.float64] | None


def read_answers(definition: Definition, frame: pd.DataFrame) -> Answers:
    """Check every item column of ``frame`` and return its answers as arrays."""
    absent = [item.id for item in definition.items if item.id not in frame.columns]
    if absent:
        raise AnswerError(
            definition.id,
            [Problem.of(0, item, "", Reason.COLUMN_ABSENT) for item in absent],
        )
    rows = len(frame)
    items = [item.id for item in definition.items]
    values = np.empty((len(items), rows))
    not_applicable = np.zeros((len(items), rows), dtype=bool)
    problems: list[Problem] = []
    rejected = 0
    for j, item_id in enumerate(items):
        scale = definition.response_for(item_id)
        values[j], not_applicable[j], bad = _read_column(frame[item_id], item_id, scale, problems)
        rejected += bad
    weights, bad = _read_weights(definition, frame, values, problems)
    rejected += bad
    if rejected:
        raise AnswerError(definition.id, problems, total=rejected)
    return Answers(items, values, not_applicable, weights)


def read_record(definition: Definition, record: Mapping[str, object]) -> Answers:
    """Check one administration given as item id -> answer and return it as arrays.

    The same rules as ``read_answers`` (an absent item is a blank answer here), without
    building a table when every answer is a number or blank: the cost of one check-in.
    """
    if not all(_is_number_or_blank(value) for value in record.values()):
        row = {item.id: record.get(item.id) for item in definition.items} | dict(record)
        return read_answers(definition, pd.DataFrame([row], dtype=object))
    items = [item.id for item in definition.items]
    values = np.array([[_number(record.get(item_id))] for item_id in items])
    not_applicable = np.zeros((len(items), 1), dtype=bool)
    problems: list[Problem] = []
    rejected = 0
    if not _all_items_on_scale(definition, items, values[:, 0]):
        for j, item_id in enumerate(items):
            scale = definition.response_for(item_id)
            given = [record.get(item_id)]
            rejected += _check_numbers(
                values[j], not_applicable[j], item_id, scale, problems, given
            )
    weights = None
    if definition.weights != "none":
        weights = np.ones_like(values)
        for j, item_id in enumerate(items):
            name = f"{item_id}_weight"
            if name not in record:
                continue
            weight = _number(record[name])
            if not np.isnan(values[j, 0]) and not weight > 0:
                rejected += 1
                problems.append(Problem.of(1, name, str(record[name]), Reason.WEIGHT_NOT_POSITIVE))
            weights[j, 0] = 1.0 if np.isnan(weight) else weight
    if rejected:
        raise AnswerError(definition.id, problems[:MAX_REPORTED], total=rejected)
    return Answers(items, values, not_applicable, weights)


def record_numbers(definition: Definition, record: Mapping[str, object]) -> list[float] | None:
    """One administration's answers in the order of the items, as numbers (NaN for blank),
    when every answer given is a number or blank and on its item's scale and the instrument
    takes no goal weights; None otherwise (``read_record`` reads it then, and names what it
    refuses). Plain Python: for one record, numpy's cost per call was most of reading it."""
    if definition.weights != "none" or not all(map(_is_number_or_blank, record.values())):
        return None
    numbers = []
    for item in definition.items:
        number = _number(record.get(item.id))
        if not _on_scale(number, item.response or definition.response):
            return None
        numbers.append(number)
    return numbers


def _on_scale(number: float, scale: ResponseScale) -> bool:
    """Whether one number is an allowed answer (or blank): ``_off_scale``'s rule."""
    if math.isnan(number):
        return True
    position = (number - scale.min) / scale.step
    return (
        -TOLERANCE <= position <= scale.steps + TOLERANCE
        and abs(position - round(position, 0)) <= TOLERANCE
    )


def _all_items_on_scale(
    definition: Definition, items: list[str], answers: NDArray[np.float64]
) -> bool:
    """Whether every one of a record's answers (or blank) is on its item's scale: one test for
    the items that share a scale (usually all), where checking item by item took four times
    as long; when it fails, ``read_record`` checks item by item to name the problems."""
    shared: dict[int, tuple[ResponseScale, list[int]]] = {}
    for j, item_id in enumerate(items):
        scale = definition.response_for(item_id)
        shared.setdefault(id(scale), (scale, []))[1].append(j)
    return all(_all_on_scale(answers[rows], scale) for scale, rows in shared.values())


class Rows(Protocol):
    """The answers as given, by 0-based row: to quote a rejected one in its problem."""

    def __getitem__(self, row: int, /) -> object: ...


def _is_number_or_blank(value: object) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _number(value: object) -> float:
    """An answer as a float: NaN when blank, infinite (off every scale) when a whole number
    is too large for a float."""
    if value is None:
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except OverflowError:
        return math.inf if value > 0 else -math.inf  # type: ignore[operator]


def _read_column(
    column: pd.Series, item_id: str, scale: ResponseScale, problems: list[Problem]
) -> tuple[NDArray[np.float64], NDArray[np.bool_], int]:
    """Parse one item column; append up to MAX_REPORTED problems and return the bad count."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        if column.dtype == np.float64:
            numbers = column.to_numpy()
        else:
            numbers = column.to_numpy(dtype=float, na_value=np.nan)
        not_applicable = np.zeros(len(column), dtype=bool)
        unreadable = not_applicable
    else:
        text = column.astype("string").str.strip()
        blank = text.isna() | (text == "")
        not_applicable = (text.str.upper() == DOES_NOT_APPLY).fillna(False).to_numpy(bool)
        parsed = pd.to_numeric(text.where(~blank & ~not_applicable), errors="coerce")
        numbers = parsed.to_numpy(dtype=float, na_value=np.nan)
        unreadable = (~blank.to_numpy(bool)) & (~not_applicable) & np.isnan(numbers)
    bad = _check_numbers(numbers, not_applicable, item_id, scale, problems, column.iloc, unreadable)
    return numbers, not_applicable, bad


def _check_numbers(
    numbers: NDArray[np.float64],
    not_applicable: NDArray[np.bool_],
    item_id: str,
    scale: ResponseScale,
    problems: list[Problem],
    given: Rows,
    unreadable: NDArray[np.bool_] | None = None,
) -> int:
    """Find the answers off the item's scale (or unreadable, or a "does not apply" the item
    does not allow); append up to MAX_REPORTED problems quoting ``given``; return the count."""
    off_scale = _off_scale(numbers, scale)
    if unreadable is not None:
        off_scale |= unreadable
    bad_na = not_applicable if not scale.does_not_apply else np.zeros_like(not_applicable)
    bad_rows = np.flatnonzero(off_scale | bad_na)
    for row in bad_rows[: max(MAX_REPORTED - len(problems), 0)]:
        code = Reason.DOES_NOT_APPLY_NOT_ALLOWED if bad_na[row] else Reason.NOT_ALLOWED
        problems.append(Problem.of(int(row) + 1, item_id, str(given[int(row)]), code, scale))
    return len(bad_rows)


def _off_scale(numbers: NDArray[np.float64], scale: ResponseScale) -> NDArray[np.bool_]:
    """True where a number lies outside the scale or between its steps (NaN is never off)."""
    if _all_on_scale(numbers, scale):
        return np.zeros(len(numbers), dtype=bool)
    off = np.empty(len(numbers), dtype=bool)
    for start in range(0, len(numbers), CHUNK_ROWS):
        position = (numbers[start : start + CHUNK_ROWS] - scale.min) / scale.step
        with np.errstate(invalid="ignore"):
            off[start : start + CHUNK_ROWS] = (
                (position < -TOLERANCE)
                | (position > scale.steps + TOLERANCE)
                | (np.abs(position - np.rint(position)) > TOLERANCE)
            )
    return off


def _all_on_scale(numbers: NDArray[np.float64], scale: ResponseScale) -> bool:
    """A quick whole-column test that holds for the usual table of exact whole answers."""
    if len(numbers) == 0 or scale.step != 1 or not float(scale.min).is_integer():
        return False
    low, high = np.fmin.reduce(numbers), np.fmax.reduce(numbers)
    if np.isnan(low) or low < scale.min or high > scale.max:
        return bool(np.isnan(low))
    blanks = np.count_nonzero(np.isnan(numbers))
    return int(np.count_nonzero(np.rint(numbers) != numbers)) == blanks


def _read_weights(
    definition: Definition,
    frame: pd.DataFrame,
    values: NDArray[np.float64],
    problems: list[Problem],
) -> tuple[NDArray[np.float64] | None, int]:
    """Goal weights from ``qN_weight`` columns when the instrument allows them; 1 otherwise."""
    if definition.weights == "none":
        return None, 0
    weights = np.ones_like(values)
    rejected = 0
    for j, item in enumerate(definition.items):
        name = f"{item.id}_weight"
        if name not in frame.columns:
            continue
        column = pd.to_numeric(frame[name].astype("string").str.strip(), errors="coerce")
        given = column.to_numpy(dtype=float, na_value=np.nan)
        bad_rows = np.flatnonzero(~np.isnan(values[j]) & ~(given > 0))
        rejected += len(bad_rows)
        for row in bad_rows[: max(MAX_REPORTED - len(problems), 0)]:
            value = str(frame[name].iloc[row])
            problems.append(Problem.of(int(row) + 1, name, value, Reason.WEIGHT_NOT_POSITIVE))
        weights[j] = np.where(np.isnan(given), 1.0, given)
    return weights, rejected
