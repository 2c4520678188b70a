"""Episodes of care and their visits: open, schedule, record attendance, discharge."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from alliance.web.actions.errors import ConflictError
from alliance.web.audit import record
from alliance.web.models import Episode, Patient, Protocol, User, Visit, VisitStatus


def open_episode(
    by: User,
    patient: Patient,
    *,
    condition: str,
    body_region: str,
    setting: str,
    start_date: dt.date,
    planned_visits: int | None = None,
    protocol: Protocol | None = None,
) -> Episode:
    """A new episode of care for ``patient``, treated by ``by``."""
    if protocol is not None and protocol.clinic_id != patient.clinic_id:
        raise ConflictError(_("This protocol belongs to another clinic."))
    with transaction.atomic():
        episode = Episode.objects.create(
            patient=patient,
            therapist=by,
            protocol=protocol,
            condition=condition,
            body_region=body_region,
            setting=setting,
            start_date=start_date,
            planned_visits=planned_visits,
        )
        record("episode_opened", actor=by, patient=patient, target=episode)
        return episode


def schedule_visit(by: User, episode: Episode, date: dt.date) -> Visit:
    """The episode's next visit, numbered after the last one."""
    if not episode.is_open:
        raise ConflictError(_("No visit can be added: this episode has been discharged."))
    if date < episode.start_date:
        raise ConflictError(_("The visit date cannot come before the start of the episode."))
    with transaction.atomic():
        last = Visit.objects.filter(episode=episode).aggregate(n=Max("number"))["n"] or 0
        visit = Visit.objects.create(episode=episode, number=last + 1, date=date)
        record("visit_scheduled", actor=by, patient=episode.patient, target=visit)
        return visit


def record_attendance(by: User, visit: Visit, status: VisitStatus) -> Visit:
    """Mark a visit attended, missed or cancelled."""
    with transaction.atomic():
        previous = visit.status
        visit.status = status
        visit.save(update_fields=["status"])
        record(
            "visit_status_changed",
            actor=by,
            patient=visit.episode.patient,
            target=visit,
            detail={"from": previous, "to": str(status)},
        )
        return visit


def discharge_episode(by: User, episode: Episode, *, end_date: dt.date, reason: str) -> Episode:
    """Close an episode with its end date and discharge reason."""
    if not episode.is_open:
        raise ConflictError(_("This episode has already been discharged."))
    if end_date < episode.start_date:
        raise ConflictError(_("The discharge date cannot come before the start of the episode."))
    with transaction.atomic():
        episode.end_date = end_date
        episode.discharge_reason = reason
        episode.save(update_fields=["end_date", "discharge_reason"])
        record("episode_discharged", actor=by, patient=episode.patient, target=episode)
        return episode
