"""The append-only audit trail: who did what, to which patient, when and from where.

The application can only add rows: ``save`` refuses to change one and ``delete`` refuses to
remove one; database triggers (migrations 0002 and 0009) refuse UPDATE, DELETE and TRUNCATE
from anything else too. Each row is hash-chained to the one before (``alliance.web.audit_chain``),
so that even someone who can lift the triggers cannot change the trail unseen.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from alliance.web import audit_chain
from alliance.web.models.clinic import Clinic
from alliance.web.models.patient import Patient


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit event."""


class DigestField(models.CharField):  # type: ignore[type-arg]
    """The row's ``audit_chain.digest``, computed as the row is inserted (by ``save``,
    ``bulk_create`` and ``written_sql`` alike: each calls ``pre_save``, after ``at``'s own). A
    restore (a raw save) keeps the digest its file holds."""

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        if add:
            row = {name: getattr(model_instance, name) for name in audit_chain.FIELDS}
            setattr(model_instance, self.attname, audit_chain.digest(row))
        return str(getattr(model_instance, self.attname))


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
    digest = DigestField(max_length=64, editable=False)
    chain = models.CharField(max_length=64, blank=True, editable=False)
    """Set by the database as the row is inserted (migration 0009), from the row before."""

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
