"""Translated labels for the values the models store in English: visit statuses and roles."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

VISIT_STATUS = {
    "scheduled": _("Scheduled"),
    "attended": _("Attended"),
    "missed": _("Missed"),
    "cancelled": _("Cancelled"),
}
ROLES = [
    ("therapist", _("Therapist")),
    ("lead", _("Clinic lead")),
    ("researcher", _("Researcher")),
    ("admin", _("Admin")),
]
