"""Evaluate every feedback signal against the ground truth of synthetic clinics.

One clinic (the history) trains the expected-recovery and dropout models; a second clinic,
with another seed, is monitored. For each signal the script prints sensitivity,
specificity, positive predictive value and lead time (visits before the event).

- Rupture (drop rules on the check-in): unit = attended visit after intake; positive = the
  first attended visit at or after a true rupture.
- Not on track: unit = episode; flagged if an outcome raised a not-on-track alert (red twice
  in a row) before the last visit; lead time = last visit - first alert visit.
- Dropout risk: unit = episode; flagged if the risk reached the threshold at a visit;
  lead time = dropout visit - first alert visit.

Run: .venv/bin/python bench/bench_signals.py [--patients N]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliance import signals
from alliance.synth import Cohort, SynthConfig, generate

DROP_RULES = ("drop_from_previous", "drop_from_baseline")


@dataclass(frozen=True)
class Evaluation:
    signal: str
    unit: str
    sensitivity: float
    specificity: float
    ppv: float
    lead_time: float

    def line(self) -> str:
        lead = "" if np.isnan(self.lead_time) else f", mean lead time {self.lead_time:.1f} visits"
        return (
            f"{self.signal:<13} ({self.unit}): sensitivity {self.sensitivity:.3f}, "
            f"specificity {self.specificity:.3f}, PPV {self.ppv:.3f}{lead}"
        )


def rates(flag: pd.Series, truth: pd.Series) -> tuple[float, float, float]:
    flag, truth = flag.astype(bool), truth.astype(bool)
    return (
        float(flag[truth].mean()),
        float(1 - flag[~truth].mean()),
        float(truth[flag].mean()) if flag.any() else float("nan"),
    )


def evaluate_ruptures(cohort: Cohort) -> Evaluation:
    table = signals.prepare(cohort.scores)
    found = signals.alerts_frame(signals.ruptures(table, signals.SignalParameters()))
    found = found[found["rule"].isin(DROP_RULES) & (found["instrument"] == "checkin")]
    flagged = set(zip(found["series"], found["visit"], strict=True))
    truth = cohort.truth_episodes.set_index("episode_id")
    visits = cohort.truth_visits.query("attended and visit > 1")[["episode_id", "visit"]]
    visits = visits.join(truth[["rupture", "rupture_visit"]], on="episode_id")
    after = visits[visits["rupture"] & (visits["visit"] >= visits["rupture_visit"])]
    first_after = after.groupby("episode_id")["visit"].min()
    positive = visits["visit"] == visits["episode_id"].map(first_after)
    flag = pd.Series(
        [key in flagged for key in zip(visits["episode_id"], visits["visit"], strict=True)],
        index=visits.index,
    )
    sensitivity, specificity, ppv = rates(flag, positive)
    return Evaluation("rupture", "visits", sensitivity, specificity, ppv, 0.0)


def completed(cohort: Cohort) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    table = signals.prepare(cohort.scores)
    visits = cohort.visits.rename(columns={"episode_id": "series"})
    conditions = cohort.episodes.set_index("episode_id")["condition"]
    return table, visits, conditions


def evaluate_not_on_track(history: Cohort, monitored: Cohort) -> Evaluation:
    table, _, conditions = completed(history)
    model = signals.ExpectedRecovery().fit(table, conditions)
    table, _, conditions = completed(monitored)
    found = signals.alerts_frame(model.alerts(table, conditions))
    ends = monitored.visits.groupby("episode_id")["visit"].max()
    early = found[found["visit"] < found["series"].map(ends)]
    first_red = early.groupby("series")["visit"].min()
    truth = monitored.truth_episodes.set_index("episode_id")["not_on_track"]
    flag = truth.index.to_series().isin(first_red.index)
    sensitivity, specificity, ppv = rates(flag, truth)
    caught = first_red[first_red.index.isin(truth.index[truth])]
    lead = float((ends.reindex(caught.index) - caught).mean())
    return Evaluation("not on track", "episodes", sensitivity, specificity, ppv, lead)


def evaluate_dropout(history: Cohort, monitored: Cohort) -> Evaluation:
    table, visits, _ = completed(history)
    dropped = history.truth_episodes.set_index("episode_id")["dropout"]
    model = signals.DropoutRisk().fit(signals.visit_features(table, visits), dropped)
    table, visits, _ = completed(monitored)
    found = signals.alerts_frame(model.alerts(signals.visit_features(table, visits)))
    first_alert = found.groupby("series")["visit"].min()
    truth = monitored.truth_episodes.set_index("episode_id")
    flag = truth.index.to_series().isin(first_alert.index)
    sensitivity, specificity, ppv = rates(flag, truth["dropout"])
    caught = first_alert[first_alert.index.isin(truth.index[truth["dropout"]])]
    lead = float((truth.loc[caught.index, "dropout_visit"] - caught).mean())
    return Evaluation("dropout risk", "episodes", sensitivity, specificity, ppv, lead)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=5000)
    args = parser.parse_args()
    history = generate(SynthConfig(patients=args.patients, seed=101))
    monitored = generate(SynthConfig(patients=args.patients, seed=202))
    for evaluation in (
        evaluate_ruptures(monitored),
        evaluate_not_on_track(history, monitored),
        evaluate_dropout(history, monitored),
    ):
        print(evaluation.line())


if __name__ == "__main__":
    main()
