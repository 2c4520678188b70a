"""Benchmark: vectorised scoring of 1,000,000 administrations against a per-row Python scorer.

Both scorers take the same table of answers (a DataFrame, one row per administration) and
return the same table of scores and statuses; the per-row scorer walks the rows with
``itertuples`` and applies the rule to each, as a straightforward implementation would. It
runs on a sample (it is too slow for a million rows) and the comparison is per row. Each
time is the best of three runs. Both
results are checked against each other on the sample before any ratio is printed.

Run: .venv/bin/python bench/bench_scoring.py [--rows N] [--sample N]
The last line is the ratio: ``scoring: N.Nx faster than per-row``.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from alliance import instruments

WAI_SR_SCALES = {
    "task": (1, 2, 10, 12),
    "bond": (3, 5, 7, 9),
    "goal": (4, 6, 8, 11),
}


def make_answers(rows: int, items: int, low: int, high: int, seed: int) -> pd.DataFrame:
    """Random answers with about 2 % of cells left blank."""
    rng = np.random.default_rng(seed)
    values = rng.integers(low, high + 1, size=(rows, items)).astype(float)
    values[rng.random(values.shape) < 0.02] = np.nan
    return pd.DataFrame(values, columns=[f"q{n}" for n in range(1, items + 1)])


def per_row(
    rule: Callable[[tuple[float, ...]], dict[str, float | str]],
) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Turn a one-administration rule into a scorer of a whole table, row by row."""

    def score(frame: pd.DataFrame) -> pd.DataFrame:
        results = [rule(row) for row in frame.itertuples(index=False, name=None)]
        return pd.concat([frame, pd.DataFrame(results, index=frame.index)], axis=1)

    return score


def per_row_wai_sr(row: tuple[float, ...]) -> dict[str, float | str]:
    """WAI-SR scored one administration at a time, the way a simple loop would."""
    answers = {}
    for n in range(1, 13):
        value = row[n - 1]
        if not math.isnan(value) and value not in (1, 2, 3, 4, 5):
            raise ValueError(f"q{n}: {value}")
        answers[n] = value
    result: dict[str, float | str] = {}
    complete = True
    for scale, items in WAI_SR_SCALES.items():
        values = [answers[n] for n in items]
        if any(math.isnan(v) for v in values):
            result[scale] = math.nan
            complete = False
        else:
            result[scale] = sum(values)
    result["total"] = sum(answers.values()) if complete else math.nan
    result["status"] = "scored" if complete else "not_scored"
    return result


def per_row_odi(row: tuple[float, ...]) -> dict[str, float | str]:
    """ODI scored one administration at a time: sum / (5 x answered) x 100, one section may lack."""
    answered = []
    for n in range(1, 11):
        value = row[n - 1]
        if math.isnan(value):
            continue
        if value not in (0, 1, 2, 3, 4, 5):
            raise ValueError(f"q{n}: {value}")
        answered.append(value)
    if len(answered) < 9:
        return {"total": math.nan, "status": "not_scored"}
    return {"total": sum(answered) / (5 * len(answered)) * 100, "status": "scored"}


def time_it(function: Callable[[], object], repeat: int = 3) -> tuple[float, object]:
    """Best wall time of ``repeat`` runs, and the result of the last."""
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def bench(
    instrument: str,
    frame: pd.DataFrame,
    row_scorer: Callable[[pd.DataFrame], pd.DataFrame],
    sample: int,
) -> float:
    """Time both scorers, check they agree on the sample, return the per-row speed-up."""
    vector_seconds, scored = time_it(lambda: instruments.score(instrument, frame))
    head = frame.iloc[:sample]
    row_seconds, expected = time_it(lambda: row_scorer(head))
    assert isinstance(scored, pd.DataFrame)
    assert isinstance(expected, pd.DataFrame)
    np.testing.assert_allclose(
        scored["total"].iloc[:sample].to_numpy(float), expected["total"].to_numpy(float)
    )
    assert (
        scored["status"].iloc[:sample].astype(str).to_numpy() == expected["status"].to_numpy()
    ).all()
    vector_per_row = vector_seconds / len(frame)
    loop_per_row = row_seconds / sample
    print(
        f"{instrument}: vectorised {len(frame):,} rows in {vector_seconds:.2f} s "
        f"({len(frame) / vector_seconds:,.0f} rows/s); per-row {sample:,} rows in "
        f"{row_seconds:.2f} s ({sample / row_seconds:,.0f} rows/s); "
        f"{loop_per_row / vector_per_row:.1f}x"
    )
    return loop_per_row / vector_per_row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    args = parser.parse_args()
    ratios = [
        bench(
            "wai_sr",
            make_answers(args.rows, 12, 1, 5, seed=1),
            per_row(per_row_wai_sr),
            args.sample,
        ),
        bench("odi", make_answers(args.rows, 10, 0, 5, seed=2), per_row(per_row_odi), args.sample),
    ]
    overall = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    print(f"scoring: {overall:.1f}x faster than per-row")


if __name__ == "__main__":
    main()
