"""Every analysis renders as a report that explains it and embeds its figures."""

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape

from alliance import stats
from alliance.reports import analysis_json, analysis_report
from alliance.reports.analysis_report import READING


def frame() -> pd.DataFrame:
    rng = np.random.default_rng(2)
    n = 120
    table = pd.DataFrame({"x": rng.integers(0, 2, n), "w": rng.normal(size=n)})
    table["m"] = 0.5 * table["x"] + rng.normal(size=n)
    table["y"] = 0.4 * table["m"] + 0.2 * table["w"] * table["x"] + rng.normal(size=n)
    table["group"] = np.where(table["x"] == 1, "treated", "control")
    return table


def visits() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    patient = np.repeat(np.arange(30), 4)
    time = np.tile(np.arange(4.0), 30)
    pain = 6 - 0.5 * time + rng.normal(size=30)[patient] + rng.normal(size=120)
    return pd.DataFrame({"patient": patient, "time": time, "pain": pain})


ANALYSES: dict[str, Callable[[], object]] = {
    "mediation": lambda: stats.mediation(frame(), x="x", m="m", y="y", n_boot=200, seed=1),
    "moderated_mediation": lambda: stats.moderated_mediation(
        frame(), x="x", m="m", w="w", y="y", model=7, n_boot=200, seed=1
    ),
    "predictor": lambda: stats.regression(frame(), y="y", x="m", covariates="w"),
    "moderation": lambda: stats.moderation(frame(), x="x", w="w", y="y"),
    "growth": lambda: stats.growth(visits(), y="pain", time="time", group="patient"),
    "experiment": lambda: stats.experiment(frame(), y="y", factors="group"),
    "reliability": lambda: stats.scale_reliability(frame()[["m", "y", "w"]]),
    "icc": lambda: stats.intraclass_correlation(
        visits(), targets="patient", raters="time", ratings="pain"
    ),
    "clinical_change": lambda: stats.clinical_change(
        frame()["m"] + 5, frame()["y"] + 5, reliability=0.8, higher_is_better=True
    ),
    "meta": lambda: stats.meta_analysis(
        effect=[0.1, 0.4, 0.3, 0.6], variance=[0.01, 0.02, 0.015, 0.03]
    ),
    "path_model": lambda: stats.path_model(frame(), "m ~ x\ny ~ m"),
}


def test_every_kind_of_analysis_has_a_reading_guide() -> None:
    assert set(ANALYSES) == set(READING)


@pytest.mark.parametrize("kind", sorted(ANALYSES))
def test_it_reports_each_analysis_with_its_guide_and_figures(kind: str) -> None:
    result = ANALYSES[kind]()
    html = analysis_report(result)  # type: ignore[arg-type]
    assert str(escape(READING[kind][:40])) in html
    assert re.search(r'src="data:image/png;base64,[A-Za-z0-9+/=]{100,}"', html)
    assert f'"analysis": "{kind}"' in analysis_json(result)  # type: ignore[arg-type]
