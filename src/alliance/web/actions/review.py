"""A systematic review in the database: create it, import search exports, override
duplicates, screen, resolve conflicts, chart included reports.

Each write locks the review's row, rebuilds the pure ``ReviewProject`` from the tables
(``project_of``), lets that value check the change (de-duplication, blinding, stage rules all
live in ``alliance.evidence.review``), stores the new rows and writes the audit row, in one
transaction. Reviewers are named by their usernames inside the project value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import PurePath
from typing import TypeVar

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from alliance.evidence.catalogue import bundled_catalogue
from alliance.evidence.review.charting import STUDY_FORM, ChartedStudy, ChartingError, chart
from alliance.evidence.review.dedup import Override
from alliance.evidence.review.nbib import read_nbib
from alliance.evidence.review.project import ReviewProject
from alliance.evidence.review.project_files import project_to_texts
from alliance.evidence.review.records import ImportResult, Record, RecordFormatError
from alliance.evidence.review.ris import read_ris
from alliance.evidence.review.screening import Decision, Resolution, ScreeningError, Stage, Verdict
from alliance.evidence.review.table_import import read_csv_records
from alliance.interop.review_files import FORMATS, SUFFIXES
from alliance.web.actions.errors import ActionError, NotAllowedError
from alliance.web.audit import record
from alliance.web.models import (
    ChartedReport,
    ConflictResolution,
    DuplicateOverride,
    Review,
    ReviewRecord,
    ScreeningDecision,
    SearchImport,
    User,
)
from alliance.web.scope import REVIEWER_ROLES, may_review, visible_reviews

T = TypeVar("T")


class ReviewRuleError(ActionError):
    """The review's rules refused a change, or an export is malformed; nothing was stored.

    The message names the record, field or file line and the reason; those from the pure
    workflow (``ScreeningError``, ``ChartingError``, ``RecordFormatError``) are in English.
    """


def project_of(review: Review) -> ReviewProject:
    """The review as the pure workflow's value, built from its rows (seven queries)."""
    imports = list(review.imports.order_by("pk"))
    records: dict[int, list[Record]] = {i.pk: [] for i in imports}
    for import_id, data in review.records.order_by("position").values_list(
        "search_import_id", "data"
    ):
        records[import_id].append(Record.from_row(data))
    return ReviewProject(
        name=review.name,
        reviewers=reviewer_names(review),
        criteria=tuple(review.criteria),
        exclusion_reasons=tuple(review.exclusion_reasons),
        imports=tuple(ImportResult(i.source, i.format, tuple(records[i.pk])) for i in imports),
        overrides=tuple(
            Override("same" if kind == "same" else "distinct", first, second, note)
            for kind, first, second, note in review.overrides.order_by("pk").values_list(
                "kind", "first", "second", "note"
            )
        ),
        decisions=tuple(
            Decision(r, who, Stage(stage), Verdict(verdict), reason, note)
            for r, who, stage, verdict, reason, note in review.decisions.order_by("pk").values_list(
                "record", "reviewer__username", "stage", "verdict", "reason", "note"
            )
        ),
        resolutions=tuple(
            Resolution(r, Stage(stage), Verdict(verdict), who, reason, note)
            for r, stage, verdict, who, reason, note in review.resolutions.order_by(
                "pk"
            ).values_list("record", "stage", "verdict", "resolver__username", "reason", "note")
        ),
        not_retrieved=tuple(review.not_retrieved),
        charts=tuple(
            ChartedStudy(r, study, who, tuple((str(k), str(v)) for k, v in values))
            for r, study, who, values in review.charts.order_by("pk").values_list(
                "record", "study", "reviewer__username", "values"
            )
        ),
    )


def reviewer_names(review: Review) -> tuple[str, ...]:
    """The review's reviewers as the project names them (usernames, sorted)."""
    return tuple(sorted(review.reviewers.values_list("username", flat=True)))


