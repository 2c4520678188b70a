"""Feedback signals after each assessment: recompute the episode's alerts.

Called inside ``record_assessment``'s transaction, so the alerts a new assessment raises
commit with it or not at all. Findings at the episode's latest scored visit are compared with
its open alerts (same signal, rule, instrument and scale): a new finding raises an alert, a
finding that still holds updates it, and an open alert whose rule no longer holds is resolved,
except drops (rupture events), which stay open until a therapist acknowledges them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from alliance import signals
from alliance.web.actions.alerts import raise_alert, resolve_alert, update_alert
from alliance.web.models import Alert, Assessment, AssessmentStatus, Episode
from alliance.web.signal_models import clinic_models, clinic_parameters

EVENT_RULES = {"drop_from_previous", "drop_from_baseline", "any_drop"}
"""Rules that describe something that happened, not a state: they never resolve themselves."""


def after_assessment(assessments: Sequence[Assessment]) -> None:
    """Recompute the signals of the episode the new assessments belong to."""
    if assessments:
        refresh_alerts(assessments[0].visit.episode)


def refresh_alerts(episode: Episode) -> None:
    """Raise, update and resolve ``episode``'s alerts from its scores."""
    scores = episode_scores(episode)
    if scores.empty:
        return
    clinic = episode.patient.clinic
    parameters = clinic_parameters(clinic)
    recovery, dropout = clinic_models(clinic)
    visits = None
    if dropout is not None:
        visits = pd.DataFrame(
            list(episode.visits.values_list("number", "status")), columns=["visit", "status"]
        ).assign(series=str(episode.pk))
    conditions = pd.Series({str(episode.pk): episode.condition})
    found = signals.alerts(scores, parameters, recovery, dropout, visits, conditions)
    latest = int(scores["visit"].max())
    current = {_key(f): f for f in found if f.visit == latest}
    for alert in episode.alerts.filter(acknowledged_at__isnull=True, resolved_at__isnull=True):
        finding = current.pop(alert.key, None)
        if finding is not None:
            update_alert(alert, finding)
        elif alert.rule not in EVENT_RULES:
            resolve_alert(alert)
    for finding in current.values():
        raise_alert(episode, kind=finding.signal, detail=finding.detail, finding=finding)


def episode_scores(episode: Episode) -> pd.DataFrame:
    """The episode's scored assessments as the tidy long table the signals read."""
    rows = [
        {
            "patient": episode.patient.code,
            "episode_id": str(episode.pk),
            "visit": visit_number,
            "instrument": instrument,
            "scale": scale,
            "score": score,
        }
        for instrument, visit_number, scores in Assessment.objects.filter(
            visit__episode=episode, status=AssessmentStatus.SCORED
        )
        .order_by("visit__number", "pk")
        .values_list("instrument_id", "visit__number", "scores")
        for scale, score in scores.items()
        if score is not None
    ]
    columns = ["patient", "episode_id", "visit", "instrument", "scale", "score"]
    return pd.DataFrame(rows, columns=columns)


def _key(finding: signals.Alert) -> str:
    probe = Alert(
        kind=finding.signal, rule=finding.rule, instrument=finding.instrument, scale=finding.scale
    )
    return probe.key
