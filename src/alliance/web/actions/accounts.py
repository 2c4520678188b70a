"""Clinics, staff accounts and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.web.actions.errors import ConflictError, NotAllowedError
from alliance.web.audit import record
from alliance.web.models import ApiToken, Clinic, ClinicKey, Role, User

DEFAULT_CLIENT = "api"
"""The client a token request names when it names none."""


def create_clinic(name: str) -> Clinic:
    """A new, empty clinic with its own pseudonym key for research exports (set-up is done
    from the command line, by the operator)."""
    with transaction.atomic():
        clinic = Clinic.objects.create(name=name)
        ClinicKey.objects.create(clinic=clinic)
        record("clinic_created", actor=None, target=clinic, detail={"clinic": clinic.pk})
        return clinic


def create_user(by: User | None, clinic: Clinic, username: str, role: Role, password: str) -> User:
    """A staff account in ``clinic``. ``by`` is an admin of that clinic, or None for the
    operator at the command line. The password must pass the validators. A username is
    unique across clinics: one in use anywhere is refused as taken, never saying where."""
    if by is not None and (by.role != Role.ADMIN or by.clinic_id != clinic.pk):
        raise NotAllowedError(_("Only an admin of this clinic can add staff."))
    with transaction.atomic():
        user = User(username=username, clinic=clinic, role=role)
        validate_password(password, user)
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            if User.objects.filter(username=username).exists():
                raise ConflictError(_("This username is taken: please choose another.")) from None
            raise
        record("user_created", actor=by, target=user, detail={"role": str(role)})
        return user


def token_digest(secret: str) -> str:
    """What is stored of a token: its SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_api_token(user: User, client: str = DEFAULT_CLIENT) -> str:
    """A new API token for ``user`` and ``client``, replacing that client's earlier token; the
    secret is returned once and never stored. It lapses as a session does (idle, absolute)."""
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token, created = ApiToken.objects.update_or_create(
            user=user,
            client=client,
            defaults={
                "digest": token_digest(secret),
                "password_stamp": user.get_session_auth_hash(),
                "created_at": now,
                "last_used_at": now,
                "expires_at": now + timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS),
            },
        )
        record("api_token_issued", actor=user, target=token, detail={"replaced": not created})
    return secret


def revoke_api_token(secret: str) -> None:
    """End the token whose secret is ``secret``; one already ended stays ended."""
    with transaction.atomic():
        token = ApiToken.objects.select_related("user").filter(digest=token_digest(secret))
        found = token.select_for_update().first()
        if found is None:
            return
        record("api_token_revoked", actor=found.user, target=found)
        found.delete()


def revoke_user_tokens(user: User) -> int:
    """End every API token of ``user`` (on suspension); how many there were. The caller writes
    the audit row of the change that ends them, in its own transaction."""
    deleted, _by_model = ApiToken.objects.filter(user=user).delete()
    return deleted