def create_review(
    by: User,
    name: str,
    reviewers: Sequence[User],
    criteria: Sequence[str],
    exclusion_reasons: Sequence[str],
) -> Review:
    """A new review of ``by``'s clinic, screened by ``reviewers`` (two or more of its staff)."""
    if by.role not in REVIEWER_ROLES or by.clinic_id is None:
        raise NotAllowedError(
            _("Only therapists, researchers and admins of a clinic start reviews.")
        )
    outsiders = [
        u for u in reviewers if u.clinic_id != by.clinic_id or u.role not in REVIEWER_ROLES
    ]
    if outsiders:
        raise NotAllowedError(_("Every reviewer must be a therapist, researcher or admin here."))
    names = tuple(u.get_username() for u in reviewers)
    clean_criteria = [c.strip() for c in criteria if c.strip()]
    clean_reasons = [r.strip() for r in exclusion_reasons if r.strip()]
    if not name.strip():
        raise ReviewRuleError(_("A review needs a name."))
    if len(set(names)) < 2:
        raise ReviewRuleError(_("A review needs at least two distinct reviewers."))
    _checked(lambda: ReviewProject(name, names, tuple(clean_criteria), tuple(clean_reasons)))
    with transaction.atomic():
        review = Review.objects.create(
            clinic_id=by.clinic_id,
            name=name.strip(),
            criteria=clean_criteria,
            exclusion_reasons=clean_reasons,
            created_by=by,
        )
        review.reviewers.set(reviewers)
        record("review_created", actor=by, target=review, detail={"reviewers": len(names)})
        return review


def import_search_export(
    by: User,
    review: Review,
    filename: str,
    content: bytes,
    source: str,
    file_format: str | None = None,
    variant: str = "auto",
) -> SearchImport:
    """Read a search export (RIS, MEDLINE .nbib or CSV) into the review: every record or none."""
    _reviewer(by, review)
    source = source.strip()
    if not source:
        raise ReviewRuleError(_("Name the database the export came from (e.g. PubMed)."))
    result = _read_export(filename, content, source, file_format, variant)
    if not result.records:
        raise ReviewRuleError(_("%(file)s: the file holds no records."), file=filename)
    with transaction.atomic():
        project = _locked_project(review)
        added = project.add_import(result).imports[-1]
        search_import = SearchImport.objects.create(
            review=review,
            source=source,
            format=added.format,
            filename=PurePath(filename).name[:200],
            count=added.count,
            imported_by=by,
        )
        store_records(search_import, added.records, start=len(project.records()))
        record(
            "review_records_imported",
            actor=by,
            target=search_import,
            detail={"review": review.pk, "source": source, "records": added.count},
        )
        return search_import


def store_records(search_import: SearchImport, records: Sequence[Record], start: int) -> None:
    """An import's records as rows of its review, numbered on from ``start`` (the records the
    review held before it)."""
    ReviewRecord.objects.bulk_create(
        ReviewRecord(
            review_id=search_import.review_id,
            search_import=search_import,
            record_id=r.id,
            position=start + n,
            title=r.title,
            data=r.as_row(),
        )
        for n, r in enumerate(records)
    )


def override_duplicates(
    by: User, review: Review, kind: str, first: str, second: str, note: str = ""
) -> DuplicateOverride:
    """Rule that two records are the ``same`` article or ``distinct`` ones."""
    _reviewer(by, review)
    if kind not in ("same", "distinct"):
        raise ReviewRuleError(_("An override says same or distinct, not %(kind)s."), kind=kind)
    override = Override("same" if kind == "same" else "distinct", first, second, note)
    with transaction.atomic():
        project = _locked_project(review)
        _checked(lambda: project.add_override(override))
        row = DuplicateOverride.objects.create(
            review=review, kind=kind, first=first, second=second, note=note, made_by=by
        )
        record("review_duplicates_overridden", actor=by, target=row, detail={"kind": kind})
        return row


def record_decision(
    by: User,
    review: Review,
    record_id: str,
    stage: Stage,
    verdict: Verdict,
    reason: str = "",
    note: str = "",
) -> ScreeningDecision:
    """``by``'s own verdict on a record (a later one replaces their earlier one)."""
    _reviewer(by, review)
    decision = Decision(record_id, by.get_username(), stage, verdict, reason, note)
    with transaction.atomic():
        project = _locked_project(review)
        _checked(lambda: project.decide(decision))
        row = ScreeningDecision.objects.create(
            review=review,
            record=record_id,
            reviewer=by,
            stage=stage.value,
            verdict=verdict.value,
            reason=reason,
            note=note,
        )
        record(
            "review_decision_recorded",
            actor=by,
            target=row,
            detail={"review": review.pk, "stage": stage.value},
        )
        return row


