"""The clinic overview's numbers, computed from de-identified rows (no name, no code shown).

Each episode contributes its latest alliance check-in total, whether its outcome changed
reliably (Jacobson-Truax, from ``alliance.signals``) on its first outcome measure with an
SEM, and whether it ended in dropout. Groups smaller than ``SMALL_GROUP`` are not broken
down, so a rare condition cannot point at one patient.
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
    episodes: int
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


def outcome_distribution(changes: pd.DataFrame) -> list[dict[str, Any]]:
    """Per outcome instrument: how many episodes recovered, improved, stayed or worsened."""
    rows = []
    for instrument, group in changes.groupby("instrument"):
        counts = group["category"].value_counts()
        total = len(group)
        rows.append(
            {
                "instrument": instruments.load(str(instrument)).abbreviation,
                "episodes": total,
                **{c: int(counts.get(c, 0)) / total for c in CATEGORIES},
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
    """Episodes by their latest check-in total, in whole points 0-10."""
    values = table["alliance"].dropna().round().astype(int)
    counts = values.value_counts()
    top = max(int(counts.max()) if len(counts) else 0, 1)
    bars = []
    for b in ALLIANCE_BINS:
        height = round(int(counts.get(b, 0)) / top * BAR_HEIGHT)
        bars.append(
            {
                "bin": b,
                "count": int(counts.get(b, 0)),
                "x": 4 + 40 * b,
                "y": 140 - height,
                "h": height,
            }
        )
    return bars


def breakdown(table: pd.DataFrame, column: str) -> list[Group]:
    """The groups of ``column`` with at least ``SMALL_GROUP`` episodes, largest first."""
    groups = []
    for name, rows in table.groupby(column):
        if len(rows) < SMALL_GROUP:
            continue
        groups.append(summary_row(str(name), rows))
    return sorted(groups, key=lambda g: -g.episodes)


def summary_row(name: str, rows: pd.DataFrame) -> Group:
    """The numbers of one group of episodes."""
    discharged = rows[rows["discharged"]]
    return Group(
        name=name,
        episodes=len(rows),
        median_alliance=_maybe(rows["alliance"].median()),
        improved=_maybe(rows["improved"].mean()),
        dropout=_maybe(discharged["dropout"].mean()) if len(discharged) else None,
    )


def _maybe(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)
