"""The PRISMA 2020 flow of a review (new reviews, databases and registers), from its records.

Every number comes from what the project recorded: the records imported from each database,
the duplicates removed, the title-and-abstract and full-text outcomes, the reports not
retrieved and the studies the included reports chart. Counts are only final when screening is
finished, so unsettled records (pending or in conflict) stop the count with a clear error.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from alliance.evidence.review.prisma_svg import draw_figure, to_svg
from alliance.evidence.review.project import ReviewProject
from alliance.evidence.review.screening import StageOutcome, Status

if TYPE_CHECKING:
    from matplotlib.figure import Figure


class FlowError(ValueError):
    """Raised when the counts cannot be final (screening unfinished) or do not add up."""


@dataclass(frozen=True)
class PrismaCounts:
    """The boxes of a PRISMA 2020 flow diagram for databases and registers."""

    identified: tuple[tuple[str, int], ...]
    duplicates_removed: int
    screened: int
    screened_excluded: int
    sought: int
    not_retrieved: int
    assessed: int
    excluded_reasons: tuple[tuple[str, int], ...]
    studies_included: int
    reports_included: int

    def __post_init__(self) -> None:
        identified = sum(n for _, n in self.identified)
        steps = [
            ("records screened", identified - self.duplicates_removed, self.screened),
            ("reports sought", self.screened - self.screened_excluded, self.sought),
            ("reports assessed", self.sought - self.not_retrieved, self.assessed),
            (
                "reports included",
                self.assessed - sum(n for _, n in self.excluded_reasons),
                self.reports_included,
            ),
        ]
        for box, expected, given in steps:
            if expected != given:
                raise FlowError(f"{box}: the boxes above give {expected}, not {given}")
        if self.studies_included > self.reports_included:
            raise FlowError("more studies included than reports")

    @property
    def identified_total(self) -> int:
        return sum(n for _, n in self.identified)

    def to_frame(self) -> pd.DataFrame:
        """One row per box (per database and per exclusion reason): stage, box, n."""
        rows = [("identification", f"records from {name}", n) for name, n in self.identified]
        rows += [
            ("identification", "duplicate records removed", self.duplicates_removed),
            ("screening", "records screened", self.screened),
            ("screening", "records excluded", self.screened_excluded),
            ("screening", "reports sought for retrieval", self.sought),
            ("screening", "reports not retrieved", self.not_retrieved),
            ("screening", "reports assessed for eligibility", self.assessed),
        ]
        rows += [("screening", f"reports excluded: {r}", n) for r, n in self.excluded_reasons]
        rows += [
            ("included", "studies included in review", self.studies_included),
            ("included", "reports of included studies", self.reports_included),
        ]
        return pd.DataFrame(rows, columns=["stage", "box", "n"])

    def summary(self) -> str:
        """The flow as text, box by box."""
        return "\n".join(
            f"{row.stage:<15} {row.box:<45} {row.n:>6}" for row in self.to_frame().itertuples()
        )

    def plot(self) -> Figure:
        """The flow diagram drawn with matplotlib (the same layout as the SVG)."""
        return draw_figure(self)

    def to_svg(self) -> str:
        """The flow diagram as SVG text."""
        return to_svg(self)


def prisma_counts(project: ReviewProject) -> PrismaCounts:
    """Count every box of the flow from the project's records and decisions."""
    title_abstract = project.title_abstract()
    _require_settled(title_abstract)
    full_text = project.full_text()
    _require_settled(full_text)
    per_source: Counter[str] = Counter()
    for result in project.imports:
        per_source[result.source] += result.count
    dedup = project.deduplication()
    reasons = full_text.exclusion_reasons()
    included = full_text.ids(Status.INCLUDED)
    study_of = {c.record: c.study for c in project.charts}
    sought = title_abstract.ids(Status.INCLUDED)
    return PrismaCounts(
        identified=tuple(per_source.items()),
        duplicates_removed=dedup.removed,
        screened=len(title_abstract.outcomes),
        screened_excluded=len(title_abstract.ids(Status.EXCLUDED)),
        sought=len(sought),
        not_retrieved=sum(1 for r in sought if r in project.not_retrieved),
        assessed=len(full_text.outcomes),
        excluded_reasons=tuple(sorted(reasons.items(), key=lambda pair: (-pair[1], pair[0]))),
        studies_included=len({study_of.get(r, r) for r in included}),
        reports_included=len(included),
    )


def _require_settled(outcome: StageOutcome) -> None:
    pending = len(outcome.ids(Status.PENDING))
    conflicts = len(outcome.ids(Status.CONFLICT))
    if pending or conflicts:
        stage = outcome.stage.value.replace("_", " ")
        raise FlowError(
            f"{stage} screening is not finished: {pending} records pending, "
            f"{conflicts} conflicts unresolved"
        )
