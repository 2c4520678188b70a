"""Every feedback rule's parameters, in one place, with their defaults and where they come from.

A clinic may change any of them (``SignalParameters(**overrides)``); the defaults are cited,
or marked as the project's provisional choice where no published value exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Self, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, model_validator

from alliance import instruments


class Watched(BaseModel):
    """One alliance scale watched for ruptures."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    instrument: str
    scale: str
    drop: float | None = Field(
        default=None,
        gt=0,
        description="Drop that counts as a rupture when the scale has no SEM (points).",
    )
    any_drop: bool = Field(default=False, description="Flag every drop (visual-analogue use).")


class Influence(BaseModel):
    """An intake influence flagged above a published cut-off of its instrument."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    instrument: str
    scale: str = "total"
    cutoff: str = Field(description="The label of the cut-off in the instrument definition.")


CHECKIN_DROP = 3.0
"""A 3-point fall on a 0-10 check-in item, 1.5 on the check-in's mean: the project's
provisional rule (the check-in is not validated, so it has no SEM); on synthetic clinics it
separates ruptures from visit noise (see bench/bench_signals.py)."""

DEFAULT_WATCHED = (
    Watched(instrument="checkin", scale="goal", drop=CHECKIN_DROP),
    Watched(instrument="checkin", scale="task", drop=CHECKIN_DROP),
    Watched(instrument="checkin", scale="bond", drop=CHECKIN_DROP),
    Watched(instrument="checkin", scale="total", drop=1.5),
    Watched(instrument="srs", scale="total", drop=1.0),
    Watched(instrument="wai_sr", scale="total", drop=6.0),
    Watched(instrument="wai_sr", scale="goal", drop=3.0),
    Watched(instrument="wai_sr", scale="task", drop=3.0),
    Watched(instrument="wai_sr", scale="bond", drop=3.0),
)
"""SRS: a fall of 1 point or more is the PCOMS alert rule (reference/outcome-systems.md).
WAI-SR: no published SEM; 6 points on the total, 3 on a subscale, are provisional."""

DEFAULT_INFLUENCES = (
    Influence(instrument="ieq", cutoff="high perceived injustice (manual reference value)"),
    Influence(instrument="pcs", cutoff="clinically relevant catastrophizing"),
    Influence(instrument="tsk_17", cutoff="high kinesiophobia"),
)


class SignalParameters(BaseModel):
    """The knobs of every signal."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reliable_z: float = Field(
        default=1.96, gt=0, description="Jacobson & Truax 1991: |RCI| > 1.96 is reliable."
    )
    watched: tuple[Watched, ...] = DEFAULT_WATCHED
    baseline_visits: int = Field(
        default=3, ge=1, description="Running baseline: the mean of up to this many earlier values."
    )
    influences: tuple[Influence, ...] = DEFAULT_INFLUENCES
    amber_quantile: float = Field(
        default=0.5, gt=0, lt=1, description="Worse than the expected median: amber."
    )
    red_quantile: float = Field(
        default=0.8, gt=0, lt=1, description="Worse than 80% of similar patients: red."
    )
    red_persistence: int = Field(
        default=2, ge=1, description="Red administrations in a row before not-on-track alerts."
    )
    min_history_episodes: int = Field(
        default=40, ge=5, description="Completed episodes needed to learn the expected curve."
    )
    mcid_by_visit: int = Field(
        default=5, ge=2, description="Fallback: an MCID of improvement expected by this visit."
    )
    dropout_threshold: float = Field(
        default=0.3, gt=0, lt=1, description="Predicted dropout probability that raises an alert."
    )

    @model_validator(mode="after")
    def _check_references(self) -> Self:
        if self.red_quantile <= self.amber_quantile:
            raise ValueError("red_quantile must exceed amber_quantile")
        for watched in self.watched:
            definition = instruments.load(watched.instrument)
            definition.scale(watched.scale)
        for influence in self.influences:
            scale = instruments.load(influence.instrument).scale(influence.scale)
            labels = [cutoff.label for cutoff in scale.interpretation.cutoffs]
            if influence.cutoff not in labels:
                raise ValueError(
                    f"{influence.instrument}.{influence.scale} has no cut-off {influence.cutoff!r}"
                )
        return self


T = TypeVar("T")

_derived: dict[tuple[int, object], tuple[SignalParameters, object]] = {}
MAX_DERIVED = 256


def derived(parameters: SignalParameters, compute: Callable[[SignalParameters], T]) -> T:
    """``compute(parameters)``, computed once per parameters object: the thresholds and
    cut-offs a rule looks up in the instrument definitions, which a clinic (that keeps its
    parameters) would otherwise look up again at every check-in."""
    key = (id(parameters), compute)
    found = _derived.get(key)
    if found is not None and found[0] is parameters:
        return cast(T, found[1])
    value = compute(parameters)
    if len(_derived) >= MAX_DERIVED:
        _derived.clear()
    _derived[key] = (parameters, value)
    return value
