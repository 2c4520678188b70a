"""Clinics, staff accounts and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.web.actions.errors import ConflictError, NotAllowedError
from alliance.web.audit import record
from alliance.web.models import ApiToken, Clinic, ClinicKey, Role, User

TOKEN_DAYS = 90


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


def issue_api_token(user: User) -> str:
    """A new API token for ``user``; the secret is returned once and never stored."""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            digest=token_digest(secret),
            expires_at=timezone.now() + timedelta(days=TOKEN_DAYS),
        )
        record("api_token_issued", actor=user, target=token)
    return secret
