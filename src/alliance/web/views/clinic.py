"""The clinic overview: de-identified distributions and rates for the clinic lead.

It reads through the clinic-level scope (the clinic's patients, de-identified) and shows
only counts, medians and proportions; a per-therapist table appears only when the clinic's
admin has turned it on.
"""

from __future__ import annotations

import pandas as pd
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from alliance.web.models import Assessment, Clinic, Episode, Visit, VisitStatus
from alliance.web.scope import CLINIC_LEVEL, scoped
from alliance.web.views.access import clinic_of, require_role, staff
from alliance.web.views.clinic_stats import (
    alliance_histogram,
    breakdown,
    episode_table,
    outcome_changes,
    outcome_distribution,
    summary_row,
)


@require_role(*CLINIC_LEVEL)
def overview(request: HttpRequest) -> HttpResponse:
    """The clinic overview page."""
    user = staff(request)
    clinic = Clinic.objects.get(pk=clinic_of(user))
    episodes = pd.DataFrame(
        list(
            scoped(user, Episode.objects.all(), summary=True).values_list(
                "pk", "condition", "therapist__username", "end_date", "discharge_reason"
            )
        ),
        columns=["episode", "condition", "therapist", "end_date", "reason"],
    )
    episodes["discharged"] = episodes["end_date"].notna()
    episodes["dropout"] = episodes["reason"].str.contains("drop", case=False, na=False)
    scores = pd.DataFrame(
        [
            (episode, visit, instrument, scale, value)
            for episode, visit, instrument, values in scoped(
                user, Assessment.objects.filter(status="scored"), summary=True
            ).values_list("visit__episode_id", "visit__number", "instrument_id", "scores")
            for scale, value in values.items()
            if value is not None
        ],
        columns=["episode", "visit", "instrument", "scale", "score"],
    )
    table = episode_table(episodes.drop(columns=["end_date", "reason"]), scores)
    visits = scoped(
        user,
        Visit.objects.filter(date__lte=timezone.localdate()),
        summary=True,
        via="episode__patient",
    )
    attended = visits.filter(status=VisitStatus.ATTENDED)
    answered = attended.filter(assessments__isnull=False).distinct().count()
    attended_count = attended.count()
    context = {
        "section": "clinic",
        "clinic": clinic,
        "overall": summary_row("", table) if len(table) else None,
        "open_episodes": int((~table["discharged"]).sum()) if len(table) else 0,
        "histogram": alliance_histogram(table) if len(table) else [],
        "outcomes": outcome_distribution(outcome_changes(scores)),
        "response_rate": answered / attended_count if attended_count else None,
        "attended": attended_count,
        "missed": visits.filter(status=VisitStatus.MISSED).count(),
        "conditions": breakdown(table, "condition") if len(table) else [],
        "therapists": breakdown(table, "therapist")
        if clinic.therapist_comparison and len(table)
        else None,
    }
    return render(request, "alliance/staff/clinic.html", context)
