"""Simulated screening on labelled records: how early prioritisation finds the relevant ones.

The simulation starts from a few prior records (by default one included and one excluded,
drawn with the seed), then repeatedly trains the model, "screens" the top-ranked records by
revealing their labels, and stops once every included record is found; the rest follow in the
last ranking's order. Priors count as screened.

Work saved over sampling at recall r (Cohen et al. 2006): WSS@r = (N - n_r) / N - (1 - r),
where n_r is the number of records screened when the share of included records found first
reaches r. Random screening saves nothing on average (WSS about 0).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from alliance.evidence.review.prioritise import UNLABELLED, ScreeningModel

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class SimulationResult:
    """The order in which a simulated screener saw the records, and what it found."""

    order: tuple[int, ...]
    labels: tuple[int, ...]
    priors: int = 0

    @property
    def total(self) -> int:
        return len(self.labels)

    @property
    def relevant(self) -> int:
        return sum(self.labels)

    def found(self) -> np.ndarray:
        """Included records found after each record screened (position 1 .. N)."""
        return np.cumsum([self.labels[i] for i in self.order])

    def records_for_recall(self, recall: float) -> int:
        """Records screened when the share of included records found first reaches ``recall``."""
        target = math.ceil(recall * self.relevant - 1e-9)
        return int(np.argmax(self.found() >= target)) + 1

    def recall_at(self, screened: int) -> float:
        """Share of included records found after ``screened`` records."""
        return float(self.found()[screened - 1]) / self.relevant

    def wss(self, recall: float = 0.95) -> float:
        """Work saved over sampling at ``recall``."""
        return (self.total - self.records_for_recall(recall)) / self.total - (1 - recall)

    def random_records_for_recall(self, recall: float = 0.95) -> float:
        """Records random screening needs, on average, to reach ``recall``.

        The k-th of R included records among N in random order sits at k (N + 1) / (R + 1).
        """
        target = math.ceil(recall * self.relevant - 1e-9)
        return target * (self.total + 1) / (self.relevant + 1)

    def to_frame(self) -> pd.DataFrame:
        """The recall curve: screened, found, recall, one row per record screened."""
        found = self.found()
        screened = np.arange(1, self.total + 1)
        return pd.DataFrame({"screened": screened, "found": found, "recall": found / self.relevant})

    def summary(self) -> str:
        """Size, prevalence, records needed for 95% and 100% recall, WSS@95 and WSS@100."""
        share = 100 * self.relevant / self.total
        return (
            f"{self.total} records, {self.relevant} included ({share:.1f}%), "
            f"{self.priors} priors\n"
            f"95% recall after {self.records_for_recall(0.95)} records "
            f"(random: {self.random_records_for_recall(0.95):.0f}); "
            f"100% after {self.records_for_recall(1.0)}\n"
            f"WSS@95 {self.wss(0.95):.3f}, WSS@100 {self.wss(1.0):.3f}"
        )

    def plot(self) -> Figure:
        """Recall against records screened, with random screening for comparison."""
        from matplotlib.figure import Figure

        curve = self.to_frame()
        figure = Figure(figsize=(6, 4))
        axes = figure.subplots()
        axes.plot(curve["screened"], curve["recall"], label="prioritised")
        axes.plot([0, self.total], [0, 1], linestyle="--", color="grey", label="random")
        axes.axhline(0.95, color="#b33", linewidth=0.8)
        axes.set_xlabel("records screened")
        axes.set_ylabel("recall")
        axes.legend(loc="lower right")
        return figure


def simulate(
    texts: Sequence[str],
    labels: Sequence[int],
    n_prior_included: int = 1,
    n_prior_excluded: int = 1,
    seed: int = 0,
    classifier: str = "logistic",
    step: int = 1,
) -> SimulationResult:
    """Simulate prioritised screening of labelled records (1 included, 0 excluded)."""
    truth = np.asarray(labels, dtype=int)
    if not set(truth.tolist()) <= {0, 1}:
        raise ValueError("labels must be 0 (excluded) or 1 (included)")
    relevant, irrelevant = np.flatnonzero(truth == 1), np.flatnonzero(truth == 0)
    if len(relevant) < n_prior_included or len(irrelevant) < n_prior_excluded:
        raise ValueError("not enough included and excluded records for the priors")
    if n_prior_included < 1 or n_prior_excluded < 1:
        raise ValueError("the model needs at least one included and one excluded prior")
    rng = np.random.default_rng(seed)
    priors = [
        *rng.choice(relevant, n_prior_included, replace=False).tolist(),
        *rng.choice(irrelevant, n_prior_excluded, replace=False).tolist(),
    ]
    known = np.full(len(truth), UNLABELLED)
    known[priors] = truth[priors]
    order = list(priors)
    model = ScreeningModel(classifier, seed=seed).fit(list(texts), known.tolist())
    while truth[order].sum() < len(relevant):
        batch = model.ranking()[:step]
        known[batch] = truth[batch]
        order.extend(batch.tolist())
        if truth[order].sum() < len(relevant):
            model.retrain(known.tolist())
    seen = set(order)
    order.extend(i for i in model.ranking().tolist() if i not in seen)
    return SimulationResult(tuple(order), tuple(truth.tolist()), len(priors))
