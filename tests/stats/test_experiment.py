"""Experiments: ANOVA / ANCOVA tables against statsmodels and pingouin, Cohen's d against
pingouin, planned contrasts against statsmodels' tests of a cell-means model."""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.formula.api as smf
from statsmodels.stats.anova import anova_lm

from alliance.stats import AnalysisError, experiment


def fuentes_shaped_trial() -> pd.DataFrame:
    """The shape of Fuentes et al. 2014: IFC (active/sham) x alliance (enhanced/limited),
    unequal cells (30, 29, 29, 29), change in pain adjusted for baseline pain."""
    rng = np.random.default_rng(14)
    cells = [("active", "limited", 30, -1.8), ("sham", "limited", 29, -1.0),
             ("active", "enhanced", 29, -3.1), ("sham", "enhanced", 29, -2.2)]  # fmt: skip
    rows = []
    for ifc, alliance, n, effect in cells:
        baseline = rng.normal(6, 1.5, size=n)
        change = effect - 0.3 * (baseline - 6) + rng.normal(0, 1.2, size=n)
        rows += [{"ifc": ifc, "alliance": alliance, "baseline": b, "change": c}
                 for b, c in zip(baseline, change, strict=True)]  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def trial() -> pd.DataFrame:
    return fuentes_shaped_trial()


@pytest.mark.parametrize("ss_type", [2, 3])
def test_its_ancova_table_matches_statsmodels(trial: pd.DataFrame, ss_type: int) -> None:
    result = experiment(trial, y="change", factors=["ifc", "alliance"], covariates="baseline",
                        ss_type=ss_type)  # fmt: skip
    fit = smf.ols("change ~ C(ifc, Sum) * C(alliance, Sum) + baseline", trial).fit()
    peer = anova_lm(fit, typ=ss_type)
    names = {"C(ifc, Sum)": "ifc", "C(alliance, Sum)": "alliance",
             "C(ifc, Sum):C(alliance, Sum)": "ifc:alliance", "baseline": "baseline",
             "Residual": "residual"}  # fmt: skip
    ours = result.anova.set_index("term")
    for term, row in peer.iterrows():
        if term == "Intercept":
            continue
        mine = ours.loc[names[str(term)]]
        assert mine["ss"] == pytest.approx(row["sum_sq"], rel=1e-9)
        assert mine["df"] == row["df"]
        if names[str(term)] != "residual":
            assert mine["f"] == pytest.approx(row["F"], rel=1e-9)
            assert mine["p"] == pytest.approx(row["PR(>F)"], rel=1e-7)


def test_its_partial_eta_squared_matches_pingouin(trial: pd.DataFrame) -> None:
    result = experiment(trial, y="change", factors=["ifc", "alliance"])
    peer = pg.anova(data=trial, dv="change", between=["ifc", "alliance"], ss_type=2)
    ours = result.anova.set_index("term")["partial_eta2"]
    assert ours["ifc"] == pytest.approx(peer.loc[0, "np2"], rel=1e-9)
    assert ours["alliance"] == pytest.approx(peer.loc[1, "np2"], rel=1e-9)
    assert ours["ifc:alliance"] == pytest.approx(peer.loc[2, "np2"], rel=1e-9)
    one_way = experiment(trial, y="change", factors="alliance", covariates="baseline")
    ancova = pg.ancova(data=trial, dv="change", between="alliance", covar="baseline")
    assert one_way.anova.set_index("term").loc["alliance", "partial_eta2"] == pytest.approx(
        ancova.loc[0, "np2"], rel=1e-9
    )


def test_its_cohens_d_and_interval_match_pingouin(trial: pd.DataFrame) -> None:
    result = experiment(trial, y="change", factors=["ifc", "alliance"])
    pair = result.pairs.set_index(["first", "second"]).loc[
        ("active / enhanced", "active / limited")
    ]
    first = trial.query("ifc == 'active' and alliance == 'enhanced'")["change"]
    second = trial.query("ifc == 'active' and alliance == 'limited'")["change"]
    d = pg.compute_effsize(first, second, eftype="cohen")
    low, high = pg.compute_esci(d, len(first), len(second), eftype="cohen", decimals=10)
    assert pair["d"] == pytest.approx(d, rel=1e-10)
    assert (pair["ci_low"], pair["ci_high"]) == pytest.approx((low, high), rel=1e-8)


def test_planned_contrasts_are_tests_of_adjusted_cell_means(trial: pd.DataFrame) -> None:
    contrast = {"active / enhanced": 1.0, "active / limited": -1.0}
    result = experiment(trial, y="change", factors=["ifc", "alliance"], covariates="baseline",
                        contrasts={"enhanced vs limited, active IFC": contrast})  # fmt: skip
    frame = trial.assign(cell=trial["ifc"] + " / " + trial["alliance"],
                         centred=trial["baseline"] - trial["baseline"].mean())  # fmt: skip
    fit = smf.ols("change ~ 0 + C(cell) + centred", frame).fit()
    vector = np.zeros(len(fit.params))
    vector[list(fit.params.index).index("C(cell)[active / enhanced]")] = 1
    vector[list(fit.params.index).index("C(cell)[active / limited]")] = -1
    peer = fit.t_test(vector)
    row = result.contrasts.iloc[0]
    assert row["estimate"] == pytest.approx(float(peer.effect[0]), rel=1e-9)
    assert row["se"] == pytest.approx(float(peer.sd[0, 0]), rel=1e-9)
    assert row["p"] == pytest.approx(float(peer.pvalue), rel=1e-7)
    adjusted = result.cells.set_index("cell")["adjusted_mean"]
    assert adjusted["sham / limited"] == pytest.approx(fit.params["C(cell)[sham / limited]"])


@pytest.mark.parametrize(
    ("contrasts", "message"),
    [
        ({"c": {"active / enhanced": 1.0, "active / limited": -0.5}}, "weights must sum to zero"),
        ({"c": {"active / great": 1.0, "active / limited": -1.0}}, "no cell named"),
    ],
)
def test_it_refuses_a_malformed_contrast(
    trial: pd.DataFrame, contrasts: dict[str, dict[str, float]], message: str
) -> None:
    with pytest.raises(AnalysisError, match=message):
        experiment(trial, y="change", factors=["ifc", "alliance"], contrasts=contrasts)


def test_it_summarises_and_draws_the_interaction(trial: pd.DataFrame) -> None:
    result = experiment(trial, y="change", factors=["ifc", "alliance"], covariates="baseline")
    assert result.summary().startswith("ANCOVA of change by ifc x alliance")
    axes = result.plot().axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["active", "sham"]
    assert axes.get_legend().get_title().get_text() == "alliance"
