"""Screening a review, blinded: one record at a time from the reviewer's own queue, the
conflicts once every reviewer has decided, and charting the included reports.

A reviewer's page is built from ``blinded_queue``, which reads only that reviewer's own
decisions; another reviewer's verdict on a record appears only on the conflicts page, and
only to a reviewer who has decided that record too.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliance.evidence.review.charting import STUDY_FORM, FieldKind
from alliance.evidence.review.project import ReviewProject
from alliance.evidence.review.screening import Stage, Status, Verdict, blinded_queue, latest
from alliance.web import actions
from alliance.web.actions.review import (
    chart_report,
    mark_not_retrieved,
    project_of,
    record_decision,
    resolve_conflict,
)
from alliance.web.models import Review, User
from alliance.web.scope import REVIEWER_ROLES, get_review, may_review
from alliance.web.views.access import require_role, staff
from alliance.web.views.evidence import tabs
from alliance.web.views.evidence_labels import EFFECT, label
from alliance.web.views.evidence_reviews import stage_label

VERDICTS = {
    "include": gettext_lazy("Include"),
    "exclude": gettext_lazy("Exclude"),
    "maybe": gettext_lazy("Maybe"),
}

FIELD_LABELS = {
    "citation": gettext_lazy("Citation"),
    "year": gettext_lazy("Year"),
    "design": gettext_lazy("Design"),
    "setting": gettext_lazy("Setting"),
    "condition": gettext_lazy("Condition"),
    "participants": gettext_lazy("Participants"),
    "alliance_approach": gettext_lazy("Alliance approach"),
    "alliance_measures": gettext_lazy("Alliance measures"),
    "outcome_measures": gettext_lazy("Outcome measures"),
    "outcome": gettext_lazy("Outcome"),
    "effect": gettext_lazy("Effect"),
    "p_relation": gettext_lazy("p relation"),
    "p_value": gettext_lazy("p value"),
    "effect_size": gettext_lazy("Effect size"),
    "effect_size_type": gettext_lazy("Effect size type"),
    "standard_error": gettext_lazy("Standard error"),
}


def _reviewer_review(request: HttpRequest, review_id: int) -> tuple[User, Review]:
    me = staff(request)
    review = get_review(me, review_id)
    if not may_review(me, review):
        raise Http404
    return me, review


def _stage(value: str) -> Stage:
    try:
        return Stage(value)
    except ValueError:
        raise Http404 from None


@require_role(*REVIEWER_ROLES)
def screen_page(request: HttpRequest, review_id: int, stage: str) -> HttpResponse:
    """The next record in the reviewer's own queue, with the criteria, and their verdict."""
    me, review = _reviewer_review(request, review_id)
    at = _stage(stage)
    order = "prioritised" if request.GET.get("order") == "prioritised" else "file"
    here = reverse("review_screen", args=[review.pk, at.value]) + "?" + urlencode({"order": order})
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("not_retrieved"):
                mark_not_retrieved(me, review, request.POST.get("record", ""))
            else:
                record_decision(
                    me,
                    review,
                    request.POST.get("record", ""),
                    at,
                    _verdict(request.POST.get("verdict", "")),
                    request.POST.get("reason", ""),
                    request.POST.get("note", "").strip(),
                )
            return redirect(here)
        except actions.ActionError as problem:
            error = str(problem)
    project = project_of(review)
    ids = project.unique_ids() if at is Stage.TITLE_ABSTRACT else project.retrieved()
    queue = blinded_queue(ids, project.decisions, me.username, at)
    if order == "prioritised" and queue:
        queue = _prioritised(project, ids, queue, me.username, at)
    by_id = {r.id: r for r in project.records()}
    context = {
        **tabs(request, "reviews"),
        "review": review,
        "stage": at.value,
        "stage_label": stage_label(at),
        "order": order,
        "record": by_id[queue[0]] if queue else None,
        "left": len(queue),
        "done": len(ids) - len(queue),
        "total": len(ids),
        "verdicts": [(v, VERDICTS[v]) for v in _verdicts(at)],
        "reasons": review.exclusion_reasons,
        "error": error,
    }
    return render(request, "alliance/evidence/screen.html", context, status=400 if error else 200)


def _verdicts(stage: Stage) -> list[str]:
    if stage is Stage.TITLE_ABSTRACT:
        return ["include", "maybe", "exclude"]
    return ["include", "exclude"]


def _verdict(value: str) -> Verdict:
    try:
        return Verdict(value)
    except ValueError:
        raise actions.ConflictError(_("Please choose a verdict.")) from None


