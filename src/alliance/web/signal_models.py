"""Each clinic's signal parameters and the models fitted on its own completed episodes.

Fitting the expected-recovery and dropout models reads every discharged episode of the clinic,
so the fitted pair is kept in memory per clinic. The server fits every clinic's pair before it
takes requests (``warm_up``); afterwards, at most once a minute, a check-in counts the clinic's
discharged episodes and, when they have grown by a tenth (at least ten) since the last fit,
starts a refit in the background: the check-in goes on with the pair it has, so no patient
waits for a fit. Too little history leaves the expected-recovery model unfitted (it falls back
to the MCID rule) and the dropout model absent.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db import connections
from django.db.models import QuerySet

from alliance import signals
from alliance.web.models import Assessment, AssessmentStatus, Clinic, Episode, Visit

logger = logging.getLogger(__name__)

RECOUNT_SECONDS = 60.0
"""How long a clinic's fitted pair is used before its history is counted again."""


@dataclass
class _Fitted:
    episodes: int
    recovery: signals.ExpectedRecovery
    dropout: signals.DropoutRisk | None
    counted_at: float
    refitting: bool = False


_lock = threading.Lock()
_fitted: dict[int, _Fitted] = {}


_parameters: dict[int, tuple[dict[str, Any], signals.SignalParameters]] = {}


def clinic_parameters(clinic: Clinic) -> signals.SignalParameters:
    """The clinic's overrides applied to the cited defaults; kept per clinic while its
    overrides stay the same, so that a check-in neither validates them again nor looks up
    again what the rules derive from them."""
    overrides = clinic.signal_parameters or {}
    kept = _parameters.get(clinic.pk)
    if kept is not None and kept[0] == overrides:
        return kept[1]
    parameters = signals.SignalParameters(**overrides)
    _parameters[clinic.pk] = (copy.deepcopy(overrides), parameters)
    return parameters


def clinic_models(clinic: Clinic) -> tuple[signals.ExpectedRecovery, signals.DropoutRisk | None]:
    """The expected-recovery and dropout models for ``clinic`` (fitted on its history)."""
    with _lock:
        fitted = _fitted.get(clinic.pk)
        if fitted is not None and time.monotonic() - fitted.counted_at < RECOUNT_SECONDS:
            return fitted.recovery, fitted.dropout
    if fitted is None:
        fitted = fit(clinic)
        return fitted.recovery, fitted.dropout
    count = _discharged(clinic).count()
    with _lock:
        fitted.counted_at = time.monotonic()
        stale = count >= fitted.episodes + max(10, fitted.episodes // 10)
        if stale and not fitted.refitting:
            fitted.refitting = True
            threading.Thread(target=_refit, args=(clinic,), daemon=True).start()
    return fitted.recovery, fitted.dropout


def warm_up() -> None:
    """Fit every clinic's models now (before the server takes requests)."""
    for clinic in Clinic.objects.all():
        fit(clinic)


def fit(clinic: Clinic) -> _Fitted:
    """Fit ``clinic``'s pair on its discharged episodes and keep it."""
    done = _discharged(clinic)
    count = done.count()
    parameters = clinic_parameters(clinic)
    recovery = signals.ExpectedRecovery(parameters)
    dropout: signals.DropoutRisk | None = None
    if count >= parameters.min_history_episodes:
        scores, visits, conditions, dropped = _history(done)
        table = signals.prepare(scores)
        recovery.fit(table, conditions)
        try:
            dropout = signals.DropoutRisk(parameters).fit(
                signals.visit_features(table, visits), dropped
            )
        except signals.HistoryError:
            dropout = None
    fitted = _Fitted(count, recovery, dropout, time.monotonic())
    with _lock:
        _fitted[clinic.pk] = fitted
    return fitted


def _refit(clinic: Clinic) -> None:
    """Refit in a background thread, on that thread's own connection; on failure log it,
    keep the old pair and try again at the next count."""
    try:
        fit(clinic)
    except Exception:
        logger.exception("refitting the signal models of clinic %s failed", clinic.pk)
        with _lock:
            _fitted[clinic.pk].refitting = False
    finally:
        connections.close_all()


def _discharged(clinic: Clinic) -> QuerySet[Episode]:
    return Episode.objects.filter(patient__clinic=clinic, end_date__isnull=False)


def _history(
    done: QuerySet[Episode],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """Scores, visits, conditions and dropout labels of the discharged episodes."""
    episodes = pd.DataFrame(
        list(
            Episode.objects.filter(pk__in=done.values("pk")).values_list(
                "pk", "patient__code", "condition", "discharge_reason"
            )
        ),
        columns=["series", "patient", "condition", "reason"],
    )
    episodes["series"] = episodes["series"].astype(str)
    rows = Assessment.objects.filter(
        visit__episode__in=done,
        status=AssessmentStatus.SCORED,
    ).values_list("visit__episode_id", "visit__number", "instrument_id", "scores")
    scores = pd.DataFrame(
        [
            (str(e), number, instrument, scale, value)
            for e, number, instrument, values in rows
            for scale, value in values.items()
            if value is not None
        ],
        columns=["episode_id", "visit", "instrument", "scale", "score"],
    )
    scores = scores.merge(episodes[["series", "patient"]], left_on="episode_id", right_on="series")
    visits = pd.DataFrame(
        list(Visit.objects.filter(episode__in=done).values_list("episode_id", "number", "status")),
        columns=["series", "visit", "status"],
    ).astype({"series": str})
    conditions = episodes.set_index("series")["condition"]
    dropped = episodes.set_index("series")["reason"].eq("dropout")
    return scores.drop(columns="series"), visits, conditions, dropped
