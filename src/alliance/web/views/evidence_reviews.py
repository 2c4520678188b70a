"""Systematic reviews: the list, a new review, a review's page (imports, progress, agreement,
the PRISMA flow), duplicates with overrides, the flow diagram as files and the meta-analysis.

Reviews are reached through ``scope.get_review`` (the clinic's reviewer roles); writes go
through ``actions.review``. Every count shown comes from the pure ``ReviewProject``.
"""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import PurePath

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from alliance.evidence.review.agreement import agreement
from alliance.evidence.review.charting import (
    MixedEffectTypesError,
    TooFewStudiesError,
    poolable_effects,
)
from alliance.evidence.review.prisma import FlowError, PrismaCounts, prisma_counts
from alliance.evidence.review.project import ReviewProject
from alliance.evidence.review.project_files import ProjectFileError
from alliance.evidence.review.screening import Stage, Status, blinded_queue
from alliance.interop.review_files import project_texts_from_zip
from alliance.stats import AnalysisError
from alliance.stats.meta import meta_analysis
from alliance.web import actions
from alliance.web.actions.review import (
    ReviewRuleError,
    create_review,
    export_review,
    import_search_export,
    override_duplicates,
    project_of,
)
from alliance.web.actions.review_import import import_review_project
from alliance.web.models import Review, User
from alliance.web.scope import REVIEWER_ROLES, get_review, may_review, visible_reviews
from alliance.web.views.access import clinic_of, require_role, staff
from alliance.web.views.evidence import tabs

MAX_PROJECT_BYTES = 50 * 1024 * 1024
STAGES = {Stage.TITLE_ABSTRACT: "title_abstract", Stage.FULL_TEXT: "full_text"}


def stage_label(stage: Stage) -> str:
    """The stage's name on the pages."""
    return _("Title and abstract") if stage is Stage.TITLE_ABSTRACT else _("Full text")


@require_role(*REVIEWER_ROLES)
def review_list(request: HttpRequest) -> HttpResponse:
    """The clinic's reviews, and starting a new one."""
    me = staff(request)
    error = ""
    if request.method == "POST":
        try:
            review = _imported(me, request) if "project" in request.POST else _created(me, request)
            return redirect("review_detail", review_id=review.pk)
        except actions.ActionError as problem:
            error = str(problem)
    reviews = visible_reviews(me).prefetch_related("reviewers").order_by("-created_at")
    context = {
        **tabs(request, "reviews"),
        "reviews": [(r, sorted(u.username for u in r.reviewers.all())) for r in reviews],
        "colleagues": _colleagues(me).order_by("username"),
        "error": error,
        "form": request.POST if error else {},
    }
    return render(request, "alliance/evidence/reviews.html", context, status=400 if error else 200)


def _created(me: User, request: HttpRequest) -> Review:
    picked = [v for v in request.POST.getlist("reviewers") if v.isdigit()]
    return create_review(
        me,
        request.POST.get("name", ""),
        list(_colleagues(me).filter(pk__in=picked)),
        request.POST.get("criteria", "").splitlines(),
        request.POST.get("reasons", "").splitlines(),
    )


def _imported(me: User, request: HttpRequest) -> Review:
    """A review from a zipped project folder (as ``alliance evidence review`` keeps one)."""
    upload = request.FILES.get("file")
    if upload is None:
        raise ReviewRuleError(_("Please choose a file."))
    name = PurePath(upload.name or "review.zip").name
    if upload.size is not None and upload.size > MAX_PROJECT_BYTES:
        raise ReviewRuleError(_("The file is larger than 50 MB."))
    try:
        texts = project_texts_from_zip(upload.read())
    except ProjectFileError as error:
        raise ReviewRuleError(
            _("%(file)s: %(problem)s; nothing was imported."), file=name, problem=str(error)
        ) from None
    return import_review_project(me, texts, name)


def _colleagues(me: User) -> QuerySet[User]:
    return User.objects.filter(clinic_id=clinic_of(me), role__in=REVIEWER_ROLES, is_active=True)


@require_role(*REVIEWER_ROLES)
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    """A review at a glance: imports per source, where screening stands, agreement, PRISMA."""
    me = staff(request)
    review = get_review(me, review_id)
    error = ""
    if request.method == "POST":
        _writer(me, review)
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Please choose a file.")
        else:
            try:
                import_search_export(
                    me,
                    review,
                    upload.name or "export",
                    upload.read(),
                    request.POST.get("source", ""),
                    request.POST.get("format") or None,
                    request.POST.get("variant") or "auto",
                )
                return redirect("review_detail", review_id=review.pk)
            except actions.ActionError as problem:
                error = str(problem)
    project = project_of(review)
    counts, flow_error = _flow(project)
    context = {
        **tabs(request, "reviews"),
        "review": review,
        "is_reviewer": me.username in project.reviewers,  # shows the forms; actions decide
        "imports": review.imports.order_by("pk"),
        "dedup": project.deduplication(),
        "stages": [_stage_row(project, stage, me.username) for stage in Stage],
        "prisma": mark_safe(counts.to_svg()) if counts else "",  # our own escaped SVG
        "counts": counts,
        "flow_error": flow_error,
        "error": error,
    }
    return render(request, "alliance/evidence/review.html", context, status=400 if error else 200)


