"""Path models through semopy: saturated models give least-squares paths, and the chi-square
of an omitted path is the likelihood-ratio statistic of the two regressions."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from alliance.stats import AnalysisError, path_model


@pytest.fixture(scope="module")
def cheing() -> pd.DataFrame:
    """The shape of Cheing et al. 2014: MI physiotherapy → alliance → outcome expectancy →
    pain → function."""
    rng = np.random.default_rng(9)
    n = 400
    frame = pd.DataFrame({"mi": rng.integers(0, 2, n).astype(float)})
    frame["alliance"] = 0.5 * frame["mi"] + rng.normal(size=n)
    frame["expectancy"] = 0.4 * frame["alliance"] + rng.normal(size=n)
    frame["pain"] = -0.4 * frame["expectancy"] + rng.normal(size=n)
    frame["function"] = -0.5 * frame["pain"] + 0.15 * frame["alliance"] + rng.normal(size=n)
    return frame


def test_a_saturated_chain_gives_the_least_squares_paths(cheing: pd.DataFrame) -> None:
    result = path_model(cheing, "alliance ~ mi\nfunction ~ alliance + mi")
    paths = result.estimates[result.estimates["op"] == "~"].set_index(["lval", "rval"])
    first = smf.ols("alliance ~ mi", cheing).fit().params
    second = smf.ols("function ~ alliance + mi", cheing).fit().params
    assert paths.loc[("alliance", "mi"), "estimate"] == pytest.approx(first["mi"], abs=1e-3)
    assert paths.loc[("function", "alliance"), "estimate"] == pytest.approx(
        second["alliance"], abs=1e-3
    )
    assert result.fit["chi2"] == pytest.approx(0, abs=1e-2)


def test_an_omitted_path_costs_its_likelihood_ratio(cheing: pd.DataFrame) -> None:
    result = path_model(
        cheing, "alliance ~ mi\nexpectancy ~ alliance\npain ~ expectancy\nfunction ~ pain"
    )
    # omitted: function ~ alliance, function ~ expectancy, ... each equation's LR adds up
    n = len(cheing)
    statistic = 0.0
    for formula_restricted, formula_full in [
        ("expectancy ~ alliance", "expectancy ~ alliance + mi"),
        ("pain ~ expectancy", "pain ~ expectancy + alliance + mi"),
        ("function ~ pain", "function ~ pain + expectancy + alliance + mi"),
    ]:
        restricted = smf.ols(formula_restricted, cheing).fit().ssr
        full = smf.ols(formula_full, cheing).fit().ssr
        statistic += n * np.log(restricted / full)
    assert result.fit["chi2"] == pytest.approx(statistic, rel=1e-3)
    assert 0 < result.fit["p"] < 1
    assert "RMSEA" in result.summary()


def test_it_names_a_variable_the_data_lacks(cheing: pd.DataFrame) -> None:
    with pytest.raises(AnalysisError, match="model variable column 'fear' is not in the data"):
        path_model(cheing, "alliance ~ mi\nfear ~ alliance")


def test_it_draws_the_regression_paths(cheing: pd.DataFrame) -> None:
    result = path_model(cheing, "alliance ~ mi\nfunction ~ alliance")
    labels = [t.get_text() for t in result.plot().axes[0].get_yticklabels()]
    assert labels == ["mi → alliance", "alliance → function"]
