"""The API object: authentication (a bearer token or the signed-in session, CSRF-checked),
the routers, and how domain refusals become HTTP answers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja.security import django_auth

from alliance.web.actions import (
    AnswersRejectedError,
    ConflictError,
    InvalidLinkError,
    NotAllowedError,
)
from alliance.web.api import alerts, audit, care, checkin, export, patients, tokens
from alliance.web.api.auth import TokenAuth
from alliance.web.api.openapi import ClinicApi
from alliance.web.api.parser import JsonWithoutNul

api = ClinicApi(
    title="Alliance clinic API",
    version="1",
    auth=[TokenAuth(), django_auth],
    parser=JsonWithoutNul(),
    docs_url=None,
)
# The check-in first: its routes are matched most often, and matching goes in this order.
api.add_router("/checkin", checkin.router)
api.add_router("/auth", tokens.router)
api.add_router("/patients", patients.router)
api.add_router("/", care.router)
api.add_router("/alerts", alerts.router)
api.add_router("/export", export.router)
api.add_router("/audit", audit.router)


@api.exception_handler(AnswersRejectedError)
def invalid_answers(request: HttpRequest, error: AnswersRejectedError) -> HttpResponse:
    """422 naming every rejected answer: instrument, item, value and reason."""
    problems = [
        {"instrument": p.instrument, "item": p.item, "value": p.value, "reason": p.reason}
        for p in error.problems
    ]
    return api.create_response(
        request, {"detail": "answers rejected", "problems": problems}, status=422
    )


@api.exception_handler(ConflictError)
def conflict(request: HttpRequest, error: ConflictError) -> HttpResponse:
    """409 with the reason."""
    return api.create_response(request, {"detail": str(error)}, status=409)


@api.exception_handler(NotAllowedError)
def not_allowed(request: HttpRequest, error: NotAllowedError) -> HttpResponse:
    """403: the caller's role may not do this (the object itself was in scope)."""
    return api.create_response(request, {"detail": str(error)}, status=403)


@api.exception_handler(InvalidLinkError)
def link_invalid(request: HttpRequest, error: InvalidLinkError) -> HttpResponse:
    """404: an unknown, tampered or expired link looks like no link at all."""
    return api.create_response(request, {"detail": "Not Found"}, status=404)
