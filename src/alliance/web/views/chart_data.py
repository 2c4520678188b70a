"""What the patient chart draws: the alliance and the outcomes over visits, as plain data.

The alliance panel shows the first alliance instrument found (the per-visit check-in before
the occasional WAI-SR or SRS) with its total, goal, task and bond and its concern cut-off.
Every other scored instrument is an outcome the chart can switch to, drawn with its
baseline (the first score), the MCID counted from that baseline in the direction of
improvement, and its cut-offs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.formats import date_format

from alliance import instruments
from alliance.instruments.definition import Direction, Respondent
from alliance.web.models import Assessment
from alliance.web.views.instrument_text import instrument_text

ALLIANCE = ("checkin", "srs", "wai_sr", "wai_s", "watoci", "care")
ALLIANCE_SCALES = ("total", "goal", "task", "bond")
INFLUENCES = ("ieq", "pcs", "tsk_11", "tsk_17", "start_back", "pseq", "haq_ii", "trust_physician")


def chart_data(assessments: Sequence[Assessment]) -> dict[str, Any]:
    """The chart's data from one episode's assessments (ordered by visit)."""
    visits: dict[int, str] = {}
    by_instrument: dict[str, list[Assessment]] = {}
    for assessment in assessments:
        visits[assessment.visit.number] = date_format(assessment.visit.date, "SHORT_DATE_FORMAT")
        by_instrument.setdefault(assessment.instrument_id, []).append(assessment)
    alliance_id = next((i for i in ALLIANCE if i in by_instrument), None)
    outcomes = [
        _outcome(i, rows)
        for i, rows in by_instrument.items()
        if i not in ALLIANCE and i not in INFLUENCES and _patient_rated(i)
    ]
    return {
        "visits": [{"number": n, "date": d} for n, d in sorted(visits.items())],
        "alliance": _alliance(alliance_id, by_instrument[alliance_id]) if alliance_id else None,
        "outcomes": [o for o in outcomes if o["points"]],
    }


def _patient_rated(instrument_id: str) -> bool:
    return instruments.load(instrument_id).respondent is Respondent.PATIENT


def _points(rows: Sequence[Assessment], scale: str) -> list[list[float]]:
    return [
        [a.visit.number, float(a.scores[scale])] for a in rows if a.scores.get(scale) is not None
    ]


def _alliance(instrument_id: str, rows: Sequence[Assessment]) -> dict[str, Any]:
    definition = instruments.load(instrument_id)
    total = definition.scale("total")
    series = [
        {"id": s.id, "name": instrument_text(s.name), "points": _points(rows, s.id)}
        for s in definition.scales
        if s.id in ALLIANCE_SCALES
    ]
    first = next((p[1] for p in series[0]["points"]), None) if series else None
    return {
        "instrument": definition.id,
        "name": instrument_text(definition.name),
        "range": list(total.range),
        "cutoffs": [
            {"value": c.value, "label": instrument_text(c.label)}
            for c in total.interpretation.cutoffs
        ],
        "baseline": first,
        "series": [s for s in series if s["points"]],
    }


def _outcome(instrument_id: str, rows: Sequence[Assessment]) -> dict[str, Any]:
    definition = instruments.load(instrument_id)
    total = definition.scale("total")
    points = _points(rows, "total")
    baseline = points[0][1] if points else None
    mcid = total.interpretation.mcid
    better = 1 if total.direction is Direction.HIGHER_IS_BETTER else -1
    target = baseline + better * mcid.value if baseline is not None and mcid else None
    return {
        "instrument": definition.id,
        "name": instrument_text(definition.name),
        "abbreviation": definition.abbreviation,
        "range": list(total.range),
        "higher_is_better": better == 1,
        "baseline": baseline,
        "mcid": mcid.value if mcid else None,
        "mcid_target": target,
        "cutoffs": [
            {"value": c.value, "label": instrument_text(c.label)}
            for c in total.interpretation.cutoffs
        ],
        "points": points,
    }
