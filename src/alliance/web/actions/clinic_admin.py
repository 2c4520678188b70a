"""An admin's changes to their clinic: staff roles, shares, protocols, options and licensed
wording. Each checks that ``by`` is an admin of the clinic concerned and writes its audit row
in the same transaction."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from alliance import instruments
from alliance.instruments.wording import WordingError
from alliance.interop.wording_files import install_wording, read_wording
from alliance.web.actions.accounts import revoke_user_tokens
from alliance.web.actions.errors import ConflictError, NotAllowedError
from alliance.web.audit import record
from alliance.web.models import Clinic, Protocol, Role, Share, User


def _admin_of(by: User, clinic_id: int | None) -> None:
    if by.role != Role.ADMIN or by.clinic_id is None or by.clinic_id != clinic_id:
        raise NotAllowedError(_("Only an admin of this clinic can do this."))


def change_role(by: User, user: User, role: Role, *, active: bool) -> User:
    """Give a member of staff another role, or suspend or restore their account (a suspension
    ends the account's API tokens: restoring it does not bring them back)."""
    _admin_of(by, user.clinic_id)
    if user.pk == by.pk and (role != Role.ADMIN or not active):
        raise ConflictError(
            _("You cannot remove your own admin access: ask another admin of the clinic.")
        )
    with transaction.atomic():
        previous = (user.role, user.is_active)
        user.role = role
        user.is_active = active
        user.save(update_fields=["role", "is_active"])
        detail: dict[str, object] = {"from": list(previous), "to": [str(role), active]}
        if not active:
            detail["tokens_revoked"] = revoke_user_tokens(user)
        record("user_changed", actor=by, target=user, detail=detail)
        return user


def revoke_share(by: User, share: Share) -> None:
    """Withdraw a colleague's access to a patient (the share row goes; the audit row stays)."""
    _admin_of(by, share.patient.clinic_id)
    with transaction.atomic():
        record(
            "share_revoked",
            actor=by,
            patient=share.patient,
            target=share,
            detail={"therapist": share.therapist_id},
        )
        share.delete()


def create_protocol(by: User, name: str, schedule: list[dict[str, object]]) -> Protocol:
    """A new assessment protocol; every instrument must be known, visits positive numbers."""
    _admin_of(by, by.clinic_id)
    assert by.clinic is not None  # an admin of a clinic, checked just above
    for entry in schedule:
        try:
            instruments.load(str(entry["instrument"]))
        except KeyError:
            raise ConflictError(
                _("%(instrument)s is not a known instrument."), instrument=entry["instrument"]
            ) from None
        visits = entry["visits"]
        if not isinstance(visits, list) or any(not isinstance(v, int) or v < 1 for v in visits):
            raise ConflictError(
                _("The visits of %(instrument)s must be whole numbers from 1."),
                instrument=entry["instrument"],
            )
    if not schedule:
        raise ConflictError(_("A protocol needs at least one instrument."))
    with transaction.atomic():
        protocol = Protocol.objects.create(clinic=by.clinic, name=name, schedule=schedule)
        record("protocol_created", actor=by, target=protocol)
        return protocol


def set_therapist_comparison(by: User, clinic: Clinic, *, shown: bool) -> Clinic:
    """Show or hide the clinic overview's per-therapist table."""
    _admin_of(by, clinic.pk)
    with transaction.atomic():
        clinic.therapist_comparison = shown
        clinic.save(update_fields=["therapist_comparison"])
        record("clinic_option_changed", actor=by, target=clinic, detail={"comparison": shown})
        return clinic


def install_licensed_wording(by: User, instrument_id: str, path: Path) -> Path:
    """Check a licensed wording file against its instrument and install it for the server;
    a file that does not fit is refused whole, with the file's problem named."""
    _admin_of(by, by.clinic_id)
    try:
        definition = instruments.load(instrument_id)
    except KeyError:
        raise ConflictError(
            _("%(instrument)s is not a known instrument."), instrument=instrument_id
        ) from None
    try:
        wording = read_wording(definition, path)
    except WordingError as error:
        raise ConflictError(
            _("The wording file was refused and nothing was installed: %(problem)s"),
            problem=str(error),
        ) from error
    with transaction.atomic():
        installed = install_wording(wording)
        record("wording_installed", actor=by, detail={"instrument": definition.id})
        return installed
