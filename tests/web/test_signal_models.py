"""Each clinic's fitted signal models: kept in memory, counted again at most once a minute,
never fitted inside a check-in once the server has warmed up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.web import actions, signal_models
from tests.web.conftest import World, neck_pain_episode

pytestmark = pytest.mark.django_db


def _discharged_episodes(world: World, count: int) -> None:
    for n in range(count):
        episode = neck_pain_episode(world.owner, f"History {n}", dt.date(2026, 1, 5))
        actions.discharge_episode(
            world.owner, episode, end_date=dt.date(2026, 2, 5), reason="goals_met"
        )


def test_a_clinic_without_history_gets_the_mcid_fallback_and_no_dropout_model(
    world: World,
) -> None:
    fitted = signal_models.fit(world.clinic)
    assert fitted.episodes == 0
    assert fitted.dropout is None
    assert not fitted.recovery.curves_


def test_the_fitted_pair_is_reused_without_a_query_until_it_is_counted_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = signal_models.fit(world.clinic)
    with CaptureQueriesContext(connection) as queries:
        assert signal_models.clinic_models(world.clinic) == (first.recovery, first.dropout)
    assert len(queries) == 0
    monkeypatch.setattr(signal_models, "RECOUNT_SECONDS", 0.0)
    _discharged_episodes(world, 3)
    with CaptureQueriesContext(connection) as queries:
        recovery, _ = signal_models.clinic_models(world.clinic)
    assert len(queries) == 1, "one count of the discharged episodes"
    assert recovery is first.recovery, "three more episodes is less than the ten a refit needs"
    assert not signal_models._fitted[world.clinic.pk].refitting


def test_a_clinics_parameters_are_kept_until_its_overrides_change(world: World) -> None:
    first = signal_models.clinic_parameters(world.clinic)
    assert signal_models.clinic_parameters(world.clinic) is first
    world.clinic.signal_parameters = {"watched": [{"instrument": "srs", "scale": "total"}]}
    changed = signal_models.clinic_parameters(world.clinic)
    assert [w.instrument for w in changed.watched] == ["srs"]
    world.clinic.signal_parameters["watched"][0]["drop"] = 2.0
    assert signal_models.clinic_parameters(world.clinic).watched[0].drop == 2.0
