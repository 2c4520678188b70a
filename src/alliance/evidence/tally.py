"""A count table with percentages, the shape of every summary of the catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Tally:
    """Counts of catalogue entries by category, with each count's share of ``denominator``.

    ``denominator`` is what the percentages are of (entries, or studies when a category can
    apply to several per study), so shares need not add to 100.
    """

    title: str
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    denominator: int
    unit: str = "entries"

    def percent(self, label: str) -> float:
        """The share of ``label`` in percent of the denominator."""
        count = self.counts[self.labels.index(label)]
        return 100.0 * count / self.denominator if self.denominator else float("nan")

    def count(self, label: str) -> int:
        """The count of ``label`` (0 when absent)."""
        return self.counts[self.labels.index(label)] if label in self.labels else 0

    def to_frame(self) -> pd.DataFrame:
        """One row per category: label, n, percent."""
        return pd.DataFrame(
            {
                "label": list(self.labels),
                "n": list(self.counts),
                "percent": [self.percent(label) for label in self.labels],
            }
        )

    def summary(self) -> str:
        """A plain-text table, as the scoping review prints its tables: n (%)."""
        width = max((len(label) for label in self.labels), default=5)
        lines = [f"{self.title} (of {self.denominator} {self.unit})"]
        for label, count in zip(self.labels, self.counts, strict=True):
            lines.append(f"  {label:<{width}}  {count:>4}  ({self.percent(label):.1f}%)")
        return "\n".join(lines)

    def plot(self) -> Figure:
        """A horizontal bar chart of the counts, largest at the top."""
        from matplotlib.figure import Figure

        figure = Figure(figsize=(7, 0.35 * len(self.labels) + 1.2))
        axes = figure.subplots()
        axes.barh(list(self.labels)[::-1], list(self.counts)[::-1], color="#4a7a96")
        axes.set_xlabel(f"number of {self.unit}")
        axes.set_title(self.title)
        figure.tight_layout()
        return figure


def tally(title: str, counts: dict[str, int], denominator: int, unit: str = "entries") -> Tally:
    """Build a Tally ordered by count (largest first), then label."""
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return Tally(
        title,
        tuple(label for label, _ in ordered),
        tuple(count for _, count in ordered),
        denominator,
        unit,
    )
