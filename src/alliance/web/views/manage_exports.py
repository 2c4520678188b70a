"""The Exports page: de-identified research and REDCap files for admins and researchers, and
for admins the identifiable files, the FHIR Bundle and the Bundle import.

Every download is a POST (CSRF-checked, nothing in the address) answered by an audited
action; a role the action refuses gets a 404, as everywhere else.
"""

from __future__ import annotations

from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from alliance.web import actions
from alliance.web.actions.interop_import import ClinicImport, import_fhir_bundle
from alliance.web.export_downloads import KINDS, download
from alliance.web.models import Role, User
from alliance.web.views.access import clinic_of, require_role, staff

MAX_BUNDLE_BYTES = 50 * 1024 * 1024


@require_role(Role.ADMIN, Role.RESEARCHER)
def exports_page(request: HttpRequest) -> HttpResponse:
    """Offer the exports the user's role allows; answer a download or a Bundle import."""
    user = staff(request)
    error, imported = "", None
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind == "import":
            error, imported = _import(request, user)
        elif kind in KINDS:
            try:
                return download(user, kind, request)
            except actions.NotAllowedError:
                raise Http404 from None
            except actions.ActionError as problem:
                error = str(problem)
        else:
            raise Http404
    context = {
        "section": "exports",
        "admin": user.role == Role.ADMIN,
        "therapists": User.objects.filter(
            clinic_id=clinic_of(user), role=Role.THERAPIST, is_active=True
        ).order_by("username"),
        "error": error,
        "imported": imported,
    }
    return render(request, "alliance/manage/exports.html", context, status=400 if error else 200)


def _import(request: HttpRequest, user: User) -> tuple[str, ClinicImport | None]:
    if user.role != Role.ADMIN:
        raise Http404
    upload = request.FILES.get("bundle")
    therapist = User.objects.filter(
        pk=request.POST.get("therapist") or 0, clinic_id=clinic_of(user), role=Role.THERAPIST
    ).first()
    if upload is None or therapist is None:
        return _("Please choose a Bundle file and a therapist."), None
    if upload.size is not None and upload.size > MAX_BUNDLE_BYTES:
        return _("The file is larger than 50 MB."), None
    text = upload.read().decode("utf-8-sig", errors="replace")
    source = Path(upload.name or "bundle.json").name
    try:
        return "", import_fhir_bundle(user, text, source, therapist=therapist, request=request)
    except actions.ActionError as problem:
        return str(problem), None
