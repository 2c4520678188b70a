"""The therapist's care actions: a new patient, an episode, a visit, a check-in link, a
paper form entered by hand, and acknowledging an alert. Each looks its object up through
the treating scope (404 outside it) and writes through one domain action."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alliance.web import actions
from alliance.web.actions.checkin import instruments_for
from alliance.web.models import Alert, Episode, Protocol, Visit, VisitStatus
from alliance.web.scope import TREATING, get_patient, get_scoped, share_colleagues
from alliance.web.views.access import require_role, staff
from alliance.web.views.care_forms import (
    AcknowledgeForm,
    DischargeForm,
    EpisodeForm,
    PatientForm,
    VisitForm,
)
from alliance.web.views.questions import build_forms, problem_errors, read_answers

VISIT_PATIENT = "episode__patient"


@require_role(*TREATING)
def new_patient(request: HttpRequest) -> HttpResponse:
    """Register a patient treated by the signed-in therapist."""
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient = actions.register_patient(staff(request), **form.cleaned_data)
        messages.success(request, _("Patient added. Open their first episode of care below."))
        return redirect("patient", patient.pk)
    return render(request, "alliance/staff/patient_new.html", {"form": form, "section": "new"})


@require_role(*TREATING)
@require_POST
def new_episode(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Open an episode of care for a patient in the treating scope."""
    user = staff(request)
    patient = get_patient(user, patient_id, to_treat=True)
    form = EpisodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The episode was not opened: every field but one is needed."))
        return redirect("patient", patient.pk)
    data = form.cleaned_data
    protocol = None
    if data.pop("protocol"):
        protocol = Protocol.objects.filter(
            pk=request.POST["protocol"], clinic_id=patient.clinic_id
        ).first()
        if protocol is None:
            raise Http404
    episode = actions.open_episode(user, patient, protocol=protocol, **data)
    messages.success(request, _("Episode opened. Schedule its first visit below."))
    return redirect(f"{reverse('patient', args=[patient.pk])}?episode={episode.pk}")


@require_role(*TREATING)
@require_POST
def new_visit(request: HttpRequest, episode_id: int) -> HttpResponse:
    """Schedule an episode's next visit."""
    user = staff(request)
    episodes = Episode.objects.select_related("patient")
    episode = get_scoped(user, episodes, episode_id, to_treat=True)
    form = VisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the visit's date."))
    else:
        try:
            actions.schedule_visit(user, episode, form.cleaned_data["date"])
            messages.success(request, _("Visit scheduled."))
        except actions.ConflictError as error:
            messages.error(request, str(error))
    return redirect(f"{reverse('patient', args=[episode.patient_id])}?episode={episode.pk}")


@require_role(*TREATING)
@require_POST
def attendance(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Mark a visit attended, missed or cancelled."""
    visit = _visit(request, visit_id)
    status = request.POST.get("status", "")
    if status not in VisitStatus.values:
        messages.error(request, _("Please choose how the visit went."))
    else:
        actions.record_attendance(staff(request), visit, VisitStatus(status))
    url = reverse("patient", args=[visit.episode.patient_id])
    return redirect(f"{url}?episode={visit.episode_id}")


@require_role(*TREATING)
@require_POST
def discharge(request: HttpRequest, episode_id: int) -> HttpResponse:
    """Discharge an episode with its end date and reason."""
    user = staff(request)
    episode = get_scoped(user, Episode.objects.select_related("patient"), episode_id, to_treat=True)
    form = DischargeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the discharge date and reason."))
    else:
        try:
            actions.discharge_episode(user, episode, **form.cleaned_data)
            messages.success(request, _("Episode discharged."))
        except actions.ConflictError as error:
            messages.error(request, str(error))
    return redirect(f"{reverse('patient', args=[episode.patient_id])}?episode={episode.pk}")


def _visit(request: HttpRequest, visit_id: int) -> Visit:
    visits = Visit.objects.select_related("episode__patient", "episode__protocol")
    return get_scoped(staff(request), visits, visit_id, to_treat=True, via=VISIT_PATIENT)


@require_role(*TREATING)
@require_POST
def new_link(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Issue a check-in link for a visit and show it once, with its QR code, to print."""
    visit = _visit(request, visit_id)
    try:
        link, token = actions.issue_checkin_link(staff(request), visit)
    except actions.ConflictError as error:
        messages.error(request, str(error))
        return redirect("patient", visit.episode.patient_id)
    url = request.build_absolute_uri(reverse("checkin", args=[token]))
    qr = segno.make(url, error="m").svg_inline(scale=6, dark="#1d2b36", omitsize=True)
    context = {"visit": visit, "url": url, "qr": qr, "link": link, "section": "caseload"}
    return render(request, "alliance/staff/link.html", context)


@require_role(*TREATING)
def paper_form(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Enter a visit's questionnaires from paper; blank answers are left missing."""
    visit = _visit(request, visit_id)
    ids = instruments_for(visit)
    forms = build_forms(ids)
    status = 200
    if request.method == "POST":
        answers, errors = read_answers(forms, request.POST, required=False)
        answers = {k: v for k, v in answers.items() if any(x is not None for x in v.values())}
        if not errors and answers:
            try:
                actions.record_assessment(visit, answers, by=staff(request))
            except actions.AnswersRejectedError as error:
                errors = problem_errors(error.problems)
            else:
                messages.success(request, _("The paper form was recorded."))
                url = reverse("patient", args=[visit.episode.patient_id])
                return redirect(f"{url}?episode={visit.episode_id}")
        if not answers and not errors:
            errors = {"": _("No answer was entered.")}
        values = {k: str(v) for k, v in request.POST.items()}
        forms = build_forms(ids, values=values, errors=errors)
        status = 422
    context = {
        "visit": visit,
        "forms": forms,
        "section": "caseload",
    }
    return render(request, "alliance/staff/paper_form.html", context, status=status)


@require_role(*TREATING)
@require_POST
def share(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Share a patient with a therapist colleague (only the treating therapist can)."""
    user = staff(request)
    patient = get_patient(user, patient_id, to_treat=True)
    colleague = share_colleagues(patient).filter(pk=request.POST.get("colleague") or 0).first()
    if colleague is None:
        raise Http404
    try:
        actions.share_patient(user, patient, colleague)
        messages.success(request, _("Shared with %(name)s.") % {"name": colleague.username})
    except (actions.NotAllowedError, actions.ConflictError) as error:
        messages.error(request, str(error))
    return redirect("patient", patient.pk)


@require_role(*TREATING)
@require_POST
def acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Acknowledge an alert with a note of what was done."""
    user = staff(request)
    alert = get_scoped(user, Alert.objects.select_related("patient"), alert_id, to_treat=True)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please say what was done about the alert."))
    else:
        try:
            actions.acknowledge_alert(user, alert, action_taken=form.cleaned_data["action_taken"])
            messages.success(request, _("Alert acknowledged."))
        except actions.ConflictError as error:
            messages.error(request, str(error))
    return redirect(f"{reverse('patient', args=[alert.patient_id])}?episode={alert.episode_id}")
