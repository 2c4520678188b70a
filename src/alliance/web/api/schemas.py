"""What the API accepts and returns. No schema a researcher can reach holds an identifiable
field: those live only in ``IdentityOut``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from alliance.web.actions.accounts import DEFAULT_CLIENT


class PatientIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    date_of_birth: dt.date | None = None
    record_number: str = Field("", max_length=64)
    contact: str = Field("", max_length=200)


class PatientOut(Schema):
    id: int
    code: str
    therapist_id: int
    created_at: dt.datetime


class IdentityOut(Schema):
    name: str
    date_of_birth: dt.date | None
    record_number: str
    contact: str


class ShareIn(Schema):
    therapist_id: int


class ShareOut(Schema):
    patient_id: int
    therapist_id: int


class EpisodeIn(Schema):
    condition: str = Field(min_length=1, max_length=100)
    body_region: str = Field(min_length=1, max_length=50)
    setting: str = Field(min_length=1, max_length=50)
    start_date: dt.date
    planned_visits: int | None = Field(None, ge=1, le=200)
    protocol_id: int | None = None


class EpisodeOut(Schema):
    id: int
    patient_id: int
    therapist_id: int
    protocol_id: int | None
    condition: str
    body_region: str
    setting: str
    start_date: dt.date
    end_date: dt.date | None
    planned_visits: int | None
    discharge_reason: str


class DischargeIn(Schema):
    end_date: dt.date
    reason: str = Field(min_length=1, max_length=100)


class VisitIn(Schema):
    date: dt.date


class VisitOut(Schema):
    id: int
    episode_id: int
    number: int
    date: dt.date
    status: str


class AttendanceIn(Schema):
    status: str = Field(pattern="^(scheduled|attended|missed|cancelled)$")


class LinkOut(Schema):
    token: str
    path: str
    expires_at: dt.datetime


AnswerValue = bool | int | float | str | None
"""``bool`` is listed so that ``true`` reaches the check as given and is refused naming its
item: without it, pydantic read ``true`` as the number 1 and stored it."""


class AnswersIn(Schema):
    """Instrument id -> item id -> answer: a number, ``"NA"`` (does not apply) or null."""

    answers: dict[str, dict[str, AnswerValue]]


class AssessmentOut(Schema):
    id: int
    visit_id: int
    instrument_id: str
    definition_version: str
    respondent: str
    answers: dict[str, Any]
    scores: dict[str, float | None]
    status: str
    reason: str
    recorded_at: dt.datetime


class ItemOut(Schema):
    id: str
    text: str


class InstrumentOut(Schema):
    id: str
    name: str
    validated: bool
    minimum: float
    maximum: float
    items: list[ItemOut]


class CheckinOut(Schema):
    visit_number: int
    instruments: list[InstrumentOut]


class AlertOut(Schema):
    id: int
    patient_id: int
    episode_id: int
    kind: str
    rule: str
    instrument: str
    scale: str
    visit_number: int | None
    value: float | None
    threshold: float | None
    detail: str
    suggestion: str
    raised_at: dt.datetime
    updated_at: dt.datetime | None
    resolved_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    action_taken: str


class AcknowledgeIn(Schema):
    action_taken: str = Field(min_length=1, max_length=1000)


class AuditOut(Schema):
    id: int
    at: dt.datetime
    actor_label: str
    action: str
    patient_id: int | None
    object_type: str
    object_id: str
    ip: str | None
    detail: dict[str, Any]


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1000)
    client: str = Field(
        DEFAULT_CLIENT,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="The program that will hold the token: a new token for the same client "
        "replaces the earlier one.",
    )


class TokenOut(Schema):
    token: str


class Message(Schema):
    detail: str


class Problem(Schema):
    instrument: str
    item: str
    value: str
    reason: str


class Rejected(Schema):
    """A 422: the request's validation errors, or rejected answers with their problems."""

    detail: str | list[dict[str, Any]]
    problems: list[Problem] = Field(default_factory=list)
