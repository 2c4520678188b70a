"""Reliable change against the Jacobson-Truax formula worked by hand, and influence flags."""

import math

import pandas as pd
import pytest

from alliance import signals

PARAMETERS = signals.SignalParameters()


def series(instrument: str, values: dict[str, list[float]]) -> pd.DataFrame:
    rows = [
        {"patient": p, "visit": v, "instrument": instrument, "scale": "total", "score": s}
        for p, scores in values.items()
        for v, s in enumerate(scores, 1)
    ]
    return signals.prepare(pd.DataFrame(rows))


def test_it_classifies_pain_change_by_the_published_formula() -> None:
    # NPRS SEM 1.02 (Childs 2005): SE of difference = 1.02 x sqrt(2) = 1.4425
    # A: 8 -> 4: RCI = -4 / 1.4425 = -2.773 -> improved (lower is better), MCID 2.2 met
    # B: 3 -> 0: RCI = -2.080 -> improved and at the recovery cut-off (NRS 0) -> recovered
    # C: 5 -> 4: RCI = -0.693 -> unchanged; D: 3 -> 7: RCI = +2.773 -> deteriorated
    changes = signals.reliable_changes(
        series("nprs", {"A": [8, 6, 4], "B": [3, 0], "C": [5, 4], "D": [3, 7]}), PARAMETERS
    ).set_index("patient")
    assert changes.loc["A", "rci"] == pytest.approx(-4 / (1.02 * math.sqrt(2)))
    assert changes["category"].to_dict() == {
        "A": "improved", "B": "recovered", "C": "unchanged", "D": "deteriorated",
    }  # fmt: skip
    assert changes["mcid_met"].to_dict() == {"A": True, "B": True, "C": False, "D": False}


def test_higher_is_better_scales_read_the_other_way() -> None:
    # LEFS SEM 3.2: 40 -> 50 gives RCI = 10 / 4.525 = 2.21 -> improved
    changes = signals.reliable_changes(series("lefs", {"A": [40, 50]}), PARAMETERS)
    assert changes.loc[0, "category"] == "improved"


def test_scales_without_an_sem_are_left_out() -> None:
    assert signals.reliable_changes(series("pcs", {"A": [30, 10]}), PARAMETERS).empty


def test_a_reliable_worsening_raises_an_alert() -> None:
    found = signals.alerts(
        pd.DataFrame({"patient": "D", "visit": [1, 2], "instrument": "nprs", "scale": "total",
                      "score": [3, 7]})
    )  # fmt: skip
    deteriorations = [a for a in found if a.signal == "deterioration"]
    assert len(deteriorations) == 1
    assert deteriorations[0].detail == "3 -> 7, RCI +2.77"


def test_it_flags_influences_at_or_above_their_published_cut_offs() -> None:
    # PCS >= 30 and IEQ >= 30 flag; TSK-17 flags above 37 only
    table = pd.DataFrame(
        {"patient": ["A", "A", "A", "B", "B", "B"], "visit": 1,
         "instrument": ["pcs", "ieq", "tsk_17", "pcs", "ieq", "tsk_17"], "scale": "total",
         "score": [30, 29, 38, 29, 30, 37]}
    )  # fmt: skip
    flags = signals.alerts_frame(signals.alerts(table)).query("signal == 'influence'")
    assert set(zip(flags["patient"], flags["instrument"], strict=True)) == {
        ("A", "pcs"), ("A", "tsk_17"), ("B", "ieq"),
    }  # fmt: skip


def test_parameters_refuse_an_unknown_cut_off() -> None:
    with pytest.raises(ValueError, match="has no cut-off"):
        signals.SignalParameters(
            influences=(signals.Influence(instrument="pcs", cutoff="no such label"),)
        )
