"""Re-estimating the configured effects from generated data recovers them.

Each check fits the model the generator used (statsmodels OLS or logistic regression, an
independent implementation) on 20,000 episodes and asks that the configured value lie within
four standard errors of the estimate.
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from alliance.synth import Cohort, SynthConfig, generate

CONFIG = SynthConfig(patients=20_000, seed=11)


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    return generate(CONFIG)


@pytest.fixture(scope="module")
def truth(cohort: Cohort) -> pd.DataFrame:
    return cohort.truth_episodes.assign(centred=lambda t: t["treated"].astype(float) - 0.5)


def within(estimate: float, standard_error: float, expected: float) -> bool:
    return abs(estimate - expected) < 4 * standard_error


def test_it_recovers_the_alliance_outcome_correlation(truth: pd.DataFrame) -> None:
    r = np.corrcoef(truth["alliance"], truth["outcome"])[0, 1]
    standard_error = (1 - r**2) / np.sqrt(len(truth))
    assert within(r, standard_error, CONFIG.alliance_outcome_r)


def test_it_recovers_the_indirect_effect_through_adherence(truth: pd.DataFrame) -> None:
    a_fit = smf.ols("adherence ~ alliance", truth).fit()
    b_fit = smf.ols("outcome ~ alliance + adherence + centred + alliance:centred", truth).fit()
    a, b = a_fit.params["alliance"], b_fit.params["adherence"]
    se = np.sqrt(a**2 * b_fit.bse["adherence"] ** 2 + b**2 * a_fit.bse["alliance"] ** 2)
    expected = CONFIG.proportion_mediated * CONFIG.alliance_outcome_r
    assert within(a * b, se, expected)
    assert within(b_fit.params["alliance"], b_fit.bse["alliance"], CONFIG.direct_effect)


def test_it_recovers_the_moderation_of_the_treatment_effect(truth: pd.DataFrame) -> None:
    fit = smf.ols("outcome ~ alliance * centred", truth).fit()
    assert within(
        fit.params["alliance:centred"],
        fit.bse["alliance:centred"],
        CONFIG.alliance_treatment_interaction,
    )
    assert within(fit.params["centred"], fit.bse["centred"], CONFIG.treatment_effect)


def test_it_recovers_the_dropout_odds_ratio(truth: pd.DataFrame) -> None:
    data = truth.assign(dropped=truth["dropout"].astype(int), ruptured=truth["rupture"].astype(int))
    fit = smf.logit("dropped ~ alliance + ruptured", data).fit(disp=0)
    expected = -np.log(CONFIG.dropout_or_per_sd_lower_alliance)
    assert within(fit.params["alliance"], fit.bse["alliance"], expected)
    assert within(fit.params["ruptured"], fit.bse["ruptured"], np.log(CONFIG.dropout_or_rupture))


def test_it_recovers_the_influences_on_the_alliance(truth: pd.DataFrame) -> None:
    fit = smf.ols("alliance ~ injustice + anger + trust + individualised_plan", truth).fit()
    for name, expected in (
        ("injustice", CONFIG.injustice_on_alliance),
        ("anger", CONFIG.anger_on_alliance),
        ("trust", CONFIG.trust_on_alliance),
        ("individualised_plan[T.True]", CONFIG.plan_on_alliance),
    ):
        assert within(fit.params[name], fit.bse[name], expected), name


def test_the_enhanced_arm_raises_the_alliance_by_the_configured_amount() -> None:
    config = SynthConfig(patients=20_000, seed=12, enhanced_alliance_arm=True)
    truth = generate(config).truth_episodes
    fit = smf.ols("alliance ~ enhanced", truth).fit()
    assert within(fit.params["enhanced[T.True]"], fit.bse["enhanced[T.True]"], 0.8)
    assert np.isclose(truth["alliance"].var(), 1, atol=0.05)


def test_the_observed_alliance_predicts_observed_pain_relief(cohort: Cohort) -> None:
    # WAI-SR at visit 2 against the change in the pain rating from intake to the last visit:
    # positive, and smaller than the latent correlation because of item noise and attenuation.
    scores = cohort.scores
    wai = scores.query("instrument == 'wai_sr' and scale == 'total' and visit <= 3")
    wai = wai.groupby("episode_id")["score"].first()
    pain = scores.query("instrument == 'nprs'").sort_values("visit").groupby("episode_id")["score"]
    relief = pain.first() - pain.last()
    both = pd.concat([wai.rename("wai"), relief.rename("relief")], axis=1).dropna()
    r = np.corrcoef(both["wai"], both["relief"])[0, 1]
    assert 0.05 < r < CONFIG.alliance_outcome_r
