"""Bearer-token authentication for the API, and the caller's user."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from alliance.web.actions.accounts import token_digest
from alliance.web.models import ApiToken, User


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with an unexpired token of an active user."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), expires_at__gt=timezone.now())
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        return found.user


def caller(request: HttpRequest) -> User:
    """The authenticated user of an API request."""
    return cast(User, request.auth)  # type: ignore[attr-defined]
