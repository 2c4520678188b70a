"""The admin's pages: staff and roles, shares, assessment protocols, licensed wording and the
audit log. An admin sees no patient's details: shares show pseudonymous codes only."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from alliance import instruments
from alliance.instruments.definition import LicenceStatus
from alliance.interop.wording_files import installed_wording
from alliance.web import actions
from alliance.web.models import Clinic, Protocol, Role, User
from alliance.web.scope import MANAGING, clinic_shares
from alliance.web.views.access import clinic_of, require_role, staff
from alliance.web.views.instrument_text import instrument_text
from alliance.web.views.labels import AUDIT_ACTIONS, OBJECT_TYPES, ROLES
from alliance.web.views.manage_forms import NewUserForm, ProtocolForm, RoleForm, WordingForm

AUDIT_PAGE = 100


@require_role(*MANAGING)
def staff_page(request: HttpRequest) -> HttpResponse:
    """Staff accounts: add one, change a role, suspend; and the clinic's comparison option."""
    admin = staff(request)
    clinic = Clinic.objects.get(pk=clinic_of(admin))
    new_user = NewUserForm(request.POST if request.POST.get("form") == "new" else None)
    error = ""
    if request.method == "POST":
        try:
            error = _staff_post(request, admin, clinic, new_user)
        except (actions.ActionError, ValidationError) as problem:
            error = "; ".join(getattr(problem, "messages", [str(problem)]))
        if not error:
            return redirect("manage_staff")
    context = {
        "section": "staff",
        "clinic": clinic,
        "people": User.objects.filter(clinic_id=clinic_of(admin)).order_by("username"),
        "roles": ROLES,
        "new_user": new_user,
        "error": error,
    }
    return render(request, "alliance/manage/staff.html", context, status=400 if error else 200)


def _staff_post(request: HttpRequest, admin: User, clinic: Clinic, new_user: NewUserForm) -> str:
    kind = request.POST.get("form")
    if kind == "new":
        if not new_user.is_valid():
            return _("Please complete every field.")
        data = new_user.cleaned_data
        actions.create_user(admin, clinic, data["username"], Role(data["role"]), data["password"])
    elif kind == "role":
        form = RoleForm(request.POST)
        if not form.is_valid():
            return _("Please choose a role.")
        person = User.objects.filter(pk=form.cleaned_data["user"], clinic_id=clinic.pk).first()
        if person is None:
            raise Http404
        active = form.cleaned_data["active"]
        actions.change_role(admin, person, Role(form.cleaned_data["role"]), active=active)
    elif kind == "comparison":
        shown = request.POST.get("shown") == "on"
        actions.set_therapist_comparison(admin, clinic, shown=shown)
    return ""


@require_role(*MANAGING)
def shares_page(request: HttpRequest) -> HttpResponse:
    """Patients shared between therapists (by code), and withdrawing a share."""
    admin = staff(request)
    shares = clinic_shares(admin)
    if request.method == "POST":
        share = shares.filter(pk=request.POST.get("share", "0") or 0).first()
        if share is None:
            raise Http404
        actions.revoke_share(admin, share)
        return redirect("manage_shares")
    context = {"section": "shares", "shares": shares.order_by("patient__code", "therapist")}
    return render(request, "alliance/manage/shares.html", context)


@require_role(*MANAGING)
def protocols_page(request: HttpRequest) -> HttpResponse:
    """The clinic's assessment protocols, and adding one."""
    admin = staff(request)
    form = ProtocolForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.create_protocol(admin, form.cleaned_data["name"], form.schedule_entries())
                return redirect("manage_protocols")
            except actions.ActionError as problem:
                error = str(problem)
        else:
            error = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    protocols = Protocol.objects.filter(clinic_id=clinic_of(admin)).order_by("name")
    context = {
        "section": "protocols",
        "protocols": [(p, _schedule_text(p)) for p in protocols],
        "form": form,
        "error": error,
        "catalogue": [(d.id, d.abbreviation) for d in instruments.catalog()],
    }
    return render(request, "alliance/manage/protocols.html", context, status=400 if error else 200)


def _schedule_text(protocol: Protocol) -> list[tuple[str, str]]:
    return [
        (
            str(entry["instrument"]),
            ", ".join(str(v) for v in entry["visits"]) or _("every visit"),
        )
        for entry in protocol.schedule
    ]


@require_role(*MANAGING)
def wording_page(request: HttpRequest) -> HttpResponse:
    """Instruments whose licensed wording the clinic may install, and installing it."""
    admin = staff(request)
    form = WordingForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"wording{suffix}"
            path.write_bytes(upload.read())
            try:
                actions.install_licensed_wording(admin, form.cleaned_data["instrument"], path)
                return redirect("manage_wording")
            except actions.ActionError as problem:
                error = str(problem)
    elif request.method == "POST":
        error = _("Please choose an instrument and a file.")
    rows = []
    for definition in instruments.catalog():
        if definition.licence.status is LicenceStatus.PROJECT:
            continue
        if all(item.text for item in definition.items):
            continue
        wording = installed_wording(definition)
        rows.append((definition, instrument_text(definition.name), wording))
    context = {"section": "wording", "rows": rows, "form": form, "error": error}
    return render(request, "alliance/manage/wording.html", context, status=400 if error else 200)


@require_role(*MANAGING)
def audit_page(request: HttpRequest) -> HttpResponse:
    """The clinic's audit log, newest first, filtered by action."""
    events = actions.clinic_audit_events(staff(request))
    action = request.GET.get("action", "")
    if action:
        events = events.filter(action=action)
    page = Paginator(events, AUDIT_PAGE).get_page(request.GET.get("page"))
    rows = [
        (
            event,
            AUDIT_ACTIONS.get(event.action, event.action),
            OBJECT_TYPES.get(event.object_type, event.object_type),
        )
        for event in page.object_list
    ]
    choices = sorted(AUDIT_ACTIONS.items(), key=lambda choice: str(choice[1]))
    context = {
        "section": "audit",
        "page": page,
        "rows": rows,
        "action": action,
        "choices": choices,
    }
    return render(request, "alliance/manage/audit.html", context)
