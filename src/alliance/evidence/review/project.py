"""A review project: its protocol, imported records, overrides, decisions and charted studies.

The project is a value: every change returns a new project, checked before it is made, and the
faces persist it (``alliance.interop.review_files`` writes it as a folder of JSON and CSV).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from alliance.evidence.review.charting import ChartedStudy
from alliance.evidence.review.dedup import Deduplication, Override, deduplicate
from alliance.evidence.review.records import ImportResult, Record
from alliance.evidence.review.screening import (
    Decision,
    Resolution,
    ScreeningError,
    Stage,
    StageOutcome,
    Status,
    check_decision,
    stage_outcome,
)


@dataclass(frozen=True)
class ReviewProject:
    """Everything a systematic review records, from the protocol to the charted studies."""

    name: str
    reviewers: tuple[str, ...]
    criteria: tuple[str, ...]
    exclusion_reasons: tuple[str, ...]
    imports: tuple[ImportResult, ...] = ()
    overrides: tuple[Override, ...] = ()
    decisions: tuple[Decision, ...] = ()
    resolutions: tuple[Resolution, ...] = ()
    not_retrieved: tuple[str, ...] = ()
    charts: tuple[ChartedStudy, ...] = ()

    def __post_init__(self) -> None:
        if len(self.reviewers) < 2 or len(set(self.reviewers)) != len(self.reviewers):
            raise ScreeningError("a review needs at least two distinct reviewers")

    def records(self) -> list[Record]:
        """Every imported record, in import order."""
        return [record for result in self.imports for record in result.records]

    def add_import(self, result: ImportResult) -> ReviewProject:
        """Add an export's records, numbering them on from earlier imports of the same source."""
        slug = re.sub(r"[^a-z0-9]+", "_", result.source.casefold()).strip("_") or "source"
        earlier = sum(r.count for r in self.imports if r.source == result.source)
        records = tuple(
            replace(record, id=f"{slug}-{earlier + n}")
            for n, record in enumerate(result.records, start=1)
        )
        return replace(self, imports=(*self.imports, replace(result, records=records)))

    def deduplication(self) -> Deduplication:
        """Duplicate groups across every import, with the project's overrides applied."""
        return deduplicate(self.records(), self.overrides)

    def add_override(self, override: Override) -> ReviewProject:
        """Record that two records are the same article, or distinct ones."""
        candidate = replace(self, overrides=(*self.overrides, override))
        candidate.deduplication()
        return candidate

    def unique_ids(self) -> list[str]:
        """The records left after de-duplication: the ones screened."""
        return list(self.deduplication().kept)

    def title_abstract(self) -> StageOutcome:
        """Where each unique record stands after title-and-abstract screening."""
        return stage_outcome(
            self.unique_ids(), self.decisions, self.resolutions, Stage.TITLE_ABSTRACT
        )

    def sought(self) -> list[str]:
        """Records passed to full text: the reports sought for retrieval."""
        return self.title_abstract().ids(Status.INCLUDED)

    def retrieved(self) -> list[str]:
        """Reports sought whose full text was obtained: those screened at full text."""
        return [r for r in self.sought() if r not in self.not_retrieved]

    def full_text(self) -> StageOutcome:
        """Where each retrieved report stands after full-text screening."""
        return stage_outcome(self.retrieved(), self.decisions, self.resolutions, Stage.FULL_TEXT)

    def included(self) -> list[str]:
        """The reports included in the review."""
        return self.full_text().ids(Status.INCLUDED)

    def decide(self, decision: Decision) -> ReviewProject:
        """Record one reviewer's decision, refusing one the stage does not allow."""
        check_decision(decision, self.reviewers, self.exclusion_reasons)
        allowed = self.unique_ids() if decision.stage is Stage.TITLE_ABSTRACT else self.retrieved()
        if decision.record not in allowed:
            stage = decision.stage.value.replace("_", " ")
            raise ScreeningError(f"{decision.record} is not awaiting {stage} screening")
        return replace(self, decisions=(*self.decisions, decision))

    def resolve(self, resolution: Resolution) -> ReviewProject:
        """Settle a conflict between reviewers."""
        check_decision(resolution, self.reviewers, self.exclusion_reasons)
        outcome = (
            self.title_abstract() if resolution.stage is Stage.TITLE_ABSTRACT else self.full_text()
        )
        if resolution.record not in outcome.ids(Status.CONFLICT):
            raise ScreeningError(f"{resolution.record} has no conflict to resolve")
        return replace(self, resolutions=(*self.resolutions, resolution))

    def mark_not_retrieved(self, record: str) -> ReviewProject:
        """Record that the full text of a report sought could not be obtained."""
        if record not in self.sought():
            raise ScreeningError(f"{record} was not sought for retrieval")
        return replace(self, not_retrieved=(*self.not_retrieved, record))

    def add_chart(self, chart: ChartedStudy) -> ReviewProject:
        """Add the charted data of an included report (one chart per report)."""
        if chart.record not in self.included():
            raise ScreeningError(f"{chart.record} is not an included report")
        others = tuple(c for c in self.charts if c.record != chart.record)
        return replace(self, charts=(*others, chart))
