"""Per-visit check-in links and recording assessments.

A link's token is a random secret signed with the server's key (``django.core.signing``):
tampering is detected before the database is asked, the secret is stored only as a digest,
and the row records its expiry and its single use. A retried submission through a used link
gets the assessments it already created back, never a duplicate.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from datetime import timedelta
from functools import cache
from itertools import islice
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core import signing
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance import instruments
from alliance.web import feedback, written_sql
from alliance.web.actions import answer_reasons
from alliance.web.actions.accounts import token_digest
from alliance.web.actions.errors import (
    AnswerProblem,
    AnswersRejectedError,
    ConflictError,
    InvalidLinkError,
)
from alliance.web.audit import record, unsaved_event
from alliance.web.models import (
    Assessment,
    AssessmentStatus,
    AuditEvent,
    CheckinLink,
    Clinic,
    Episode,
    Patient,
    Protocol,
    User,
    Visit,
    VisitStatus,
)

LINK_SALT = "alliance.checkin-link"
M = TypeVar("M", bound=models.Model)
Answers = Mapping[str, Mapping[str, Any]]
"""Instrument id -> item id -> the answer as given (a number, a string, ``"NA"`` or null)."""


def issue_checkin_link(by: User, visit: Visit) -> tuple[CheckinLink, str]:
    """A new link for ``visit``; returns the row and the token (shown once, never stored)."""
    if visit.status == VisitStatus.CANCELLED:
        raise ConflictError(
            _("Visit %(number)s was cancelled: it cannot have a check-in link."),
            number=visit.number,
        )
    secret = secrets.token_urlsafe(24)
    with transaction.atomic():
        link = CheckinLink.objects.create(
            visit=visit,
            digest=token_digest(secret),
            issued_by=by,
            expires_at=timezone.now() + timedelta(hours=settings.CHECKIN_LINK_HOURS),
        )
        record("checkin_link_issued", actor=by, patient=visit.episode.patient, target=link)
    return link, signing.dumps(secret, salt=LINK_SALT)


def resolve_link(token: str) -> CheckinLink:
    """The link a token stands for, if its signature holds and it has not expired."""
    try:
        secret = signing.loads(
            token, salt=LINK_SALT, max_age=timedelta(hours=settings.CHECKIN_LINK_HOURS)
        )
    except signing.BadSignature as error:
        raise InvalidLinkError(_("This check-in link is not valid.")) from error
    link = _link_by_digest(token_digest(str(secret)))
    if link is None or link.expires_at <= timezone.now():
        raise InvalidLinkError(_("This check-in link is not valid."))
    return link


def _link_by_digest(digest: str) -> CheckinLink | None:
    """The link with ``digest``, with its visit, episode, patient, clinic and protocol loaded
    as ``select_related`` would load them, and what the signals read of the episode
    (``CheckinLink.episode_read``), in one SELECT written out (see ``written_sql``)."""
    rows = written_sql.fetch(_link_sql(connection.vendor), [AssessmentStatus.SCORED.value, digest])
    if not rows:
        return None
    values = iter(rows[0])

    def next_instance(model: type[M]) -> M:
        return written_sql.instance(model, [*islice(values, len(model._meta.concrete_fields))])

    link, visit, episode = next_instance(CheckinLink), next_instance(Visit), next_instance(Episode)
    patient, clinic = next_instance(Patient), next_instance(Clinic)
    protocol = None if episode.protocol_id is None else next_instance(Protocol)
    # Each cached on the field that points to it, as ``select_related`` caches them.
    CheckinLink.visit.field.set_cached_value(link, visit)
    Visit.episode.field.set_cached_value(visit, episode)
    Episode.patient.field.set_cached_value(episode, patient)
    Patient.clinic.field.set_cached_value(patient, clinic)
    Episode.protocol.field.set_cached_value(episode, protocol)
    link.episode_read = feedback.episode_read(episode, *rows[0][-2:])
    return link


_LINK_ROW: tuple[tuple[type[models.Model], str], ...] = (
    (CheckinLink, "link"),
    (Visit, "visit"),
    (Episode, "episode"),
    (Patient, "patient"),
    (Clinic, "clinic"),
    (Protocol, "protocol"),
)
"""The models ``_link_by_digest`` loads, in the order of their columns in its row."""


@cache
def _link_sql(vendor: str) -> str:
    """``_link_by_digest``'s query for this database backend (built once)."""
    q = written_sql.quoted
    columns = ", ".join(
        c for model, alias in _LINK_ROW for c in written_sql.all_columns(model, alias)
    )

    def join(model: type[models.Model], alias: str, on: str, key: str) -> str:
        return f" JOIN {q(model)} {alias} ON {alias}.{q(model, 'id')} = {on}.{key}"

    return (
        f"SELECT {columns}, {feedback.episode_read_columns(vendor, 'episode')}"
        f" FROM {q(CheckinLink)} link"
        + join(Visit, "visit", "link", q(CheckinLink, "visit"))
        + join(Episode, "episode", "visit", q(Visit, "episode"))
        + join(Patient, "patient", "episode", q(Episode, "patient"))
        + join(Clinic, "clinic", "patient", q(Patient, "clinic"))
        + " LEFT"
        + join(Protocol, "protocol", "episode", q(Episode, "protocol"))
        + f" WHERE link.{q(CheckinLink, 'digest')} = %s"
    )


