"""Feedback signals after each assessment: recompute the episode's alerts.

Called inside ``record_assessment``'s transaction, so the alerts a new assessment raises
commit with it or not at all. Findings at the episode's latest scored visit are compared with
its open alerts (same signal, rule, instrument and scale): a new finding raises an alert, a
finding that still holds updates it, and an open alert whose rule no longer holds is resolved,
except drops (rupture events), which stay open until a therapist acknowledges them.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connection

from alliance import signals
from alliance.web import written_sql
from alliance.web.actions.alerts import raise_alert, resolve_alert, update_alert
from alliance.web.models import Alert, Assessment, AssessmentStatus, Episode, Visit
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
    for alert in open_alerts(episode):
        finding = current.pop(alert.key, None)
        if finding is not None:
            update_alert(alert, finding)
        elif alert.rule not in EVENT_RULES:
            resolve_alert(alert)
    for finding in current.values():
        raise_alert(episode, kind=finding.signal, detail=finding.detail, finding=finding)


def episode_scores(episode: Episode) -> list[signals.Row]:
    """The episode's scored assessments as the rows the signals read (patient, series, visit,
    instrument, scale, score), in the order they were stored (the signals put them in visit
    order and keep that order within a visit). One SELECT written out (see ``written_sql``)."""
    fetched = written_sql.fetch(
        _scores_sql(connection.vendor), [episode.pk, AssessmentStatus.SCORED.value]
    )
    patient, series = episode.patient.code, str(episode.pk)
    return [
        (patient, series, number, instrument, scale, score)
        for number, instrument, stored in fetched
        for scale, score in written_sql.from_database(Assessment, "scores", stored).items()
        if score is not None
    ]


@cache
def _scores_sql(vendor: str) -> str:
    """``episode_scores``' query for this database backend (built once)."""
    q = written_sql.quoted
    return (
        f"SELECT visit.{q(Visit, 'number')}, a.{q(Assessment, 'instrument_id')},"
        f" a.{q(Assessment, 'scores')}"
        f" FROM {q(Assessment)} a JOIN {q(Visit)} visit"
        f" ON visit.{q(Visit, 'id')} = a.{q(Assessment, 'visit')}"
        f" WHERE visit.{q(Visit, 'episode')} = %s AND a.{q(Assessment, 'status')} = %s"
        f" ORDER BY a.{q(Assessment, 'id')}"
    )


def open_alerts(episode: Episode) -> list[Alert]:
    """The episode's alerts neither acknowledged nor resolved, oldest first, as the ORM's own
    instances, from one SELECT written out (see ``written_sql``)."""
    fetched = written_sql.fetch(_open_alerts_sql(connection.vendor), [episode.pk])
    return [written_sql.instance(Alert, row) for row in fetched]


@cache
def _open_alerts_sql(vendor: str) -> str:
    """``open_alerts``' query for this database backend (built once)."""
    q = written_sql.quoted
    return (
        f"SELECT {', '.join(written_sql.all_columns(Alert, 'alert'))} FROM {q(Alert)} alert"
        f" WHERE alert.{q(Alert, 'episode')} = %s AND alert.{q(Alert, 'acknowledged_at')} IS NULL"
        f" AND alert.{q(Alert, 'resolved_at')} IS NULL ORDER BY alert.{q(Alert, 'id')}"
    )


def _key(finding: signals.Alert) -> str:
    probe = Alert(
        kind=finding.signal, rule=finding.rule, instrument=finding.instrument, scale=finding.scale
    )
    return probe.key
