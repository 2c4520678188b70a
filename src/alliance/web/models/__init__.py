"""The clinic's tables, one module per idea."""

from alliance.web.models.alert import Alert
from alliance.web.models.assessment import Assessment, AssessmentStatus, CheckinLink
from alliance.web.models.audit import AppendOnlyError, AuditEvent
from alliance.web.models.care import Episode, Protocol, Visit, VisitStatus
from alliance.web.models.clinic import Clinic, Role, User
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
    "CheckinLink",
    "Clinic",
    "ClinicKey",
    "Episode",
    "Identity",
    "ImportedKey",
    "Patient",
    "Protocol",
    "Role",
    "Share",
    "User",
    "Visit",
    "VisitStatus",
]
