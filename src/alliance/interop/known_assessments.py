"""Assessments a clinic already has: with the same answers duplicates, otherwise conflicts."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from alliance.interop.clinic_tables import KEYS, ClinicTables
from alliance.interop.import_errors import ImportFileError

Answer = float | str | None


def without_known(
    tables: dict[str, pd.DataFrame],
    scores: pd.DataFrame,
    existing: ClinicTables,
    source: str,
    where: dict[str, str],
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, list[str]]:
    """Drop assessments the clinic already has (same answers); refuse different answers."""
    known: list[str] = []
    kept_tables = {}
    dropped: set[tuple[str, int, str]] = set()
    for instrument, frame in tables.items():
        items = [c for c in frame.columns if c not in KEYS]
        old = existing.answers.get(instrument)
        if old is None or old.empty:
            kept_tables[instrument] = frame
            continue
        previous = {
            (str(e), int(v)): _normalised(row)
            for e, v, row in zip(
                old["episode_id"], old["visit"], old[items].to_numpy(dtype=object), strict=True
            )
        }
        keep = []
        for e, v, row in zip(
            frame["episode_id"], frame["visit"], frame[items].to_numpy(dtype=object), strict=True
        ):
            key = (str(e), int(v))
            if key not in previous:
                keep.append(True)
                continue
            identifier = f"{key[0]}/{key[1]}/{instrument}"
            if previous[key] != _normalised(row):
                raise ImportFileError(
                    source,
                    where[identifier],
                    "the clinic already has this assessment with different answers",
                )
            known.append(identifier)
            dropped.add((key[0], key[1], instrument))
            keep.append(False)
        kept = frame[np.array(keep, dtype=bool)].reset_index(drop=True)
        if not kept.empty:
            kept_tables[instrument] = kept
    mask = [
        (str(e), int(v), str(i)) not in dropped
        for e, v, i in zip(scores["episode_id"], scores["visit"], scores["instrument"], strict=True)
    ]
    return kept_tables, scores[np.array(mask, dtype=bool)].reset_index(drop=True), known


def _normalised(row: np.ndarray[Any, Any]) -> tuple[Answer, ...]:
    values: list[Answer] = []
    for value in row:
        if isinstance(value, str):
            values.append(value.strip().upper() if value.strip() else None)
        elif value is None or (isinstance(value, float) and math.isnan(value)):
            values.append(None)
        else:
            values.append(float(value))
    return tuple(values)
