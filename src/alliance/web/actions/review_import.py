"""Bringing a review kept in a project folder (``alliance evidence review``) into the clinic.

The folder's files are read by the pure workflow (``project_from_texts``); every reviewer it
names must be a reviewer-role member of the importer's clinic, every decision, resolution and
chart must name a record of the project and follow the stage's rules. Then the whole review is
written in one transaction with one audit row, and read back: what the clinic holds is the
folder's project, or nothing is stored. The folder does not say who made each duplicate
override or when anything was made: overrides are the importer's, times are the import's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from alliance.evidence.review.project import ReviewProject
from alliance.evidence.review.project_files import ProjectFileError, project_from_texts
from alliance.evidence.review.screening import (
    Decision,
    Resolution,
    ScreeningError,
    check_decision,
)
from alliance.web.actions.errors import NotAllowedError
from alliance.web.actions.review import ReviewRuleError, project_of, store_records
from alliance.web.audit import record
from alliance.web.models import (
    ChartedReport,
    ConflictResolution,
    DuplicateOverride,
    Review,
    ScreeningDecision,
    SearchImport,
    User,
)
from alliance.web.scope import REVIEWER_ROLES


def import_review_project(by: User, texts: Mapping[str, str], filename: str) -> Review:
    """A new review of ``by``'s clinic holding the project of the folder's ``texts``."""
    clinic_id = by.clinic_id
    if by.role not in REVIEWER_ROLES or clinic_id is None:
        raise NotAllowedError(
            _("Only therapists, researchers and admins of a clinic start reviews.")
        )
    try:
        project = project_from_texts(texts)
    except (ProjectFileError, ScreeningError, ValueError) as error:
        raise ReviewRuleError(
            _("%(file)s: %(problem)s; nothing was imported."), file=filename, problem=str(error)
        ) from None
    _check(project)
    project = replace(
        project, reviewers=tuple(sorted(project.reviewers))
    )  # as the clinic lists them
    users = _reviewers(clinic_id, project)
    with transaction.atomic():
        review = _store(by, clinic_id, project, users, filename[:200])
        if project_of(review) != project:
            raise ReviewRuleError(
                _("%(file)s: the review could not be stored as read."), file=filename
            )
        record(
            "review_project_imported",
            actor=by,
            target=review,
            detail={"records": len(project.records()), "decisions": len(project.decisions)},
        )
        return review


def _check(project: ReviewProject) -> None:
    """Refuse decisions, resolutions and charts that name no record or break a stage rule."""
    known = {r.id for r in project.records()}
    named = [
        *(d.record for d in project.decisions),
        *(r.record for r in project.resolutions),
        *(c.record for c in project.charts),
        *project.not_retrieved,
    ]
    unknown = sorted({name for name in named if name not in known})
    if unknown:
        raise ReviewRuleError(
            _("The project names records it does not hold: %(records)s."),
            records=", ".join(unknown[:5]),
        )
    made: list[Decision | Resolution] = [*project.decisions, *project.resolutions]
    try:
        for each in made:
            check_decision(each, project.reviewers, project.exclusion_reasons)
    except ScreeningError as error:
        raise ReviewRuleError(str(error)) from None
    strangers = sorted({c.reviewer for c in project.charts} - set(project.reviewers))
    if strangers:
        raise ReviewRuleError(
            _("Charts by someone who is not a reviewer: %(names)s."), names=", ".join(strangers)
        )


def _reviewers(clinic_id: int, project: ReviewProject) -> dict[str, User]:
    """The clinic's users the project names as reviewers, by username."""
    users = {
        u.username: u
        for u in User.objects.filter(
            clinic_id=clinic_id,
            role__in=REVIEWER_ROLES,
            is_active=True,
            username__in=project.reviewers,
        )
    }
    missing = [name for name in project.reviewers if name not in users]
    if missing:
        raise ReviewRuleError(
            _("No therapist, researcher or admin of this clinic is called %(names)s."),
            names=", ".join(missing),
        )
    return users


def _store(
    by: User, clinic_id: int, project: ReviewProject, users: dict[str, User], filename: str
) -> Review:
    review = Review.objects.create(
        clinic_id=clinic_id,
        name=project.name,
        criteria=list(project.criteria),
        exclusion_reasons=list(project.exclusion_reasons),
        not_retrieved=list(project.not_retrieved),
        created_by=by,
    )
    review.reviewers.set(users.values())
    position = 0
    for result in project.imports:
        search_import = SearchImport.objects.create(
            review=review,
            source=result.source,
            format=result.format,
            filename=filename,
            count=result.count,
            imported_by=by,
        )
        store_records(search_import, result.records, start=position)
        position += result.count
    DuplicateOverride.objects.bulk_create(
        DuplicateOverride(
            review=review, kind=o.kind, first=o.first, second=o.second, note=o.note, made_by=by
        )
        for o in project.overrides
    )
    ScreeningDecision.objects.bulk_create(
        ScreeningDecision(
            review=review,
            record=d.record,
            reviewer=users[d.reviewer],
            stage=d.stage.value,
            verdict=d.verdict.value,
            reason=d.reason,
            note=d.note,
        )
        for d in project.decisions
    )
    ConflictResolution.objects.bulk_create(
        ConflictResolution(
            review=review,
            record=r.record,
            stage=r.stage.value,
            verdict=r.verdict.value,
            reason=r.reason,
            note=r.note,
            resolver=users[r.resolver],
        )
        for r in project.resolutions
    )
    ChartedReport.objects.bulk_create(
        ChartedReport(
            review=review,
            record=c.record,
            study=c.study,
            reviewer=users[c.reviewer],
            values=[list(v) for v in c.values],
        )
        for c in project.charts
    )
    return review
