"""Benchmark: mediation with 5,000 bootstrap resamples against pingouin.mediation_analysis.

Data as in the reference measurements (analysis.md, section 2): C1, C2 ~ N(0, 1);
X = N(0, 1) + 0.2 C1; M = 0.4 X + 0.2 C1 - 0.1 C2 + N(0, 1);
Y = 0.3 M + 0.1 X + 0.1 C1 + 0.2 C2 + N(0, 1) (true indirect effect 0.12).
One mediator, two covariates in both equations, paired case resampling.

Both tools run on the same table in the same process; the point estimates are checked to agree
before any ratio is printed. Then alliance.stats runs alone at n = 1,000,000.
Our time is the best of three in one process; pingouin's is one run unless --peer-repeats
says otherwise. The large run is timed in one and in two worker processes, which must give the
same replicates.
BLAS runs single-threaded for both (as in the reference measurements; --blas-threads changes it):
on a shared 2-core machine a second BLAS thread mostly waits for a busy core.

Run: .venv/bin/python bench/bench_stats_mediation.py [--n 10000] [--boot 5000] [--big 1000000]
The last line is the ratio: ``mediation: N.Nx faster than pingouin.mediation_analysis``.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from alliance.stats import mediation


def make_data(n: int, seed: int = 0) -> pd.DataFrame:
    """The reference data-generating process."""
    rng = np.random.default_rng(seed)
    c1 = rng.normal(size=n)
    c2 = rng.normal(size=n)
    x = rng.normal(size=n) + 0.2 * c1
    m = 0.4 * x + 0.2 * c1 - 0.1 * c2 + rng.normal(size=n)
    y = 0.3 * m + 0.1 * x + 0.1 * c1 + 0.2 * c2 + rng.normal(size=n)
    return pd.DataFrame({"X": x, "M": m, "Y": y, "C1": c1, "C2": c2})


def best_of(repeats: int, call: Callable[[], Any]) -> tuple[float, Any]:
    """The shortest wall time over repeats, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--boot", type=int, default=5_000)
    parser.add_argument("--big", type=int, default=1_000_000, help="0 skips the large run")
    parser.add_argument("--peer-repeats", type=int, default=1)
    parser.add_argument("--blas-threads", type=int, default=1)
    args = parser.parse_args()
    with threadpool_limits(limits=args.blas_threads, user_api="blas"):
        run(args)


def run(args: argparse.Namespace) -> None:
    """Time both tools, check they agree, print the times and the ratio."""
    import pingouin as pg

    data = make_data(args.n)

    def ours_with(workers: int) -> Any:
        return mediation(data, x="X", m="M", y="Y", covariates=["C1", "C2"],
                         n_boot=args.boot, seed=42, workers=workers)  # fmt: skip

    ours_time, ours = best_of(3, lambda: ours_with(1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer_time, peer = best_of(
            args.peer_repeats,
            lambda: pg.mediation_analysis(
                data=data, x="X", m="M", y="Y", covar=["C1", "C2"], n_boot=args.boot, seed=42
            ),
        )
    peer_row = peer.set_index("path").loc["Indirect"]
    effect = ours.indirect[0]
    difference = abs(effect.estimate - peer_row["coef"])
    if difference > 1e-10:
        raise SystemExit(f"point estimates differ by {difference:.3g}; no ratio printed")
    print(
        f"n = {args.n:,}, {args.boot:,} resamples, one mediator, two covariates, "
        f"{args.blas_threads} BLAS thread(s)"
    )
    print(
        f"  alliance.stats  {ours_time:7.2f} s  indirect {effect.estimate:.6f} "
        f"percentile CI [{effect.ci_low:.5f}, {effect.ci_high:.5f}]"
    )
    print(
        f"  pingouin        {peer_time:7.2f} s  indirect {peer_row['coef']:.6f} "
        f"bias-corrected CI [{peer_row['CI2.5']:.5f}, {peer_row['CI97.5']:.5f}]"
    )
    print(f"  point estimates differ by {difference:.1e}")
    if args.big:
        big = make_data(args.big, seed=1)
        draws = []
        for workers in (1, 2):
            big_time, big_result = best_of(
                1,
                lambda: mediation(big, x="X", m="M", y="Y", covariates=["C1", "C2"],
                                  n_boot=args.boot, seed=42, workers=workers),  # noqa: B023
            )  # fmt: skip
            draws.append(big_result.draws)
            e = big_result.indirect[0]
            print(
                f"n = {args.big:,}, {args.boot:,} resamples, {workers} process(es): "
                f"alliance.stats {big_time:.1f} s, indirect {e.estimate:.6f} "
                f"[{e.ci_low:.5f}, {e.ci_high:.5f}]"
            )
        if not np.array_equal(draws[0], draws[1]):
            raise SystemExit("two worker processes gave different replicates; no ratio printed")
    print(
        f"mediation: {peer_time / ours_time:.1f}x faster than pingouin.mediation_analysis "
        f"(one process, n = {args.n:,}, {args.boot:,} resamples)"
    )


if __name__ == "__main__":
    main()
