"""Turning a table and the columns an analysis names into clean numeric arrays."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray


class AnalysisError(ValueError):
    """Raised when data or arguments cannot support the analysis asked for, saying why."""


def names(value: str | Sequence[str] | None, role: str) -> tuple[str, ...]:
    """One column name or a list of them as a tuple, refusing empty names and repeats."""
    if value is None:
        return ()
    found = (value,) if isinstance(value, str) else tuple(value)
    for name in found:
        if not isinstance(name, str) or not name:
            raise AnalysisError(f"{role}: column names must be non-empty strings, got {name!r}")
    if len(set(found)) != len(found):
        raise AnalysisError(f"{role}: a column is named more than once in {list(found)}")
    return found


def numeric_frame(
    data: pd.DataFrame, roles: dict[str, tuple[str, ...]], minimum_rows: int
) -> tuple[pd.DataFrame, int]:
    """The named columns as floats with incomplete rows dropped, and how many were dropped.

    ``roles`` maps a role ("x", "mediator", ...) to its columns, so that an error can say which
    argument named a column that is missing, not numeric or used in two roles.
    """
    if not isinstance(data, pd.DataFrame):
        raise AnalysisError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    seen: dict[str, str] = {}
    for role, columns in roles.items():
        for column in columns:
            if column in seen:
                raise AnalysisError(f"column {column!r} is both {seen[column]} and {role}")
            seen[column] = role
            if column not in data.columns:
                raise AnalysisError(f"{role} column {column!r} is not in the data")
    selected = data[list(seen)]
    for column, role in seen.items():
        values = selected[column]
        if isinstance(values.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(
            values.dtype
        ):
            converted = pd.to_numeric(values, errors="coerce")
            bad = converted.isna() & values.notna()
            if bad.any():
                example = values[bad].iloc[0]
                raise AnalysisError(
                    f"{role} column {column!r} is not numeric (e.g. {example!r}); recode it first"
                )
    frame = selected.apply(pd.to_numeric, errors="coerce").astype(float)
    frame = frame.replace([np.inf, -np.inf], np.nan)
    complete = frame.dropna()
    if len(complete) < minimum_rows:
        raise AnalysisError(
            f"only {len(complete)} complete rows in {list(seen)}; at least {minimum_rows} needed"
        )
    for column, role in seen.items():
        values = complete[column].to_numpy()
        if values.min() == values.max():
            raise AnalysisError(f"{role} column {column!r} does not vary in the complete rows")
    return complete, len(frame) - len(complete)


def column(frame: pd.DataFrame, name: str) -> NDArray[np.float64]:
    """One column as a contiguous float64 array."""
    return np.ascontiguousarray(frame[name].to_numpy(dtype=np.float64))


def is_binary(values: NDArray[np.float64]) -> bool:
    """Whether every value is 0 or 1 (and both occur)."""
    unique = np.unique(values)
    return len(unique) == 2 and bool(np.all(unique == np.array([0.0, 1.0])))
