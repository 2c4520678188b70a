"""Audit every sign-in, sign-out and failed sign-in (ASVS 16.3.1).

A failed attempt records the username tried, never the password.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from alliance.web.audit import record
from alliance.web.models import User

USERNAME_LIMIT = 150


@receiver(user_logged_in)
def audit_login(sender: object, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Record a successful sign-in."""
    record("login", actor=user, request=request)


@receiver(user_logged_out)
def audit_logout(
    sender: object, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    """Record a sign-out (``user`` is None when the session had already expired)."""
    if user is not None:
        record("logout", actor=user, request=request)


@receiver(user_login_failed)
def audit_failed_login(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Record a failed sign-in with the username tried."""
    tried = str(credentials.get("username", ""))[:USERNAME_LIMIT]
    record("login_failed", actor=None, request=request, detail={"username": tried})
