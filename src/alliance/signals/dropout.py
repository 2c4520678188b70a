"""Dropout risk: missed visits, the alliance and its trend, and intake influences, combined in
a logistic model fitted on the clinic's completed episodes, with each risk explained.

Features at each attended visit (standardised with the history's means and SDs):
- ``missed_share``: missed or cancelled visits so far, as a share of the visits so far;
- ``alliance``: the latest check-in total; ``alliance_change``: its change since the first;
- ``injustice`` (IEQ) and ``catastrophising`` (PCS) at intake.
A missing feature takes the history's mean, so it adds nothing to the risk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Self

import numpy as np
import pandas as pd
import statsmodels.api as sm

from alliance.signals.alerts import Alert
from alliance.signals.parameters import SignalParameters
from alliance.signals.series import Bundle, Split, at, by_scale, series_patients

FEATURES = ("missed_share", "alliance", "alliance_change", "injustice", "catastrophising")
LABELS = {
    "missed_share": "missed visits",
    "alliance": "low alliance",
    "alliance_change": "falling alliance",
    "injustice": "perceived injustice",
    "catastrophising": "catastrophising",
}


class HistoryError(ValueError):
    """Raised when the clinic's history is too small or too uniform to fit the model."""


VisitRow = tuple[str, int, str]
"""One visit as plain data: series, visit number, status (attended, missed, cancelled)."""


@dataclass(frozen=True)
class Features:
    """The features at each attended visit (``values``: one column per name in FEATURES),
    sorted by series then visit."""

    patient: np.ndarray
    series: np.ndarray
    visit: np.ndarray
    values: np.ndarray

    def frame(self) -> pd.DataFrame:
        """The ``visit_features`` table."""
        columns = {"series": self.series, "visit": self.visit}
        columns |= {name: self.values[:, k] for k, name in enumerate(FEATURES)}
        return pd.DataFrame(columns | {"patient": self.patient})

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Features:
        """The features of a ``visit_features`` table."""
        return cls(
            frame["patient"].to_numpy(),
            frame["series"].to_numpy(),
            frame["visit"].to_numpy(),
            frame[list(FEATURES)].to_numpy(dtype=float, na_value=np.nan),
        )


def visit_features(table: pd.DataFrame, visits: pd.DataFrame) -> pd.DataFrame:
    """One row per series and attended visit with the features known at that visit.

    ``visits`` has ``series``, ``visit`` and ``status`` (attended, missed, cancelled).
    """
    columns = [visits[name].to_numpy() for name in ("series", "visit", "status")]
    return features_at(by_scale(table), series_patients(table), *columns).frame()


def features_at(
    scales: Split,
    patients: Mapping[str, str],
    series: np.ndarray,
    visit: np.ndarray,
    status: np.ndarray,
) -> Features:
    """The features at each attended visit, from the scores split by scale, each series'
    patient and the visits (one row each: series, visit number, status)."""
    checkin = scales.get(("checkin", "total"))
    scored = checkin.series if checkin is not None else np.zeros(0, dtype=object)
    codes = np.unique(np.concatenate([series, scored]), return_inverse=True)[1]
    codes, scored_codes = codes[: len(series)], codes[len(series) :]
    order = np.lexsort((visit, codes))
    series, visit, status, codes = series[order], visit[order], status[order], codes[order]
    opens = np.ones(len(series), dtype=bool)
    opens[1:] = codes[1:] != codes[:-1]
    start = np.flatnonzero(opens)[np.cumsum(opens) - 1]
    # Two comparisons: ``np.isin`` on text costs several times more at one episode's size.
    absent = np.cumsum(((status == "missed") | (status == "cancelled")).astype(float))
    before = np.where(start > 0, absent[start - 1], 0.0)
    missed_share = (absent - before) / (np.arange(len(series)) - start + 1)
    kept = np.flatnonzero(status == "attended")
    series, visit, codes = series[kept], visit[kept], codes[kept]
    values = np.full((len(kept), len(FEATURES)), np.nan)
    values[:, 0] = missed_share[kept]
    if checkin is not None:
        values[:, 1], values[:, 2] = _alliance_at(checkin, scored_codes, codes, visit)
    for column, instrument in ((3, "ieq"), (4, "pcs")):
        intake = scales.get((instrument, "total"))
        if intake is not None:
            first = dict(
                zip(intake.series[intake.starts], intake.score[intake.starts], strict=True)
            )
            values[:, column] = [first.get(s, np.nan) for s in series]
    patient = np.array([patients.get(s, np.nan) for s in series], dtype=object)
    return Features(patient, series, visit, values)


