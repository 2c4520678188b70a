"""The assessment protocol of the synthetic clinic, and the administrations it produces.

Default protocol (per attended visit): the brief check-in and the pain rating every visit;
the WAI-SR at visit 2 (or 3 if 2 was not attended) and at discharge; the region-specific
disability measure at intake, every second visit (about fortnightly) and at discharge; PSFS at
intake and discharge; IEQ and PCS at intake; EARS at visit 4 and discharge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import ndtr

from alliance import instruments
from alliance.synth.course import Course
from alliance.synth.responses import answers_for_group

Mask = NDArray[np.bool_]


@dataclass(frozen=True)
class Group:
    """Items answered from one latent value.

    ``latent`` names a per-visit array of the course or an episode column. Latents already on
    a 0-1 scale (pain, disability) are used as the share of the range (``invert`` for measures
    where higher is better); standard-normal latents become Phi(centre + slope x z).
    """

    scale: str
    items: tuple[str, ...]
    latent: str
    centre: float = 0.0
    slope: float = 0.6
    invert: bool = False


def _qs(first: int, last: int) -> tuple[str, ...]:
    return tuple(f"q{n}" for n in range(first, last + 1))


GROUPS: dict[str, tuple[Group, ...]] = {
    "checkin": (
        Group("goal", ("q1",), "goal", 0.9),
        Group("task", ("q2",), "task", 0.9),
        Group("bond", ("q3",), "bond", 0.9),
        Group("overall", ("q4",), "alliance", 0.9),
    ),
    "wai_sr": (
        Group("task", ("q1", "q2", "q10", "q12"), "task", 0.7),
        Group("bond", ("q3", "q5", "q7", "q9"), "bond", 0.7),
        Group("goal", ("q4", "q6", "q8", "q11"), "goal", 0.7),
    ),
    "nprs": (Group("total", ("q1",), "pain"),),
    "odi": (Group("total", _qs(1, 10), "disability"),),
    "ndi": (Group("total", _qs(1, 10), "disability"),),
    "quickdash": (Group("total", _qs(1, 11), "disability"),),
    "lefs": (Group("total", _qs(1, 20), "disability", invert=True),),
    "psfs": (Group("total", _qs(1, 3), "disability", invert=True),),
    "ieq": (Group("total", _qs(1, 12), "injustice", -0.25),),
    "pcs": (
        Group("rumination", _qs(8, 11), "catastrophising", -0.4),
        Group("magnification", ("q6", "q7", "q13"), "catastrophising", -0.4),
        Group("helplessness", ("q1", "q2", "q3", "q4", "q5", "q12"), "catastrophising", -0.4),
    ),
    "ears": (Group("total", _qs(1, 6), "adherence", 0.4),),
}
"""How each scheduled instrument's items are generated; ``centre`` sets the typical level."""

REGIONAL = ("odi", "ndi", "quickdash", "lefs")


def _when(course: Course) -> dict[str, Mask]:
    """The visits (episodes x visits) at which each instrument is given."""
    visit = np.arange(1, course.exists.shape[1] + 1)[None, :]
    attended, discharge = course.attended, course.discharge
    first_two_or_three = attended & (visit == 2)
    first_two_or_three |= attended & (visit == 3) & ~attended[:, [1]]
    intake = attended & (visit == 1)
    return {
        "checkin": attended,
        "nprs": attended,
        "wai_sr": first_two_or_three | discharge,
        "regional": attended & ((visit % 2 == 1) | discharge),
        "psfs": intake | discharge,
        "ieq": intake,
        "pcs": intake,
        "ears": attended & ((visit == 4) | discharge),
    }


@dataclass(frozen=True)
class Administrations:
    """One instrument's answers (one row per administration) and the intended step totals."""

    answers: pd.DataFrame
    targets: pd.DataFrame


def administer(
    episodes: pd.DataFrame, course: Course, rng: np.random.Generator, missing_rate: float
) -> dict[str, Administrations]:
    """Answer every scheduled instrument at every visit it is due."""
    when = _when(course)
    regional = episodes["disability_instrument"].to_numpy()[:, None]
    result = {}
    for instrument, groups in GROUPS.items():
        mask = (
            (when["regional"] & (regional == instrument))
            if instrument in REGIONAL
            else when[instrument]
        )
        rows, columns = np.nonzero(mask)
        latent = _latents(episodes, course, rows, columns)
        result[instrument] = _answer(
            instrument, groups, episodes, course, rows, columns, latent, rng, missing_rate
        )
    return result


def _latents(
    episodes: pd.DataFrame, course: Course, rows: NDArray[np.intp], columns: NDArray[np.intp]
) -> Callable[[str], NDArray[np.float64]]:
    def value(name: str) -> NDArray[np.float64]:
        if hasattr(course, name):
            array: NDArray[np.float64] = getattr(course, name)
            return array[rows, columns]
        return episodes[name].to_numpy(dtype=float)[rows]

    return value


def _answer(
    instrument: str,
    groups: tuple[Group, ...],
    episodes: pd.DataFrame,
    course: Course,
    rows: NDArray[np.intp],
    columns: NDArray[np.intp],
    latent: Callable[[str], NDArray[np.float64]],
    rng: np.random.Generator,
    missing_rate: float,
) -> Administrations:
    definition = instruments.load(instrument)
    values = np.full((len(rows), len(definition.items)), np.nan)
    targets = {}
    for group in groups:
        z = latent(group.latent)
        if group.latent in ("pain", "disability"):
            share = 1 - z if group.invert else z
        else:
            share = ndtr(group.centre + group.slope * z)
        answers, target = answers_for_group(rng, definition, list(group.items), share)
        for j, item_id in enumerate(group.items):
            values[:, int(item_id[1:]) - 1] = answers[:, j]
        targets[group.scale] = target
    if missing_rate > 0:
        values[rng.random(values.shape) < missing_rate] = np.nan
    start = episodes["start_date"].to_numpy()[rows]
    ids = episodes.iloc[rows]
    frame = pd.DataFrame(
        {
            "clinic_id": ids["clinic_id"].to_numpy(),
            "therapist_id": ids["therapist_id"].to_numpy(),
            "patient_id": ids["patient_id"].to_numpy(),
            "episode_id": ids["episode_id"].to_numpy(),
            "visit": columns + 1,
            "date": start + pd.to_timedelta(course.day[rows, columns], unit="D").to_numpy(),
        }
    )
    answers_frame = pd.concat(
        [frame, pd.DataFrame(values, columns=[item.id for item in definition.items])], axis=1
    )
    target_frame = frame[["episode_id", "visit"]].assign(**targets)
    return Administrations(answers_frame, target_frame)
