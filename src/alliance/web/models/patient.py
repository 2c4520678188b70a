"""A patient: a pseudonymous code for everyday work, and identifiable details kept apart.

Everything clinical points at ``Patient``, which holds no identifiable field, so a researcher's
view can never reach a name by following a relation it is allowed to follow. ``Identity``
is read only through the action that audits the read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alliance.web.models.clinic import Clinic


class Patient(models.Model):
    """A patient of one clinic, known by a code; ``therapist`` is the treating therapist."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    code = models.CharField(max_length=16, unique=True)
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="caseload"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class Identity(models.Model):
    """The identifiable details of a patient: never shown to researchers, never logged."""

    patient = models.OneToOneField(Patient, on_delete=models.PROTECT, related_name="identity")
    name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    record_number = models.CharField(max_length=64, blank=True)
    contact = models.CharField(max_length=200, blank=True)


class Share(models.Model):
    """A colleague given access to a patient by that patient's therapist or an admin."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="shares")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shared_patients"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "therapist"], name="one_share_per_pair")
        ]
