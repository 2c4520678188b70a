"""All signals for a table of scores at once: what the CLI and the clinic call."""

from __future__ import annotations

import pandas as pd

from alliance.signals.alerts import Alert
from alliance.signals.change import deteriorations, reliable_changes
from alliance.signals.dropout import DropoutRisk, visit_features
from alliance.signals.influences import influence_flags
from alliance.signals.parameters import SignalParameters
from alliance.signals.recovery import ExpectedRecovery
from alliance.signals.rupture import ruptures
from alliance.signals.series import by_scale, prepare


def alerts(
    scores: pd.DataFrame,
    parameters: SignalParameters | None = None,
    recovery: ExpectedRecovery | None = None,
    dropout: DropoutRisk | None = None,
    visits: pd.DataFrame | None = None,
    conditions: pd.Series | None = None,
) -> list[Alert]:
    """Every alert for the series in ``scores`` (a tidy long table; see ``series.prepare``).

    ``recovery`` is a fitted expected-recovery model (unfitted: the MCID fallback);
    ``dropout`` a fitted dropout model, used when ``visits`` (series, visit, status) is given.
    """
    parameters = parameters or SignalParameters()
    table = prepare(scores)
    scales = by_scale(table)
    found = ruptures(table, parameters, scales)
    found += deteriorations(reliable_changes(table, parameters))
    found += influence_flags(table, parameters, scales)
    found += (recovery or ExpectedRecovery(parameters)).alerts(table, conditions, scales)
    if dropout is not None and visits is not None:
        found += dropout.alerts(visit_features(table, visits))
    return sorted(found, key=lambda alert: (alert.series, alert.visit, alert.signal, alert.rule))
