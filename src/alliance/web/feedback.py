"""Feedback signals after each assessment: recompute the episode's alerts.

Applied inside ``record_assessment``'s transaction, so the alerts a new assessment raises
commit with it or not at all. Findings at the episode's latest scored visit are compared with
its open alerts (same signal, rule, instrument and scale): a new finding raises an alert, a
finding that still holds updates it, and an open alert whose rule no longer holds is resolved,
except drops (rupture events), which stay open until a therapist acknowledges them.

The reading and the finding can happen before the transaction (``foresee``): on SQLite a
write transaction holds the one write lock, and after the commit the signals were the longest
part of a check-in's. Inside, one look at how many scored assessments the episode has and
which came last confirms that its scores did not change since; if they did, the alerts are
found again there. The open alerts are read inside, and only when there are any. When the
signals found nothing, a check-in on PostgreSQL may store its rows in one statement on
condition that the episode's scores are as read and it has no open alert (``unchanged_sql``):
there is nothing to write then.
(Visit statuses and the clinic's settings are taken as they were a moment before.)
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from django.db import connection

from alliance import signals
from alliance.web import written_sql
from alliance.web.actions.alerts import raise_alert, resolve_alert, update_alert
from alliance.web.models import Alert, Assessment, AssessmentStatus, Episode, Visit
from alliance.web.signal_models import clinic_models, clinic_parameters

Read = tuple[int, int | None]
"""How many scored assessments an episode has and the last one's key (assessments are only
ever added, so the pair changes whenever its scores do)."""
State = tuple[int, int | None, int]
"""An episode's ``Read`` and how many open alerts it has."""
History = tuple[list[signals.Row], Read]
"""An episode's scored assessments as the rows the signals read, and their ``Read``."""


@dataclass(frozen=True)
class EpisodeRead:
    """What the signals read of an episode, read along with a check-in's link
    (``episode_read_columns``): its scored assessments and its visits as (number, status)."""

    history: History
    visits: list[tuple[int, str]]


@dataclass(frozen=True)
class Foresight:
    """What the signals find once new scores are added to an episode, and what they read."""

    read: Read
    found: list[signals.Alert] | None


def foresee(
    visit: Visit, scored: Sequence[Mapping[str, Any]], known: EpisodeRead | None = None
) -> Foresight:
    """Find the alerts of ``visit``'s episode as they will be once the assessments ``scored``
    (``score_answers``' fields) are stored, before any transaction; from what is ``known``
    of the episode if it was read already (``episode_read_columns``)."""
    episode = visit.episode
    rows, read = known.history if known is not None else episode_scores(episode)
    patient, series = episode.patient.code, str(episode.pk)
    rows += [
        (patient, series, visit.number, fields["instrument_id"], scale, score)
        for fields in scored
        if fields["status"] == AssessmentStatus.SCORED
        for scale, score in fields["scores"].items()
        if score is not None
    ]
    return Foresight(read, _findings(episode, rows, None if known is None else known.visits))


def after_assessment(
    assessments: Sequence[Assessment], foresight: Foresight, before: State
) -> None:
    """Bring the alerts of the episode the new assessments belong to up to date: with what
    ``foresight`` found, if the episode's scores were as it read them until these
    assessments; ``before`` is the episode's state in this transaction, read before they were
    added (``state``, ``state_columns``)."""
    if not assessments:
        return
    episode = assessments[0].visit.episode
    count, last, alerts = before
    if (count, last) == foresight.read:
        _apply(episode, foresight.found, open_alerts(episode) if alerts else [])
    else:
        refresh_alerts(episode)


def refresh_alerts(episode: Episode) -> None:
    """Raise, update and resolve ``episode``'s alerts from its scores."""
    rows, _ = episode_scores(episode)
    _apply(episode, _findings(episode, rows), open_alerts(episode))


def _findings(
    episode: Episode, scores: list[signals.Row], statuses: list[tuple[int, str]] | None = None
) -> list[signals.Alert] | None:
    """What the signals find at the episode's latest scored visit (None: nothing is scored);
    the visits' ``statuses`` are read here unless given."""
    if not scores:
        return None
    series = str(episode.pk)
    clinic = episode.patient.clinic
    recovery, dropout = clinic_models(clinic)
    visits = None
    if dropout is not None:
        given = visit_statuses(episode) if statuses is None else statuses
        visits = [(series, number, status) for number, status in given]
    return signals.series_alerts(
        scores,
        clinic_parameters(clinic),
        recovery,
        dropout,
        visits,
        {series: episode.condition},
        at_visit=max(row[2] for row in scores),
    )