def resolve_conflict(
    by: User,
    review: Review,
    record_id: str,
    stage: Stage,
    verdict: Verdict,
    reason: str = "",
    note: str = "",
) -> ConflictResolution:
    """Settle the reviewers' disagreement on a record at ``stage``."""
    _reviewer(by, review)
    resolution = Resolution(record_id, stage, verdict, by.get_username(), reason, note)
    with transaction.atomic():
        project = _locked_project(review)
        _checked(lambda: project.resolve(resolution))
        row = ConflictResolution.objects.create(
            review=review,
            record=record_id,
            stage=stage.value,
            verdict=verdict.value,
            reason=reason,
            note=note,
            resolver=by,
        )
        record(
            "review_conflict_resolved",
            actor=by,
            target=row,
            detail={"review": review.pk, "stage": stage.value, "verdict": verdict.value},
        )
        return row


def mark_not_retrieved(by: User, review: Review, record_id: str) -> Review:
    """Record that the full text of a report sought could not be obtained."""
    _reviewer(by, review)
    with transaction.atomic():
        project = _locked_project(review)
        _checked(lambda: project.mark_not_retrieved(record_id))
        review.not_retrieved = [*review.not_retrieved, record_id]
        review.save(update_fields=["not_retrieved"])
        record("review_not_retrieved", actor=by, target=review)
        return review


def chart_report(
    by: User, review: Review, record_id: str, study: str, values: Mapping[str, str]
) -> ChartedReport:
    """Chart an included report on the study form (replacing an earlier chart of it)."""
    _reviewer(by, review)
    study = study.strip() or record_id
    with transaction.atomic():
        project = _locked_project(review)
        charted = _checked(
            lambda: chart(STUDY_FORM, bundled_catalogue(), record_id, study, by.username, values)
        )
        _checked(lambda: project.add_chart(charted))
        row, _created = ChartedReport.objects.update_or_create(
            review=review,
            record=record_id,
            defaults={"study": study, "reviewer": by, "values": [list(v) for v in charted.values]},
        )
        record("review_report_charted", actor=by, target=row, detail={"review": review.pk})
        return row


def export_review(by: User, review: Review) -> dict[str, str]:
    """The review as the files of a project folder (``alliance evidence review`` reads them)."""
    if not visible_reviews(by).filter(pk=review.pk).exists():
        raise NotAllowedError(_("Only the clinic's reviewers can export its reviews."))
    with transaction.atomic():
        texts = project_to_texts(project_of(review))
        record("review_exported", actor=by, target=review, detail={"files": sorted(texts)})
        return texts


def _read_export(
    filename: str, content: bytes, source: str, file_format: str | None, variant: str
) -> ImportResult:
    kind = file_format or SUFFIXES.get(PurePath(filename).suffix.casefold())
    name = PurePath(filename).name
    if kind not in FORMATS:
        raise ReviewRuleError(
            _("%(file)s: unknown format; use one of %(formats)s."),
            file=name,
            formats=", ".join(FORMATS),
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReviewRuleError(
            _("%(file)s: not UTF-8 text (%(reason)s); nothing was imported."),
            file=name,
            reason=error.reason,
        ) from None
    try:
        if kind == "ris":
            result = read_ris(text, source, variant)
        elif kind == "nbib":
            result = read_nbib(text, source)
        else:
            result = read_csv_records(text, source)
    except (RecordFormatError, ValueError) as error:
        raise ReviewRuleError(
            _("%(file)s: %(problem)s; nothing was imported."), file=name, problem=str(error)
        ) from None
    return replace(result, source=source)


def _locked_project(review: Review) -> ReviewProject:
    """The project from its rows, with the review's row locked until the transaction ends."""
    Review.objects.select_for_update().filter(pk=review.pk).first()
    return project_of(review)


def _checked(make: Callable[[], T]) -> T:
    try:
        return make()
    except (ScreeningError, ChartingError, ValueError) as error:
        raise ReviewRuleError(str(error)) from None


def _reviewer(by: User, review: Review) -> None:
    if not may_review(by, review):
        raise NotAllowedError(_("Only the review's own reviewers can do this."))
