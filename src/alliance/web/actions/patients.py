"""Registering patients, sharing them with a colleague, and reading identifiable details."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from alliance.web.actions.errors import ConflictError, NotAllowedError
from alliance.web.audit import record
from alliance.web.models import Identity, Patient, Role, Share, User

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: no I, L, O or U to misread when a code is said aloud."""
CODE_LENGTH = 8


def new_patient_code() -> str:
    """A random pseudonymous code such as ``P-7K3Q9XMA``: it says nothing about the patient."""
    return "P-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def register_patient(
    by: User,
    *,
    name: str,
    date_of_birth: dt.date | None = None,
    record_number: str = "",
    contact: str = "",
) -> Patient:
    """A new patient of ``by``'s clinic, treated by ``by``, with identifiable details apart."""
    if by.role != Role.THERAPIST or by.clinic_id is None:
        raise NotAllowedError(_("Only a therapist can register a patient."))
    with transaction.atomic():
        patient = Patient.objects.create(
            clinic_id=by.clinic_id, code=new_patient_code(), therapist=by
        )
        Identity.objects.create(
            patient=patient,
            name=name,
            date_of_birth=date_of_birth,
            record_number=record_number,
            contact=contact,
        )
        record("patient_registered", actor=by, patient=patient, target=patient)
        return patient


def share_patient(by: User, patient: Patient, colleague: User) -> Share:
    """Give ``colleague`` (another therapist of the same clinic) access to ``patient``; only
    the treating therapist can, and not with themselves."""
    if patient.therapist_id != by.pk:
        raise NotAllowedError(_("Only the treating therapist can share this patient."))
    if colleague.pk == by.pk:
        raise ConflictError(_("You treat this patient already: share them with a colleague."))
    if colleague.role != Role.THERAPIST or colleague.clinic_id != patient.clinic_id:
        raise NotAllowedError(
            _("%(username)s is not a therapist of this clinic: a patient is shared only with one."),
            username=colleague.get_username(),
        )
    with transaction.atomic():
        share, _created = Share.objects.get_or_create(
            patient=patient, therapist=colleague, defaults={"granted_by": by}
        )
        record(
            "patient_shared",
            actor=by,
            patient=patient,
            target=share,
            detail={"with": colleague.pk},
        )
        return share


def read_identity(by: User, patient: Patient, request: HttpRequest | None = None) -> Identity:
    """The identifiable details of a patient already in ``by``'s treating scope; the read
    itself is audited (ASVS 16.3.2)."""
    with transaction.atomic():
        identity = Identity.objects.get(patient=patient)
        record("identity_read", actor=by, patient=patient, target=patient, request=request)
        return identity


def read_identities(
    by: User, patients: Sequence[Patient], request: HttpRequest | None = None
) -> dict[int, Identity]:
    """The identifiable details of a page of patients already in ``by``'s treating scope, by
    patient id; one audit row lists whose details were read."""
    if not patients:
        return {}
    with transaction.atomic():
        found = {i.patient_id: i for i in Identity.objects.filter(patient__in=patients)}
        record(
            "identities_read",
            actor=by,
            request=request,
            detail={"patients": sorted(found)},
        )
        return found
