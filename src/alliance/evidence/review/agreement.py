"""Agreement between screeners: percent agreement and Cohen's kappa for each pair of reviewers.

Kappa compares the observed agreement with the agreement expected from each reviewer's own
rates: kappa = (p_o - p_e) / (1 - p_e). Only records both reviewers screened count. At title
and abstract, "maybe" counts as include by default, as the record goes on to full text either
way (Covidence reports kappa the same way).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import pandas as pd

from alliance.evidence.review.screening import Decision, Stage, Verdict, latest


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float:
    """Cohen's kappa of two raters' labels on the same items (NaN when p_e is 1)."""
    if len(first) != len(second):
        raise ValueError(f"the raters labelled {len(first)} and {len(second)} items")
    n = len(first)
    if n == 0:
        raise ValueError("no items rated by both raters")
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    counts_a, counts_b = Counter(first), Counter(second)
    expected = sum(counts_a[label] * counts_b[label] for label in counts_a) / (n * n)
    if expected == 1.0:
        return float("nan")
    return (observed - expected) / (1.0 - expected)


@dataclass(frozen=True)
class PairAgreement:
    first: str
    second: str
    records: int
    agreement: float
    kappa: float


@dataclass(frozen=True)
class Agreement:
    """Agreement for every pair of reviewers at one stage."""

    stage: Stage
    pairs: tuple[PairAgreement, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per pair: first, second, records, agreement, kappa."""
        return pd.DataFrame(
            [vars(p) for p in self.pairs],
            columns=["first", "second", "records", "agreement", "kappa"],
        )

    def summary(self) -> str:
        """One line per pair of reviewers."""
        lines = [f"Agreement at {self.stage.value}"]
        for p in self.pairs:
            lines.append(
                f"  {p.first} / {p.second}: {p.records} records, "
                f"{100 * p.agreement:.1f}% agree, kappa {p.kappa:.3f}"
            )
        return "\n".join(lines)


def agreement(
    decisions: Iterable[Decision], stage: Stage, maybe_as_include: bool = True
) -> Agreement:
    """Percent agreement and kappa for each pair of reviewers, over records both screened."""
    table = latest(decisions, stage)
    reviewers = sorted({r for votes in table.values() for r in votes})
    pairs = []
    for first, second in combinations(reviewers, 2):
        shared = [v for v in table.values() if first in v and second in v]
        if not shared:
            continue
        a = [_label(v[first].verdict, maybe_as_include) for v in shared]
        b = [_label(v[second].verdict, maybe_as_include) for v in shared]
        agreed = sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
        pairs.append(PairAgreement(first, second, len(a), agreed, cohen_kappa(a, b)))
    return Agreement(stage, tuple(pairs))


def _label(verdict: Verdict, maybe_as_include: bool) -> str:
    if maybe_as_include and verdict is Verdict.MAYBE:
        return Verdict.INCLUDE.value
    return verdict.value
