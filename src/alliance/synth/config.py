"""What a synthetic clinic looks like: sizes, case mix and the causal effects, with sources.

Effects are on standardised latent scales (mean 0, SD 1) unless a name says otherwise. Where a
default comes from the literature its docstring cites it; the others are the project's
assumptions, chosen to look like an outpatient musculoskeletal service, and say so.
"""

from __future__ import annotations

import datetime as dt
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

CONDITIONS: dict[str, tuple[str, str, float]] = {
    "low back pain": ("lumbar spine", "odi", 0.30),
    "neck pain": ("cervical spine", "ndi", 0.14),
    "knee osteoarthritis": ("knee", "lefs", 0.14),
    "hip osteoarthritis": ("hip", "lefs", 0.07),
    "shoulder pain": ("shoulder", "quickdash", 0.17),
    "hand or wrist disorder": ("hand and wrist", "quickdash", 0.10),
    "ankle or foot disorder": ("ankle and foot", "lefs", 0.08),
}
"""Condition -> (body region, region-specific disability instrument, share of episodes).

Spinal pain and joint deterioration dominate, as in the scoping review of the alliance in
MSK rehabilitation (Babatunde et al. 2017: low back pain the most studied condition, 22%);
the exact shares are the project's assumption.
"""


class SynthConfig(BaseModel):
    """Every knob of the generator. The same config and seed always give the same data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patients: int = Field(default=1000, ge=1, description="Patients, one episode of care each.")
    clinics: int = Field(default=3, ge=1)
    therapists_per_clinic: int = Field(default=5, ge=1)
    seed: int = Field(default=0, ge=0)
    chunk_episodes: int = Field(
        default=20_000, ge=100, description="Episodes generated at a time (part of the output)."
    )
    start_date: dt.date = dt.date(2025, 1, 6)
    intake_window_days: int = Field(default=365, ge=1)

    primary_care_share: float = Field(
        default=0.307, ge=0, le=1, description="Babatunde et al. 2017: 30.7% in primary care."
    )
    visits_min: int = Field(default=4, ge=2)
    visits_max: int = Field(default=14, ge=2)
    visits_mean_extra: float = Field(
        default=4.0, ge=0, description="Planned visits = visits_min + Poisson(this), capped."
    )
    cancel_rate: float = Field(default=0.05, ge=0, lt=1)
    miss_rate: float = Field(default=0.06, ge=0, lt=1, description="At average adherence.")

    injustice_on_alliance: float = Field(
        default=-0.25,
        description="Perceived injustice lowers the alliance (Scott et al. 2016, direction).",
    )
    anger_on_alliance: float = Field(
        default=-0.15, description="Anger lowers the alliance; mediates injustice (Scott 2016)."
    )
    injustice_anger_r: float = Field(default=0.5, ge=-1, le=1)
    trust_on_alliance: float = Field(default=0.30, description="Trust strengthens the alliance.")
    plan_on_alliance: float = Field(
        default=0.30, description="An individualised plan strengthens the alliance."
    )
    plan_share: float = Field(default=0.6, ge=0, le=1)
    therapist_sd: float = Field(
        default=0.3, ge=0, lt=1, description="Therapist random effect on the alliance."
    )

    alliance_adherence_r: float = Field(
        default=0.30,
        gt=0,
        lt=1,
        description="Path a: alliance -> adherence (Hall et al. 2010, direction only).",
    )
    alliance_outcome_r: float = Field(
        default=0.278,
        gt=-1,
        lt=1,
        description="Total alliance-outcome correlation (Flückiger et al. 2018: r = .278).",
    )
    proportion_mediated: float = Field(
        default=0.3, ge=0, le=1, description="Share of the alliance effect through adherence."
    )
    treatment_effect: float = Field(
        default=0.2, description="Improvement of treatment 1 over treatment 0, in SD."
    )
    alliance_treatment_interaction: float = Field(
        default=0.15,
        description="Alliance x treatment moderation (Ferreira et al. 2013: present for GPE).",
    )
    treatments: tuple[str, str] = ("general exercise", "motor control exercise")

    enhanced_alliance_arm: bool = Field(
        default=False, description="Randomise an enhanced vs limited alliance arm (Fuentes 2014)."
    )
    enhanced_alliance_effect: float = Field(
        default=0.8, description="Alliance gain of the enhanced arm, in SD (assumption)."
    )

    recovery_intercept: float = Field(
        default=0.3, description="logit of the share of intake deficit recovered, at Y = 0."
    )
    recovery_slope: float = Field(default=1.2, gt=0)
    not_on_track_recovery: float = Field(
        default=0.3, gt=0, lt=1, description="True not-on-track: recovers less than this share."
    )

    dropout_rate: float = Field(
        default=0.2, gt=0, lt=1, description="Base dropout (Swift & Greenberg 2012: about 20%)."
    )
    dropout_or_per_sd_lower_alliance: float = Field(
        default=1.5, ge=1, description="Odds ratio of dropout per SD lower alliance (assumption)."
    )
    dropout_or_rupture: float = Field(default=2.0, ge=1)

    rupture_rate: float = Field(default=0.15, ge=0, lt=1, description="Episodes with a rupture.")
    rupture_size: float = Field(
        default=1.5, gt=0, description="Sudden drop of the visit alliance, in SD."
    )
    rupture_repair: float = Field(
        default=0.5, ge=0, le=1, description="Share of a rupture repaired at each later visit."
    )
    visit_alliance_sd: float = Field(default=0.3, ge=0)
    alliance_growth: float = Field(default=0.2, description="Alliance gain over an episode.")
    missing_item_rate: float = Field(
        default=0.0, ge=0, lt=0.5, description="Share of answers left blank at random."
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.visits_max < self.visits_min:
            raise ValueError("visits_max must be at least visits_min")
        if self.residual_outcome_variance() <= 0:
            raise ValueError("the outcome effects explain more than all of its variance")
        if self.residual_alliance_variance() <= 0:
            raise ValueError("the alliance effects explain more than all of its variance")
        return self

    @property
    def path_b(self) -> float:
        """Adherence -> outcome, so that a x b is the mediated part of the total effect."""
        return self.proportion_mediated * self.alliance_outcome_r / self.alliance_adherence_r

    @property
    def direct_effect(self) -> float:
        """Alliance -> outcome not through adherence (c')."""
        return (1 - self.proportion_mediated) * self.alliance_outcome_r

    def residual_alliance_variance(self) -> float:
        """Alliance noise variance that makes the latent alliance's variance exactly 1."""
        inj, ang, r = self.injustice_on_alliance, self.anger_on_alliance, self.injustice_anger_r
        explained = inj**2 + ang**2 + 2 * inj * ang * r + self.trust_on_alliance**2
        explained += self.plan_on_alliance**2 * self.plan_share * (1 - self.plan_share)
        explained += self.therapist_sd**2
        if self.enhanced_alliance_arm:
            explained += 0.25 * self.enhanced_alliance_effect**2
        return 1 - explained

    def residual_outcome_variance(self) -> float:
        """Outcome noise variance that makes the latent outcome's variance exactly 1."""
        a, b, c = self.alliance_adherence_r, self.path_b, self.direct_effect
        systematic = c**2 + b**2 + 2 * a * b * c
        systematic += 0.25 * (self.treatment_effect**2 + self.alliance_treatment_interaction**2)
        return 1 - systematic
