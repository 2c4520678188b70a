"""The clinic overview: de-identified distributions and rates for the clinic lead.

It reads through the clinic-level scope (the clinic's patients, de-identified) and shows
only counts, medians and proportions, none resting on fewer than five episodes or visits
(``clinic_stats``): a clinic of fewer than five episodes shows no number at all. A
per-therapist table appears only when the clinic's admin has turned it on.
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
    SMALL_GROUP,
    alliance_histogram,
    breakdown,
    episode_table,
    outcome_changes,
    outcome_distribution,
    proportion,
    shown,
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
    missed = visits.filter(status=VisitStatus.MISSED).count()
    enough = len(table) >= SMALL_GROUP
    in_care = int((~table["discharged"]).sum()) if enough else 0
    context = {
        "section": "clinic",
        "clinic": clinic,
        "episodes": len(table),
        "overall": summary_row("", table) if enough else None,
        "open_episodes": shown([in_care, len(table) - in_care])[0],
        "histogram": alliance_histogram(table) if enough else [],
        "outcomes": outcome_distribution(outcome_changes(scores)),
        "response_rate": proportion(answered, attended_count),
        "attended": shown([attended_count])[0],
        "missed": shown([missed])[0],
        "conditions": breakdown(table, "condition") if enough else [],
        "therapists": breakdown(table, "therapist")
        if clinic.therapist_comparison and enough
        else None,
    }
    return render(request, "alliance/staff/clinic.html", context)