def instruments_for(visit: Visit) -> list[str]:
    """The instruments asked at ``visit``: its protocol's, or the alliance check-in alone."""
    protocol = visit.episode.protocol
    return protocol.instruments_at(visit.number) if protocol is not None else ["checkin"]


def record_assessment(
    visit: Visit,
    answers: Answers,
    *,
    by: User | None = None,
    link: CheckinLink | None = None,
) -> list[Assessment]:
    """Validate, score and store the answers to one or more instruments at ``visit``.

    Entered by a member of staff (``by``) or by the patient through ``link``. All answers are
    checked before anything is stored: one bad answer rejects the whole submission, and the
    refusal names every bad answer's instrument, item and reason. An instrument given without
    a single answer is refused too (it would be stored as a record of nothing, and use up the
    link). Through a link, a repeat of the submission that used it returns the stored
    assessments; different answers are refused.
    """
    if not answers:
        raise AnswersRejectedError([AnswerProblem("", "", "", _("no answers were given"))])
    scored, problems = [], []
    for instrument_id, items in answers.items():
        try:
            scored.append(score_answers(instrument_id, items))
        except AnswersRejectedError as error:
            problems += error.problems
        else:
            if not _any_answer(items):
                problems.append(AnswerProblem(instrument_id, "", "", _("no question was answered")))
    if problems:
        raise AnswersRejectedError(problems)
    # Everything but the writes happens before the transaction: on SQLite it holds the one
    # write lock. The signals read and compute here too (see ``feedback``).
    foresight = feedback.foresee(
        visit, [fields for _, fields in scored], None if link is None else link.episode_read
    )
    patient = visit.episode.patient
    created = [
        Assessment(
            patient=patient,
            visit=visit,
            link=link,
            entered_by=by,
            answers=dict(answers[definition.id]),
            **fields,
        )
        for definition, fields in scored
    ]
    # One INSERT for all the instruments and one for the audit row, written out (see
    # ``written_sql``).
    stored = written_sql.insertion(created)
    audited = written_sql.insertion(
        [
            unsaved_event(
                "assessment_recorded",
                actor=by,
                patient=patient,
                target=visit,
                detail={"instruments": [a.instrument_id for a in created], "link": bool(link)},
            )
        ]
    )
    unexpected = [] if link is None else sorted(set(answers) - set(instruments_for(visit)))
    # On PostgreSQL a check-in whose signals found nothing may be one statement.
    if link is not None and not unexpected and _stored_at_once(link, foresight, stored, audited):
        return created
    with transaction.atomic():
        if link is None:
            before = feedback.state(visit.episode)
        else:
            claimed = _claim(link)
            if claimed is None:
                return _repeat_of(link, answers)
            before = claimed
            if unexpected:
                raise AnswersRejectedError(
                    [AnswerProblem(i, "", "", _("is not asked at this visit")) for i in unexpected]
                )
        stored.run()
        audited.run()
        feedback.after_assessment(created, foresight, before)
        return created


def _claim(link: CheckinLink) -> feedback.State | None:
    """Mark the link used unless it already is, in one statement (written out, see
    ``written_sql``): of two submissions racing through one link, exactly one claims it and
    the other waits for it and sees it used. The claim returns its episode's state
    (``feedback.State``); None: the link was used already."""
    now = timezone.now()
    used_at = written_sql.to_database(CheckinLink, "used_at", now)
    episode = link.visit.episode
    rows = written_sql.fetch(
        _claim_sql(connection.vendor), [used_at, link.pk, *feedback.state_params(episode)]
    )
    if not rows:
        return None
    link.used_at = now
    return cast(feedback.State, tuple(rows[0]))


@cache
def _claim_sql(vendor: str) -> str:
    """``_claim``'s statement for this database backend (built once)."""
    q = written_sql.quoted
    table, key, used_at = q(CheckinLink), q(CheckinLink, "id"), q(CheckinLink, "used_at")
    return (
        f"UPDATE {table} SET {used_at} = %s WHERE {key} = %s AND {used_at} IS NULL"
        f" RETURNING {feedback.state_columns(vendor)}"
    )


