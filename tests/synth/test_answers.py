"""Generated answers are valid, and scoring them gives back the intended scores."""

import numpy as np
import pytest

from alliance import instruments
from alliance.instruments.definition import Method
from alliance.synth import Cohort, SynthConfig, generate
from alliance.synth.protocol import GROUPS


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    return generate(SynthConfig(patients=1500, seed=5))


def intended(
    method: Method,
    formula: str | None,
    k: int,
    low: float,
    step: float,
    steps: int,
    target: np.ndarray,
) -> np.ndarray:
    """The score a group's target implies, computed from the published rules by hand."""
    total = k * low + target * step
    if method is Method.SUM:
        return total
    if method is Method.MEAN:
        return total / k
    assert formula == "percent_of_range"
    return 100 * target / (k * steps)


@pytest.mark.parametrize("instrument", sorted(GROUPS))
def test_every_answer_lies_on_its_items_scale(cohort: Cohort, instrument: str) -> None:
    definition = instruments.load(instrument)
    answers = cohort.answers[instrument]
    for item in definition.items:
        values = answers[item.id].dropna().to_numpy()
        scale = definition.response_for(item.id)
        assert ((values >= scale.min) & (values <= scale.max)).all(), item.id
        steps = (values - scale.min) / scale.step
        assert np.allclose(steps, np.round(steps)), item.id


@pytest.mark.parametrize("instrument", sorted(GROUPS))
def test_scoring_the_answers_gives_back_each_intended_score(
    cohort: Cohort, instrument: str
) -> None:
    definition = instruments.load(instrument)
    answers = cohort.answers[instrument]
    targets = cohort.targets[instrument]
    scored = instruments.score(definition, answers[[item.id for item in definition.items]])
    generated = {item for group in GROUPS[instrument] for item in group.items}
    checked = 0
    for group in GROUPS[instrument]:
        # a scale made of this group's items, plus perhaps items never answered (PSFS slots)
        matching = [
            scale
            for scale in definition.scales
            if set(group.items) <= set(scale.items)
            and not (set(scale.items) - set(group.items)) & generated
        ]
        for scale in matching:
            response = definition.response_for(group.items[0])
            expected = intended(
                scale.method, scale.formula, len(group.items), response.min, response.step,
                response.steps, targets[group.scale].to_numpy(),
            )  # fmt: skip
            np.testing.assert_allclose(scored[scale.id].to_numpy(), expected, atol=1e-9)
            checked += 1
    assert checked >= 1


def test_the_wai_sr_total_is_the_sum_of_its_intended_subscales(cohort: Cohort) -> None:
    targets = cohort.targets["wai_sr"]
    scored = instruments.score("wai_sr", cohort.answers["wai_sr"])
    # each subscale: 4 items of 1-5, so score = 4 + steps; the total adds the three
    expected = 12 + targets["goal"] + targets["task"] + targets["bond"]
    assert (scored["total"] == expected).all()


def test_the_tidy_table_holds_every_scored_scale_once(cohort: Cohort) -> None:
    scores = cohort.scores
    keys = ["episode_id", "visit", "instrument", "scale"]
    assert not scores.duplicated(keys).any()
    wai = scores.query("instrument == 'wai_sr'")
    assert set(wai["scale"]) == {"total", "goal", "task", "bond"}
    per_admin = wai.groupby(["episode_id", "visit"]).size()
    assert (per_admin == 4).all()


def test_missing_answers_can_be_injected_and_are_prorated_or_refused() -> None:
    cohort = generate(SynthConfig(patients=300, seed=6, missing_item_rate=0.05))
    answers = cohort.answers["odi"]
    assert answers[[f"q{n}" for n in range(1, 11)]].isna().to_numpy().mean() == pytest.approx(
        0.05, abs=0.02
    )
    scored = instruments.score("odi", answers)
    tidy = cohort.scores.query("instrument == 'odi'")
    assert len(tidy) == (scored["status"] == "scored").sum()
