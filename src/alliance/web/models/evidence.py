"""A systematic review kept in the database: the project, its imported records, duplicate
overrides, screening decisions, conflict resolutions and charted studies.

The rows store what ``alliance.evidence.review.ReviewProject`` holds, one table per file of a
project folder; ``actions.review.project_of`` builds the value from them, and every rule
(de-duplication, blinding, conflicts, kappa, PRISMA) stays in that pure code. Decisions and
resolutions are appended, never changed: a later decision by the same reviewer replaces an
earlier one, as the pure code reads them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alliance.web.models.clinic import Clinic


class Review(models.Model):
    """A systematic review of one clinic: its protocol and its reviewers (two or more)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="reviews")
    name = models.CharField(max_length=200)
    criteria = models.JSONField(default=list, help_text="Written inclusion criteria, in order.")
    exclusion_reasons = models.JSONField(default=list, help_text="Full-text exclusion reasons.")
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="reviews")
    not_retrieved = models.JSONField(default=list, help_text="Record ids whose full text failed.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class SearchImport(models.Model):
    """One search export read into a review: its database, format and when."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="imports")
    source = models.CharField(max_length=100)
    format = models.CharField(max_length=32)
    filename = models.CharField(max_length=200)
    count = models.PositiveIntegerField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)


class ReviewRecord(models.Model):
    """One bibliographic record of an import; ``data`` is ``Record.as_row()``."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="records")
    search_import = models.ForeignKey(
        SearchImport, on_delete=models.CASCADE, related_name="records"
    )
    record_id = models.CharField(max_length=120)
    position = models.PositiveIntegerField()
    title = models.TextField()
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "record_id"], name="unique_review_record"),
        ]


class DuplicateOverride(models.Model):
    """A reviewer's ruling that two records are the same article or distinct ones."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="overrides")
    kind = models.CharField(max_length=8, choices=[("same", "same"), ("distinct", "distinct")])
    first = models.CharField(max_length=120)
    second = models.CharField(max_length=120)
    note = models.TextField(blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)


class ScreeningDecision(models.Model):
    """One reviewer's verdict on one record at one stage (title and abstract, or full text)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="decisions")
    record = models.CharField(max_length=120)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(max_length=16)
    verdict = models.CharField(max_length=8)
    reason = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["review", "stage", "reviewer"])]


class ConflictResolution(models.Model):
    """The verdict that settles reviewers' disagreement on a record at one stage."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="resolutions")
    record = models.CharField(max_length=120)
    stage = models.CharField(max_length=16)
    verdict = models.CharField(max_length=8)
    reason = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    resolver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)


class ChartedReport(models.Model):
    """The study form's values charted from one included report (one chart per report)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="charts")
    record = models.CharField(max_length=120)
    study = models.CharField(max_length=120)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    values = models.JSONField(help_text="[field, value] pairs, in the form's order.")
    charted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "record"], name="unique_review_chart"),
        ]
