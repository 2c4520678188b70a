"""The input of every signal: a tidy long table of scores, checked and put in order.

Columns: ``patient`` (or ``patient_id``), optionally ``episode_id``, ``visit``,
``instrument``, ``scale``, ``score``, optionally ``date``. One series is one patient's
episode (or the patient, without episode ids).
"""

from __future__ import annotations

from collections.abc import Sequence

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


Split = dict[tuple[str, str], pd.DataFrame]
"""A prepared table split by (instrument, scale)."""


def by_scale(table: pd.DataFrame) -> Split:
    """The prepared table split by (instrument, scale), in one pass."""
    return {
        (str(instrument), str(scale)): rows
        for (instrument, scale), rows in table.groupby(["instrument", "scale"], sort=False)
    }


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


def group_ends(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions of each group's first and last row, by group number (see
    ``group_numbers``)."""
    count = int(numbers.max()) + 1 if len(numbers) else 0
    first = np.full(count, len(numbers), dtype=np.int64)
    last = np.full(count, -1, dtype=np.int64)
    kept = np.flatnonzero(numbers >= 0)
    np.minimum.at(first, numbers[kept], kept)
    np.maximum.at(last, numbers[kept], kept)
    return first, last