def _writer(me: User, review: Review) -> None:
    """Answer 404 to a change by someone who is not one of the review's reviewers."""
    if not may_review(me, review):
        raise Http404


def _flow(project: ReviewProject) -> tuple[PrismaCounts | None, str]:
    if not project.imports:
        return None, _("Import a search export to start the flow diagram.")
    try:
        return prisma_counts(project), ""
    except FlowError as problem:
        return None, str(problem)


def _stage_row(project: ReviewProject, stage: Stage, me: str) -> dict[str, object]:
    outcome = project.title_abstract() if stage is Stage.TITLE_ABSTRACT else project.full_text()
    records = [o.record for o in outcome.outcomes]
    pairs = [
        {
            "first": p.first,
            "second": p.second,
            "records": p.records,
            "agreement": 100 * p.agreement,
            "kappa": None if math.isnan(p.kappa) else p.kappa,
        }
        for p in agreement(project.decisions, stage).pairs
    ]
    return {
        "stage": STAGES[stage],
        "label": stage_label(stage),
        "records": len(records),
        "mine": len(blinded_queue(records, project.decisions, me, stage)),
        "counts": [(status, len(outcome.ids(status))) for status in Status],
        "pairs": pairs,
    }


@require_role(*REVIEWER_ROLES)
def duplicates_page(request: HttpRequest, review_id: int) -> HttpResponse:
    """Each duplicate group: the record kept, those removed and why; and overriding a match."""
    me = staff(request)
    review = get_review(me, review_id)
    error = ""
    if request.method == "POST":
        _writer(me, review)
        try:
            override_duplicates(
                me,
                review,
                request.POST.get("kind", ""),
                request.POST.get("first", "").strip(),
                request.POST.get("second", "").strip(),
                request.POST.get("note", "").strip(),
            )
            return redirect("review_duplicates", review_id=review.pk)
        except actions.ActionError as problem:
            error = str(problem)
    project = project_of(review)
    dedup = project.deduplication()
    titles = {r.id: r.title for r in project.records()}
    groups = [
        {
            "number": n,
            "kept": group.kept,
            "members": [
                (
                    member,
                    titles[member],
                    member == group.kept,
                    sorted(
                        {link.reason for link in group.links if member in (link.first, link.second)}
                    ),
                )
                for member in group.members
            ],
        }
        for n, group in enumerate(dedup.groups, start=1)
    ]
    context = {
        **tabs(request, "reviews"),
        "review": review,
        "is_reviewer": me.username in project.reviewers,  # shows the forms; actions decide
        "dedup": dedup,
        "groups": groups,
        "overrides": review.overrides.order_by("pk"),
        "error": error,
    }
    status = 400 if error else 200
    return render(request, "alliance/evidence/duplicates.html", context, status=status)


@require_role(*REVIEWER_ROLES)
def prisma_file(request: HttpRequest, review_id: int, suffix: str) -> HttpResponse:
    """The PRISMA 2020 flow diagram as an SVG or PNG file."""
    review = get_review(staff(request), review_id)
    if suffix not in ("svg", "png"):
        raise Http404
    counts, _problem = _flow(project_of(review))
    if counts is None:
        raise Http404
    if suffix == "svg":
        response = HttpResponse(counts.to_svg(), content_type="image/svg+xml")
    else:
        buffer = io.BytesIO()
        counts.plot().savefig(buffer, format="png", dpi=200)
        response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="prisma-{review.pk}.{suffix}"'
    return response


@require_role(*REVIEWER_ROLES)
def review_download(request: HttpRequest, review_id: int) -> HttpResponse:
    """The review as a zipped project folder, to continue with ``alliance evidence review``."""
    me = staff(request)
    review = get_review(me, review_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in export_review(me, review).items():
            archive.writestr(f"review-{review.pk}/{name}", content)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="review-{review.pk}.zip"'
    return response


@require_role(*REVIEWER_ROLES)
def meta_page(request: HttpRequest, review_id: int) -> HttpResponse:
    """Random-effects meta-analysis (REML) of the charted effect sizes and standard errors."""
    review = get_review(staff(request), review_id)
    result, problem, kind = None, "", ""
    try:
        effects = poolable_effects(project_of(review).charts)
        kind = effects.kind
        result = meta_analysis(effects.frame, effect="yi", variance="vi", labels="study")
    except TooFewStudiesError as error:
        problem = _(
            "Pooling needs at least two charted studies with an effect size and its standard "
            "error (%(k)s so far)."
        ) % {"k": error.count}
    except MixedEffectTypesError as error:
        problem = _("The charted effect sizes mix types (%(kinds)s): pool one type at a time.") % {
            "kinds": ", ".join(error.kinds)
        }
    except AnalysisError as error:
        problem = str(error)
    context = {
        **tabs(request, "reviews"),
        "review": review,
        "result": result,
        "studies": result.to_frame().to_dict("records") if result else [],
        "kind": kind,
        "problem": problem,
    }
    return render(request, "alliance/evidence/meta.html", context)