def _prioritised(
    project: ReviewProject, ids: list[str], queue: list[str], me: str, stage: Stage
) -> list[str]:
    """The queue ranked by a model trained on this reviewer's own decisions only."""
    from alliance.evidence.review.prioritise import prioritised_queue

    own = {
        d.record: d.verdict is not Verdict.EXCLUDE
        for d in project.decisions
        if d.reviewer == me and d.stage is stage
    }
    wanted = set(ids)
    records = [r for r in project.records() if r.id in wanted]
    return prioritised_queue(records, own, queue)


@require_role(*REVIEWER_ROLES)
def conflicts_page(request: HttpRequest, review_id: int) -> HttpResponse:
    """Records the reviewers disagree on, at both stages, and resolving them."""
    me, review = _reviewer_review(request, review_id)
    error = ""
    if request.method == "POST":
        try:
            resolve_conflict(
                me,
                review,
                request.POST.get("record", ""),
                _stage(request.POST.get("stage", "")),
                _verdict(request.POST.get("verdict", "")),
                request.POST.get("reason", ""),
                request.POST.get("note", "").strip(),
            )
            return redirect("review_conflicts", review_id=review.pk)
        except actions.ActionError as problem:
            error = str(problem)
    project = project_of(review)
    titles = {r.id: r.title for r in project.records()}
    sections = []
    for at in Stage:
        outcome = project.title_abstract() if at is Stage.TITLE_ABSTRACT else project.full_text()
        votes = latest(project.decisions, at)
        rows = []
        for record in outcome.ids(Status.CONFLICT):
            mine = me.username in votes.get(record, {})
            shown = sorted(votes.get(record, {}).values(), key=lambda d: d.reviewer) if mine else []
            rows.append(
                {
                    "record": record,
                    "title": titles[record],
                    "votes": [(d.reviewer, VERDICTS[d.verdict.value], d.reason) for d in shown],
                    "blind": not mine,
                }
            )
        sections.append(
            {
                "stage": at.value,
                "label": stage_label(at),
                "rows": rows,
                "verdicts": [(v, VERDICTS[v]) for v in _verdicts(at)],
            }
        )
    context = {
        **tabs(request, "reviews"),
        "review": review,
        "sections": sections,
        "reasons": review.exclusion_reasons,
        "error": error,
    }
    status = 400 if error else 200
    return render(request, "alliance/evidence/conflicts.html", context, status=status)


@require_role(*REVIEWER_ROLES)
def charts_page(request: HttpRequest, review_id: int) -> HttpResponse:
    """The included reports, each charted or still to chart."""
    _me, review = _reviewer_review(request, review_id)
    project = project_of(review)
    by_id = {r.id: r for r in project.records()}
    charted = {c.record: c for c in project.charts}
    rows = [(by_id[r], charted.get(r)) for r in project.included()]
    context = {**tabs(request, "reviews"), "review": review, "rows": rows}
    return render(request, "alliance/evidence/charts.html", context)


@require_role(*REVIEWER_ROLES)
def chart_page(request: HttpRequest, review_id: int, record_id: str) -> HttpResponse:
    """The study form for one included report."""
    me, review = _reviewer_review(request, review_id)
    project = project_of(review)
    if record_id not in project.included():
        raise Http404
    earlier = next((c for c in project.charts if c.record == record_id), None)
    values = dict(earlier.values) if earlier else {}
    study = earlier.study if earlier else ""
    error = ""
    if request.method == "POST":
        values = {f.id: request.POST.get(f.id, "") for f in STUDY_FORM.fields}
        study = request.POST.get("study", "")
        try:
            chart_report(me, review, record_id, study, values)
            return redirect("review_charts", review_id=review.pk)
        except actions.ActionError as problem:
            error = str(problem)
    record = next(r for r in project.records() if r.id == record_id)
    fields = [
        {
            "id": f.id,
            "label": FIELD_LABELS.get(f.id, f.label),
            "required": f.required,
            "choices": [(c, label(EFFECT, c)) for c in f.choices],
            "kind": f.kind.value,
            "numeric": f.kind in (FieldKind.INTEGER, FieldKind.NUMBER),
            "value": values.get(f.id, ""),
        }
        for f in STUDY_FORM.fields
    ]
    context = {
        **tabs(request, "reviews"),
        "review": review,
        "record": record,
        "study": study or record_id.replace("-", "_"),
        "fields": fields,
        "error": error,
    }
    return render(request, "alliance/evidence/chart.html", context, status=400 if error else 200)
