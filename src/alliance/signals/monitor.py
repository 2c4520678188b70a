"""All signals at once, over a table of scores (what the CLI calls) or over plain rows of one
or more series (what a check-in calls): the same rules on the same arrays either way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from alliance.signals.alerts import Alert
from alliance.signals.change import deterioration_alerts
from alliance.signals.dropout import DropoutRisk, VisitRow, features_at
from alliance.signals.influences import influence_alerts
from alliance.signals.parameters import SignalParameters
from alliance.signals.recovery import Conditions, ExpectedRecovery, by_series
from alliance.signals.rupture import rupture_alerts
from alliance.signals.series import Row, Split, by_scale, prepare, series_patients, split_rows


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
    ``dropout`` a fitted dropout model, used when ``visits`` (series, visit, status) is given;
    ``conditions`` each series' condition.
    """
    table = prepare(scores)
    visit_rows = None
    if visits is not None:
        visit_rows = [visits[name].to_numpy() for name in ("series", "visit", "status")]
    return _alerts(
        by_scale(table),
        series_patients(table),
        parameters or SignalParameters(),
        recovery,
        dropout,
        visit_rows,
        by_series(conditions),
        None,
    )


def series_alerts(
    rows: Iterable[Row],
    parameters: SignalParameters | None = None,
    recovery: ExpectedRecovery | None = None,
    dropout: DropoutRisk | None = None,
    visits: Iterable[VisitRow] | None = None,
    conditions: Conditions | None = None,
    at_visit: int | None = None,
) -> list[Alert]:
    """Every alert for the series in ``rows`` (patient, series, visit, instrument, scale,
    score), as ``alerts`` finds them in the same scores as a table; only those at
    ``at_visit`` when given (a check-in needs the findings at its visit only).

    ``visits`` are (series, visit, status) rows; ``conditions`` each series' condition.
    """
    scales, patients = split_rows(rows)
    visit_rows = None
    if visits is not None:
        listed = list(visits)
        visit_rows = [
            np.array([row[0] for row in listed], dtype=object),
            np.array([row[1] for row in listed], dtype=np.int64),
            np.array([row[2] for row in listed], dtype=object),
        ]
    return _alerts(
        scales,
        patients,
        parameters or SignalParameters(),
        recovery,
        dropout,
        visit_rows,
        conditions,
        at_visit,
    )


def _alerts(
    scales: Split,
    patients: Mapping[str, str],
    parameters: SignalParameters,
    recovery: ExpectedRecovery | None,
    dropout: DropoutRisk | None,
    visits: list[np.ndarray] | None,
    conditions: Conditions | None,
    at_visit: int | None,
) -> list[Alert]:
    found = rupture_alerts(scales, parameters, at_visit)
    found += deterioration_alerts(scales, parameters, at_visit)
    found += influence_alerts(scales, parameters, at_visit)
    recovery = recovery or ExpectedRecovery(parameters)
    found += recovery.scale_alerts(scales, conditions, at_visit)
    if dropout is not None and visits is not None:
        found += dropout.feature_alerts(features_at(scales, patients, *visits), at_visit)
    return sorted(found, key=lambda alert: (alert.series, alert.visit, alert.signal, alert.rule))
