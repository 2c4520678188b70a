"""Exporting a cohort for analysis: one tidy, de-identified long table.

One row per patient, episode, visit, instrument and scale. Patients appear under a keyed
hash of their code (HMAC with the clinic's own key, the same pseudonym as in every research
export of the clinic), so an export cannot be joined back to the clinic's records without the
key, and no identifiable field is ever read.
"""

from __future__ import annotations

import pandas as pd
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alliance.interop.deidentify import pseudonym
from alliance.safe_csv import csv_text
from alliance.web.actions.errors import NotAllowedError
from alliance.web.actions.interop_export import clinic_key
from alliance.web.audit import record
from alliance.web.models import Assessment, AuditEvent, Role, User
from alliance.web.scope import visible_patients

COLUMNS = [
    "subject",
    "episode",
    "condition",
    "body_region",
    "setting",
    "visit",
    "visit_date",
    "instrument",
    "definition_version",
    "scale",
    "score",
]
AUDIT_FIELDS = ["id", "at", "actor_label", "action", "patient_id", "object_type", "object_id", "ip"]


def export_cohort(by: User) -> pd.DataFrame:
    """Every scored scale of the patients ``by`` may see, de-identified; the export is audited."""
    with transaction.atomic():
        key = clinic_key(by.clinic_id) if by.clinic_id is not None else b""
        rows = (
            Assessment.objects.filter(patient__in=visible_patients(by).values("pk"))
            .order_by("patient_id", "visit__episode_id", "visit__number", "pk")
            .values_list(
                "patient__code",
                "visit__episode_id",
                "visit__episode__condition",
                "visit__episode__body_region",
                "visit__episode__setting",
                "visit__number",
                "visit__date",
                "instrument_id",
                "definition_version",
                "scores",
            )
        )
        records = [
            (pseudonym(key, code), *rest, scale, score)
            for code, *rest, scores in rows
            for scale, score in scores.items()
        ]
        table = pd.DataFrame.from_records(records, columns=COLUMNS)
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
