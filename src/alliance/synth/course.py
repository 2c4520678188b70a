"""The course of each episode visit by visit: attendance, dates and the latent state.

Arrays are (episodes x visits) with visit k in column k - 1; visits past an episode's end are
masked. A dropout's first missing visit is recorded as missed and nothing follows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from alliance.synth.config import SynthConfig

ATTENDED, MISSED, CANCELLED = "attended", "missed", "cancelled"
RECOVERY_PACE = 3.0
"""Visits over which about two thirds of an episode's recovery happens (assumption)."""


@dataclass(frozen=True)
class Course:
    """Per-visit arrays for a block of episodes (rows) and visits (columns)."""

    exists: NDArray[np.bool_]
    attended: NDArray[np.bool_]
    status: NDArray[np.object_]
    day: NDArray[np.int64]
    alliance: NDArray[np.float64]
    goal: NDArray[np.float64]
    task: NDArray[np.float64]
    bond: NDArray[np.float64]
    pain: NDArray[np.float64]
    disability: NDArray[np.float64]
    last_visit: NDArray[np.int64]
    dropped: NDArray[np.bool_]

    @property
    def discharge(self) -> NDArray[np.bool_]:
        """The discharge visit: the last visit of each episode that ended as planned."""
        ends = np.zeros_like(self.exists)
        rows = np.flatnonzero(~self.dropped)
        ends[rows, self.last_visit[rows] - 1] = True
        return ends


def follow_course(config: SynthConfig, episodes: pd.DataFrame, rng: np.random.Generator) -> Course:
    """Simulate every planned visit of every episode."""
    n = len(episodes)
    width = config.visits_max
    visit = np.arange(1, width + 1)[None, :]
    planned = episodes["planned_visits"].to_numpy()[:, None]
    dropout_visit = episodes["dropout_visit"].to_numpy()[:, None]
    dropped = episodes["dropout"].to_numpy()[:, None]
    last = np.where(dropped, np.minimum(dropout_visit, planned), planned)
    exists = visit <= last

    adherence = episodes["adherence"].to_numpy()[:, None]
    cancelled = rng.random((n, width)) < config.cancel_rate
    missed = rng.random((n, width)) < _miss_probability(config.miss_rate, adherence)
    final = visit == planned
    status = np.where(cancelled, CANCELLED, np.where(missed, MISSED, ATTENDED)).astype(object)
    status[:, 0] = ATTENDED
    status[final & ~dropped] = ATTENDED
    status[dropped & (visit == dropout_visit)] = MISSED
    status[~exists] = None
    attended = status == ATTENDED

    gaps = np.clip(np.round(rng.normal(7, 1.5, (n, width))), 3, 14).astype(np.int64)
    gaps[:, 0] = 0
    day = np.cumsum(gaps, axis=1)

    progress = (visit - 1) / np.maximum(planned - 1, 1)
    dip = _rupture_dip(config, episodes, visit)
    drift = config.alliance_growth * progress
    noise = config.visit_alliance_sd
    alliance = episodes["alliance"].to_numpy()[:, None] + drift - dip
    alliance = alliance + noise * rng.standard_normal((n, width))
    subscales = {
        name: episodes[name].to_numpy()[:, None]
        + drift
        - dip
        + noise * rng.standard_normal((n, width))
        for name in ("goal", "task", "bond")
    }

    recovered = episodes["recovery"].to_numpy()[:, None] * _recovery_curve(visit, planned)
    severity = episodes["severity"].to_numpy()[:, None]
    pain0 = np.clip(0.6 + 0.15 * severity, 0.1, 1.0)
    disability0 = np.clip(0.38 + 0.12 * severity, 0.05, 0.9)
    pain = np.clip(pain0 * (1 - recovered) + 0.05 * rng.standard_normal((n, width)), 0, 1)
    disability = np.clip(
        disability0 * (1 - recovered) + 0.03 * rng.standard_normal((n, width)), 0, 1
    )
    return Course(
        exists=exists,
        attended=attended,
        status=status,
        day=day,
        alliance=alliance,
        goal=subscales["goal"],
        task=subscales["task"],
        bond=subscales["bond"],
        pain=pain,
        disability=disability,
        last_visit=last[:, 0].astype(np.int64),
        dropped=dropped[:, 0].astype(bool),
    )


def _miss_probability(base: float, adherence: NDArray[np.float64]) -> NDArray[np.float64]:
    """Missed visits are likelier with low adherence: odds halve per SD of adherence."""
    odds = base / (1 - base) * np.exp(-np.log(2) * adherence)
    probability: NDArray[np.float64] = odds / (1 + odds)
    return probability


def _rupture_dip(
    config: SynthConfig, episodes: pd.DataFrame, visit: NDArray[np.int64]
) -> NDArray[np.float64]:
    """The alliance lost to a rupture at each visit: the full drop, then partly repaired."""
    at = episodes["rupture_visit"].to_numpy()[:, None]
    since = visit - at
    remaining = (1 - config.rupture_repair) ** np.clip(since, 0, None)
    ruptured = episodes["rupture"].to_numpy()[:, None] & (since >= 0)
    dip: NDArray[np.float64] = np.where(ruptured, config.rupture_size * remaining, 0.0)
    return dip


def _recovery_curve(visit: NDArray[np.int64], planned: NDArray[np.int64]) -> NDArray[np.float64]:
    """Share of the final recovery reached by each visit: 0 at intake, 1 at the planned end."""
    reached = 1 - np.exp(-(visit - 1) / RECOVERY_PACE)
    full = 1 - np.exp(-(np.maximum(planned, 2) - 1) / RECOVERY_PACE)
    share: NDArray[np.float64] = np.clip(reached / full, 0, 1)
    return share
