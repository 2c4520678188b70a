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
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connections, models

from alliance import signals
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
    order and keep that order within a visit).

    One SELECT written out here, as the check-in's link lookup is: through the ORM, building
    and compiling this query cost several times what running it costs, at every check-in.
    Tables, columns, quoting and the scores' conversion come from the models and the backend.
    """
    database = connections[DEFAULT_DB_ALIAS]
    column = Assessment._meta.get_field("scores").cached_col
    converters = [*database.ops.get_db_converters(column), *column.get_db_converters(database)]
    with database.cursor() as cursor:
        cursor.execute(_scores_sql(database.vendor), [episode.pk, AssessmentStatus.SCORED.value])
        fetched = cursor.fetchall()
    patient, series = episode.patient.code, str(episode.pk)
    rows = []
    for number, instrument, scores in fetched:
        for convert in converters:
            scores = convert(scores, column, database)
        rows += [
            (patient, series, number, instrument, scale, score)
            for scale, score in scores.items()
            if score is not None
        ]
    return rows


@cache
def _scores_sql(vendor: str) -> str:
    """``episode_scores``'s query for this database backend (built once)."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name

    def column(model: type[models.Model], name: str) -> str:
        return quote(cast("models.Field[Any, Any]", model._meta.get_field(name)).column)

    assessment, visit = quote(Assessment._meta.db_table), quote(Visit._meta.db_table)
    return (
        f"SELECT visit.{column(Visit, 'number')}, a.{column(Assessment, 'instrument_id')},"
        f" a.{column(Assessment, 'scores')}"
        f" FROM {assessment} a JOIN {visit} visit"
        f" ON visit.{column(Visit, 'id')} = a.{column(Assessment, 'visit')}"
        f" WHERE visit.{column(Visit, 'episode')} = %s AND a.{column(Assessment, 'status')} = %s"
        f" ORDER BY a.{column(Assessment, 'id')}"
    )


def open_alerts(episode: Episode) -> list[Alert]:
    """The episode's alerts neither acknowledged nor resolved, oldest first, as the ORM's
    own instances; the SELECT is written out as ``episode_scores``' is, for the same reason."""
    database = connections[DEFAULT_DB_ALIAS]
    with database.cursor() as cursor:
        cursor.execute(_open_alerts_sql(database.vendor), [episode.pk])
        fetched = cursor.fetchall()
    fields = Alert._meta.concrete_fields
    converters = [
        [*database.ops.get_db_converters(f.cached_col), *f.cached_col.get_db_converters(database)]
        for f in fields
    ]
    names = [field.attname for field in fields]
    found = []
    for row in fetched:
        values = []
        for field, convert_all, value in zip(fields, converters, row, strict=True):
            for convert in convert_all:
                value = convert(value, field.cached_col, database)
            values.append(value)
        found.append(Alert.from_db(database.alias, names, values))
    return found


@cache
def _open_alerts_sql(vendor: str) -> str:
    """``open_alerts``' query for this database backend (built once)."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    meta = Alert._meta
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)

    def column(name: str) -> str:
        return quote(cast("models.Field[Any, Any]", meta.get_field(name)).column)

    return (
        f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {column('episode')} = %s"
        f" AND {column('acknowledged_at')} IS NULL AND {column('resolved_at')} IS NULL"
        f" ORDER BY {column('id')}"
    )


def _key(finding: signals.Alert) -> str:
    probe = Alert(
        kind=finding.signal, rule=finding.rule, instrument=finding.instrument, scale=finding.scale
    )
    return probe.key
