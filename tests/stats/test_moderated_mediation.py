"""Moderated mediation (PROCESS 7, 8, 14, 58, 59): products of statsmodels' paths, the index
of moderated mediation, and replicates equal to refits of the resampled rows."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from alliance.stats import AnalysisError, moderated_mediation
from alliance.stats.resample import deviations


def training_clinic() -> pd.DataFrame:
    """Alliance training raises the alliance more for experienced therapists (first stage),
    and the alliance helps function more with experience (second stage)."""
    rng = np.random.default_rng(8)
    n = 300
    frame = pd.DataFrame({"training": rng.integers(0, 2, n), "experience": rng.normal(size=n),
                          "age": rng.normal(size=n)})  # fmt: skip
    frame["alliance"] = (0.3 + 0.3 * frame["experience"]) * frame["training"] + rng.normal(size=n)
    frame["function"] = (
        (0.5 + 0.2 * frame["experience"]) * frame["alliance"] + 0.1 * frame["training"]
        + 0.1 * frame["age"] + rng.normal(size=n)
    )  # fmt: skip
    return frame


@pytest.fixture(scope="module")
def clinic() -> pd.DataFrame:
    return training_clinic()


def fit(frame: pd.DataFrame, formula: str) -> pd.Series:
    return smf.ols(formula, frame).fit().params


ARGUMENTS = {"x": "training", "m": "alliance", "w": "experience", "y": "function",
             "covariates": "age", "n_boot": 200, "seed": 3}  # fmt: skip


def test_model_7_index_is_a3_times_b(clinic: pd.DataFrame) -> None:
    result = moderated_mediation(clinic, model=7, **ARGUMENTS)  # type: ignore[arg-type]
    first = fit(clinic, "alliance ~ training * experience + age")
    second = fit(clinic, "function ~ training + alliance + age")
    assert result.index["estimate"].iloc[0] == pytest.approx(
        first["training:experience"] * second["alliance"], rel=1e-10
    )
    for row in result.conditional.to_dict(orient="records"):
        a = first["training"] + first["training:experience"] * row["w"]
        assert row["estimate"] == pytest.approx(a * second["alliance"], rel=1e-10)


def test_model_14_index_is_a_times_b3(clinic: pd.DataFrame) -> None:
    result = moderated_mediation(clinic, model=14, **ARGUMENTS)  # type: ignore[arg-type]
    first = fit(clinic, "alliance ~ training + age")
    second = fit(clinic, "function ~ training + alliance * experience + age")
    assert result.index["estimate"].iloc[0] == pytest.approx(
        first["training"] * second["alliance:experience"], rel=1e-10
    )


def test_model_8_moderates_the_direct_effect(clinic: pd.DataFrame) -> None:
    result = moderated_mediation(clinic, model=8, **ARGUMENTS)  # type: ignore[arg-type]
    second = fit(clinic, "function ~ training * experience + alliance + age")
    for row in result.direct.to_dict(orient="records"):
        expected = second["training"] + second["training:experience"] * row["w"]
        assert row["estimate"] == pytest.approx(expected, rel=1e-10)


def test_models_58_and_59_multiply_both_moderated_stages(clinic: pd.DataFrame) -> None:
    frame = clinic.assign(senior=(clinic["experience"] > 0).astype(int))
    arguments = ARGUMENTS | {"w": "senior"}
    result = moderated_mediation(frame, model=59, **arguments)  # type: ignore[arg-type]
    first = fit(frame, "alliance ~ training * senior + age")
    second = fit(frame, "function ~ training * senior + alliance * senior + age")
    expected = [
        (first["training"] + first["training:senior"] * w)
        * (second["alliance"] + second["alliance:senior"] * w)
        for w in (0.0, 1.0)
    ]
    assert result.conditional["w"].tolist() == [0.0, 1.0]
    np.testing.assert_allclose(result.conditional["estimate"], expected, rtol=1e-10)
    assert result.index["estimate"].iloc[0] == pytest.approx(expected[1] - expected[0], rel=1e-9)


def test_each_replicate_is_a_refit_of_the_resampled_rows(clinic: pd.DataFrame) -> None:
    from alliance.stats.moderated_mediation import _Spec, _statistic, _with_products

    counts = deviations(len(clinic), 0, 3, 3).astype(int) + 1
    draws = []
    for weight in counts:
        rows = clinic.loc[clinic.index.repeat(weight)]
        first = fit(rows, "alliance ~ training * experience + age")
        second = fit(rows, "function ~ training + alliance * experience + age")
        draws.append(
            (first["training"] + 0.5 * first["training:experience"])
            * (second["alliance"] + 0.5 * second["alliance:experience"])
        )
    spec = _Spec("training", "experience", ("alliance",), "function", ("age",), 58)
    statistic = _statistic(_with_products(clinic, spec), spec, np.array([0.5]))
    replicated = statistic(deviations(len(clinic), 0, 3, 3))[:, 0]
    np.testing.assert_allclose(replicated, draws, rtol=1e-6)


def test_it_refuses_a_model_it_does_not_know(clinic: pd.DataFrame) -> None:
    with pytest.raises(AnalysisError, match="model must be one of 7, 8, 14, 58, 59"):
        moderated_mediation(clinic, model=6, **ARGUMENTS)  # type: ignore[arg-type]


def test_it_draws_the_conditional_indirect_effect_along_w(clinic: pd.DataFrame) -> None:
    result = moderated_mediation(clinic, model=7, **ARGUMENTS)  # type: ignore[arg-type]
    axes = result.plot().axes[0]
    assert axes.get_xlabel() == "experience"
    assert "Index of moderated mediation" in result.summary()
    assert result.to_dict()["process_model"] == 7
