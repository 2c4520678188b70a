"""Psychometrics: alpha and ICC against pingouin and Shrout & Fleiss's published table, omega
against a one-factor model fitted by semopy, clinical change against the published rules."""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import semopy
from scipy import stats

from alliance import instruments
from alliance.stats import (
    AnalysisError,
    clinical_change,
    intraclass_correlation,
    scale_reliability,
)


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    trait = rng.normal(size=(250, 1))
    loadings = np.array([0.9, 0.7, 0.5, 0.8, 0.6, 0.75])
    noise = rng.normal(size=(250, 6)) * np.array([0.5, 0.8, 1.0, 0.6, 0.9, 0.7])
    frame = pd.DataFrame(trait * loadings + noise, columns=[f"q{i}" for i in range(1, 7)])
    frame.iloc[[3, 40], 2] = np.nan
    return frame


def test_alpha_and_its_interval_match_pingouin(answers: pd.DataFrame) -> None:
    result = scale_reliability(answers)
    alpha, interval = pg.cronbach_alpha(answers, nan_policy="listwise")
    assert result.alpha == pytest.approx(alpha, rel=1e-12)
    assert result.alpha_ci == pytest.approx(tuple(interval), abs=5e-4)  # pingouin rounds to 3
    assert result.n_dropped == 2
    # Feldt: (1 - alpha) / (1 - alpha_population) ~ F(n - 1, (n - 1)(k - 1))
    n, k = 248, 6
    assert 1 - (1 - result.alpha) * stats.f.ppf(0.975, n - 1, (n - 1) * (k - 1)) == pytest.approx(
        result.alpha_ci[0], rel=1e-12
    )


def test_omega_is_that_of_a_one_factor_model_fitted_by_semopy(answers: pd.DataFrame) -> None:
    complete = answers.dropna()
    model = semopy.Model("F =~ " + " + ".join(complete.columns))
    model.fit(complete)
    estimates = model.inspect()
    loadings = estimates[(estimates["op"] == "~") & (estimates["rval"] == "F")]
    factor = estimates[(estimates["op"] == "~~") & (estimates["lval"] == "F")]["Estimate"].iloc[0]
    errors = estimates[(estimates["op"] == "~~") & (estimates["lval"] != "F")]["Estimate"]
    common = loadings["Estimate"].astype(float).sum() ** 2 * factor
    expected = common / (common + errors.astype(float).sum())
    assert scale_reliability(answers).omega == pytest.approx(expected, abs=1e-4)


def test_alpha_if_dropped_is_alpha_of_the_other_items(answers: pd.DataFrame) -> None:
    result = scale_reliability(answers)
    complete = answers.dropna()
    for j, item in enumerate(answers.columns):
        assert result.alpha_if_dropped[j] == pytest.approx(
            pg.cronbach_alpha(complete.drop(columns=item))[0], rel=1e-12
        )


SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def long_table(ratings: list[list[float]]) -> pd.DataFrame:
    rows = [(t, r, v) for t, row in enumerate(ratings) for r, v in enumerate(row)]
    return pd.DataFrame(rows, columns=["patient", "rater", "score"])


def test_it_reproduces_shrout_and_fleiss_table_4() -> None:
    result = intraclass_correlation(
        long_table(SHROUT_FLEISS), targets="patient", raters="rater", ratings="score"
    )
    published = {"ICC(1,1)": 0.17, "ICC(A,1)": 0.29, "ICC(C,1)": 0.71,
                 "ICC(1,k)": 0.44, "ICC(A,k)": 0.62, "ICC(C,k)": 0.91}  # fmt: skip
    assert result.table.set_index("form")["icc"].round(2).to_dict() == published


