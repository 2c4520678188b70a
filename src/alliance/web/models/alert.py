"""Alerts raised on an episode (rupture, not on track, dropout risk) and their acknowledgement."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alliance.web.models.care import Episode
from alliance.web.models.patient import Patient


class Alert(models.Model):
    """Something a therapist should look at; acknowledged with what was done about it."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="alerts")
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=32)
    detail = models.CharField(max_length=500)
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action_taken = models.CharField(max_length=1000, blank=True)
