"""Putting a synthetic clinic together: the tables the rest of Alliance reads, plus the truth.

Tables (pandas DataFrames):

- ``patients``: patient_id, clinic_id, age, sex
- ``episodes``: episode_id, patient_id, clinic_id, therapist_id, condition, body_region,
  setting, treatment, alliance_arm, start_date, end_date, planned_visits, attended_visits,
  discharge_reason (goals met, mutual agreement, dropout)
- ``visits``: episode_id, visit, date, status (attended, missed, cancelled)
- ``answers``: per instrument, one row per administration: clinic_id, therapist_id,
  patient_id, episode_id, visit, date, q1..qN (blank = missing)
- ``scores``: the tidy long table, one row per patient, episode, visit, instrument and scale:
  clinic_id, therapist_id, patient_id, episode_id, visit, date, instrument, scale, score
- ``truth_episodes``: the latent causes and effects of each episode, true ruptures,
  not-on-track episodes and dropouts; ``truth_visits``: the latent state at each visit;
  ``targets``: per instrument, the intended step total of each item group
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliance import instruments
from alliance.synth.config import SynthConfig
from alliance.synth.course import ATTENDED, Course, follow_course
from alliance.synth.episodes import generate_episodes
from alliance.synth.protocol import administer

PUBLIC_EPISODE_COLUMNS = [
    "episode_id", "patient_id", "clinic_id", "therapist_id", "condition", "body_region",
    "setting", "treatment", "alliance_arm", "start_date", "end_date", "planned_visits",
    "attended_visits", "discharge_reason",
]  # fmt: skip
TRUTH_EPISODE_COLUMNS = [
    "episode_id", "severity", "injustice", "anger", "trust", "catastrophising",
    "individualised_plan", "treated", "enhanced", "alliance", "goal", "task", "bond",
    "adherence", "outcome", "recovery", "not_on_track", "rupture", "rupture_visit",
    "dropout", "dropout_visit",
]  # fmt: skip
GOALS_MET_RECOVERY = 0.5
"""Episodes that end as planned are "goals met" when at least half the deficit is recovered."""


@dataclass(frozen=True)
class Cohort:
    """A synthetic clinic's data and its ground truth (see the module docstring)."""

    patients: pd.DataFrame
    episodes: pd.DataFrame
    visits: pd.DataFrame
    answers: dict[str, pd.DataFrame]
    scores: pd.DataFrame
    truth_episodes: pd.DataFrame
    truth_visits: pd.DataFrame
    targets: dict[str, pd.DataFrame]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by file name: the fixed tables, then answers_<id> and targets_<id>."""
        named = {
            "patients": self.patients,
            "episodes": self.episodes,
            "visits": self.visits,
            "scores": self.scores,
            "truth_episodes": self.truth_episodes,
            "truth_visits": self.truth_visits,
        }
        named |= {f"answers_{key}": frame for key, frame in self.answers.items()}
        named |= {f"targets_{key}": frame for key, frame in self.targets.items()}
        return named


def generate(config: SynthConfig | None = None) -> Cohort:
    """Generate the whole cohort in memory (chunk by chunk, then joined)."""
    return concat(list(stream(config or SynthConfig())))


def stream(config: SynthConfig) -> Iterator[Cohort]:
    """Generate the cohort ``config.chunk_episodes`` episodes at a time.

    Each chunk has its own random stream derived from (seed, chunk number), so the output
    depends only on the config, never on how it is consumed.
    """
    for index, first in enumerate(range(0, config.patients, config.chunk_episodes)):
        count = min(config.chunk_episodes, config.patients - first)
        rng = np.random.default_rng(np.random.SeedSequence([config.seed, 1, index]))
        yield _chunk(config, rng, first + 1, count)


def concat(chunks: list[Cohort]) -> Cohort:
    """Join chunks of one cohort into one."""
    first = chunks[0]

    def join(frames: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat(frames, ignore_index=True)

    return Cohort(
        patients=join([c.patients for c in chunks]),
        episodes=join([c.episodes for c in chunks]),
        visits=join([c.visits for c in chunks]),
        answers={k: join([c.answers[k] for c in chunks]) for k in first.answers},
        scores=join([c.scores for c in chunks]),
        truth_episodes=join([c.truth_episodes for c in chunks]),
        truth_visits=join([c.truth_visits for c in chunks]),
        targets={k: join([c.targets[k] for c in chunks]) for k in first.targets},
    )


def _chunk(config: SynthConfig, rng: np.random.Generator, first: int, count: int) -> Cohort:
    episodes = generate_episodes(config, rng, first, count)
    course = follow_course(config, episodes, rng)
    given = administer(episodes, course, rng, config.missing_item_rate)
    answers = {key: admin.answers for key, admin in given.items()}
    public = _public_episodes(episodes, course)
    return Cohort(
        patients=episodes[["patient_id", "clinic_id", "age", "sex"]].copy(),
        episodes=public,
        visits=_visits(episodes, course),
        answers=answers,
        scores=pd.concat([_tidy(key, frame) for key, frame in answers.items()], ignore_index=True),
        truth_episodes=episodes[TRUTH_EPISODE_COLUMNS].copy(),
        truth_visits=_truth_visits(episodes, course),
        targets={key: admin.targets for key, admin in given.items()},
    )


def _public_episodes(episodes: pd.DataFrame, course: Course) -> pd.DataFrame:
    rows = np.arange(len(episodes))
    last_day = course.day[rows, course.last_visit - 1]
    reason = np.where(
        episodes["dropout"],
        "dropout",
        np.where(episodes["recovery"] >= GOALS_MET_RECOVERY, "goals met", "mutual agreement"),
    )
    return episodes.assign(
        end_date=episodes["start_date"] + pd.to_timedelta(last_day, unit="D"),
        attended_visits=course.attended.sum(axis=1),
        discharge_reason=reason,
    )[PUBLIC_EPISODE_COLUMNS]


def _visits(episodes: pd.DataFrame, course: Course) -> pd.DataFrame:
    rows, columns = np.nonzero(course.exists)
    start = episodes["start_date"].to_numpy()[rows]
    return pd.DataFrame(
        {
            "episode_id": episodes["episode_id"].to_numpy()[rows],
            "visit": columns + 1,
            "date": start + pd.to_timedelta(course.day[rows, columns], unit="D").to_numpy(),
            "status": course.status[rows, columns].astype(str),
        }
    )


def _truth_visits(episodes: pd.DataFrame, course: Course) -> pd.DataFrame:
    rows, columns = np.nonzero(course.exists)
    latent = {
        name: getattr(course, name)[rows, columns]
        for name in ("alliance", "goal", "task", "bond", "pain", "disability")
    }
    return pd.DataFrame(
        {
            "episode_id": episodes["episode_id"].to_numpy()[rows],
            "visit": columns + 1,
            "attended": course.status[rows, columns] == ATTENDED,
            **latent,
        }
    )


def _tidy(instrument: str, answers: pd.DataFrame) -> pd.DataFrame:
    """Score one instrument's answers and melt them to one row per scale."""
    definition = instruments.load(instrument)
    items = [item.id for item in definition.items]
    scored = instruments.score(definition, answers[items])
    keys = answers[["clinic_id", "therapist_id", "patient_id", "episode_id", "visit", "date"]]
    parts = []
    for scale in definition.scales:
        values = scored[scale.id].to_numpy()
        present = ~np.isnan(values)
        parts.append(
            keys[present].assign(instrument=instrument, scale=scale.id, score=values[present])
        )
    tidy: pd.DataFrame = pd.concat(parts, ignore_index=True)
    return tidy