def test_every_icc_form_matches_pingouin() -> None:
    wine = pg.read_dataset("icc")
    result = intraclass_correlation(wine, targets="Wine", raters="Judge", ratings="Scores")
    peer = pg.intraclass_corr(data=wine, targets="Wine", raters="Judge", ratings="Scores")
    ours = result.table.set_index("form")
    for row in peer.itertuples():
        assert ours.loc[row.Type, "icc"] == pytest.approx(row.ICC, rel=1e-10)
        assert ours.loc[row.Type, "f"] == pytest.approx(row.F, rel=1e-10)
        assert ours.loc[row.Type, "p"] == pytest.approx(row.pval, rel=1e-8)
        low, high = row.CI95
        assert ours.loc[row.Type, "ci_low"] == pytest.approx(low, abs=0.005)  # pingouin: 2 dp
        assert ours.loc[row.Type, "ci_high"] == pytest.approx(high, abs=0.005)


def test_it_drops_targets_missing_a_rating() -> None:
    table = long_table(SHROUT_FLEISS)
    table.loc[0, "score"] = np.nan
    result = intraclass_correlation(table, targets="patient", raters="rater", ratings="score")
    assert (result.n_targets, result.n_dropped_targets) == (5, 1)


def test_clinical_change_follows_jacobson_and_truax() -> None:
    # hand-worked: SD 10, r = 0.84 -> SEM 4, SD of a difference 4√2 = 5.657, MDC95 11.09;
    # dysfunctional norms 60 (SD 10), functional 20 (SD 10): a = 40, b = 40, c = 40
    result = clinical_change(
        [62, 62, 62, 50], [36, 45, 55, 63], reliability=0.84, higher_is_better=False, sd=10,
        dysfunctional=(60, 10), functional=(20, 10),
    )  # fmt: skip
    assert result.sem == pytest.approx(4.0)
    assert result.sd_difference == pytest.approx(4 * np.sqrt(2))
    assert result.mdc == pytest.approx(1.959964 * 4 * np.sqrt(2), rel=1e-6)
    assert (result.cutoff_a, result.cutoff_b, result.cutoff_c) == pytest.approx((40, 40, 40))
    # RCIs: -26/5.657 = -4.60 (and below c), -17/5.657 = -3.01 (above c), -1.24, +2.30
    assert result.patients["category"].tolist() == [
        "recovered", "improved", "unchanged", "deteriorated",
    ]  # fmt: skip
    assert result.counts().to_dict() == {
        "recovered": 1, "improved": 1, "unchanged": 1, "deteriorated": 1,
    }  # fmt: skip


def test_cutoff_c_weights_the_two_norms_by_their_spread() -> None:
    result = clinical_change(
        [10, 12], [30, 31], reliability=0.8, higher_is_better=True,
        dysfunctional=(10, 4), functional=(40, 8),
    )  # fmt: skip
    assert result.cutoff_a == pytest.approx(18)
    assert result.cutoff_b == pytest.approx(24)
    assert result.cutoff_c == pytest.approx((4 * 40 + 8 * 10) / 12)
    assert result.patients["category"].tolist() == ["recovered", "recovered"]


def test_its_rci_agrees_with_the_instrument_librarys() -> None:
    ndi = instruments.load("ndi")
    single = instruments.reliable_change(ndi, 30, 18, sd=8)
    reliability = 1 - (single.sem / 8) ** 2
    cohort = clinical_change([30], [18], reliability=reliability, higher_is_better=False, sd=8)
    assert cohort.patients["rci"].iloc[0] == pytest.approx(single.rci, rel=1e-12)


def test_it_refuses_unpaired_scores() -> None:
    with pytest.raises(AnalysisError, match="one pair of scores per patient"):
        clinical_change([1, 2, 3], [1, 2], reliability=0.8, higher_is_better=True)


def test_reports_of_reliability_name_the_items(answers: pd.DataFrame) -> None:
    result = scale_reliability(answers)
    assert "Cronbach's alpha" in result.summary()
    assert [t.get_text() for t in result.plot().axes[0].get_yticklabels()] == list(answers.columns)


def test_it_refuses_two_ratings_of_one_target_by_one_rater() -> None:
    table = long_table(SHROUT_FLEISS)
    table = pd.concat([table, table.iloc[[5]]])
    with pytest.raises(AnalysisError, match="target 1 has more than one rating from rater 1"):
        intraclass_correlation(table, targets="patient", raters="rater", ratings="score")
