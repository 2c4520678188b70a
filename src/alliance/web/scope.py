"""Who may see which patient: the one place that decides it.

Every view and API route reaches patients, episodes, visits, assessments and alerts through
``visible_patients``; an object outside it answers 404, so a denial never reveals that the
object exists.

- A therapist sees the patients they treat and those a colleague shared with them, in their
  own clinic, identifiable details included.
- A researcher sees no patient one by one: the patient-level routes answer with row numbers,
  codes and dates, which are not de-identified. Researchers read their clinic's data through
  the de-identified exports (``may_export``) and the clinic-level views.
- An admin manages the clinic's staff, protocols and audit trail, and sees no patient; the
  admin's pages reach clinic-wide rows, such as shares, through helpers here (``clinic_shares``).
- A clinic lead sees no patient one by one: only clinic-level views (counts, distributions,
  rates), which read the clinic's patients through ``clinic_level`` (``scoped(summary=True)``).
- The role sets of the families of staff pages are declared here too (``TREATING``,
  ``CLINIC_LEVEL``, ``MANAGING``), for ``views.access.require_role`` to enforce.
- Exports (``may_export``, ``exportable_patients``) take the whole clinic: de-identified for
  a researcher or an admin, identifiable (codes and dates) for an admin alone; a therapist
  exports nothing.

The evidence map is literature, not patient data: every signed-in member of staff may read
it (``EVIDENCE_READERS``). Systematic reviews belong to a clinic: its therapists, researchers
and admins (``REVIEWER_ROLES``) see the clinic's reviews and start new ones; only a review's
own reviewers screen, resolve conflicts, override duplicates and chart (``may_review``).
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from alliance.web.models import Patient, Review, Role, Share, User

M = TypeVar("M", bound=Model)

TREATING = (Role.THERAPIST,)
"""Roles that treat patients: the caseload, patient pages and care forms."""
CLINIC_LEVEL = (Role.RESEARCHER, Role.LEAD)
"""Roles that see the de-identified clinic-level views (the clinic overview)."""
MANAGING = (Role.ADMIN,)
"""Roles that manage the clinic: staff, shares, protocols, licensed wording, audit trail."""


def _clinic_on_duty(user: User) -> int | None:
    """The clinic of a signed-in, active member of staff, else None."""
    if not user.is_authenticated or not user.is_active:
        return None
    return user.clinic_id


EVIDENCE_READERS: tuple[Role, ...] = tuple(Role)
REVIEWER_ROLES: tuple[Role, ...] = (Role.THERAPIST, Role.RESEARCHER, Role.ADMIN)


def visible_patients(user: User) -> QuerySet[Patient]:
    """The patients ``user`` may see one by one: a therapist's own and shared patients (none
    for a researcher, a lead or an admin)."""
    clinic_id = _clinic_on_duty(user)
    if clinic_id is None:
        return Patient.objects.none()
    if user.role != Role.THERAPIST:
        return Patient.objects.none()
    shared = Share.objects.filter(patient=OuterRef("pk"), therapist=user)
    return Patient.objects.filter(clinic_id=clinic_id).filter(Q(therapist=user) | Exists(shared))


def may_export(user: User, *, identifiable: bool) -> bool:
    """Whether ``user`` may export their clinic's assessments, de-identified or identifiable."""
    if not user.is_authenticated or not user.is_active or user.clinic_id is None:
        return False
    allowed = (Role.ADMIN,) if identifiable else (Role.ADMIN, Role.RESEARCHER)
    return user.role in allowed


def exportable_patients(user: User, *, identifiable: bool) -> QuerySet[Patient]:
    """The patients whose assessments ``user`` may export: their whole clinic, or none."""
    if user.clinic_id is None or not may_export(user, identifiable=identifiable):
        return Patient.objects.none()
    return Patient.objects.filter(clinic_id=user.clinic_id)


def clinic_level(user: User) -> QuerySet[Patient]:
    """The patients whose de-identified data ``user`` may see summed up into clinic-level
    counts, distributions and rates: the whole clinic, for researchers and leads."""
    clinic_id = _clinic_on_duty(user)
    if clinic_id is None or user.role not in CLINIC_LEVEL:
        return Patient.objects.none()
    return Patient.objects.filter(clinic_id=clinic_id)


def identifiable_patients(user: User) -> QuerySet[Patient]:
    """The patients whose identifiable details ``user`` may read and whose care they may change:
    the visible ones, for those who treat."""
    if user.is_authenticated and user.role == Role.THERAPIST:
        return visible_patients(user)
    return Patient.objects.none()


def scoped(
    user: User,
    queryset: QuerySet[M],
    *,
    to_treat: bool = False,
    summary: bool = False,
    via: str = "patient",
) -> QuerySet[M]:
    """``queryset`` narrowed to ``user``'s patients; ``via`` is the path to the patient.

    ``summary`` asks for the clinic-level scope, for a page that shows only aggregates."""
    if summary:
        patients = clinic_level(user)
    else:
        patients = identifiable_patients(user) if to_treat else visible_patients(user)
    return queryset.filter(**{f"{via}__in": patients.values("pk")})


def share_colleagues(patient: Patient) -> QuerySet[User]:
    """Whom a patient may be shared with: the active therapists of the patient's clinic. The
    sharing page and the API both look the colleague up here, so anyone else (a researcher, a
    suspended account, another clinic's therapist) is the same 404 on both."""
    return User.objects.filter(clinic_id=patient.clinic_id, role=Role.THERAPIST, is_active=True)


def clinic_shares(user: User) -> QuerySet[Share]:
    """The shares of the clinic ``user`` manages (admins only; nothing for anyone else), with
    the patient, the colleague and who granted it, for the admin's shares page."""
    clinic_id = _clinic_on_duty(user)
    if clinic_id is None or user.role not in MANAGING:
        return Share.objects.none()
    return Share.objects.filter(patient__clinic_id=clinic_id).select_related(
        "patient", "therapist", "granted_by"
    )


def get_scoped(
    user: User, queryset: QuerySet[M], pk: int, *, to_treat: bool = False, via: str = "patient"
) -> M:
    """One object by primary key from ``user``'s scope, or 404."""
    found = scoped(user, queryset, to_treat=to_treat, via=via).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def get_patient(user: User, pk: int, *, to_treat: bool = False) -> Patient:
    """One patient from ``user``'s scope, or 404."""
    patients = identifiable_patients(user) if to_treat else visible_patients(user)
    found = patients.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def visible_reviews(user: User) -> QuerySet[Review]:
    """The systematic reviews ``user`` may open: those of their clinic, for reviewer roles."""
    if not user.is_authenticated or not user.is_active or user.clinic_id is None:
        return Review.objects.none()
    if user.role not in REVIEWER_ROLES:
        return Review.objects.none()
    return Review.objects.filter(clinic_id=user.clinic_id)


def get_review(user: User, pk: int) -> Review:
    """One review from ``user``'s clinic, or 404."""
    found = visible_reviews(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def may_review(user: User, review: Review) -> bool:
    """Whether ``user`` screens, resolves and charts in ``review``: one of its reviewers."""
    return (
        visible_reviews(user).filter(pk=review.pk).exists()
        and review.reviewers.filter(pk=user.pk).exists()
    )
