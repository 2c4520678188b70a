"""Each clinic's signal parameters and the models fitted on its own completed episodes.

Fitting the expected-recovery and dropout models reads every discharged episode of the clinic,
so the fitted pair is kept in memory per clinic and refitted when the number of discharged
episodes has grown by a tenth (at least ten episodes) since the last fit. Too little history
leaves the expected-recovery model unfitted (it falls back to the MCID rule) and the dropout
model absent.
"""

from __future__ import annotations

import threading

import pandas as pd
from django.db.models import QuerySet

from alliance import signals
from alliance.web.models import Assessment, AssessmentStatus, Clinic, Episode, Visit

_lock = threading.Lock()
_fitted: dict[int, tuple[int, signals.ExpectedRecovery, signals.DropoutRisk | None]] = {}


def clinic_parameters(clinic: Clinic) -> signals.SignalParameters:
    """The clinic's overrides applied to the cited defaults."""
    return signals.SignalParameters(**(clinic.signal_parameters or {}))


def clinic_models(clinic: Clinic) -> tuple[signals.ExpectedRecovery, signals.DropoutRisk | None]:
    """The expected-recovery and dropout models for ``clinic`` (fitted on its history)."""
    done = Episode.objects.filter(patient__clinic=clinic, end_date__isnull=False)
    count = done.count()
    with _lock:
        cached = _fitted.get(clinic.pk)
        if cached is not None and count < cached[0] + max(10, cached[0] // 10):
            return cached[1], cached[2]
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
    with _lock:
        _fitted[clinic.pk] = (count, recovery, dropout)
    return recovery, dropout


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
