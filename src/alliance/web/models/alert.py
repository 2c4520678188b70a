"""Alerts raised on an episode (rupture, not on track, dropout risk) and their acknowledgement."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alliance.web.models.care import Episode
from alliance.web.models.patient import Patient


class Alert(models.Model):
    """Something a therapist should look at; acknowledged with what was done about it.

    ``kind`` is the signal (rupture, not_on_track, dropout_risk, influence, deterioration);
    ``rule``, ``instrument``, ``scale``, ``value`` and ``threshold`` say what fired. The
    feedback signals update an open alert while its rule still holds and resolve it when it
    no longer does.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="alerts")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=32)
    rule = models.CharField(max_length=64, blank=True)
    instrument = models.CharField(max_length=64, blank=True)
    scale = models.CharField(max_length=64, blank=True)
    visit_number = models.PositiveSmallIntegerField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    suggestion = models.CharField(max_length=500, blank=True)
    detail = models.CharField(max_length=500)
    raised_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action_taken = models.CharField(max_length=1000, blank=True)

    @property
    def key(self) -> str:
        """What the alert is about, so that the same finding updates it rather than repeats."""
        return f"{self.kind}|{self.rule}|{self.instrument}|{self.scale}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None and self.resolved_at is None
