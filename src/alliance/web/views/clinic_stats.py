"""The clinic overview's numbers, computed from de-identified rows (no name, no code shown).

Each episode contributes its latest alliance check-in total, whether its outcome changed
reliably (Jacobson-Truax, from ``alliance.signals``) on its first outcome measure with an
SEM, and whether it ended in dropout.

No number on the page rests on fewer than ``SMALL_GROUP`` episodes (or visits): a count under
five is hidden (``shown``), and when it is the only one hidden beside a known total, the
next smallest is hidden too, so it cannot be worked out by subtraction; a proportion is shown
only when both its part and the rest are five or more (``proportion``), a median only over
five or more values; groups (conditions, therapists) under five are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from alliance import instruments, signals
from alliance.web.views.chart_data import ALLIANCE, INFLUENCES

SMALL_GROUP = 5
ALLIANCE_BINS = list(range(11))
BAR_HEIGHT = 120
CATEGORIES = ("recovered", "improved", "unchanged", "deteriorated")


@dataclass(frozen=True)
class Group:
    """One row of a breakdown: a condition (or a therapist, when the admin allows it)."""

    name: str
    episodes: int | None
    median_alliance: float | None
    improved: float | None
    dropout: float | None


def episode_table(episodes: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """One row per episode: its group columns, latest alliance, reliable improvement, dropout.

    ``episodes``: episode, condition, therapist, discharged, dropout.
    ``scores``: episode, visit, instrument, scale, score.
    """
    table = episodes.set_index("episode")
    alliance = scores[(scores["instrument"] == "checkin") & (scores["scale"] == "total")]
    latest = alliance.sort_values("visit").groupby("episode")["score"].last()
    table["alliance"] = latest.reindex(table.index)
    table["improved"] = _improved(scores).reindex(table.index)
    return table.reset_index()


def outcome_changes(scores: pd.DataFrame) -> pd.DataFrame:
    """Reliable change from first to latest total of every outcome measured twice in an
    episode: one row per episode and instrument, with its category."""
    outcomes = scores[
        ~scores["instrument"].isin([*ALLIANCE, *INFLUENCES]) & (scores["scale"] == "total")
    ]
    if outcomes.empty:
        return pd.DataFrame(columns=["series", "instrument", "category"])
    tidy = outcomes.assign(patient=outcomes["episode"].astype(str), episode_id=outcomes["episode"])
    changes = signals.reliable_changes(signals.prepare(tidy), signals.SignalParameters())
    return changes[changes["latest_visit"] > changes["first_visit"]]


def shown(counts: list[int]) -> list[int | None]:
    """``counts`` (the parts of one total) with every count under ``SMALL_GROUP`` hidden
    (None); a count hidden alone beside others hides the smallest other too."""
    out: list[int | None] = [c if c >= SMALL_GROUP else None for c in counts]
    if out.count(None) == 1 and len(out) > 1:
        visible = [i for i, c in enumerate(out) if c is not None]
        out[min(visible, key=lambda i: counts[i])] = None
    return out


def proportion(part: int, whole: int) -> float | None:
    """``part / whole`` when both the part and the rest are at least ``SMALL_GROUP``."""
    if None in shown([part, whole - part]):
        return None
    return part / whole


def outcome_distribution(changes: pd.DataFrame) -> list[dict[str, Any]]:
    """Per outcome instrument measured twice in at least ``SMALL_GROUP`` episodes: the shares
    of episodes that recovered, improved, stayed or worsened (``CATEGORIES``; small ones
    hidden)."""
    rows = []
    for instrument, group in changes.groupby("instrument"):
        total = len(group)
        if total < SMALL_GROUP:
            continue
        counts = group["category"].value_counts()
        parts = shown([int(counts.get(c, 0)) for c in CATEGORIES])
        rows.append(
            {
                "instrument": instruments.load(str(instrument)).abbreviation,
                "episodes": total,
                "shares": [None if n is None else n / total for n in parts],
            }
        )
    return sorted(rows, key=lambda r: -int(r["episodes"]))


def _improved(scores: pd.DataFrame) -> pd.Series:
    changes = outcome_changes(scores)
    if changes.empty:
        return pd.Series(dtype=float)
    first = changes.sort_values(["series", "instrument"]).groupby("series").first()
    better = first["category"].isin(["improved", "recovered"]).astype(float)
    better.index = better.index.astype(type(scores["episode"].iloc[0]))
    return better


def alliance_histogram(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Episodes by their latest check-in total, in whole points 0-10; a hidden bin has no bar."""
    values = table["alliance"].dropna().round().astype(int)
    counts = shown([int((values == b).sum()) for b in ALLIANCE_BINS])
    top = max([c for c in counts if c is not None] + [1])
    bars = []
    for b, count in zip(ALLIANCE_BINS, counts, strict=True):
        height = round((count or 0) / top * BAR_HEIGHT)
        bars.append({"bin": b, "count": count, "x": 4 + 40 * b, "y": 140 - height, "h": height})
    return bars


def breakdown(table: pd.DataFrame, column: str) -> list[Group]:
    """The groups of ``column`` whose episode count ``shown`` keeps, largest first."""
    groups = list(table.groupby(column))
    kept = shown([len(rows) for _, rows in groups])
    rows_kept = [(name, rows) for (name, rows), n in zip(groups, kept, strict=True) if n]
    return sorted((summary_row(str(n), r) for n, r in rows_kept), key=lambda g: -(g.episodes or 0))


def summary_row(name: str, rows: pd.DataFrame) -> Group:
    """The numbers of one group of episodes, each hidden when it rests on fewer than five."""
    discharged = rows[rows["discharged"]]
    alliance = rows["alliance"].dropna()
    measured = rows["improved"].dropna()
    return Group(
        name=name,
        episodes=len(rows) if len(rows) >= SMALL_GROUP else None,
        median_alliance=float(alliance.median()) if len(alliance) >= SMALL_GROUP else None,
        improved=proportion(int(measured.sum()), len(measured)),
        dropout=proportion(int(discharged["dropout"].sum()), len(discharged)),
    )
