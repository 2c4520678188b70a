"""Raising alerts and acknowledging them with what was done."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from alliance.web.actions.errors import ConflictError
from alliance.web.audit import record
from alliance.web.models import Alert, Episode, User


def raise_alert(episode: Episode, *, kind: str, detail: str) -> Alert:
    """A new alert on ``episode`` (raised by the feedback signals, not by a person)."""
    with transaction.atomic():
        alert = Alert.objects.create(
            patient=episode.patient, episode=episode, kind=kind, detail=detail
        )
        record("alert_raised", actor=None, patient=episode.patient, target=alert)
        return alert


def acknowledge_alert(by: User, alert: Alert, *, action_taken: str) -> Alert:
    """Mark ``alert`` seen, recording what was done about it; an alert is acknowledged once."""
    if not action_taken.strip():
        raise ConflictError("say what was done about the alert")
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.acknowledged_at is not None:
            raise ConflictError("the alert was already acknowledged")
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = by
        alert.action_taken = action_taken.strip()
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "action_taken"])
        record("alert_acknowledged", actor=by, patient=alert.patient, target=alert)
        return alert
