"""Alerts on the caller's patients, and acknowledging them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from alliance.web import actions
from alliance.web.api.auth import caller
from alliance.web.api.pagination import Pages
from alliance.web.api.schemas import AcknowledgeIn, AlertOut, Message
from alliance.web.models import Alert
from alliance.web.scope import get_scoped, scoped

router = Router(tags=["alerts"])


@router.get("", response=list[AlertOut])
@paginate(Pages)
def list_alerts(request: HttpRequest, open_only: bool = True) -> QuerySet[Alert]:
    """Alerts on the caller's patients, newest first; ``open_only`` hides acknowledged and
    resolved ones."""
    alerts = scoped(caller(request), Alert.objects.all(), to_treat=True)
    if open_only:
        alerts = alerts.filter(acknowledged_at__isnull=True, resolved_at__isnull=True)
    return alerts.order_by("-raised_at", "-pk")


@router.get("/{alert_id}", response=AlertOut)
def read_alert(request: HttpRequest, alert_id: int) -> Alert:
    """One alert."""
    return get_scoped(caller(request), Alert.objects.all(), alert_id, to_treat=True)


@router.post("/{alert_id}/acknowledge", response={200: AlertOut, 409: Message})
def acknowledge(request: HttpRequest, alert_id: int, body: AcknowledgeIn) -> Alert:
    """Acknowledge the alert with what was done."""
    user = caller(request)
    alert = get_scoped(user, Alert.objects.select_related("patient"), alert_id, to_treat=True)
    return actions.acknowledge_alert(user, alert, action_taken=body.action_taken)
