"""The front door: each member of staff goes to the page their role works from."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from alliance.web.models import Role, User

START = {
    Role.THERAPIST: "caseload",
    Role.RESEARCHER: "clinic_overview",
    Role.ADMIN: "manage_staff",
    Role.LEAD: "clinic_overview",
}


def home(request: HttpRequest) -> HttpResponse:
    """Send a visitor to sign in, and a member of staff to their role's first page."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        return redirect("login")
    return redirect(START.get(Role(user.role), "login"))
