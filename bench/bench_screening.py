"""Benchmark: prioritised screening against random screening, on the labelled test corpus.

Simulates screening tests/evidence/data/screening.csv (600 invented records, 30 included; see
tests/evidence/data/make_screening_corpus.py) with each classifier over five seeds (one
included and one excluded prior each) and reports records needed for 95% recall, WSS@95 and
the time taken. The peer is random screening, whose expected records for 95% recall is exact
(k (N + 1) / (R + 1)); ASReview itself is not installed here. The corpus is synthetic and
easier than a real search: read the numbers as a check of the machinery, not as a forecast.

Run: .venv/bin/python bench/bench_screening.py
The last line is the ratio: ``screening: N.Nx fewer records than random for 95% recall``.
"""

from __future__ import annotations

import csv
import statistics
import time
from pathlib import Path

from alliance.evidence.review.simulation import simulate

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "evidence" / "data" / "screening.csv"


def main() -> None:
    with CORPUS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    texts = [f"{r['title']} {r['abstract']} {r['keywords']}" for r in rows]
    labels = [int(r["label_included"]) for r in rows]
    print(f"{len(rows)} records, {sum(labels)} included")
    needed_all: list[int] = []
    random_needed = 0.0
    for classifier in ("logistic", "svm", "nb"):
        needed, wss, seconds = [], [], []
        for seed in range(5):
            start = time.perf_counter()
            result = simulate(texts, labels, seed=seed, classifier=classifier)
            seconds.append(time.perf_counter() - start)
            needed.append(result.records_for_recall(0.95))
            wss.append(result.wss(0.95))
            random_needed = result.random_records_for_recall(0.95)
        needed_all += needed
        print(
            f"{classifier:<9} records for 95% recall: median {statistics.median(needed):.0f} "
            f"(range {min(needed)}-{max(needed)}); WSS@95 mean {statistics.mean(wss):.3f}; "
            f"{statistics.mean(seconds):.2f} s per simulation"
        )
    print(f"random    records for 95% recall: {random_needed:.0f} (expected); WSS@95 0")
    ratio = random_needed / statistics.median(needed_all)
    print(f"screening: {ratio:.1f}x fewer records than random for 95% recall")


if __name__ == "__main__":
    main()
