"""Benchmark: vectorised scoring of 1,000,000 administrations against a per-row Python scorer.

Both scorers take the same table of answers (a DataFrame, one row per administration) and
return the same table of scores and statuses. The per-row scorer is the straightforward
implementation of the same engine: it walks the rows with ``itertuples`` and, for each,
checks every answer against the definition, reverses, counts missing answers against each
scale's limit and sums, averages or applies the formula. For reference the script also times
a loop hand-written for the one instrument (no definition, no generality), which is faster
than the generic loop. Per-row scorers run on a sample (they are too slow for a million rows)
and the comparison is per row; each time is the best of three runs; all results are checked
against each other on the sample before any ratio is printed.

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


def generic_rule(instrument: str) -> Callable[[tuple[float, ...]], dict[str, float | str]]:
    """Score one administration from the definition, item by item, scale by scale."""
    definition = instruments.load(instrument)
    items = [(item, definition.response_for(item.id)) for item in definition.items]
    index = {item.id: j for j, item in enumerate(definition.items)}

    def rule(row: tuple[float, ...]) -> dict[str, float | str]:
        values: list[float] = []
        for (item, scale), value in zip(items, row, strict=True):
            if not math.isnan(value):
                steps = (value - scale.min) / scale.step
                if not scale.min <= value <= scale.max or steps != round(steps):
                    raise ValueError(f"{item.id}: {value}")
                if item.reverse:
                    value = scale.min + scale.max - value
            values.append(value)
        result: dict[str, float | str] = {}
        complete = True
        for scale in definition.scales:
            answered = [values[index[i]] for i in scale.items if not math.isnan(values[index[i]])]
            if len(scale.items) - len(answered) > scale.missing.max_missing or not answered:
                result[scale.id] = math.nan
                complete = complete and scale.optional
                continue
            mean = sum(answered) / len(answered)
            if scale.method.value == "sum":
                result[scale.id] = round(mean * len(scale.items), 9)
            elif scale.method.value == "mean":
                result[scale.id] = round(mean, 9)
            else:
                low, high = items[index[scale.items[0]]][1].min, items[index[scale.items[0]]][1].max
                result[scale.id] = round(100 * (mean - low) / (high - low), 9)
        result["status"] = "scored" if complete else "not_scored"
        return result

    return rule


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
    hand_written: Callable[[tuple[float, ...]], dict[str, float | str]],
    sample: int,
) -> float:
    """Time the scorers, check they agree on the sample, return the generic per-row speed-up."""
    vector_seconds, scored = time_it(lambda: instruments.score(instrument, frame))
    assert isinstance(scored, pd.DataFrame)
    head = frame.iloc[:sample]
    vector_per_row = vector_seconds / len(frame)
    print(
        f"{instrument}: vectorised {len(frame):,} rows in {vector_seconds:.2f} s "
        f"({len(frame) / vector_seconds:,.0f} rows/s)"
    )
    ratios = {}
    for name, rule in (
        ("generic per-row", generic_rule(instrument)),
        ("hand-written loop", hand_written),
    ):
        seconds, expected = time_it(lambda rule=rule: per_row(rule)(head))
        assert isinstance(expected, pd.DataFrame)
        np.testing.assert_allclose(
            scored["total"].iloc[:sample].to_numpy(float), expected["total"].to_numpy(float)
        )
        statuses = scored["status"].iloc[:sample].astype(str).to_numpy()
        assert (statuses == expected["status"].to_numpy()).all()
        ratios[name] = (seconds / sample) / vector_per_row
        print(
            f"  {name}: {sample:,} rows in {seconds:.2f} s ({sample / seconds:,.0f} rows/s); "
            f"vectorised is {ratios[name]:.1f}x faster"
        )
    return ratios["generic per-row"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    args = parser.parse_args()
    ratios = [
        bench("wai_sr", make_answers(args.rows, 12, 1, 5, seed=1), per_row_wai_sr, args.sample),
        bench("odi", make_answers(args.rows, 10, 0, 5, seed=2), per_row_odi, args.sample),
    ]
    overall = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    print(f"scoring: {overall:.1f}x faster than per-row")


if __name__ == "__main__":
    main()