def _apply(episode: Episode, found: list[signals.Alert] | None, alerts: list[Alert]) -> None:
    """Raise, update and resolve alerts: ``found`` against the open ``alerts``."""
    if found is None:
        return
    current = {_key(f): f for f in found}
    for alert in alerts:
        finding = current.pop(alert.key, None)
        if finding is not None:
            update_alert(alert, finding)
        elif alert.rule not in signals.EVENT_RULES:
            resolve_alert(alert)
    for finding in current.values():
        raise_alert(episode, kind=finding.signal, detail=finding.detail, finding=finding)


def episode_scores(episode: Episode) -> History:
    """The episode's scored assessments as the rows the signals read (patient, series, visit,
    instrument, scale, score), in the order they were stored (the signals put them in visit
    order and keep that order within a visit); and how many there are and the last one's key.
    One SELECT written out (see ``written_sql``)."""
    fetched = written_sql.fetch(_scores_sql(connection.vendor), _scored_params(episode))
    scores = written_sql.from_database(Assessment, "scores", [row[3] for row in fetched])
    return _history(
        episode, [(*row[:3], stored) for row, stored in zip(fetched, scores, strict=True)]
    )


def episode_read(episode: Episode, history: Any, visits: Any) -> EpisodeRead:
    """What ``episode_read_columns`` read of the episode, from their values (JSON arrays, as
    text or parsed by the driver; null when PostgreSQL aggregates no row)."""
    scored = sorted((tuple(each) for each in _array(history)), key=lambda a: a[0])
    return EpisodeRead(_history(episode, scored), [(n, s) for n, s in _array(visits)])


def _array(column: Any) -> list[Any]:
    return json.loads(column) if isinstance(column, str) else column or []


def _history(episode: Episode, fetched: list[tuple[Any, ...]]) -> History:
    """The ``History`` of scored assessments as (key, visit number, instrument, scores),
    in the order they were stored."""
    patient, series = episode.patient.code, str(episode.pk)
    rows = [
        (patient, series, number, instrument, scale, score)
        for _, number, instrument, stored in fetched
        for scale, score in stored.items()
        if score is not None
    ]
    return rows, (len(fetched), fetched[-1][0] if fetched else None)


@cache
def _scores_sql(vendor: str) -> str:
    """``episode_scores``' query for this database backend (built once)."""
    q = written_sql.quoted
    return (
        f"SELECT a.{q(Assessment, 'id')}, visit.{q(Visit, 'number')},"
        f" a.{q(Assessment, 'instrument_id')}, a.{q(Assessment, 'scores')}"
        f" {_scored_from(vendor)} ORDER BY a.{q(Assessment, 'id')}"
    )


@cache
def episode_read_columns(vendor: str, episode: str) -> str:
    """What the signals read of the episode aliased ``episode`` in another statement (the
    check-in's link lookup), as two scalar subqueries: its scored assessments as one JSON
    array of [key, visit number, instrument, scores], and its visits as one of [number,
    status]. Their one parameter is the scored status; ``episode_read`` reads their values."""
    q = written_sql.quoted
    scored = (
        f"a.{q(Assessment, 'id')}, visit.{q(Visit, 'number')}, a.{q(Assessment, 'instrument_id')}"
    )
    scores = f"a.{q(Assessment, 'scores')}"
    listed = f"listed.{q(Visit, 'number')}, listed.{q(Visit, 'status')}"
    if vendor == "postgresql":
        assessments = f"json_agg(json_build_array({scored}, {scores}))"
        visits = f"json_agg(json_build_array({listed}))"
    else:
        assessments = f"json_group_array(json_array({scored}, json({scores})))"
        visits = f"json_group_array(json_array({listed}))"
    patient, key = f"{episode}.{q(Episode, 'patient')}", f"{episode}.{q(Episode, 'id')}"
    return (
        f"(SELECT {assessments} {_scored_from(vendor, patient, key)}),"
        f" (SELECT {visits} FROM {q(Visit)} listed WHERE listed.{q(Visit, 'episode')} = {key})"
    )


