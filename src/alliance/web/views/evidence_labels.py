"""Translated labels for the values the catalogue and the instrument definitions hold as
English codes: kinds, measure roles, alliance components, effects, respondents, licences and
scoring methods. A value without a label is shown as it is."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

KIND = {
    "model": _("model"),
    "framework": _("framework"),
    "theory": _("theory"),
    "unclassified": _("unclassified"),
}
APPEARANCE = {
    "table_only": _("named in a results table, not in the review's tally"),
    "background": _("the reference model, not in the review's tally"),
}
MEASURE_ROLE = {
    "alliance": _("alliance"),
    "outcome": _("outcome"),
    "influence": _("influence on the alliance"),
}
COMPONENT = {
    "goals": _("goals"),
    "tasks": _("tasks"),
    "bond": _("bond"),
    "trust": _("trust"),
    "communication": _("communication"),
    "warmth": _("warmth"),
    "empathy": _("empathy"),
    "collaboration": _("collaboration"),
    "respect": _("respect"),
    "support": _("support"),
    "shared_understanding": _("shared understanding"),
    "positive_regard": _("positive regard"),
    "therapist_skill": _("therapist skill"),
    "responsiveness": _("responsiveness"),
}
EFFECT = {
    "benefit": _("benefit"),
    "limited_benefit": _("limited benefit"),
    "no_effect": _("no effect"),
    "harm": _("harm"),
}
RESPONDENT = {"patient": _("patient"), "therapist": _("therapist"), "observer": _("observer")}
LICENCE = {
    "free": _("free to use"),
    "free_non_commercial": _("free for non-commercial use"),
    "permission_required": _("permission required"),
    "commercial": _("commercial licence"),
    "unknown": _("unknown"),
    "project": _("written for Alliance"),
}
METHOD = {"sum": _("sum"), "mean": _("mean"), "formula": _("formula")}
SCALE_DIRECTION = {"higher_is_better": _("better"), "higher_is_worse": _("worse")}


def label(labels: Mapping[str, Promise], value: str) -> str:
    """The translated label of ``value``, or the value itself when it has none."""
    return str(labels[value]) if value in labels else value
