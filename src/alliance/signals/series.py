"""The input of every signal: scores checked, put in order and split by scale.

A tidy long table has the columns ``patient`` (or ``patient_id``), optionally
``episode_id``, ``visit``, ``instrument``, ``scale``, ``score``, optionally ``date``; one
series is one patient's episode (or the patient, without episode ids). The rules read each
(instrument, scale) as a ``Bundle`` of plain arrays, built from a prepared table
(``by_scale``) or from plain rows (``split_rows``, what a check-in uses): on an episode of
tens of rows a pandas operation costs more than the rule itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby
from operator import itemgetter

import numpy as np
import pandas as pd

REQUIRED = ("visit", "instrument", "scale", "score")


class SeriesError(ValueError):
    """Raised when a table of scores lacks a column or holds a value that is not a number."""


def prepare(scores: pd.DataFrame) -> pd.DataFrame:
    """Return the table with ``patient`` and ``series`` columns, sorted by series and visit.

    The checks and the sort run on arrays and the table is rebuilt once: this runs at every
    check-in, where a table has tens of rows and each pandas operation would cost more than
    the signals themselves.
    """
    table = scores.rename(columns={"patient_id": "patient"})
    missing = [name for name in ("patient", *REQUIRED) if name not in table.columns]
    if missing:
        raise SeriesError(f"the table of scores lacks the columns {', '.join(missing)}")
    score, visit = _numbers(table["score"]), _numbers(table["visit"])
    bad = np.isnan(visit) | np.isnan(score)
    if bad.any():
        row = int(bad.argmax()) + 1
        raise SeriesError(f"row {row}: visit and score must be numbers")
    patient = table["patient"].astype(str).to_numpy()
    series = table["episode_id"].astype(str).to_numpy() if "episode_id" in table else patient
    keys = [_sort_codes(table[name]) for name in ("scale", "instrument")]
    order = np.lexsort((visit, *keys, _sort_codes(series)))
    columns = {name: table[name].array.take(order) for name in table.columns}
    columns |= {
        "score": score[order],
        "visit": visit[order].astype(int),
        "patient": patient[order],
        "series": series[order],
    }
    return pd.DataFrame(columns)


def _sort_codes(values: pd.Series | np.ndarray) -> np.ndarray:
    """Integers that sort as the values do, missing values last (as ``sort_values``)."""
    codes, uniques = pd.factorize(values, sort=True)
    return np.where(codes < 0, len(uniques), codes)


def _numbers(column: pd.Series) -> np.ndarray:
    """A column as floats, NaN where a value is not a number."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.to_numpy(dtype=float, na_value=np.nan)
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


@dataclass(frozen=True)
class Bundle:
    """The scores on one (instrument, scale): one row per administration, sorted by series
    then visit (rows at the same visit keep their order)."""

    patient: np.ndarray
    series: np.ndarray
    visit: np.ndarray
    score: np.ndarray

    @cached_property
    def opens(self) -> np.ndarray:
        """Whether each row is its series' first."""
        opens = np.ones(len(self.series), dtype=bool)
        opens[1:] = self.series[1:] != self.series[:-1]
        return opens

    @cached_property
    def starts(self) -> np.ndarray:
        """The position of each series' first row."""
        return np.flatnonzero(self.opens)

    @cached_property
    def ends(self) -> np.ndarray:
        """The position of each series' last row."""
        return np.flatnonzero(np.roll(self.opens, -1))

    @cached_property
    def first(self) -> np.ndarray:
        """For each row, the position of its series' first row."""
        return np.take(self.starts, np.cumsum(self.opens) - 1)


Split = dict[tuple[str, str], Bundle]
"""Scores split by (instrument, scale)."""

Row = tuple[str, str, int, str, str, float]
"""One score as plain data: patient, series, visit, instrument, scale, score."""


def by_scale(table: pd.DataFrame) -> Split:
    """A prepared table (see ``prepare``) split by (instrument, scale), in order of first
    appearance; rows without an instrument or a scale belong to none."""
    numbers = group_numbers(table, ["instrument", "scale"])
    columns = [table[name].to_numpy() for name in ("patient", "series", "visit", "score")]
    instrument, scale = table["instrument"].to_numpy(), table["scale"].to_numpy()
    split = {}
    for number in range(int(numbers.max()) + 1 if len(numbers) else 0):
        rows = np.flatnonzero(numbers == number)
        key = (str(instrument[rows[0]]), str(scale[rows[0]]))
        split[key] = Bundle(*(column[rows] for column in columns))
    return split


def split_rows(rows: Iterable[Row]) -> tuple[Split, dict[str, str]]:
    """Plain rows split by (instrument, scale) in the order ``by_scale`` gives a prepared
    table, and each series' patient (that of its first row in that order).

    The rows are sorted by (instrument, scale) and then series and visit, so that each
    bundle is one run of them: its arrays are slices of the same four arrays.
    """
    listed = list(rows)
    ordered = sorted(listed, key=itemgetter(1, 3, 4, 2))
    patients = {series: next(run)[0] for series, run in groupby(ordered, key=itemgetter(1))}
    if not listed:
        return {}, patients
    grouped = sorted(listed, key=itemgetter(3, 4, 1, 2))
    patient, series, visit, _, _, score = zip(*grouped, strict=True)
    columns = (
        np.array(patient, dtype=object),
        np.array(series, dtype=object),
        np.array(visit, dtype=np.int64),
        np.array(score, dtype=float),
    )
    if np.isnan(columns[3]).any():
        raise SeriesError("visit and score must be numbers")
    runs, start = {}, 0
    for key, run in groupby(grouped, key=itemgetter(3, 4)):
        end = start + sum(1 for _ in run)
        runs[key] = Bundle(*(column[start:end] for column in columns))
        start = end
    order = dict.fromkeys((row[3], row[4]) for row in ordered)
    return {key: runs[key] for key in order}, patients


def series_patients(table: pd.DataFrame) -> dict[str, str]:
    """Each series' patient in a prepared table: that of its first row."""
    series, patient = table["series"].to_numpy(), table["patient"].to_numpy()
    opens = np.ones(len(series), dtype=bool)
    opens[1:] = series[1:] != series[:-1]
    return dict(zip(series[opens], patient[opens], strict=True))


def at(visit: np.ndarray, at_visit: int | None) -> np.ndarray:
    """Which rows to report: those at ``at_visit``, or all when it is None."""
    return np.ones(len(visit), dtype=bool) if at_visit is None else visit == at_visit


def group_numbers(table: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Each row's group over ``columns``, numbered in order of first appearance as
    ``groupby(sort=False)`` numbers them; -1 where a key is missing (groupby drops the row)."""
    combined = np.zeros(len(table), dtype=np.int64)
    missing = np.zeros(len(table), dtype=bool)
    for column in columns:
        codes, uniques = pd.factorize(table[column])
        missing |= codes < 0
        combined = combined * (len(uniques) + 1) + codes
    numbers = np.full(len(table), -1, dtype=np.int64)
    numbers[~missing] = pd.factorize(combined[~missing])[0]
    return numbers
