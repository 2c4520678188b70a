"""The append-only audit trail: who did what, to which patient, when and from where.

The application can only add rows: ``save`` refuses to change one and ``delete`` refuses to
remove one; a database trigger (migration 0002) refuses updates from anything else too.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from alliance.web.models.clinic import Clinic
from alliance.web.models.patient import Patient


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit event."""


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    """Audit rows can be read and added, never bulk-changed."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One audited event. ``detail`` never holds identifiable data."""

    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, null=True, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, null=True, related_name="+")
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True)
    detail = models.JSONField(default=dict)

    objects = AuditQuerySet.as_manager()

    class Meta:
        # The trail is read by clinic in key order; every index is written with every event.
        # A patient's own check-ins have no actor, and only staff actors are indexed.
        indexes = [
            models.Index(
                fields=["actor"], condition=models.Q(actor__isnull=False), name="auditevent_actor"
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")
