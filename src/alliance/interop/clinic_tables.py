"""The clinic's data as tables: the shape ``alliance.synth`` generates and the clinic exports.

- ``patients``: patient_id, clinic_id, age, sex (and, in a clinic, whatever else it holds)
- ``episodes``: episode_id, patient_id, clinic_id, therapist_id, condition, body_region,
  setting, treatment, alliance_arm, start_date, end_date, planned_visits, attended_visits,
  discharge_reason
- ``visits``: episode_id, visit, date, status
- ``answers``: per instrument, one row per administration: the ``KEYS`` and q1..qN
  (blank = missing, ``NA`` = does not apply)
- ``scores``: the tidy long table: the ``KEYS``, instrument, scale, score

Reading a folder of these tables (CSV or Parquet, as ``alliance synth`` writes them) gives
every column its proper type back: identifiers as text, visits as integers, dates as dates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from alliance.interop.output_files import new_folder
from alliance.safe_csv import restore_frame, write_frame
from alliance.synth import Cohort

KEYS = ["clinic_id", "therapist_id", "patient_id", "episode_id", "visit", "date"]
"""The columns that say whose assessment it was, where, and when."""
SCORE_COLUMNS = [*KEYS, "instrument", "scale", "score"]
ID_COLUMNS = ("clinic_id", "therapist_id", "patient_id", "episode_id")
DATE_COLUMNS = ("date", "start_date", "end_date")
INTEGER_COLUMNS = ("visit", "age", "planned_visits", "attended_visits")


@dataclass(frozen=True)
class ClinicTables:
    """A clinic's (or a synthetic clinic's) patients, episodes, visits, answers and scores."""

    answers: dict[str, pd.DataFrame]
    scores: pd.DataFrame
    patients: pd.DataFrame = field(default_factory=pd.DataFrame)
    episodes: pd.DataFrame = field(default_factory=pd.DataFrame)
    visits: pd.DataFrame = field(default_factory=pd.DataFrame)

    @classmethod
    def from_cohort(cls, cohort: Cohort) -> ClinicTables:
        """The public tables of a synthetic cohort (its ground truth left out)."""
        return cls(
            answers=dict(cohort.answers),
            scores=cohort.scores,
            patients=cohort.patients,
            episodes=cohort.episodes,
            visits=cohort.visits,
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every non-empty table by file name (``answers_<instrument>`` for answers)."""
        named = {
            "patients": self.patients,
            "episodes": self.episodes,
            "visits": self.visits,
            "scores": self.scores,
        }
        named |= {f"answers_{key}": frame for key, frame in self.answers.items()}
        return {name: frame for name, frame in named.items() if not frame.empty}

    def summary(self) -> str:
        """Counts of what the tables hold."""
        administrations = sum(len(frame) for frame in self.answers.values())
        return (
            f"{len(self.patients)} patients, {len(self.episodes)} episodes, "
            f"{administrations} administrations of {len(self.answers)} instruments, "
            f"{len(self.scores)} scores"
        )


def read_tables(folder: Path) -> ClinicTables:
    """Read a folder of tables written by ``alliance synth`` (CSV or Parquet)."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    frames: dict[str, pd.DataFrame] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix in (".csv", ".parquet") and not path.name.startswith("."):
            frames[path.stem] = typed(_read(path))
    if "scores" not in frames:
        raise FileNotFoundError(f"{folder} holds no scores.csv or scores.parquet")
    return ClinicTables(
        answers={
            name.removeprefix("answers_"): frame
            for name, frame in frames.items()
            if name.startswith("answers_")
        },
        scores=frames["scores"],
        patients=frames.get("patients", pd.DataFrame()),
        episodes=frames.get("episodes", pd.DataFrame()),
        visits=frames.get("visits", pd.DataFrame()),
    )


def write_tables(tables: ClinicTables, folder: Path, file_format: str = "csv") -> list[Path]:
    """Write every table to a new ``folder`` (CSV or Parquet), all or nothing."""
    if file_format not in ("csv", "parquet"):
        raise ValueError(f"unknown table format {file_format!r} (csv or parquet)")
    written = []
    with new_folder(folder) as partial:
        for name, frame in tables.tables().items():
            path = partial / f"{name}.{file_format}"
            if file_format == "csv":
                write_frame(frame, path, index=False, date_format="%Y-%m-%d")
            else:
                frame.to_parquet(path, index=False)
            written.append(folder / path.name)
    return written


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Give the known columns their types: identifiers text, counts integers, dates dates."""
    typed_frame = frame.copy()
    for column in typed_frame.columns:
        if column in ID_COLUMNS:
            typed_frame[column] = typed_frame[column].astype("str")
        elif column in DATE_COLUMNS:
            typed_frame[column] = pd.to_datetime(typed_frame[column]).astype("datetime64[us]")
        elif column in INTEGER_COLUMNS:
            typed_frame[column] = typed_frame[column].astype("int64")
    return typed_frame


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return restore_frame(pd.read_csv(path, keep_default_na=False, na_values=[""]))
