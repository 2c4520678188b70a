"""Exporting a cohort for analysis: one tidy, de-identified long table.

One row per patient, episode, visit, instrument and scale, de-identified exactly as the
research export is (``alliance.interop.deidentify``): patients, episodes, therapists and the
clinic appear under keyed hashes with the clinic's own key (the same pseudonyms as in every
research export of the clinic), visits by days since the episode's intake, never a date, and
rare condition, body region and setting values as "other". Who may export it is decided by
``scope.may_export``, as for every export: a researcher or an admin, for their whole clinic.
"""

from __future__ import annotations

import pandas as pd
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alliance.interop.deidentify import deidentify
from alliance.safe_csv import csv_text
from alliance.web.actions.errors import NotAllowedError
from alliance.web.actions.interop_export import clinic_key
from alliance.web.audit import record
from alliance.web.clinic_export import clinic_tables
from alliance.web.models import AuditEvent, Role, User
from alliance.web.scope import exportable_patients, may_export

COLUMNS = [
    "subject",
    "clinic",
    "therapist",
    "episode",
    "condition",
    "body_region",
    "setting",
    "visit",
    "day",
    "instrument",
    "scale",
    "score",
]
EPISODE_CATEGORIES = ["episode", "condition", "body_region", "setting"]
AUDIT_FIELDS = ["id", "at", "actor_label", "action", "patient_id", "object_type", "object_id", "ip"]


def export_cohort(by: User) -> pd.DataFrame:
    """Every score of ``by``'s clinic, de-identified (researchers and admins only); the export
    is audited in the transaction that reads the data."""
    if not may_export(by, identifiable=False) or by.clinic_id is None:
        raise NotAllowedError(_("Your role may not make a research export."))
    with transaction.atomic():
        tables = clinic_tables(exportable_patients(by, identifiable=False))
        table = pd.DataFrame(columns=COLUMNS)
        if tables.answers:
            research, _report = deidentify(tables, clinic_key(by.clinic_id))
            categories = research.episodes[EPISODE_CATEGORIES]
            table = research.scores.merge(categories, on="episode", how="left")[COLUMNS]
        record("cohort_exported", actor=by, detail={"rows": len(table)})
        return table


def clinic_audit_events(by: User) -> QuerySet[AuditEvent]:
    """The audit events of an admin's own clinic, newest first."""
    if by.role != Role.ADMIN or by.clinic_id is None:
        raise NotAllowedError(_("Only an admin can read the audit trail."))
    return AuditEvent.objects.filter(clinic_id=by.clinic_id).order_by("-pk")


def export_audit(by: User) -> str:
    """The admin's clinic's whole audit trail as CSV; the export is itself audited."""
    with transaction.atomic():
        events = clinic_audit_events(by).values_list(*AUDIT_FIELDS)
        text = csv_text(AUDIT_FIELDS, events, lineterminator="\r\n")
        record("audit_exported", actor=by)
        return text
