"""The ground truth matches what the data show: ruptures, dropouts, not-on-track, case mix."""

import numpy as np
import pytest

from alliance.synth import CONDITIONS, Cohort, SynthConfig, generate

CONFIG = SynthConfig(patients=4000, seed=21)


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    return generate(CONFIG)


def test_a_true_rupture_is_a_sudden_drop_in_the_visit_alliance(cohort: Cohort) -> None:
    truth = cohort.truth_episodes.set_index("episode_id")
    visits = cohort.truth_visits.set_index(["episode_id", "visit"])["alliance"]
    ruptured = truth[truth["rupture"]]
    drops = []
    for episode, at in ruptured["rupture_visit"].items():
        if (episode, at) in visits.index and (episode, at - 1) in visits.index:
            drops.append(visits[(episode, at - 1)] - visits[(episode, at)])
    # expected drop = rupture size (1.5) plus the growth between visits, with visit noise
    assert np.mean(drops) == pytest.approx(CONFIG.rupture_size, abs=0.15)
    assert truth["rupture"].mean() == pytest.approx(CONFIG.rupture_rate, abs=0.02)


def test_dropouts_end_with_a_missed_visit_and_never_come_back(cohort: Cohort) -> None:
    truth = cohort.truth_episodes.set_index("episode_id")
    last = cohort.visits.groupby("episode_id").last()
    dropped = truth.index[truth["dropout"]]
    assert (last.loc[dropped, "status"] == "missed").all()
    assert (
        last.loc[dropped, "visit"]
        == truth.loc[dropped, "dropout_visit"].clip(upper=CONFIG.visits_max)
    ).all()
    episodes = cohort.episodes.set_index("episode_id")
    assert (episodes.loc[dropped, "discharge_reason"] == "dropout").all()
    kept = truth.index[~truth["dropout"]]
    assert (last.loc[kept, "status"] == "attended").all()
    assert (last.loc[kept, "visit"] == episodes.loc[kept, "planned_visits"]).all()


def test_low_alliance_episodes_drop_out_more(cohort: Cohort) -> None:
    truth = cohort.truth_episodes
    low = truth["alliance"] < truth["alliance"].quantile(0.25)
    high = truth["alliance"] > truth["alliance"].quantile(0.75)
    assert truth.loc[low, "dropout"].mean() > truth.loc[high, "dropout"].mean() + 0.05


def test_not_on_track_episodes_improve_least(cohort: Cohort) -> None:
    truth = cohort.truth_episodes.set_index("episode_id")
    pain = cohort.truth_visits.sort_values("visit").groupby("episode_id")["pain"]
    relief = (pain.first() - pain.last()) / pain.first()
    assert (truth["not_on_track"] == (truth["recovery"] < CONFIG.not_on_track_recovery)).all()
    assert relief[truth["not_on_track"]].mean() < relief[~truth["not_on_track"]].mean() - 0.2


def test_spinal_pain_and_joint_deterioration_are_the_commonest_conditions(cohort: Cohort) -> None:
    shares = cohort.episodes["condition"].value_counts(normalize=True)
    for condition, (_, _, share) in CONDITIONS.items():
        assert shares[condition] == pytest.approx(share, abs=0.03)
    spinal_or_joint = shares[
        ["low back pain", "neck pain", "knee osteoarthritis", "hip osteoarthritis"]
    ]
    assert spinal_or_joint.sum() > 0.5


def test_the_regional_disability_measure_follows_the_body_region(cohort: Cohort) -> None:
    regional = cohort.scores.query("instrument in ['odi', 'ndi', 'quickdash', 'lefs']")
    joined = regional.merge(cohort.episodes[["episode_id", "body_region"]], on="episode_id")
    pairs = set(zip(joined["instrument"], joined["body_region"], strict=True))
    expected = {(instrument, region) for region, instrument, _ in CONDITIONS.values()}
    assert pairs == expected
