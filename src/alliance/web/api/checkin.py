"""The patient's side: what a check-in link asks, and submitting the answers. No account: the
signed link is the credential, and an invalid one answers 404."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from alliance import instruments
from alliance.instruments.wording import display_items
from alliance.web import actions
from alliance.web.actions.checkin import instruments_for
from alliance.web.api.schemas import AnswersIn, AssessmentOut, CheckinOut, Message, Rejected
from alliance.web.models import Assessment

router = Router(tags=["check-in"], auth=None)


@router.get("/{token}", response={200: CheckinOut, 404: Message})
def read_checkin(request: HttpRequest, token: str) -> dict[str, object]:
    """The instruments this visit asks, with the text each item shows."""
    link = actions.resolve_link(token)
    if link.used_at is not None:
        raise actions.InvalidLinkError("this link has been used")
    forms = []
    for instrument_id in instruments_for(link.visit):
        definition = instruments.load(instrument_id)
        items = display_items(definition, None)
        forms.append(
            {
                "id": definition.id,
                "name": definition.name,
                "validated": definition.validated,
                "minimum": definition.response.min,
                "maximum": definition.response.max,
                "items": [{"id": item.id, "text": item.text} for item in items],
            }
        )
    return {"visit_number": link.visit.number, "instruments": forms}


@router.post(
    "/{token}", response={201: list[AssessmentOut], 404: Message, 409: Message, 422: Rejected}
)
def submit_checkin(request: HttpRequest, token: str, body: AnswersIn) -> Status[list[Assessment]]:
    """Submit the answers; a retry of the same submission returns the same assessments."""
    link = actions.resolve_link(token)
    return Status(201, actions.record_assessment(link.visit, body.answers, link=link))
