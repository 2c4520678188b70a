"""Helpers for instrument tests: build answer tables the way a CSV or a form would."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

Answer = float | str | None


def answers(*rows: Sequence[Answer]) -> pd.DataFrame:
    """A table with one row per administration; answers are given in item order q1, q2, ...

    ``None`` is a blank (missing) answer and ``"NA"`` is "does not apply".
    """
    width = len(rows[0])
    return pd.DataFrame(
        [list(row) for row in rows], columns=[f"q{n}" for n in range(1, width + 1)], dtype=object
    )
