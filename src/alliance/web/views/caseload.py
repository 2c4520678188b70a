"""The therapist's caseload: open alerts first, then overdue measures, with search and filters.

Each count is a correlated subquery, so the page costs the same handful of queries whatever
the size of the caseload; the names shown are read through the audited identity action.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from alliance.web import actions
from alliance.web.models import Alert, Assessment, Episode, Patient, Visit, VisitStatus
from alliance.web.scope import TREATING, identifiable_patients, scoped
from alliance.web.views.access import require_role, staff

PAGE_SIZE = 50
DUE = (VisitStatus.ATTENDED, VisitStatus.SCHEDULED)
OPEN = {"acknowledged_at__isnull": True, "resolved_at__isnull": True}


def _count(queryset: QuerySet[Alert] | QuerySet[Visit], field: str) -> Coalesce:
    counted = queryset.values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def annotated_caseload(patients: QuerySet[Patient]) -> QuerySet[Patient]:
    """``patients`` with their open alerts, overdue measures, latest episode and next visit.

    A measure is overdue when a visit of an open episode has passed (attended, or still
    marked scheduled) and nothing was recorded for it.
    """
    today = timezone.localdate()
    alerts = Alert.objects.filter(patient=OuterRef("pk"), **OPEN)
    overdue = Visit.objects.filter(
        episode__patient=OuterRef("pk"),
        episode__end_date__isnull=True,
        date__lt=today,
        status__in=DUE,
    ).exclude(Exists(Assessment.objects.filter(visit=OuterRef("pk"))))
    latest = Episode.objects.filter(patient=OuterRef("pk")).order_by("-start_date", "-pk")
    upcoming = Visit.objects.filter(
        episode__patient=OuterRef("pk"), date__gte=today, status=VisitStatus.SCHEDULED
    ).order_by("date")
    return patients.annotate(
        open_alerts=_count(alerts, "patient"),
        overdue=_count(overdue, "episode__patient"),
        condition=Subquery(latest.values("condition")[:1]),
        body_region=Subquery(latest.values("body_region")[:1]),
        episode_open=Exists(Episode.objects.filter(patient=OuterRef("pk"), end_date__isnull=True)),
        next_visit=Subquery(upcoming.values("date")[:1]),
    )


def filter_choices(patients: QuerySet[Patient]) -> tuple[list[str], list[str]]:
    """The conditions and body regions found among ``patients``' episodes."""
    episodes = Episode.objects.filter(patient__in=patients.values("pk"))
    pairs = set(episodes.values_list("condition", "body_region"))
    return sorted({c for c, _ in pairs}), sorted({r for _, r in pairs})


@require_role(*TREATING)
def caseload(request: HttpRequest) -> HttpResponse:
    """The caseload page."""
    user = staff(request)
    patients = identifiable_patients(user)
    conditions, regions = filter_choices(patients)
    query = request.GET.get("q", "").strip()[:100]
    condition = request.GET.get("condition", "")
    region = request.GET.get("region", "")
    status = request.GET.get("status", "")
    rows = annotated_caseload(patients)
    if query:
        rows = rows.filter(Q(code__icontains=query) | Q(identity__name__icontains=query))
    if condition:
        rows = rows.filter(episodes__condition=condition).distinct()
    if region:
        rows = rows.filter(episodes__body_region=region).distinct()
    if status == "open":
        rows = rows.filter(Q(episode_open=True))
    elif status == "discharged":
        rows = rows.filter(Q(episode_open=False))
    rows = rows.order_by("-open_alerts", "-overdue", "next_visit", "code")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    names = actions.read_identities(user, shown, request)
    context = {
        "section": "caseload",
        "page": page,
        "rows": [(p, names.get(p.pk)) for p in shown],
        "query": query,
        "conditions": conditions,
        "regions": regions,
        "condition": condition,
        "region": region,
        "status": status,
        "open_alert_total": scoped(user, Alert.objects.filter(**OPEN), to_treat=True).count(),
        "today": timezone.localdate(),
        "filtered": bool(query or condition or region or status),
        "querystring": _querystring(query, condition, region, status),
    }
    return render(request, "alliance/staff/caseload.html", context)


def _querystring(*values: str) -> str:
    keys = ("q", "condition", "region", "status")
    return urlencode({k: v for k, v in zip(keys, values, strict=True) if v})
