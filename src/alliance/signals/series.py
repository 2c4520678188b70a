"""The input of every signal: a tidy long table of scores, checked and put in order.

Columns: ``patient`` (or ``patient_id``), optionally ``episode_id``, ``visit``,
``instrument``, ``scale``, ``score``, optionally ``date``. One series is one patient's
episode (or the patient, without episode ids).
"""

from __future__ import annotations

import pandas as pd

REQUIRED = ("visit", "instrument", "scale", "score")


class SeriesError(ValueError):
    """Raised when a table of scores lacks a column or holds a value that is not a number."""


def prepare(scores: pd.DataFrame) -> pd.DataFrame:
    """Return the table with ``patient`` and ``series`` columns, sorted by series and visit."""
    table = scores.rename(columns={"patient_id": "patient"})
    missing = [name for name in ("patient", *REQUIRED) if name not in table.columns]
    if missing:
        raise SeriesError(f"the table of scores lacks the columns {', '.join(missing)}")
    table = table.assign(
        score=pd.to_numeric(table["score"], errors="coerce"),
        visit=pd.to_numeric(table["visit"], errors="coerce"),
        patient=table["patient"].astype(str),
    )
    bad = table["visit"].isna() | table["score"].isna()
    if bad.any():
        row = int(bad.to_numpy().argmax()) + 1
        raise SeriesError(f"row {row}: visit and score must be numbers")
    series = table["episode_id"].astype(str) if "episode_id" in table.columns else table["patient"]
    table = table.assign(series=series, visit=table["visit"].astype(int))
    return table.sort_values(["series", "instrument", "scale", "visit"], kind="stable").reset_index(
        drop=True
    )


def by_scale(table: pd.DataFrame) -> dict[tuple[str, str], pd.DataFrame]:
    """The prepared table split by (instrument, scale), in one pass."""
    return {
        (str(instrument), str(scale)): rows
        for (instrument, scale), rows in table.groupby(["instrument", "scale"], sort=False)
    }
