"""The front door: each member of staff goes to the page their role works from, and leaves
through the sign-in page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

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


class SignOut(LogoutView):
    """Sign out (a POST, as Django requires) and land on the sign-in page saying so; the
    redirect carries nothing in its address."""

    next_page = "login"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Sign the visitor out, then leave the notice for the sign-in page to show."""
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have signed out."))
        return response
