"""The clinic's tables, one module per idea."""

from alliance.web.models.alert import Alert
from alliance.web.models.assessment import Assessment, AssessmentStatus, CheckinLink
from alliance.web.models.audit import AppendOnlyError, AuditEvent
from alliance.web.models.care import Episode, Protocol, Visit, VisitStatus
from alliance.web.models.clinic import Clinic, Role, User
from alliance.web.models.evidence import (
    ChartedReport,
    ConflictResolution,
    DuplicateOverride,
    Review,
    ReviewRecord,
    ScreeningDecision,
    SearchImport,
)
from alliance.web.models.interop import ClinicKey, ImportedKey
from alliance.web.models.patient import Identity, Patient, Share
from alliance.web.models.token import ApiToken

__all__ = [
    "Alert",
    "ApiToken",
    "AppendOnlyError",
    "Assessment",
    "AssessmentStatus",
    "AuditEvent",
    "ChartedReport",
    "CheckinLink",
    "Clinic",
    "ClinicKey",
    "ConflictResolution",
    "DuplicateOverride",
    "Episode",
    "Identity",
    "ImportedKey",
    "Patient",
    "Protocol",
    "Review",
    "ReviewRecord",
    "Role",
    "ScreeningDecision",
    "SearchImport",
    "Share",
    "User",
    "Visit",
    "VisitStatus",
]
