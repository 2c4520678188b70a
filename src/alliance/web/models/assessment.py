"""Assessments (one instrument answered once) and the per-visit links patients answer through.

An assessment keeps the raw answers exactly as given beside the scores and the definition
version that produced them, so any score can be recomputed and audited later.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from alliance.web.models.care import Visit
from alliance.web.models.patient import Patient

if TYPE_CHECKING:
    from alliance.web.feedback import EpisodeRead


class CheckinLink(models.Model):
    """A signed, single-use, expiring link bound to one visit.

    Only a digest of the link's secret is stored: a copy of the database cannot be used to
    answer in a patient's name.
    """

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="links")
    digest = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    episode_read: EpisodeRead | None = None
    """Not stored: what the signals read of the episode (its scored assessments and visits),
    as the check-in's link lookup read it along with the link (``actions.checkin``); None
    otherwise."""


class AssessmentStatus(models.TextChoices):
    """Mirrors the scoring engine: scored, or not scored with a reason."""

    SCORED = "scored"
    NOT_SCORED = "not_scored"


class Assessment(models.Model):
    """One instrument answered at one visit."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="assessments")
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="assessments")
    instrument_id = models.CharField(max_length=64)
    definition_version = models.CharField(max_length=32)
    respondent = models.CharField(max_length=16)
    answers = models.JSONField()
    scores = models.JSONField()
    status = models.CharField(max_length=16, choices=AssessmentStatus.choices)
    reason = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    link = models.ForeignKey(
        CheckinLink,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        db_index=False,
    )

    class Meta:
        # Every index is written by every check-in, inside the write transaction: the link's
        # lookups use the constraint's index, and only staff entries are indexed by who
        # entered them.
        indexes = [
            models.Index(
                fields=["entered_by"],
                condition=models.Q(entered_by__isnull=False),
                name="assessment_entered_by",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "instrument_id"],
                condition=models.Q(link__isnull=False),
                name="one_assessment_per_link_and_instrument",
            )
        ]
