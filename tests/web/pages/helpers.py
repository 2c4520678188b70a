"""Shared helpers for the page tests: signed-in clients and check-in links."""

from __future__ import annotations

from django.test import Client

from alliance.web import actions
from alliance.web.models import User, Visit


def signed_in(user: User) -> Client:
    """A browser-like client with ``user`` signed in."""
    client = Client()
    client.force_login(user)
    return client


def checkin_path(by: User, visit: Visit) -> str:
    """The path of a new check-in link for ``visit``."""
    _, token = actions.issue_checkin_link(by, visit)
    return f"/c/{token}/"


CHECKIN_ODI = {
    **{f"checkin-q{n}": "7" for n in range(1, 5)},
    **{f"odi-q{n}": "1" for n in range(1, 11)},
}
"""A complete check-in of the conftest visit (the check-in and the ODI at visit 1)."""
