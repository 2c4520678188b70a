"""Who may open a staff page: signed in, and holding one of the page's roles; else 404.

Each family of pages names its roles from ``scope`` (``TREATING``, ``CLINIC_LEVEL``,
``MANAGING``), so the roles and the patients each may reach are decided in one module."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from alliance.web.models import Role, User

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def staff(request: HttpRequest) -> User:
    """The signed-in member of staff of a request that ``require_role`` let through."""
    return cast(User, request.user)


def clinic_of(user: User) -> int:
    """The clinic of a member of staff that ``require_role`` let through (never None)."""
    if user.clinic_id is None:
        raise Http404
    return user.clinic_id


def require_role(*roles: Role) -> Callable[[View[P]], View[P]]:
    """Send a visitor to sign in; answer 404 to a member of staff without one of ``roles``."""

    def decorate(view: View[P]) -> View[P]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not isinstance(user, User) or user.role not in roles or user.clinic_id is None:
                raise Http404
            return view(request, *args, **kwargs)

        return cast(View[P], wrapped)

    return decorate
