"""Raising, updating, resolving and acknowledging alerts; each writes its audit row."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.signals import Alert as Finding
from alliance.web.actions.errors import ConflictError
from alliance.web.audit import record
from alliance.web.models import Alert, Episode, User


def raise_alert(
    episode: Episode, *, kind: str, detail: str, finding: Finding | None = None
) -> Alert:
    """A new alert on ``episode``, raised by the feedback signals (``finding``), not a person."""
    with transaction.atomic():
        alert = Alert(patient=episode.patient, episode=episode, kind=kind, detail=detail)
        if finding is not None:
            _copy(finding, alert)
        alert.save()
        record("alert_raised", actor=None, patient=episode.patient, target=alert)
        return alert


def update_alert(alert: Alert, finding: Finding) -> Alert:
    """Refresh an open alert whose rule still holds with the latest values."""
    with transaction.atomic():
        _copy(finding, alert)
        alert.updated_at = timezone.now()
        alert.save()
        record("alert_updated", actor=None, patient=alert.patient, target=alert)
        return alert


def resolve_alert(alert: Alert) -> Alert:
    """Close an open alert whose rule no longer holds."""
    with transaction.atomic():
        alert.resolved_at = timezone.now()
        alert.save(update_fields=["resolved_at"])
        record("alert_resolved", actor=None, patient=alert.patient, target=alert)
        return alert


def acknowledge_alert(by: User, alert: Alert, *, action_taken: str) -> Alert:
    """Mark ``alert`` seen, recording what was done about it; an alert is acknowledged once."""
    if not action_taken.strip():
        raise ConflictError(_("Please say what was done about this alert before acknowledging it."))
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.acknowledged_at is not None:
            raise ConflictError(_("This alert has already been acknowledged."))
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = by
        alert.action_taken = action_taken.strip()
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "action_taken"])
        record("alert_acknowledged", actor=by, patient=alert.patient, target=alert)
        return alert


def _copy(finding: Finding, alert: Alert) -> None:
    alert.kind = finding.signal
    alert.rule = finding.rule
    alert.instrument = finding.instrument
    alert.scale = finding.scale
    alert.visit_number = finding.visit
    alert.value = finding.value
    alert.threshold = finding.threshold
    alert.detail = finding.detail[:500]
    alert.suggestion = finding.suggestion[:500]
