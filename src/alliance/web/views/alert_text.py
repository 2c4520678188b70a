"""How an alert reads on a page: the signal, the rule that fired and the scale that moved."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy

from alliance import instruments, signals
from alliance.web.models import Alert
from alliance.web.views.instrument_text import instrument_text

SIGNALS = {
    "rupture": gettext_lazy("Alliance rupture"),
    "not_on_track": gettext_lazy("Not on track"),
    "dropout_risk": gettext_lazy("Risk of dropping out"),
    "deterioration": gettext_lazy("Reliable worsening"),
    "influence": gettext_lazy("Influence at intake"),
}
RUPTURE_RULES = {rule.name: rule for rule in signals.RUPTURE_RULES}
"""The rupture rules' texts come from their table, translated with the instruments' words."""
RULES = {
    "above_cutoff": gettext_lazy("is above the published cut-off"),
    "reliable_change": gettext_lazy("changed reliably for the worse since the first score"),
    "dropout_model": gettext_lazy("predicted risk above the clinic's threshold"),
}


@dataclass(frozen=True)
class AlertText:
    """The words and numbers of one alert, in the page's language."""

    alert: Alert
    signal: str
    what: str
    rule: str
    value: str
    threshold: str
    suggestion: str


def alert_text(alert: Alert) -> AlertText:
    """The alert's signal, instrument and scale, rule, value and threshold, and prompt."""
    what = ""
    if alert.instrument:
        try:
            definition = instruments.load(alert.instrument)
            scale = instrument_text(definition.scale(alert.scale).name) if alert.scale else ""
            what = f"{definition.abbreviation}: {scale}" if scale else definition.abbreviation
        except KeyError:
            what = f"{alert.instrument} {alert.scale}".strip()
    rupture = RUPTURE_RULES.get(alert.rule)
    rule = instrument_text(rupture.text) if rupture is not None else RULES.get(alert.rule)
    return AlertText(
        alert=alert,
        signal=str(SIGNALS.get(alert.kind, alert.kind)),
        what=what,
        rule=str(rule) if rule is not None else alert.rule or alert.detail,
        value=_number(alert.value),
        threshold=_number(alert.threshold),
        suggestion=instrument_text(alert.suggestion) if alert.suggestion else "",
    )


def _number(value: float | None) -> str:
    if value is None:
        return ""
    rounded = round(value, 2)
    return number_format(int(rounded) if rounded.is_integer() else rounded)
