"""Writing audit events. Every domain action calls ``record`` inside its own transaction, so
the change and its audit row commit together or not at all."""

from __future__ import annotations

from typing import Any, TypedDict, Unpack

from django.db import DEFAULT_DB_ALIAS, models
from django.http import HttpRequest

from alliance.web import audit_chain, written_sql
from alliance.web.models import AuditEvent, Patient, User


def client_address(request: HttpRequest | None) -> str | None:
    """The address the request came from (the proxy's, unless the server trusts a proxy)."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


class About(TypedDict, total=False):
    """What an audit event is about, besides its action and actor."""

    patient: Patient | None
    target: models.Model | None
    request: HttpRequest | None
    detail: dict[str, Any] | None


def record(action: str, *, actor: User | None, **about: Unpack[About]) -> AuditEvent:
    """Append one audit event (in one INSERT written out: every action adds one, see
    ``written_sql``). ``detail`` must hold no identifiable data."""
    event = unsaved_event(action, actor=actor, **about)
    written_sql.insert([event])
    return event


def unsaved_event(
    action: str,
    *,
    actor: User | None,
    patient: Patient | None = None,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """The audit event ``record`` appends, not yet stored: for an action that prepares its
    rows before its transaction and inserts them inside it."""
    clinic_id = (
        patient.clinic_id if patient is not None else actor.clinic_id if actor is not None else None
    )
    return AuditEvent(
        actor=actor,
        actor_label=actor.get_username() if actor is not None else "",
        action=action,
        clinic_id=clinic_id,
        patient=patient,
        object_type=target._meta.model_name or "" if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        ip=client_address(request),
        detail=detail or {},
    )


def first_broken_link(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """The id of the first audit event whose hash chain does not hold (it, or a row before it,
    was changed, removed or inserted out of turn); None when the whole trail holds."""
    rows = AuditEvent.objects.using(using).order_by("pk")
    return audit_chain.first_broken(
        rows.values("id", "digest", "chain", *audit_chain.FIELDS).iterator(chunk_size=2000)
    )
