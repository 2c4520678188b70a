"""Bearer-token authentication for the API, and the caller's user."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from ninja.security import HttpBearer

from alliance.web.actions.accounts import token_digest
from alliance.web.models import ApiToken, User

TOUCH_EVERY = timedelta(minutes=1)
"""A token's last use is written at most this often, so a burst of calls writes once; the
idle limit then counts from a use at most this old: a token may lapse this much early, never
late."""


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: a token of an active user, used within the sessions'
    idle limit, younger than their absolute limit, and issued since the last password change."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        now = timezone.now()
        idle = timedelta(seconds=settings.SESSION_IDLE_SECONDS)
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), expires_at__gt=now, last_used_at__gt=now - idle)
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        if not constant_time_compare(found.password_stamp, found.user.get_session_auth_hash()):
            return None
        if now - found.last_used_at >= TOUCH_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found.user


def caller(request: HttpRequest) -> User:
    """The authenticated user of an API request."""
    return cast(User, request.auth)  # type: ignore[attr-defined]


def presented_token(request: HttpRequest) -> str:
    """The bearer token of a request that ``TokenAuth`` let through."""
    return request.headers["Authorization"].partition(" ")[2]
