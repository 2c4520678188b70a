"""The audit trail of the caller's clinic, for its admins: as JSON pages or as CSV."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.pagination import paginate

from alliance.web import actions
from alliance.web.api.auth import caller
from alliance.web.api.export import CSV
from alliance.web.api.pagination import Pages
from alliance.web.api.schemas import AuditOut
from alliance.web.models import AuditEvent

router = Router(tags=["audit"])


@router.get("", response=list[AuditOut])
@paginate(Pages)
def list_events(request: HttpRequest) -> QuerySet[AuditEvent]:
    """The clinic's audit events, newest first (admins only)."""
    return actions.clinic_audit_events(caller(request))


@router.get("/events.csv", response={200: None}, openapi_extra=CSV)
def export_events(request: HttpRequest) -> HttpResponse:
    """The clinic's whole audit trail as CSV (admins only); the export is audited."""
    response = HttpResponse(actions.export_audit(caller(request)), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return response
