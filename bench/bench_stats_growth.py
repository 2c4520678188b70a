"""Benchmark: random-intercept-and-slope growth model against statsmodels' MixedLM.

Data as in the reference measurements (analysis.md, section 2): 10,000 patients x 8 visits,
pain = 6 + u0 - (0.4 + u1) time - 0.3 ta - 0.05 ta time + e, u0 ~ N(0, 1), u1 ~ N(0, 0.3²),
e ~ N(0, 1), ta ~ N(0, 1) per patient. Both fit "pain ~ time * ta" by REML with a random
intercept and slope on time per patient, in the same process; every estimate (fixed effects,
random-effects covariance, residual variance) must agree to 1e-4 before a ratio is printed.
Our time is the best of three; MixedLM's is one run (about a minute and a half).

Run: .venv/bin/python bench/bench_stats_growth.py [--patients 10000] [--visits 8]
The last line is the ratio: ``growth: N.Nx faster than statsmodels MixedLM``.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from alliance.stats import growth


def make_data(patients: int, visits: int, seed: int = 0) -> pd.DataFrame:
    """The reference data-generating process."""
    rng = np.random.default_rng(seed)
    pid = np.repeat(np.arange(patients), visits)
    t = np.tile(np.arange(visits), patients).astype(float)
    ta = rng.normal(size=patients)[pid]
    u0 = rng.normal(size=patients)[pid]
    u1 = 0.3 * rng.normal(size=patients)[pid]
    pain = 6 + u0 - (0.4 + u1) * t - 0.3 * ta - 0.05 * ta * t + rng.normal(size=pid.size)
    return pd.DataFrame({"pain": pain, "time": t, "ta": ta, "pid": pid})


def main() -> None:
    import statsmodels.formula.api as smf

    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--visits", type=int, default=8)
    args = parser.parse_args()
    data = make_data(args.patients, args.visits)

    times = []
    for _ in range(3):
        start = time.perf_counter()
        ours = growth(data, y="pain", time="time", group="pid", covariates="ta", by_time="ta")
        times.append(time.perf_counter() - start)
    ours_time = min(times)

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peer = smf.mixedlm("pain ~ time + ta + ta:time", data, groups=data["pid"],
                           re_formula="~time").fit(reml=True)  # fmt: skip
    peer_time = time.perf_counter() - start

    differences = {
        "fixed effects": np.max(np.abs(ours.fixed["estimate"].to_numpy() - peer.fe_params)),
        "random-effects covariance": np.max(np.abs(ours.cov_re - peer.cov_re.to_numpy())),
        "residual variance": abs(ours.scale - peer.scale),
    }
    print(f"{args.patients:,} patients x {args.visits} visits ({len(data):,} rows), REML")
    for name, difference in differences.items():
        print(f"  largest difference in {name}: {difference:.1e}")
    if max(differences.values()) > 1e-4:
        raise SystemExit("estimates differ by more than 1e-4; no ratio printed")
    print(
        f"  REML log-likelihood: ours {ours.llf:.6f}, MixedLM {peer.llf:.6f} "
        "(the higher is nearer the maximum)"
    )
    print(f"  alliance.stats growth  {ours_time:7.2f} s  (converged: {ours.converged})")
    print(f"  statsmodels MixedLM    {peer_time:7.2f} s  (converged: {peer.converged})")
    print(ours.summary())
    print(f"growth: {peer_time / ours_time:.1f}x faster than statsmodels MixedLM "
          f"({args.patients:,} patients x {args.visits} visits)")  # fmt: skip


if __name__ == "__main__":
    main()
