"""De-duplicating records across search exports, with a report and reviewer overrides.

Candidate pairs come from shared blocking keys (DOI, PubMed id, the first and last title
words); each pair is judged by ``matching.match``. Groups are built strongest link first, and
a link is skipped when it would put two records a reviewer marked "distinct" in one group, so
an override is never undone through a third record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import pandas as pd

from alliance.evidence.review.matching import Keys, match
from alliance.evidence.review.records import Record

STRENGTH = {"override": 0, "doi": 1, "pmid": 2, "title": 3}


@dataclass(frozen=True)
class Override:
    """A reviewer's decision that two records are the ``same`` article or ``distinct`` ones."""

    kind: Literal["same", "distinct"]
    first: str
    second: str
    note: str = ""


@dataclass(frozen=True)
class Link:
    """Two records judged the same article, and why."""

    first: str
    second: str
    reason: str


@dataclass(frozen=True)
class DuplicateGroup:
    """Records of one article: the one kept, the others removed, and the links between them."""

    kept: str
    removed: tuple[str, ...]
    links: tuple[Link, ...]

    @property
    def members(self) -> tuple[str, ...]:
        return (self.kept, *self.removed)


@dataclass(frozen=True)
class Deduplication:
    """The outcome of de-duplication: the groups, and the records kept in import order."""

    groups: tuple[DuplicateGroup, ...]
    kept: tuple[str, ...]
    total: int

    @property
    def removed(self) -> int:
        """How many records were removed as duplicates."""
        return self.total - len(self.kept)

    def summary(self) -> str:
        """Counts, then each group: the record kept, those removed and why."""
        lines = [
            f"{self.total} records, {len(self.groups)} duplicate groups, "
            f"{self.removed} removed, {len(self.kept)} unique"
        ]
        for number, group in enumerate(self.groups, start=1):
            reasons = ", ".join(sorted({link.reason for link in group.links}))
            removed = ", ".join(group.removed)
            lines.append(f"  group {number}: keep {group.kept}; remove {removed} ({reasons})")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per record in a group: group, record, kept (bool), reasons."""
        rows = []
        for number, group in enumerate(self.groups, start=1):
            for member in group.members:
                reasons = sorted(
                    {link.reason for link in group.links if member in (link.first, link.second)}
                )
                rows.append(
                    {
                        "group": number,
                        "record": member,
                        "kept": member == group.kept,
                        "reasons": "; ".join(reasons),
                    }
                )
        return pd.DataFrame(rows, columns=["group", "record", "kept", "reasons"])


def deduplicate(records: Sequence[Record], overrides: Iterable[Override] = ()) -> Deduplication:
    """Group duplicate records; keep the most complete record of each group."""
    by_id = {r.id: r for r in records}
    if len(by_id) != len(records):
        raise ValueError("record ids must be unique")
    overrides = list(overrides)
    for override in overrides:
        for record_id in (override.first, override.second):
            if record_id not in by_id:
                raise ValueError(f"override names unknown record {record_id!r}")
    links = _forced_links(overrides) + _candidate_links(records)
    distinct = {frozenset((o.first, o.second)) for o in overrides if o.kind == "distinct"}
    clusters = _cluster([r.id for r in records], links, distinct)
    order = {r.id: n for n, r in enumerate(records)}
    groups = []
    for members in clusters:
        if len(members) < 2:
            continue
        kept = max(members, key=lambda i: (_completeness(by_id[i]), -order[i]))
        inside = tuple(link for link in links if link.first in members and link.second in members)
        removed = tuple(sorted((m for m in members if m != kept), key=order.__getitem__))
        groups.append(DuplicateGroup(kept, removed, inside))
    groups.sort(key=lambda g: order[g.kept])
    dropped = {m for g in groups for m in g.removed}
    kept_ids = tuple(r.id for r in records if r.id not in dropped)
    return Deduplication(tuple(groups), kept_ids, len(records))


def _forced_links(overrides: list[Override]) -> list[Link]:
    pairs = [frozenset((o.first, o.second)) for o in overrides]
    kinds: dict[frozenset[str], set[str]] = defaultdict(set)
    for pair, override in zip(pairs, overrides, strict=True):
        kinds[pair].add(override.kind)
    clash = [sorted(pair) for pair, k in kinds.items() if len(k) > 1]
    if clash:
        raise ValueError(f"records marked both same and distinct: {clash}")
    return [Link(o.first, o.second, "override") for o in overrides if o.kind == "same"]


def _candidate_links(records: Sequence[Record]) -> list[Link]:
    keys = [Keys(r) for r in records]
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        for block in key.blocks():
            blocks[block].append(index)
    pairs = {pair for members in blocks.values() for pair in combinations(members, 2)}
    links = []
    for i, j in sorted(pairs):
        reason = match(keys[i], keys[j])
        if reason is not None:
            links.append(Link(records[i].id, records[j].id, reason))
    return sorted(links, key=lambda link: STRENGTH[link.reason])


def _cluster(ids: list[str], links: list[Link], distinct: set[frozenset[str]]) -> list[set[str]]:
    """Union records link by link, refusing a union that joins two records marked distinct."""
    cluster_of = {i: {i} for i in ids}
    for link in links:
        a, b = cluster_of[link.first], cluster_of[link.second]
        if a is b:
            continue
        if any(frozenset((x, y)) in distinct for x in a for y in b):
            continue
        merged = a | b
        for member in merged:
            cluster_of[member] = merged
    unique = {id(c): c for c in cluster_of.values()}
    return list(unique.values())


def _completeness(record: Record) -> int:
    return sum(
        bool(value)
        for value in (record.doi, record.pmid, record.abstract, record.pages, record.year)
    )


@dataclass(frozen=True)
class PairScores:
    """Precision and recall of predicted duplicate pairs against labelled ones."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    def summary(self) -> str:
        """Precision, recall and the pair counts behind them."""
        return (
            f"precision {self.precision:.3f}, recall {self.recall:.3f} "
            f"({self.true_positives} true, {self.false_positives} false, "
            f"{self.false_negatives} missed duplicate pairs)"
        )


def pair_scores(result: Deduplication, truth: Mapping[str, str]) -> PairScores:
    """Score duplicate pairs against ``truth`` (record id -> labelled cluster)."""
    predicted = {frozenset(p) for g in result.groups for p in combinations(g.members, 2)}
    members: dict[str, list[str]] = defaultdict(list)
    for record_id, cluster in truth.items():
        members[cluster].append(record_id)
    actual = {frozenset(p) for ids in members.values() for p in combinations(ids, 2)}
    return PairScores(len(predicted & actual), len(predicted - actual), len(actual - predicted))
