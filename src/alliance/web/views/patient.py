"""The patient page: the chart, every assessment, alerts, and the episode's visits.

Reached through the treating scope only (404 otherwise); the name on the page is read
through the audited identity action. The queries are the same few whatever the history.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from alliance import instruments
from alliance.web import actions
from alliance.web.models import (
    Alert,
    Assessment,
    AssessmentStatus,
    Episode,
    Patient,
    Protocol,
    Share,
    User,
    Visit,
)
from alliance.web.scope import TREATING, get_patient, share_colleagues
from alliance.web.views.access import require_role, staff
from alliance.web.views.alert_text import alert_text
from alliance.web.views.chart_data import chart_data
from alliance.web.views.instrument_text import instrument_text
from alliance.web.views.labels import VISIT_STATUS


@require_role(*TREATING)
def patient_page(request: HttpRequest, patient_id: int) -> HttpResponse:
    """One patient's page, showing the chosen episode (the latest by default)."""
    user = staff(request)
    patient = get_patient(user, patient_id, to_treat=True)
    identity = actions.read_identity(user, patient, request)
    episodes = list(Episode.objects.filter(patient=patient).order_by("-start_date", "-pk"))
    chosen = request.GET.get("episode", "")
    episode = next((e for e in episodes if str(e.pk) == chosen), episodes[0] if episodes else None)
    visits: list[Visit] = []
    assessments: list[Assessment] = []
    if episode is not None:
        visits = list(Visit.objects.filter(episode=episode).order_by("number"))
        assessments = list(
            Assessment.objects.filter(visit__episode=episode)
            .select_related("visit")
            .order_by("visit__number", "pk")
        )
    alerts = list(
        Alert.objects.filter(patient=patient)
        .select_related("acknowledged_by")
        .order_by("-raised_at", "-pk")
    )
    context = {
        "section": "caseload",
        "patient": patient,
        "identity": identity,
        "episodes": episodes,
        "episode": episode,
        "visits": _visit_rows(visits, assessments),
        "rows": [_row(a) for a in reversed(assessments)],
        "chart": chart_data(assessments),
        "open_alerts": [alert_text(a) for a in alerts if not (a.acknowledged_at or a.resolved_at)],
        "closed_alerts": [alert_text(a) for a in alerts if a.acknowledged_at or a.resolved_at],
        "protocols": Protocol.objects.filter(clinic_id=patient.clinic_id).order_by("name"),
        "colleagues": _colleagues(patient, user),
        "today": timezone.localdate(),
        "statuses": list(VISIT_STATUS.items()),
    }
    return render(request, "alliance/staff/patient.html", context)


def _colleagues(patient: Patient, user: User) -> list[User]:
    """The therapists the treating therapist may share the patient with (none for others)."""
    if patient.therapist_id != user.pk:
        return []
    already = Share.objects.filter(patient=patient).values("therapist")
    return list(
        share_colleagues(patient).exclude(pk=user.pk).exclude(pk__in=already).order_by("username")
    )


def _visit_rows(visits: list[Visit], assessments: list[Assessment]) -> list[dict[str, Any]]:
    done: dict[int, int] = {}
    for a in assessments:
        done[a.visit_id] = done.get(a.visit_id, 0) + 1
    return [
        {"visit": v, "recorded": done.get(v.pk, 0), "status": VISIT_STATUS.get(v.status, v.status)}
        for v in visits
    ]


def _row(assessment: Assessment) -> dict[str, Any]:
    definition = instruments.load(assessment.instrument_id)
    names = {s.id: instrument_text(s.name) for s in definition.scales}
    scores = [
        (names.get(scale, scale), value)
        for scale, value in assessment.scores.items()
        if scale != "total" and value is not None
    ]
    return {
        "assessment": assessment,
        "instrument": definition.abbreviation,
        "total": assessment.scores.get("total"),
        "subscales": scores,
        "by_patient": assessment.link_id is not None,
        "not_scored": _not_scored(assessment, definition, names),
    }


def _not_scored(
    assessment: Assessment, definition: instruments.Definition, names: dict[str, str]
) -> str:
    """Why the assessment has no score, in the page's language, worked out again from its
    stored answers; as stored (in English) when another version of the definition scored it."""
    if assessment.status != AssessmentStatus.NOT_SCORED:
        return ""
    if assessment.definition_version != definition.version:
        return assessment.reason
    try:
        found = instruments.unscored(definition, assessment.answers)
    except instruments.AnswerError:
        return assessment.reason
    parts = []
    for scale in found:
        values = {
            "scale": names.get(scale.scale, scale.scale),
            "missing": scale.missing,
            "items": scale.items,
            "allowed": scale.allowed,
        }
        if scale.missing > scale.allowed:
            text = ngettext(
                "%(scale)s: %(missing)s of %(items)s answers missing or not applicable, "
                "at most %(allowed)s allowed",
                "%(scale)s: %(missing)s of %(items)s answers missing or not applicable, "
                "at most %(allowed)s allowed",
                scale.missing,
            )
        else:
            text = gettext("%(scale)s: cannot be computed from these answers")
        parts.append(text % values)
    return "; ".join(parts) or assessment.reason
