"""Exchanging a username and password for an API token (throttled by django-axes)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Status

from alliance.web import actions
from alliance.web.api.schemas import Message, TokenIn, TokenOut
from alliance.web.models import User

router = Router(tags=["auth"])
LOCKED = {
    "responses": {
        429: {
            "description": "Too many failed sign-ins: the username is locked for a while",
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
    }
}
"""django-axes answers a locked-out username itself, as a short text page."""


@router.post("/token", auth=None, response={200: TokenOut, 401: Message}, openapi_extra=LOCKED)
def create_token(request: HttpRequest, body: TokenIn) -> Status[dict[str, str]]:
    """A new API token. Wrong credentials and a locked-out username answer the same 401."""
    user = authenticate(request, username=body.username, password=body.password)
    if not isinstance(user, User):
        return Status(401, {"detail": "invalid credentials"})
    return Status(200, {"token": actions.issue_api_token(user)})
