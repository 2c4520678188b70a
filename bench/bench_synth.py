"""Benchmark: stream a synthetic cohort to Parquet and report time and peak memory.

Run: .venv/bin/python bench/bench_synth.py [--patients N] [--output DIR]
Peak memory is the process's maximum resident set size; with streaming it depends on the
chunk size, not on the number of episodes.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from alliance.interop.cohort_files import write_cohort
from alliance.synth import SynthConfig, stream


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    config = SynthConfig(patients=args.patients, seed=1)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.output or Path(scratch)
        start = time.perf_counter()
        files = write_cohort(stream(config), folder, "parquet")
        seconds = time.perf_counter() - start
        size = sum(path.stat().st_size for path in files)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"synth: {args.patients:,} episodes in {seconds:.1f} s "
        f"({args.patients / seconds:,.0f} episodes/s), {len(files)} Parquet files, "
        f"{size / 1e6:,.0f} MB, peak memory {peak:,.0f} MB (chunks of {config.chunk_episodes:,})"
    )


if __name__ == "__main__":
    main()