def _scored_from(vendor: str, patient: str = "%s", episode: str = "%s") -> str:
    """The FROM and WHERE of an episode's scored assessments: its patient's key, its own and
    the status are parameters (``_scored_params``) unless the keys are given as columns of
    an enclosing statement. The patient's key is redundant but lets the database start from
    the patient's assessments (an index) whatever its statistics say: PostgreSQL, unsure of
    the sizes, would otherwise read the whole table."""
    q = written_sql.quoted
    return (
        f"FROM {q(Assessment)} a JOIN {q(Visit)} visit"
        f" ON visit.{q(Visit, 'id')} = a.{q(Assessment, 'visit')}"
        f" WHERE a.{q(Assessment, 'patient')} = {patient}"
        f" AND visit.{q(Visit, 'episode')} = {episode}"
        f" AND a.{q(Assessment, 'status')} = %s"
    )


def _scored_params(episode: Episode) -> list[Any]:
    """The parameters of ``_scored_from``: the patient's key, the episode's, the status."""
    return [episode.patient_id, episode.pk, AssessmentStatus.SCORED.value]


def visit_statuses(episode: Episode) -> list[tuple[int, str]]:
    """The episode's visits as (number, status), for the dropout model: one SELECT written
    out (see ``written_sql``)."""
    return [(n, s) for n, s in written_sql.fetch(_visits_sql(connection.vendor), [episode.pk])]


@cache
def _visits_sql(vendor: str) -> str:
    """``visit_statuses``' query for this database backend (built once)."""
    q = written_sql.quoted
    return (
        f"SELECT {q(Visit, 'number')}, {q(Visit, 'status')} FROM {q(Visit)}"
        f" WHERE {q(Visit, 'episode')} = %s"
    )


def state(episode: Episode) -> State:
    """The episode's state (``State``) in one SELECT written out (see ``written_sql``)."""
    [row] = written_sql.fetch(f"SELECT {state_columns(connection.vendor)}", state_params(episode))
    return cast(State, tuple(row))


@cache
def state_columns(vendor: str) -> str:
    """The three columns of an episode's ``State``, as scalar subqueries that any statement
    can select or return (a check-in's claim of its link returns them); their parameters are
    ``state_params``."""
    q = written_sql.quoted
    key, alert = f"a.{q(Assessment, 'id')}", f"alert.{q(Alert, 'id')}"
    return (
        f"(SELECT COUNT({key}) {_scored_from(vendor)}),"
        f" (SELECT MAX({key}) {_scored_from(vendor)}),"
        f" (SELECT COUNT({alert}) {_open_alerts_from(vendor)})"
    )


def state_params(episode: Episode) -> list[Any]:
    """The parameters of ``state_columns``."""
    return [*_scored_params(episode), *_scored_params(episode), episode.pk]


def writes_nothing(foresight: Foresight) -> bool:
    """Whether ``after_assessment`` would write nothing, given ``foresight`` and an episode
    whose state still holds what it read and no open alert (``unchanged_sql``)."""
    return not foresight.found


@cache
def unchanged_sql(vendor: str) -> str:
    """A condition that holds while an episode's scores are as a ``Foresight`` read them and
    it has no open alert; its parameters are ``unchanged_params``."""
    return f"ROW({state_columns(vendor)}) IS NOT DISTINCT FROM ROW(%s, %s, 0)"


def unchanged_params(episode: Episode, foresight: Foresight) -> list[Any]:
    """The parameters of ``unchanged_sql``."""
    return [*state_params(episode), *foresight.read]


def open_alerts(episode: Episode) -> list[Alert]:
    """The episode's alerts neither acknowledged nor resolved, oldest first, as the ORM's own
    instances, from one SELECT written out (see ``written_sql``)."""
    fetched = written_sql.fetch(_open_alerts_sql(connection.vendor), [episode.pk])
    return [written_sql.instance(Alert, row) for row in fetched]


@cache
def _open_alerts_sql(vendor: str) -> str:
    """``open_alerts``' query for this database backend (built once)."""
    columns = ", ".join(written_sql.all_columns(Alert, "alert"))
    q = written_sql.quoted
    return f"SELECT {columns} {_open_alerts_from(vendor)} ORDER BY alert.{q(Alert, 'id')}"


def _open_alerts_from(vendor: str) -> str:
    """The FROM and WHERE of an episode's open alerts (the episode's key is the parameter)."""
    q = written_sql.quoted
    return (
        f"FROM {q(Alert)} alert WHERE alert.{q(Alert, 'episode')} = %s"
        f" AND alert.{q(Alert, 'acknowledged_at')} IS NULL"
        f" AND alert.{q(Alert, 'resolved_at')} IS NULL"
    )


def _key(finding: signals.Alert) -> str:
    probe = Alert(
        kind=finding.signal, rule=finding.rule, instrument=finding.instrument, scale=finding.scale
    )
    return probe.key
