"""The tables a research export is made from: pseudonymous keys, days since intake, no dates.

``ResearchTables`` is what ``deidentify.deidentify`` returns (or, for an identifiable export,
``deidentify.identifiable``): one row per episode with its covariates, one per visit, one per
administration per instrument, and the tidy long scores. ``wide`` turns them into one row per
episode and visit with a column per scale and per item.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from alliance import instruments

RESEARCH_KEYS = ["subject", "clinic", "therapist", "episode", "visit", "day"]
"""Who, where and when in a research table: pseudonyms and days since intake."""
EPISODE_COLUMNS = [
    "subject", "clinic", "therapist", "episode", "sex", "age", "condition", "body_region",
    "setting", "treatment", "alliance_arm", "planned_visits", "attended_visits",
    "discharge_reason", "length_days",
]  # fmt: skip
CATEGORIES = (
    "sex", "condition", "body_region", "setting", "treatment", "alliance_arm",
    "discharge_reason", "status",
)  # fmt: skip
"""The text columns of a research export: categories, never free text."""
DOES_NOT_APPLY_VALUE = -9.0
""""Does not apply" in a research file's item column (a declared missing value in SPSS)."""


@dataclass(frozen=True)
class ResearchTables:
    """Episodes, visits, answers and scores ready for research files."""

    episodes: pd.DataFrame
    visits: pd.DataFrame
    answers: dict[str, pd.DataFrame]
    scores: pd.DataFrame
    identifiable: bool = False

    def summary(self) -> str:
        """Counts, and whether the tables are de-identified."""
        kind = "identifiable" if self.identifiable else "de-identified"
        return (
            f"{kind}: {len(self.episodes)} episodes, {len(self.visits)} visits, "
            f"{len(self.scores)} scores of {self.scores['instrument'].nunique()} instruments"
        )


def wide(tables: ResearchTables) -> pd.DataFrame:
    """One row per episode and visit: covariates, ``<instrument>_<scale>``, ``<instrument>_<item>``.

    Item answers are numbers; "does not apply" is ``DOES_NOT_APPLY_VALUE``.
    """
    keys = ["episode", "visit"]
    rows = _visit_rows(tables)
    columns = [rows]
    for instrument, frame in tables.answers.items():
        definition = instruments.load(instrument)
        scored = tables.scores[tables.scores["instrument"] == instrument]
        scales = scored.pivot_table(
            index=keys, columns="scale", values="score", aggfunc="first", sort=False
        )
        scales = scales.reindex(columns=[s.id for s in definition.scales if s.id in scales])
        scales.columns = [f"{instrument}_{scale}" for scale in scales.columns]
        items = frame.set_index(keys)[[item.id for item in definition.items]]
        items = items.apply(_numeric_answers)
        items.columns = [f"{instrument}_{item}" for item in items.columns]
        columns += [scales, items]
    joined = pd.concat(columns, axis=1, join="outer").reset_index()
    covariates = tables.episodes.drop(columns=["subject", "clinic", "therapist"], errors="ignore")
    merged = joined.merge(covariates, on="episode", how="left", validate="many_to_one")
    front = ["subject", "clinic", "therapist", "episode", "visit", "day", "status"]
    ordered = [c for c in front if c in merged] + [c for c in covariates if c != "episode"]
    rest = [c for c in merged if c not in ordered]
    return merged[ordered + rest].sort_values(keys, kind="stable").reset_index(drop=True)


def _visit_rows(tables: ResearchTables) -> pd.DataFrame:
    """Every visit of the visits table, plus any visit that only the answers mention."""
    keys = ["subject", "clinic", "therapist", "episode", "visit", "day"]
    seen = [frame[keys] for frame in tables.answers.values()]
    administered = pd.concat(seen).drop_duplicates(["episode", "visit"]) if seen else None
    if tables.visits.empty:
        assert administered is not None
        return administered.set_index(["episode", "visit"])
    visits = tables.visits.merge(
        tables.episodes[["episode", "subject", "clinic", "therapist"]], on="episode", how="left"
    )
    if administered is not None:
        extra = administered.merge(visits[["episode", "visit"]], how="left", indicator=True)
        visits = pd.concat([visits, extra[extra["_merge"] == "left_only"].drop(columns="_merge")])
    return visits.set_index(["episode", "visit"])


def _numeric_answers(column: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(column):
        return column.astype("float64")
    text = column.astype("string").str.strip().str.upper()
    numbers = pd.to_numeric(column.where(text != "NA"), errors="coerce").astype("float64")
    return numbers.where(text != "NA", DOES_NOT_APPLY_VALUE)
