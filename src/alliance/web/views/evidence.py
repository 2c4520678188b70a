"""The evidence map: the catalogue of the alliance literature, browsable by every member of
staff (``scope.EVIDENCE_READERS``: it is literature, not patient data).

Every list and count comes from ``alliance.evidence`` (queries and tallies over the bundled
catalogue); these views only pick filters and lay the results out. The catalogue's own text
is English data, like the literature it charts.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from alliance import evidence, instruments
from alliance.evidence.schema import Direction, Kind, Measure
from alliance.evidence.tally import Tally
from alliance.web.scope import EVIDENCE_READERS, REVIEWER_ROLES
from alliance.web.views.access import require_role, staff
from alliance.web.views.evidence_labels import (
    APPEARANCE,
    COMPONENT,
    EFFECT,
    KIND,
    LICENCE,
    MEASURE_ROLE,
    METHOD,
    RESPONDENT,
    SCALE_DIRECTION,
    label,
)
from alliance.web.views.instrument_text import instrument_text

KINDS = {
    "model": _("Models"),
    "framework": _("Frameworks"),
    "theory": _("Theories"),
    "unclassified": _("Unclassified"),
}
SYSTEMATIC_REVIEW = "kinney2020"
SCOPING_REVIEW = "babatunde2017"


def tabs(request: HttpRequest, tab: str) -> dict[str, object]:
    """The evidence pages' navigation: this page's tab, and the reviews tab for reviewers."""
    return {"section": "evidence", "tab": tab, "can_review": staff(request).role in REVIEWER_ROLES}


@require_role(*EVIDENCE_READERS)
def catalogue_page(request: HttpRequest) -> HttpResponse:
    """Models, frameworks and theories of the alliance, filtered by kind and by construct."""
    catalogue = evidence.bundled_catalogue()
    kind = request.GET.get("kind", "")
    construct = request.GET.get("construct", "").strip()
    entries = list(catalogue.conceptualisations)
    if kind in KINDS:
        chosen = {c.id for c in evidence.by_kind(catalogue, Kind(kind))}
        entries = [c for c in entries if c.id in chosen]
    if construct:
        matching = {c.id for c in evidence.by_construct(catalogue, construct)}
        entries = [c for c in entries if c.id in matching]
    groups = [
        (
            heading,
            [
                (c, KIND[k], APPEARANCE.get(c.appears_in.value, ""))
                for c in entries
                if c.kind.value == k
            ],
        )
        for k, heading in KINDS.items()
    ]
    context = {
        **tabs(request, "catalogue"),
        "groups": [(heading, items) for heading, items in groups if items],
        "shown": len(entries),
        "kinds": KINDS.items(),
        "kind": kind,
        "construct": construct,
    }
    return render(request, "alliance/evidence/catalogue.html", context)


@require_role(*EVIDENCE_READERS)
def measures_page(request: HttpRequest) -> HttpResponse:
    """The measures used in alliance studies, linked to our definition where we score them."""
    catalogue = evidence.bundled_catalogue()
    used = evidence.measure_counts(catalogue)
    rows = [
        (m, label(MEASURE_ROLE, m.role.value), used.count(m.abbreviation), _scored(m))
        for m in catalogue.measures
    ]
    context = {**tabs(request, "measures"), "rows": rows}
    return render(request, "alliance/evidence/measures.html", context)


def _scored(measure: Measure) -> instruments.Definition | None:
    return instruments.load(measure.instrument) if measure.instrument else None


@require_role(*EVIDENCE_READERS)
def instrument_page(request: HttpRequest, instrument_id: str) -> HttpResponse:
    """One instrument of our library: what it asks, how it is scored, where it comes from."""
    try:
        definition = instruments.load(instrument_id)
    except KeyError:
        raise Http404 from None
    catalogue = evidence.bundled_catalogue()
    context = {
        **tabs(request, "measures"),
        "definition": definition,
        "name": instrument_text(definition.name),
        "measures": [m for m in catalogue.measures if m.instrument == definition.id],
        "respondent": label(RESPONDENT, definition.respondent.value),
        "licence": label(LICENCE, definition.licence.status.value),
        "scales": [
            (s, label(METHOD, s.method.value), label(SCALE_DIRECTION, s.direction.value))
            for s in definition.scales
        ],
    }
    return render(request, "alliance/evidence/instrument.html", context)


@require_role(*EVIDENCE_READERS)
def definitions_page(request: HttpRequest) -> HttpResponse:
    """Definitions of the alliance and the components each names; what strengthens or weakens it."""
    catalogue = evidence.bundled_catalogue()
    context = {
        **tabs(request, "definitions"),
        "definitions": [
            (d, [label(COMPONENT, c.value) for c in d.components]) for d in catalogue.definitions
        ],
        "strengthen": [f for f in catalogue.factors if f.direction is Direction.STRENGTHENS],
        "weaken": [f for f in catalogue.factors if f.direction is Direction.WEAKENS],
    }
    return render(request, "alliance/evidence/definitions.html", context)


@require_role(*EVIDENCE_READERS)
def studies_page(request: HttpRequest) -> HttpResponse:
    """The catalogued studies: design, setting, condition, approach, measures, outcome, effect."""
    catalogue = evidence.bundled_catalogue()
    condition = request.GET.get("condition", "").strip()
    measure = request.GET.get("measure", "")
    known = {m.id for m in catalogue.measures}
    studies = list(catalogue.studies)
    if measure in known:
        chosen = {s.id for s in evidence.by_measure(catalogue, measure)}
        studies = [s for s in studies if s.id in chosen]
    if condition:
        matching = {s.id for s in evidence.by_condition(catalogue, condition)}
        studies = [s for s in studies if s.id in matching]
    abbreviation = {m.id: m.abbreviation for m in catalogue.measures}
    rows = [
        (
            s,
            [abbreviation[m] for m in s.alliance_measures],
            [abbreviation[m] for m in s.outcome_measures],
            label(EFFECT, s.effect.value) if s.effect else "",
        )
        for s in studies
    ]
    conditions = sorted({s.condition for s in catalogue.studies if s.condition})
    context = {
        **tabs(request, "studies"),
        "rows": rows,
        "condition": condition,
        "measure": measure,
        "conditions": conditions,
        "measures": sorted(catalogue.measures, key=lambda m: m.abbreviation.casefold()),
    }
    return render(request, "alliance/evidence/studies.html", context)


@require_role(*EVIDENCE_READERS)
def summary_page(request: HttpRequest) -> HttpResponse:
    """Counts and percentages computed from the catalogue, as the reviews' tables give them."""
    catalogue = evidence.bundled_catalogue()
    tallies = [
        (_("By kind"), evidence.kind_counts(catalogue), KIND),
        (_("By field of origin"), evidence.field_counts(catalogue), {}),
        (
            _("Components named by definitions"),
            evidence.component_counts(catalogue, SYSTEMATIC_REVIEW),
            COMPONENT,
        ),
        (_("By measure"), evidence.measure_counts(catalogue), {}),
        (_("By condition"), evidence.condition_counts(catalogue), {}),
    ]
    reviews = [
        (review, _pairs(evidence.review_study_counts(catalogue, review.id)))
        for review in catalogue.reviews
    ]
    context = {
        **tabs(request, "summary"),
        "tables": [(title, _rows(t, labels), t) for title, t, labels in tallies],
        "reviews": reviews,
        "themes": evidence.theme_table(catalogue, SCOPING_REVIEW).to_frame().to_dict("records"),
    }
    return render(request, "alliance/evidence/summary.html", context)


def _rows(table: Tally, labels: Mapping[str, Promise]) -> list[tuple[str, int, float]]:
    return [(label(labels, k), table.count(k), table.percent(k)) for k in table.labels]


def _pairs(table: Tally) -> list[tuple[str, int]]:
    statuses = {"included": _("included"), "candidate": _("candidate")}
    return [(label(statuses, k), n) for k, n in zip(table.labels, table.counts, strict=True)]
