"""Screening by two or more blinded reviewers: decisions, conflicts and their resolution.

Title-and-abstract screening sends a record to full text when every reviewer says include or
maybe, and excludes it when every reviewer says exclude; anything else is a conflict until
someone resolves it. Full-text screening is include or exclude, and an exclusion needs one of
the project's written reasons; two reviewers excluding for different reasons is a conflict too,
because the flow diagram counts each report under one reason.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd


class Stage(StrEnum):
    TITLE_ABSTRACT = "title_abstract"
    FULL_TEXT = "full_text"


class Verdict(StrEnum):
    INCLUDE = "include"
    EXCLUDE = "exclude"
    MAYBE = "maybe"


class ScreeningError(ValueError):
    """Raised when a decision breaks the rules of the stage (unknown reviewer, no reason ...)."""


@dataclass(frozen=True)
class Decision:
    """One reviewer's verdict on one record at one stage."""

    record: str
    reviewer: str
    stage: Stage
    verdict: Verdict
    reason: str = ""
    note: str = ""


@dataclass(frozen=True)
class Resolution:
    """The verdict that settles a conflict, and who gave it."""

    record: str
    stage: Stage
    verdict: Verdict
    resolver: str
    reason: str = ""
    note: str = ""


def check_decision(
    decision: Decision | Resolution, reviewers: Sequence[str], reasons: Sequence[str]
) -> None:
    """Refuse a decision the stage does not allow, naming what is wrong."""
    who = decision.reviewer if isinstance(decision, Decision) else decision.resolver
    if who not in reviewers:
        raise ScreeningError(f"{who!r} is not a reviewer of this project ({', '.join(reviewers)})")
    if decision.stage is Stage.FULL_TEXT:
        if decision.verdict is Verdict.MAYBE:
            raise ScreeningError(f"{decision.record}: full-text screening is include or exclude")
        if decision.verdict is Verdict.EXCLUDE and decision.reason not in reasons:
            allowed = "; ".join(reasons)
            raise ScreeningError(
                f"{decision.record}: a full-text exclusion needs one of the reasons: {allowed}"
            )


def latest(decisions: Iterable[Decision], stage: Stage) -> dict[str, dict[str, Decision]]:
    """Each record's decisions at ``stage`` by reviewer; a later decision replaces an earlier."""
    table: dict[str, dict[str, Decision]] = defaultdict(dict)
    for decision in decisions:
        if decision.stage is stage:
            table[decision.record][decision.reviewer] = decision
    return dict(table)


def blinded_queue(
    records: Sequence[str], decisions: Iterable[Decision], reviewer: str, stage: Stage
) -> list[str]:
    """The records ``reviewer`` still has to screen at ``stage``, in the given order.

    Only the reviewer's own decisions are consulted, so nothing about the others' verdicts
    (not even whether they have screened a record) leaks into what the reviewer sees.
    """
    own = {d.record for d in decisions if d.reviewer == reviewer and d.stage is stage}
    return [record for record in records if record not in own]


class Status(StrEnum):
    INCLUDED = "included"
    EXCLUDED = "excluded"
    CONFLICT = "conflict"
    PENDING = "pending"


@dataclass(frozen=True)
class RecordOutcome:
    record: str
    status: Status
    reason: str = ""
    resolved: bool = False


@dataclass(frozen=True)
class StageOutcome:
    """Where every record stands after one stage of screening."""

    stage: Stage
    outcomes: tuple[RecordOutcome, ...]

    def ids(self, status: Status) -> list[str]:
        """The records with ``status``."""
        return [o.record for o in self.outcomes if o.status is status]

    def exclusion_reasons(self) -> dict[str, int]:
        """How many records were excluded for each reason."""
        counts: dict[str, int] = defaultdict(int)
        for outcome in self.outcomes:
            if outcome.status is Status.EXCLUDED:
                counts[outcome.reason] += 1
        return dict(counts)

    def summary(self) -> str:
        """Counts per status, and conflicts resolved."""
        counts = {status: len(self.ids(status)) for status in Status}
        resolved = sum(o.resolved for o in self.outcomes)
        parts = ", ".join(f"{n} {status.value}" for status, n in counts.items())
        return f"{self.stage.value}: {parts} ({resolved} conflicts resolved)"

    def to_frame(self) -> pd.DataFrame:
        """One row per record: record, status, reason, resolved."""
        return pd.DataFrame(
            [
                {
                    "record": o.record,
                    "status": o.status.value,
                    "reason": o.reason,
                    "resolved": o.resolved,
                }
                for o in self.outcomes
            ],
            columns=["record", "status", "reason", "resolved"],
        )


def stage_outcome(
    records: Sequence[str],
    decisions: Iterable[Decision],
    resolutions: Iterable[Resolution],
    stage: Stage,
    min_reviewers: int = 2,
) -> StageOutcome:
    """Settle each record at ``stage``: agreement, a resolution, a conflict, or still pending."""
    table = latest(decisions, stage)
    settled = {r.record: r for r in resolutions if r.stage is stage}
    outcomes = []
    for record in records:
        votes = list(table.get(record, {}).values())
        if record in settled:
            resolution = settled[record]
            outcomes.append(
                RecordOutcome(record, _status(resolution.verdict), resolution.reason, True)
            )
        elif len(votes) < min_reviewers:
            outcomes.append(RecordOutcome(record, Status.PENDING))
        else:
            outcomes.append(_agreement(record, votes))
    return StageOutcome(stage, tuple(outcomes))


def _agreement(record: str, votes: list[Decision]) -> RecordOutcome:
    verdicts = {v.verdict for v in votes}
    if verdicts <= {Verdict.INCLUDE, Verdict.MAYBE}:
        return RecordOutcome(record, Status.INCLUDED)
    if verdicts == {Verdict.EXCLUDE}:
        reasons = {v.reason for v in votes}
        if len(reasons) == 1:
            return RecordOutcome(record, Status.EXCLUDED, reasons.pop())
    return RecordOutcome(record, Status.CONFLICT)


def _status(verdict: Verdict) -> Status:
    return Status.EXCLUDED if verdict is Verdict.EXCLUDE else Status.INCLUDED
