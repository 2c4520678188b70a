"""Episodes of care and their latent truth: who the patient is and how the alliance works.

The causal structure (all latent variables standardised):

    alliance  = injustice, anger (-), trust, individualised plan, enhanced arm (+),
                therapist effect, noise                                    (variance 1)
    adherence = a * alliance + noise                                       (variance 1)
    outcome   = c' * alliance + b * adherence + g * T + d * alliance * T + noise
                (T = treatment - 0.5, so the interaction adds nothing to the correlation)
    recovery  = logistic(intercept + slope * outcome): share of the intake deficit recovered
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.special import expit, logit

from alliance.synth.config import CONDITIONS, SynthConfig


def generate_episodes(
    config: SynthConfig, rng: np.random.Generator, first: int, count: int
) -> pd.DataFrame:
    """``count`` episodes numbered from ``first``: case mix, arms and latent truth."""
    n = count
    number = np.arange(first, first + n)
    therapists = config.clinics * config.therapists_per_clinic
    therapist = rng.integers(0, therapists, n)
    therapist_effect = _therapist_effects(config, therapists)[therapist]

    names = list(CONDITIONS)
    shares = np.array([CONDITIONS[name][2] for name in names])
    condition = rng.choice(len(names), size=n, p=shares / shares.sum())

    injustice = rng.standard_normal(n)
    r = config.injustice_anger_r
    anger = r * injustice + np.sqrt(1 - r**2) * rng.standard_normal(n)
    trust = rng.standard_normal(n)
    plan = rng.random(n) < config.plan_share
    treatment = rng.random(n) < 0.5
    enhanced = (rng.random(n) < 0.5) if config.enhanced_alliance_arm else np.zeros(n, bool)
    severity = rng.standard_normal(n)
    catastrophising = (
        0.5 * injustice + 0.3 * severity + np.sqrt(1 - 0.25 - 0.09) * rng.standard_normal(n)
    )

    alliance = (
        config.injustice_on_alliance * injustice
        + config.anger_on_alliance * anger
        + config.trust_on_alliance * trust
        + config.plan_on_alliance * (plan - config.plan_share)
        + therapist_effect
        + np.sqrt(config.residual_alliance_variance()) * rng.standard_normal(n)
    )
    if config.enhanced_alliance_arm:
        alliance += config.enhanced_alliance_effect * (enhanced - 0.5)
    a = config.alliance_adherence_r
    adherence = a * alliance + np.sqrt(1 - a**2) * rng.standard_normal(n)
    centred = treatment - 0.5
    outcome = (
        config.direct_effect * alliance
        + config.path_b * adherence
        + config.treatment_effect * centred
        + config.alliance_treatment_interaction * alliance * centred
        + np.sqrt(config.residual_outcome_variance()) * rng.standard_normal(n)
    )
    recovery = expit(config.recovery_intercept + config.recovery_slope * outcome)

    subscale = {
        name: np.sqrt(0.8) * alliance + np.sqrt(0.2) * rng.standard_normal(n)
        for name in ("goal", "task", "bond")
    }
    extra = rng.poisson(config.visits_mean_extra, n)
    planned = np.minimum(config.visits_min + extra, config.visits_max)
    rupture = rng.random(n) < config.rupture_rate
    rupture_visit = np.where(rupture, 3 + np.floor(rng.random(n) * np.maximum(planned - 3, 1)), 0)
    dropout_logit = (
        logit(config.dropout_rate)
        - np.log(config.dropout_or_per_sd_lower_alliance) * alliance
        + np.log(config.dropout_or_rupture) * rupture
    )
    dropout = rng.random(n) < expit(dropout_logit)
    # The dropout visit is the first planned visit that never happens: after a rupture if
    # there was one, and never the intake.
    earliest = np.where(rupture, rupture_visit + 1, 2)
    dropout_visit = np.where(
        dropout, earliest + np.floor(rng.random(n) * (planned - earliest + 1)), 0
    )
    clinic = therapist // config.therapists_per_clinic
    intake = rng.integers(0, config.intake_window_days, n)
    return pd.DataFrame(
        {
            "episode_id": [f"E{k:07d}" for k in number],
            "patient_id": [f"P{k:07d}" for k in number],
            "clinic_id": [f"C{k:03d}" for k in clinic + 1],
            "therapist_id": [f"T{k:04d}" for k in therapist + 1],
            "age": np.clip(np.round(rng.normal(52, 15, n)), 18, 95).astype(np.int64),
            "sex": np.where(rng.random(n) < 0.58, "female", "male"),
            "condition": np.array(names)[condition],
            "body_region": np.array([CONDITIONS[k][0] for k in names])[condition],
            "disability_instrument": np.array([CONDITIONS[k][1] for k in names])[condition],
            "setting": np.where(
                rng.random(n) < config.primary_care_share, "primary care", "outpatient"
            ),
            "treatment": np.array(config.treatments)[treatment.astype(int)],
            "alliance_arm": np.where(
                enhanced, "enhanced", "limited" if config.enhanced_alliance_arm else "usual"
            ),
            "start_date": pd.to_datetime(config.start_date) + pd.to_timedelta(intake, unit="D"),
            "planned_visits": planned.astype(np.int64),
            "severity": severity,
            "injustice": injustice,
            "anger": anger,
            "trust": trust,
            "catastrophising": catastrophising,
            "individualised_plan": plan,
            "treated": treatment,
            "enhanced": enhanced,
            "alliance": alliance,
            "goal": subscale["goal"],
            "task": subscale["task"],
            "bond": subscale["bond"],
            "adherence": adherence,
            "outcome": outcome,
            "recovery": recovery,
            "not_on_track": recovery < config.not_on_track_recovery,
            "rupture": rupture,
            "rupture_visit": rupture_visit.astype(np.int64),
            "dropout": dropout,
            "dropout_visit": dropout_visit.astype(np.int64),
        }
    )


def _therapist_effects(config: SynthConfig, therapists: int) -> NDArray[np.float64]:
    """Each therapist's alliance effect: fixed by the seed, whatever the chunk.

    The draws are centred and scaled to exactly ``therapist_sd`` so that a clinic with few
    therapists still has the configured share of alliance variance between therapists.
    """
    rng = np.random.default_rng(np.random.SeedSequence([config.seed, 0xA11]))
    effects = rng.standard_normal(therapists)
    if therapists == 1:
        return np.zeros(1)
    scaled: NDArray[np.float64] = config.therapist_sd * (effects - effects.mean()) / effects.std()
    return scaled
