"""Episodes of care and visits: list, open, schedule, attendance, discharge, links, answers."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from alliance.web import actions
from alliance.web.api.auth import caller
from alliance.web.api.pagination import Pages
from alliance.web.api.schemas import (
    AnswersIn,
    AssessmentOut,
    AttendanceIn,
    DischargeIn,
    EpisodeIn,
    EpisodeOut,
    LinkOut,
    Message,
    VisitIn,
    VisitOut,
)
from alliance.web.models import Assessment, Episode, Protocol, Visit, VisitStatus
from alliance.web.scope import get_patient, get_scoped, scoped

router = Router(tags=["care"])
VISIT_PATIENT = "episode__patient"


@router.get("/patients/{patient_id}/episodes", response=list[EpisodeOut])
@paginate(Pages)
def list_episodes(request: HttpRequest, patient_id: int) -> QuerySet[Episode]:
    """The patient's episodes of care, oldest first."""
    patient = get_patient(caller(request), patient_id)
    return Episode.objects.filter(patient=patient).order_by("start_date", "pk")


@router.post("/patients/{patient_id}/episodes", response={201: EpisodeOut})
def create_episode(request: HttpRequest, patient_id: int, body: EpisodeIn) -> Status[Episode]:
    """Open an episode of care."""
    user = caller(request)
    patient = get_patient(user, patient_id, to_treat=True)
    fields = body.dict(exclude={"protocol_id"})
    protocol = None
    if body.protocol_id is not None:
        protocol = Protocol.objects.filter(pk=body.protocol_id, clinic_id=patient.clinic_id).first()
        if protocol is None:
            raise Http404
    return Status(201, actions.open_episode(user, patient, protocol=protocol, **fields))


@router.get("/episodes/{episode_id}", response=EpisodeOut)
def read_episode(request: HttpRequest, episode_id: int) -> Episode:
    """One episode of care."""
    return get_scoped(caller(request), Episode.objects.all(), episode_id)


@router.post("/episodes/{episode_id}/discharge", response={200: EpisodeOut, 409: Message})
def discharge(request: HttpRequest, episode_id: int, body: DischargeIn) -> Episode:
    """Discharge the episode."""
    user = caller(request)
    episode = get_scoped(user, Episode.objects.all(), episode_id, to_treat=True)
    return actions.discharge_episode(user, episode, end_date=body.end_date, reason=body.reason)


@router.get("/episodes/{episode_id}/visits", response=list[VisitOut])
@paginate(Pages)
def list_visits(request: HttpRequest, episode_id: int) -> QuerySet[Visit]:
    """The episode's visits in order."""
    episode = get_scoped(caller(request), Episode.objects.all(), episode_id)
    return Visit.objects.filter(episode=episode).order_by("number")


@router.post("/episodes/{episode_id}/visits", response={201: VisitOut, 409: Message})
def create_visit(request: HttpRequest, episode_id: int, body: VisitIn) -> Status[Visit]:
    """Schedule the episode's next visit."""
    user = caller(request)
    episode = get_scoped(user, Episode.objects.select_related("patient"), episode_id, to_treat=True)
    return Status(201, actions.schedule_visit(user, episode, body.date))


def _visit(request: HttpRequest, visit_id: int, *, to_treat: bool) -> Visit:
    visits = Visit.objects.select_related("episode__patient", "episode__protocol")
    return get_scoped(caller(request), visits, visit_id, to_treat=to_treat, via=VISIT_PATIENT)


@router.get("/visits/{visit_id}", response=VisitOut)
def read_visit(request: HttpRequest, visit_id: int) -> Visit:
    """One visit."""
    return _visit(request, visit_id, to_treat=False)


@router.post("/visits/{visit_id}/attendance", response=VisitOut)
def set_attendance(request: HttpRequest, visit_id: int, body: AttendanceIn) -> Visit:
    """Mark the visit attended, missed or cancelled."""
    visit = _visit(request, visit_id, to_treat=True)
    return actions.record_attendance(caller(request), visit, VisitStatus(body.status))


@router.post("/visits/{visit_id}/links", response={201: LinkOut, 409: Message})
def create_link(request: HttpRequest, visit_id: int) -> Status[dict[str, object]]:
    """A single-use check-in link for the patient to answer this visit's instruments."""
    visit = _visit(request, visit_id, to_treat=True)
    link, token = actions.issue_checkin_link(caller(request), visit)
    return Status(
        201, {"token": token, "path": f"/api/checkin/{token}", "expires_at": link.expires_at}
    )


@router.get("/visits/{visit_id}/assessments", response=list[AssessmentOut])
@paginate(Pages)
def list_assessments(request: HttpRequest, visit_id: int) -> QuerySet[Assessment]:
    """The assessments recorded at this visit."""
    visit = _visit(request, visit_id, to_treat=False)
    return Assessment.objects.filter(visit=visit).order_by("pk")


@router.post("/visits/{visit_id}/assessments", response={201: list[AssessmentOut]})
def create_assessments(
    request: HttpRequest, visit_id: int, body: AnswersIn
) -> Status[list[Assessment]]:
    """Record answers entered by the therapist (for example a therapist-rated instrument)."""
    visit = _visit(request, visit_id, to_treat=True)
    return Status(201, actions.record_assessment(visit, body.answers, by=caller(request)))


@router.get("/assessments", response=list[AssessmentOut])
@paginate(Pages)
def list_all_assessments(request: HttpRequest) -> QuerySet[Assessment]:
    """Every assessment the caller may see, newest first."""
    return scoped(caller(request), Assessment.objects.all()).order_by("-pk")
