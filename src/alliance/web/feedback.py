"""Feedback signals after each assessment: recompute the episode's alerts.

Called inside ``record_assessment``'s transaction, so the alerts a new assessment raises
commit with it or not at all. Findings at the episode's latest scored visit are compared with
its open alerts (same signal, rule, instrument and scale): a new finding raises an alert, a
finding that still holds updates it, and an open alert whose rule no longer holds is resolved,
except drops (rupture events), which stay open until a therapist acknowledges them.
"""

from __future__ import annotations

from collections.abc import Sequence

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
    if not scores:
        return
    series = str(episode.pk)
    clinic = episode.patient.clinic
    recovery, dropout = clinic_models(clinic)
    visits = None
    if dropout is not None:
        visits = [
            (series, number, status)
            for number, status in episode.visits.values_list("number", "status")
        ]
    latest = max(row[2] for row in scores)
    found = signals.series_alerts(
        scores,
        clinic_parameters(clinic),
        recovery,
        dropout,
        visits,
        {series: episode.condition},
        at_visit=latest,
    )
    current = {_key(f): f for f in found}
    for alert in episode.alerts.filter(acknowledged_at__isnull=True, resolved_at__isnull=True):
        finding = current.pop(alert.key, None)
        if finding is not None:
            update_alert(alert, finding)
        elif alert.rule not in EVENT_RULES:
            resolve_alert(alert)
    for finding in current.values():
        raise_alert(episode, kind=finding.signal, detail=finding.detail, finding=finding)


def episode_scores(episode: Episode) -> list[signals.Row]:
    """The episode's scored assessments as the rows the signals read (patient, series, visit,
    instrument, scale, score), in one query."""
    patient, series = episode.patient.code, str(episode.pk)
    return [
        (patient, series, number, instrument, scale, score)
        for number, instrument, scores in Assessment.objects.filter(
            visit__episode=episode, status=AssessmentStatus.SCORED
        )
        .order_by("visit__number", "pk")
        .values_list("visit__number", "instrument_id", "scores")
        for scale, score in scores.items()
        if score is not None
    ]


def _key(finding: signals.Alert) -> str:
    probe = Alert(
        kind=finding.signal, rule=finding.rule, instrument=finding.instrument, scale=finding.scale
    )
    return probe.key
