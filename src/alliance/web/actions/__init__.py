"""The domain actions: every write to the clinic's data is one of these plain functions, each
one atomic transaction that writes its audit row inside it. Views, the API and the command
line call these and nothing else writes."""

from alliance.web.actions.accounts import (
    create_clinic,
    create_user,
    issue_api_token,
    revoke_api_token,
    revoke_user_tokens,
)
from alliance.web.actions.alerts import (
    acknowledge_alert,
    raise_alert,
    resolve_alert,
    update_alert,
)
from alliance.web.actions.checkin import (
    issue_checkin_link,
    record_assessment,
    resolve_link,
)
from alliance.web.actions.clinic_admin import (
    change_role,
    create_protocol,
    install_licensed_wording,
    revoke_share,
    set_therapist_comparison,
)
from alliance.web.actions.episodes import (
    discharge_episode,
    open_episode,
    record_attendance,
    schedule_visit,
)
from alliance.web.actions.errors import (
    ActionError,
    AnswerProblem,
    AnswersRejectedError,
    ConflictError,
    InvalidLinkError,
    NotAllowedError,
)
from alliance.web.actions.export import clinic_audit_events, export_audit, export_cohort
from alliance.web.actions.interop_export import (
    export_fhir_bundle,
    export_redcap_files,
    export_research_files,
)
from alliance.web.actions.interop_import import BundleRejectedError, import_fhir_bundle
from alliance.web.actions.patients import (
    read_identities,
    read_identity,
    register_patient,
    share_patient,
)

__all__ = [
    "ActionError",
    "AnswerProblem",
    "AnswersRejectedError",
    "BundleRejectedError",
    "ConflictError",
    "InvalidLinkError",
    "NotAllowedError",
    "acknowledge_alert",
    "change_role",
    "clinic_audit_events",
    "create_clinic",
    "create_protocol",
    "create_user",
    "discharge_episode",
    "export_audit",
    "export_cohort",
    "export_fhir_bundle",
    "export_redcap_files",
    "export_research_files",
    "import_fhir_bundle",
    "install_licensed_wording",
    "issue_api_token",
    "issue_checkin_link",
    "open_episode",
    "raise_alert",
    "read_identities",
    "read_identity",
    "record_assessment",
    "record_attendance",
    "register_patient",
    "resolve_alert",
    "resolve_link",
    "revoke_api_token",
    "revoke_share",
    "revoke_user_tokens",
    "schedule_visit",
    "set_therapist_comparison",
    "share_patient",
    "update_alert",
]
