"""Translated labels for the values the models store in English: visit statuses, roles, audit
actions and the kinds of row an audit event points at."""

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

AUDIT_ACTIONS = {
    "alert_acknowledged": _("Alert acknowledged"),
    "alert_raised": _("Alert raised"),
    "alert_resolved": _("Alert resolved"),
    "alert_updated": _("Alert updated"),
    "api_token_issued": _("API token issued"),
    "api_token_revoked": _("API token revoked"),
    "assessment_recorded": _("Answers recorded"),
    "audit_exported": _("Audit log exported"),
    "backup_made": _("Backup made"),
    "backup_restored": _("Backup restored"),
    "checkin_link_issued": _("Check-in link issued"),
    "clinic_created": _("Clinic created"),
    "clinic_option_changed": _("Clinic option changed"),
    "cohort_exported": _("Cohort exported, de-identified"),
    "episode_discharged": _("Episode discharged"),
    "episode_opened": _("Episode opened"),
    "fhir_bundle_exported": _("FHIR Bundle exported"),
    "fhir_bundle_imported": _("FHIR Bundle imported"),
    "identities_read": _("Patients' details read (list)"),
    "identity_read": _("Patient's details read"),
    "login": _("Signed in"),
    "login_failed": _("Sign-in failed"),
    "logout": _("Signed out"),
    "patient_registered": _("Patient registered"),
    "patient_shared": _("Patient shared"),
    "protocol_created": _("Protocol created"),
    "redcap_project_exported": _("REDCap project exported"),
    "research_exported": _("Research data exported, de-identified"),
    "research_identifiable_exported": _("Research data exported, identifiable"),
    "review_conflict_resolved": _("Review: disagreement resolved"),
    "review_created": _("Review created"),
    "review_decision_recorded": _("Review: screening decision"),
    "review_duplicates_overridden": _("Review: duplicates corrected"),
    "review_not_retrieved": _("Review: report not retrieved"),
    "review_records_imported": _("Review: records imported"),
    "review_report_charted": _("Review: report charted"),
    "share_revoked": _("Share withdrawn"),
    "user_changed": _("Account changed"),
    "user_created": _("Account created"),
    "visit_scheduled": _("Visit scheduled"),
    "visit_status_changed": _("Attendance recorded"),
    "wording_installed": _("Licensed wording installed"),
}
"""What each audit action means, for the audit log viewer (an unknown action shows as is)."""
OBJECT_TYPES = {
    "alert": _("Alert"),
    "apitoken": _("API token"),
    "chartedreport": _("Charted report"),
    "checkinlink": _("Check-in link"),
    "clinic": _("Clinic"),
    "conflictresolution": _("Resolved disagreement"),
    "duplicateoverride": _("Duplicate correction"),
    "episode": _("Episode"),
    "patient": _("Patient"),
    "protocol": _("Protocol"),
    "review": _("Review"),
    "screeningdecision": _("Screening decision"),
    "searchimport": _("Search import"),
    "share": _("Share of a patient"),
    "user": _("Account"),
    "visit": _("Visit"),
}
"""The kind of row an audit event points at, by its model name."""
