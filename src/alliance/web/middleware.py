"""Middleware for what Django does not set itself: a content security policy, ``no-store`` on
every response (health data must not linger in a shared tablet's cache) and an absolute
session lifetime on top of the sliding idle timeout."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

Handler = Callable[[HttpRequest], HttpResponse]
SESSION_STARTED = "alliance_session_started"


def security_headers(get_response: Handler) -> Handler:
    """Add the content security policy and forbid caching of every response."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers["Cache-Control"] = "no-store"
        return response

    return middleware


def absolute_session_timeout(get_response: Handler) -> Handler:
    """End a signed-in session once it is older than ``SESSION_ABSOLUTE_SECONDS``, however
    active it has been."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.setdefault(SESSION_STARTED, time.time())
            if time.time() - float(started) > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return get_response(request)

    return middleware
