"""Dropout risk: missed visits, the alliance and its trend, and intake influences, combined in
a logistic model fitted on the clinic's completed episodes, with each risk explained.

Features at each attended visit (standardised with the history's means and SDs):
- ``missed_share``: missed or cancelled visits so far, as a share of the visits so far;
- ``alliance``: the latest check-in total; ``alliance_change``: its change since the first;
- ``injustice`` (IEQ) and ``catastrophising`` (PCS) at intake.
A missing feature takes the history's mean, so it adds nothing to the risk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

import numpy as np
import pandas as pd
import statsmodels.api as sm

from alliance.signals.alerts import Alert
from alliance.signals.parameters import SignalParameters

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


def visit_features(table: pd.DataFrame, visits: pd.DataFrame) -> pd.DataFrame:
    """One row per series and attended visit with the features known at that visit.

    ``visits`` has ``series``, ``visit`` and ``status`` (attended, missed, cancelled).
    """
    visits = visits.sort_values(["series", "visit"])
    grouped = visits.groupby("series", sort=False)
    absent = visits["status"].isin(["missed", "cancelled"]).astype(float)
    so_far = grouped.cumcount() + 1
    features = visits.assign(missed_share=absent.groupby(visits["series"]).cumsum() / so_far)[
        visits["status"] == "attended"
    ][["series", "visit", "missed_share"]]
    checkin = table[(table["instrument"] == "checkin") & (table["scale"] == "total")]
    checkin = checkin[["series", "visit", "score"]].rename(columns={"score": "alliance"})
    checkin = checkin.assign(
        alliance_change=checkin["alliance"]
        - checkin.groupby("series")["alliance"].transform("first")
    )
    features = pd.merge_asof(
        features.sort_values("visit"), checkin.sort_values("visit"), on="visit", by="series"
    )
    for name, instrument in (("injustice", "ieq"), ("catastrophising", "pcs")):
        intake = table[(table["instrument"] == instrument) & (table["scale"] == "total")]
        first = intake.groupby("series")["score"].first().rename(name)
        features = features.join(first, on="series")
    patients = table.groupby("series")["patient"].first()
    return features.join(patients, on="series").sort_values(["series", "visit"], ignore_index=True)


@dataclass
class DropoutRisk:
    """Logistic dropout model: ``fit()`` on completed episodes, ``predict()`` at each visit."""

    parameters: SignalParameters = field(default_factory=SignalParameters)
    mean_: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    scale_: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    coef_: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    intercept_: float = 0.0

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
        self.mean_ = values.mean()
        self.scale_ = values.std().replace(0, 1).fillna(1)
        design = sm.add_constant(self._standardise(values), has_constant="add")
        fit = sm.Logit(label.to_numpy(), design).fit(disp=0)
        self.intercept_ = float(fit.params["const"])
        self.coef_ = fit.params.drop("const")
        return self

    def predict(self, features: pd.DataFrame) -> pd.DataFrame:
        """Risk at each row, and each feature's contribution to the log-odds."""
        contributions = self._standardise(features[list(FEATURES)].astype(float)) * self.coef_
        logit = self.intercept_ + contributions.sum(axis=1)
        risk = 1 / (1 + np.exp(-logit))
        return (
            features[["patient", "series", "visit"]]
            .assign(risk=risk)
            .join(contributions.add_prefix("contribution_"))
        )

    def alerts(self, features: pd.DataFrame) -> list[Alert]:
        """An alert wherever the risk reaches the threshold, naming the two largest reasons."""
        predicted = self.predict(features)
        high = predicted[predicted["risk"] >= self.parameters.dropout_threshold]
        found = []
        for _, row in high.iterrows():
            parts = {name: row[f"contribution_{name}"] for name in FEATURES}
            reasons = sorted((v, k) for k, v in parts.items() if v > 0)[::-1][:2]
            because = (
                ", ".join(f"{LABELS[k]} (+{v:.2f})" for v, k in reasons) or "the clinic's base rate"
            )
            found.append(
                Alert(
                    patient=str(row["patient"]),
                    series=str(row["series"]),
                    visit=int(row["visit"]),
                    signal="dropout_risk",
                    rule="dropout_model",
                    instrument="",
                    scale="",
                    value=float(row["risk"]),
                    threshold=self.parameters.dropout_threshold,
                    detail=f"risk {row['risk']:.0%}; mainly {because}",
                )
            )
        return found

    def _standardise(self, values: pd.DataFrame) -> pd.DataFrame:
        return ((values - self.mean_) / self.scale_).fillna(0.0)
