"""The alliance as a predictor: OLS and logistic fits against statsmodels."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from matplotlib.figure import Figure

from alliance.stats import AnalysisError, regression
from alliance.synth import SynthConfig, generate


@pytest.fixture(scope="module")
def episodes() -> pd.DataFrame:
    truth = generate(SynthConfig(patients=600, seed=21)).truth_episodes
    rng = np.random.default_rng(21)
    return truth.assign(
        recovered=(truth["recovery"] > 0.6).astype(int),
        # residual spread that grows with severity, so robust errors differ from classical
        function=truth["outcome"] + rng.normal(size=len(truth)) * (1 + truth["severity"].abs()),
    )


@pytest.mark.parametrize("robust", [None, "HC1", "HC3"])
def test_it_matches_statsmodels_ols(episodes: pd.DataFrame, robust: str | None) -> None:
    result = regression(
        episodes, y="function", x="alliance", covariates=["severity", "trust"], robust=robust
    )
    # robust p-values use t on the residual df, as PROCESS and SPSS do
    peer = smf.ols("function ~ alliance + severity + trust", episodes).fit(
        cov_type=robust or "nonrobust", use_t=True
    )
    table = result.coefficients.set_index("term")
    np.testing.assert_allclose(table["estimate"], peer.params, rtol=1e-10)
    np.testing.assert_allclose(table["se"], peer.bse, rtol=1e-10)
    np.testing.assert_allclose(table["p"], peer.pvalues, rtol=1e-7)
    assert result.r2 == pytest.approx(peer.rsquared, rel=1e-10)
    assert result.r2_adjusted == pytest.approx(peer.rsquared_adj, rel=1e-10)


def test_its_standardised_coefficients_are_those_of_z_scored_data(episodes: pd.DataFrame) -> None:
    columns = ["function", "alliance", "severity"]
    z = (episodes[columns] - episodes[columns].mean()) / episodes[columns].std()
    peer = sm.OLS(z["function"], sm.add_constant(z[["alliance", "severity"]])).fit()
    result = regression(episodes, y="function", x="alliance", covariates="severity")
    beta = result.coefficients.set_index("term")["beta"]
    assert beta["alliance"] == pytest.approx(peer.params["alliance"], rel=1e-10)
    assert beta["severity"] == pytest.approx(peer.params["severity"], rel=1e-10)


def test_it_fits_a_logistic_model_to_a_binary_outcome(episodes: pd.DataFrame) -> None:
    result = regression(episodes, y="recovered", x="alliance", covariates="severity")
    peer = smf.logit("recovered ~ alliance + severity", episodes).fit(disp=0)
    table = result.coefficients.set_index("term")
    assert result.model == "logistic"
    np.testing.assert_allclose(table["estimate"], peer.params, rtol=1e-8)
    np.testing.assert_allclose(table["se"], peer.bse, rtol=1e-6)
    np.testing.assert_allclose(table["odds_ratio"], np.exp(peer.params), rtol=1e-8)
    assert result.r2 == pytest.approx(peer.prsquared, rel=1e-8)


def test_it_finds_that_alliance_predicts_outcome_in_a_synthetic_clinic(
    episodes: pd.DataFrame,
) -> None:
    """The synthetic clinics build in an alliance-outcome link (r = .278, Flückiger 2018)."""
    result = regression(episodes, y="outcome", x="alliance", covariates="severity")
    alliance = result.coefficients.set_index("term").loc["alliance"]
    assert alliance["p"] < 1e-6
    assert 0.15 < alliance["beta"] < 0.45


def test_it_refuses_an_unknown_robust_type(episodes: pd.DataFrame) -> None:
    with pytest.raises(AnalysisError, match="robust must be one of HC0, HC1, HC2, HC3"):
        regression(episodes, y="outcome", x="alliance", robust="HC5")


def test_it_summarises_and_plots(episodes: pd.DataFrame) -> None:
    result = regression(episodes, y="outcome", x="alliance", covariates="severity", robust="HC3")
    assert "HC3 robust standard errors" in result.summary()
    assert result.to_dict()["coefficients"][1]["term"] == "alliance"
    figure = result.plot()
    assert isinstance(figure, Figure)
    assert [t.get_text() for t in figure.axes[0].get_yticklabels()] == ["alliance", "severity"]
