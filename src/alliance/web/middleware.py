"""Middleware for what Django does not set itself: a content security policy, ``no-store`` on
every response (health data must not linger in a shared tablet's cache), requests in UTF-8
only, and an absolute session lifetime on top of the sliding idle timeout."""

from __future__ import annotations

import codecs
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

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


def utf8_requests(get_response: Handler) -> Handler:
    """Answer 400 to a request that declares a character set other than UTF-8 (browsers send
    UTF-8). Django decodes form fields and the query string in the declared set, replacing
    what does not decode: from UTF-8 that leaves only text a database can store, but UTF-7,
    for one, decodes to lone surrogates, which it cannot (a server error when stored)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        declared = request.encoding
        if declared is not None and codecs.lookup(declared).name != "utf-8":
            return HttpResponseBadRequest(
                "Requests must be encoded in UTF-8.", content_type="text/plain; charset=utf-8"
            )
        return get_response(request)

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
