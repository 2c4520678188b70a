"""Feedback signals over each patient's series: reliable change, alliance rupture, not on
track, dropout risk and intake influences. Pure: tables (or plain rows) in, alerts out."""

from alliance.signals.alerts import Alert, alerts_frame
from alliance.signals.change import reliable_changes
from alliance.signals.dropout import DropoutRisk, HistoryError, visit_features
from alliance.signals.monitor import alerts, series_alerts
from alliance.signals.parameters import Influence, SignalParameters, Watched
from alliance.signals.recovery import ExpectedRecovery
from alliance.signals.rupture import drop_threshold, ruptures
from alliance.signals.rupture_rules import EVENT_RULES, RUPTURE_RULES, RuptureRule
from alliance.signals.series import Row, SeriesError, prepare

__all__ = [
    "EVENT_RULES",
    "RUPTURE_RULES",
    "Alert",
    "DropoutRisk",
    "ExpectedRecovery",
    "HistoryError",
    "Influence",
    "Row",
    "RuptureRule",
    "SeriesError",
    "SignalParameters",
    "Watched",
    "alerts",
    "alerts_frame",
    "drop_threshold",
    "prepare",
    "reliable_changes",
    "ruptures",
    "series_alerts",
    "visit_features",
]
