"""API tokens: a member of staff's key for the JSON API, stored only as a digest.

A token lives as a signed-in session does: it lapses after ``SESSION_IDLE_SECONDS`` unused
and ``SESSION_ABSOLUTE_SECONDS`` after it was issued. There is one per user and client (a name
the caller gives its program): issuing again for the same client replaces the earlier token.
``password_stamp`` is the user's session hash when the token was issued, so a password
change ends every earlier token, as it ends every earlier session.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """One API key; the secret is shown once, when it is issued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    client = models.CharField(max_length=64)
    digest = models.CharField(max_length=64, unique=True)
    password_stamp = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "client"], name="one_token_per_client")
        ]