def _alliance_at(
    checkin: Bundle, scored: np.ndarray, codes: np.ndarray, visit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The latest check-in total at or before each visit, and its change since the series'
    first; NaN where the series has none yet (``scored``, ``codes``: the series of the
    check-ins and of the visits as numbers in the order of their names)."""
    low = min(int(visit.min(initial=0)), int(checkin.visit.min(initial=0)))
    span = max(int(visit.max(initial=0)), int(checkin.visit.max(initial=0))) - low + 1
    keys = scored * span + (checkin.visit - low)
    found = np.searchsorted(keys, codes * span + (visit - low), side="right") - 1
    valid = (found >= 0) & (scored[np.maximum(found, 0)] == codes)
    latest = np.where(valid, checkin.score[found], np.nan)
    change = latest - checkin.score[checkin.first[found]]
    return latest, np.where(valid, change, np.nan)


@dataclass
class DropoutRisk:
    """Logistic dropout model: ``fit()`` on completed episodes, ``predict()`` at each visit.

    The fitted means, scales and coefficients are arrays aligned with FEATURES (``mean_``,
    ``scale_`` and ``coef_`` show them by name), so a prediction at a check-in is a few
    array operations.
    """

    parameters: SignalParameters = field(default_factory=SignalParameters)
    intercept_: float = 0.0
    _mean: np.ndarray = field(default_factory=lambda: np.zeros(0), init=False, repr=False)
    _scale: np.ndarray = field(default_factory=lambda: np.zeros(0), init=False, repr=False)
    _coef: np.ndarray = field(default_factory=lambda: np.zeros(0), init=False, repr=False)

    @property
    def mean_(self) -> pd.Series:
        """The history's mean of each feature."""
        return _by_feature(self._mean)

    @property
    def scale_(self) -> pd.Series:
        """The history's SD of each feature (1 where it has none)."""
        return _by_feature(self._scale)

    @property
    def coef_(self) -> pd.Series:
        """Each standardised feature's coefficient on the log-odds of dropout."""
        return _by_feature(self._coef)

    def fit(self, features: pd.DataFrame, dropped: pd.Series) -> Self:
        """Fit on every visit of completed episodes; ``dropped`` says, by series, who left."""
        label = features["series"].map(dropped).astype(float)
        if label.isna().any():
            raise HistoryError("every series in the history needs a known ending")
        if features["series"].nunique() < self.parameters.min_history_episodes:
            raise HistoryError("too few completed episodes to learn dropout risk")
        if label.nunique() < 2:
            raise HistoryError("the history has no dropouts, or only dropouts")
        values = features[list(FEATURES)].astype(float)
        self._mean = values.mean().to_numpy()
        self._scale = values.std().replace(0, 1).fillna(1).to_numpy()
        standardised = pd.DataFrame(self._standardise(values.to_numpy()), columns=FEATURES)
        design = sm.add_constant(standardised, has_constant="add")
        fit = sm.Logit(label.to_numpy(), design).fit(disp=0)
        self.intercept_ = float(fit.params["const"])
        self._coef = fit.params.drop("const").to_numpy()
        return self

    def predict(self, features: pd.DataFrame) -> pd.DataFrame:
        """Risk at each row, and each feature's contribution to the log-odds."""
        risk, contributions = self._risk(Features.of(features).values)
        named = pd.DataFrame(
            contributions,
            columns=[f"contribution_{name}" for name in FEATURES],
            index=features.index,
        )
        return features[["patient", "series", "visit"]].assign(risk=risk).join(named)

    def alerts(self, features: pd.DataFrame) -> list[Alert]:
        """An alert wherever the risk reaches the threshold, naming the two largest reasons."""
        return self.feature_alerts(Features.of(features))

    def feature_alerts(self, features: Features, at_visit: int | None = None) -> list[Alert]:
        """The alerts at the visits of ``features`` (only those at ``at_visit``, if given)."""
        reported = np.flatnonzero(at(features.visit, at_visit))
        risk, contributions = self._risk(features.values[reported])
        threshold = self.parameters.dropout_threshold
        found = []
        for k in np.flatnonzero(risk >= threshold):
            i = reported[k]
            parts = dict(zip(FEATURES, contributions[k].tolist(), strict=True))
            reasons = sorted((v, name) for name, v in parts.items() if v > 0)[::-1][:2]
            because = (
                ", ".join(f"{LABELS[name]} (+{v:.2f})" for v, name in reasons)
                or "the clinic's base rate"
            )
            found.append(
                Alert(
                    patient=str(features.patient[i]),
                    series=str(features.series[i]),
                    visit=int(features.visit[i]),
                    signal="dropout_risk",
                    rule="dropout_model",
                    instrument="",
                    scale="",
                    value=float(risk[k]),
                    threshold=threshold,
                    detail=f"risk {risk[k]:.0%}; mainly {because}",
                )
            )
        return found

    def _risk(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The risk at each row of feature values, and each feature's contribution."""
        contributions = self._standardise(values) * self._coef
        logit = self.intercept_ + contributions.sum(axis=1)
        return 1 / (1 + np.exp(-logit)), contributions

    def _standardise(self, values: np.ndarray) -> np.ndarray:
        standardised = (values - self._mean) / self._scale
        return np.where(np.isnan(standardised), 0.0, standardised)


def _by_feature(values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=list(FEATURES[: len(values)]), dtype=float)