def _stored_at_once(
    link: CheckinLink,
    foresight: feedback.Foresight,
    stored: written_sql.Insertion,
    audited: written_sql.Insertion,
) -> bool:
    """On PostgreSQL, when the signals found nothing to write: claim the link and add the
    assessments and their audit row in one statement, a transaction of its own (one round
    trip, where the full transaction makes five: BEGIN, the claim, two INSERTs, COMMIT). The
    claim holds only while the episode's scores are as ``foresight`` read them and it has no
    open alert, so that the signals still have nothing to write. False: nothing was done, and
    the full transaction decides (the link was used, or the episode changed or has open
    alerts)."""
    if connection.vendor != "postgresql" or not feedback.writes_nothing(foresight):
        return False
    now = timezone.now()
    episode = link.visit.episode
    [keys] = written_sql.fetch(
        _stored_at_once_sql(connection.vendor, len(stored.objects)),
        [
            written_sql.to_database(CheckinLink, "used_at", now),
            link.pk,
            *feedback.unchanged_params(episode, foresight),
            *[value for row in stored.rows() for value in row],
            *audited.rows()[0],
        ],
    )
    if keys[-1] is None:
        return False
    stored.stored(keys[:-1])
    audited.stored(keys[-1:])
    link.used_at = now
    return True


@cache
def _stored_at_once_sql(vendor: str, assessments: int) -> str:
    """``_stored_at_once``'s statement for ``assessments`` new assessments (built once): one
    row, the new assessments' keys and the audit row's (all null: the claim did not hold)."""
    q = written_sql.quoted
    table, key, used_at = q(CheckinLink), q(CheckinLink, "id"), q(CheckinLink, "used_at")
    stored = [f"stored{i}" for i in range(assessments)]
    parts = [
        f"claim AS (UPDATE {table} SET {used_at} = %s WHERE {key} = %s AND {used_at} IS NULL"
        f" AND {feedback.unchanged_sql(vendor)} RETURNING {key})",
        *[
            f"{name} AS ({written_sql.insert_for_each_sql(Assessment, 'claim', vendor)})"
            for name in stored
        ],
        f"audited AS ({written_sql.insert_for_each_sql(AuditEvent, 'claim', vendor)})",
    ]
    keys = ", ".join(f"(SELECT * FROM {name})" for name in [*stored, "audited"])
    return f"WITH {', '.join(parts)} SELECT {keys}"


def _repeat_of(link: CheckinLink, answers: Answers) -> list[Assessment]:
    stored = list(link.assessments.order_by("pk"))
    if {a.instrument_id: a.answers for a in stored} != {k: dict(v) for k, v in answers.items()}:
        raise ConflictError(_("This check-in link has already been used, with other answers."))
    return stored


def score_answers(
    instrument_id: str, items: Mapping[str, Any]
) -> tuple[instruments.Definition, dict[str, Any]]:
    """Check one instrument's answers and score them: the fields of its ``Assessment`` (the
    check-in and the Bundle import both store what this gives)."""
    try:
        definition = instruments.load(instrument_id)
    except KeyError:
        raise AnswersRejectedError(
            [AnswerProblem(_cell(instrument_id), "", "", _("is not a known instrument"))]
        ) from None
    known = {item.id for item in definition.items}
    if definition.weights != "none":
        known |= {f"{item}_weight" for item in list(known)}
    problems = [
        AnswerProblem(
            instrument_id, _cell(name), _cell(value), _("is not an item of this instrument")
        )
        for name, value in items.items()
        if name not in known
    ]
    problems += [
        AnswerProblem(instrument_id, name, _cell(value), _("must be a number, a text or null"))
        for name, value in items.items()
        if isinstance(value, bool | list | dict) or _is_nan(value) or not _is_text(value)
    ]
    if problems:
        raise AnswersRejectedError(problems)
    try:
        result = instruments.score_record(definition, items)
    except instruments.AnswerError as error:
        raise AnswersRejectedError(
            [
                AnswerProblem(
                    instrument_id,
                    p.item,
                    _cell(items.get(p.item, p.value)),
                    answer_reasons.reason(p),
                )
                for p in error.problems
            ]
        ) from error
    return definition, {
        "instrument_id": definition.id,
        "definition_version": definition.version,
        "respondent": definition.respondent.value,
        "scores": result.scores,
        "status": result.status,
        "reason": result.reason,
    }


def _any_answer(items: Mapping[str, Any]) -> bool:
    """Whether any item (goal weights aside) has an answer: a value that is not null or blank
    text. "Does not apply" is an answer."""
    return any(
        not (value is None or (isinstance(value, str) and not value.strip()))
        for name, value in items.items()
        if not name.endswith("_weight")
    )


def _is_nan(value: Any) -> bool:
    """A float NaN (JSON's nonstandard ``NaN``): not a number, and not storable as JSON."""
    return isinstance(value, float) and math.isnan(value)


def _is_text(value: Any) -> bool:
    """False for a string UTF-8 cannot encode (a lone surrogate, as JSON's ``"\\ud800"``
    gives): it is not text, and neither the scoring nor the database can take it."""
    if not isinstance(value, str) or value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _cell(value: Any) -> str:
    """An answer as a refusal quotes it; a lone surrogate escaped, so the refusal can be sent."""
    text = "" if value is None else str(value)
    return text if _is_text(text) else text.encode("utf-8", "backslashreplace").decode()
