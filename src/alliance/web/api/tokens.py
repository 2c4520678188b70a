"""Exchanging a username and password for an API token (throttled by django-axes), one per
client, and ending the token presented."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Status

from alliance.web import actions
from alliance.web.api.auth import TokenAuth, presented_token
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
    """A new API token for the client named, replacing that client's earlier one. Wrong
    credentials and a locked-out username answer the same 401."""
    user = authenticate(request, username=body.username, password=body.password)
    if not isinstance(user, User):
        return Status(401, {"detail": "invalid credentials"})
    return Status(200, {"token": actions.issue_api_token(user, body.client)})


@router.delete("/token", auth=TokenAuth(), response={204: None})
def revoke_token(request: HttpRequest) -> Status[None]:
    """End the bearer token of this request: it answers 401 from now on."""
    actions.revoke_api_token(presented_token(request))
    return Status(204, None)
