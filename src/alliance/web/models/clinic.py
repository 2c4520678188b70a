"""A clinic (one site) and the people who sign in to it, each with one role."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Clinic(models.Model):
    """One site: its patients, staff and settings belong to it and to nothing else."""

    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    signal_parameters = models.JSONField(
        default=dict, blank=True, help_text="Overrides of alliance.signals.SignalParameters."
    )
    therapist_comparison = models.BooleanField(
        default=False, help_text="Show the clinic overview's per-therapist table (admin's choice)."
    )

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a person may do: manage the clinic, treat patients, study de-identified data, or
    lead the clinic from its de-identified clinic-level views."""

    ADMIN = "admin"
    THERAPIST = "therapist"
    RESEARCHER = "researcher"
    LEAD = "lead"


class User(AbstractUser):
    """A member of staff: belongs to one clinic and holds one role there."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, null=True, related_name="staff")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.THERAPIST)
