"""The patient's check-in: opened from the visit's link or QR code, no account.

The signed link is the only credential. The page shows the visit's patient-answered
instruments one at a time (plain HTML works too: then every instrument is on one page);
answers are checked here and again by the scoring engine, and a submission is stored once
whatever happens to the connection: a repeat of the same answers through a used link gets
the same assessments back from ``record_assessment``. Nothing identifiable appears in the
page, its title or its address.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from alliance import instruments
from alliance.instruments.definition import Respondent
from alliance.web import actions
from alliance.web.actions.checkin import LINK_SALT, instruments_for
from alliance.web.models import CheckinLink
from alliance.web.views.questions import (
    InstrumentForm,
    build_forms,
    problem_errors,
    read_answers,
)


@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """Show the check-in form of a valid, unused link, or take its answers."""
    try:
        link = actions.resolve_link(token)
    except actions.InvalidLinkError:
        return _unusable(request, token)
    if request.method == "GET" and link.used_at is not None:
        return render(request, "alliance/checkin/used.html", status=410)
    ids = patient_instruments(link)
    forms = build_forms(ids)
    if request.method == "GET":
        return _form_page(request, link, forms)
    answers, errors = read_answers(forms, request.POST, required=True)
    if not errors:
        try:
            actions.record_assessment(link.visit, answers, link=link)
        except actions.AnswersRejectedError as error:
            errors = problem_errors(error.problems)
        except actions.ConflictError:
            return render(request, "alliance/checkin/used.html", status=410)
        else:
            return redirect("checkin_thanks", permanent=False)
    values = {k: str(v) for k, v in request.POST.items()}
    forms = build_forms(ids, values=values, errors=errors)
    return _form_page(request, link, forms, status=422, invalid=True)


def checkin_thanks(request: HttpRequest) -> HttpResponse:
    """The thank-you page after a check-in (the same for everyone: it names nobody)."""
    return render(request, "alliance/checkin/thanks.html")


def patient_instruments(link: CheckinLink) -> list[str]:
    """The instruments of the link's visit that the patient answers (not therapist-rated)."""
    return [
        i
        for i in instruments_for(link.visit)
        if instruments.load(i).respondent is Respondent.PATIENT
    ]


def _form_page(
    request: HttpRequest,
    link: CheckinLink,
    forms: Sequence[InstrumentForm],
    *,
    status: int = 200,
    invalid: bool = False,
) -> HttpResponse:
    context = {"forms": forms, "visit_date": link.visit.date, "invalid": invalid}
    return render(request, "alliance/checkin/form.html", context, status=status)


def _unusable(request: HttpRequest, token: str) -> HttpResponse:
    """An expired link says so kindly; anything else is simply not a link (404)."""
    try:
        signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        return render(request, "alliance/checkin/invalid.html", status=404)
    return render(request, "alliance/checkin/expired.html", status=410)
