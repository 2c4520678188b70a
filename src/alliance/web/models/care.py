"""Episodes of care, their visits, and the protocol saying which instruments each visit asks."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alliance.web.models.clinic import Clinic
from alliance.web.models.patient import Patient


class Protocol(models.Model):
    """Which instruments are asked at which visits, in the order a form shows them.

    ``schedule`` is a list of ``{"instrument": id, "visits": [numbers]}``; an empty list of
    visits means every visit, e.g. ``[{"instrument": "checkin", "visits": []},
    {"instrument": "odi", "visits": [1, 6, 12]}]``. A list, because PostgreSQL's ``jsonb``
    does not keep the order of an object's keys.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="protocols")
    name = models.CharField(max_length=200)
    schedule = models.JSONField(default=list)

    def instruments_at(self, visit_number: int) -> list[str]:
        """The instrument ids asked at visit ``visit_number``, in the protocol's order."""
        return [
            str(entry["instrument"])
            for entry in self.schedule
            if not entry["visits"] or visit_number in entry["visits"]
        ]


class Episode(models.Model):
    """One episode of care: a condition treated from a start date to discharge."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="episodes")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="episodes"
    )
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, null=True, blank=True)
    condition = models.CharField(max_length=100)
    body_region = models.CharField(max_length=50)
    setting = models.CharField(max_length=50)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    planned_visits = models.PositiveSmallIntegerField(null=True, blank=True)
    discharge_reason = models.CharField(max_length=100, blank=True)

    @property
    def is_open(self) -> bool:
        """True until the episode is discharged."""
        return self.end_date is None


class VisitStatus(models.TextChoices):
    """Whether a visit is still ahead, took place, was missed or was called off."""

    SCHEDULED = "scheduled"
    ATTENDED = "attended"
    MISSED = "missed"
    CANCELLED = "cancelled"


class Visit(models.Model):
    """One session of an episode, numbered from 1."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="visits")
    number = models.PositiveSmallIntegerField()
    date = models.DateField()
    status = models.CharField(
        max_length=16, choices=VisitStatus.choices, default=VisitStatus.SCHEDULED
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "number"], name="one_visit_per_number")
        ]
