"""Patients: the caseload, registering, sharing, and the audited read of identifiable details."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from alliance.web import actions
from alliance.web.api.auth import caller
from alliance.web.api.pagination import Pages
from alliance.web.api.schemas import IdentityOut, PatientIn, PatientOut, ShareIn, ShareOut
from alliance.web.models import Identity, Patient, Share
from alliance.web.scope import get_patient, share_colleagues, visible_patients

router = Router(tags=["patients"])


@router.get("", response=list[PatientOut])
@paginate(Pages)
def list_patients(request: HttpRequest) -> QuerySet[Patient]:
    """The patients the caller may see, oldest first."""
    return visible_patients(caller(request)).order_by("pk")


@router.post("", response={201: PatientOut})
def create_patient(request: HttpRequest, body: PatientIn) -> Status[Patient]:
    """Register a patient treated by the caller (a therapist)."""
    return Status(201, actions.register_patient(caller(request), **body.dict()))


@router.get("/{patient_id}", response=PatientOut)
def read_patient(request: HttpRequest, patient_id: int) -> Patient:
    """One patient, by pseudonymous code (no identifiable field)."""
    return get_patient(caller(request), patient_id)


@router.get("/{patient_id}/identity", response=IdentityOut)
def read_patient_identity(request: HttpRequest, patient_id: int) -> Identity:
    """The patient's identifiable details, for those who treat them; every read is audited."""
    user = caller(request)
    return actions.read_identity(user, get_patient(user, patient_id, to_treat=True), request)


@router.post("/{patient_id}/shares", response={201: ShareOut})
def create_share(request: HttpRequest, patient_id: int, body: ShareIn) -> Status[Share]:
    """Share the patient with a therapist colleague of the same clinic (anyone else: 404;
    the treating therapist themselves: 409)."""
    user = caller(request)
    patient = get_patient(user, patient_id, to_treat=True)
    colleague = share_colleagues(patient).filter(pk=body.therapist_id).first()
    if colleague is None:
        raise Http404
    return Status(201, actions.share_patient(user, patient, colleague))
