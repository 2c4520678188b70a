"""Feedback signals in the clinic: each assessment raises, updates or resolves the episode's
alerts in the same transaction, with the rule, scale, values and threshold."""

from __future__ import annotations

import datetime as dt

import pytest

from alliance.web import actions
from alliance.web.models import Alert, AuditEvent
from tests.web.conftest import World


def checkin(goal: int, task: int = 9, bond: int = 9, overall: int = 9) -> dict[str, dict[str, int]]:
    return {"checkin": {"q1": goal, "q2": task, "q3": bond, "q4": overall}}


def visit(world: World, number: int) -> object:
    if number == 1:
        return world.visit
    return actions.schedule_visit(
        world.owner, world.episode, dt.date(2026, 1, 5 + 7 * (number - 1))
    )


def open_alerts(world: World) -> list[Alert]:
    return list(world.episode.alerts.filter(acknowledged_at__isnull=True, resolved_at__isnull=True))


@pytest.mark.django_db
def test_a_fall_in_the_goal_rating_raises_a_rupture_naming_the_scale(world: World) -> None:
    # goal 9 then 5: a fall of 4 from the previous rating, at least the 3-point threshold
    actions.record_assessment(visit(world, 1), checkin(9), by=world.owner)
    assert open_alerts(world) == []
    actions.record_assessment(visit(world, 2), checkin(5), by=world.owner)
    drops = [a for a in open_alerts(world) if a.rule == "drop_from_previous"]
    assert [
        (a.kind, a.instrument, a.scale, a.value, a.threshold, a.visit_number) for a in drops
    ] == [("rupture", "checkin", "goal", 5.0, 3.0, 2)]
    assert "goals" in drops[0].suggestion
    assert AuditEvent.objects.filter(action="alert_raised", patient=world.patient).exists()


@pytest.mark.django_db
def test_a_state_alert_is_updated_while_it_holds_and_resolved_after(world: World) -> None:
    # mean of (6, 6, 6, 6) = 6 < 7: below the check-in's concern cut-off, twice, then not
    actions.record_assessment(visit(world, 1), checkin(6, 6, 6, 6), by=world.owner)
    [first] = [a for a in open_alerts(world) if a.rule == "below_cutoff"]
    actions.record_assessment(visit(world, 2), checkin(6, 6, 6, 6), by=world.owner)
    [same] = [a for a in open_alerts(world) if a.rule == "below_cutoff"]
    assert same.pk == first.pk
    assert same.visit_number == 2
    assert same.updated_at is not None
    actions.record_assessment(visit(world, 3), checkin(8, 8, 8, 8), by=world.owner)
    first.refresh_from_db()
    assert first.resolved_at is not None
    assert not [a for a in open_alerts(world) if a.rule == "below_cutoff"]


@pytest.mark.django_db
def test_a_rupture_stays_open_until_a_therapist_acknowledges_it(world: World) -> None:
    actions.record_assessment(visit(world, 1), checkin(9), by=world.owner)
    actions.record_assessment(visit(world, 2), checkin(5), by=world.owner)
    actions.record_assessment(visit(world, 3), checkin(9), by=world.owner)
    [drop] = [a for a in open_alerts(world) if a.rule == "drop_from_previous"]
    assert drop.visit_number == 2
    actions.acknowledge_alert(world.owner, drop, action_taken="Agreed new goals together")
    assert not [a for a in open_alerts(world) if a.rule == "drop_from_previous"]


@pytest.mark.django_db
def test_an_influence_at_intake_is_flagged_with_its_cut_off(world: World) -> None:
    # PCS: all 13 items at 3 -> 39, at or above the clinically relevant 30
    actions.record_assessment(
        visit(world, 1), {"pcs": {f"q{n}": 3 for n in range(1, 14)}}, by=world.owner
    )
    [flag] = [a for a in open_alerts(world) if a.kind == "influence"]
    assert (flag.instrument, flag.value, flag.threshold) == ("pcs", 39.0, 30.0)


@pytest.mark.django_db
def test_a_clinic_can_change_a_rule_in_one_place(world: World) -> None:
    world.clinic.signal_parameters = {
        "watched": [{"instrument": "checkin", "scale": "goal", "drop": 5.0}]
    }
    world.clinic.save()
    actions.record_assessment(visit(world, 1), checkin(9), by=world.owner)
    actions.record_assessment(visit(world, 2), checkin(5), by=world.owner)
    assert not [a for a in open_alerts(world) if a.kind == "rupture"]


@pytest.mark.django_db
def test_a_rejected_submission_raises_nothing(world: World) -> None:
    with pytest.raises(actions.AnswersRejectedError):
        actions.record_assessment(visit(world, 1), checkin(11), by=world.owner)
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_the_api_lists_what_fired_and_hides_resolved_alerts(world: World) -> None:
    from tests.web.conftest import api_client

    actions.record_assessment(visit(world, 1), checkin(6, 6, 6, 6), by=world.owner)
    client = api_client(world.owner)
    [listed] = client.get("/api/alerts").json()["items"]
    assert (listed["rule"], listed["scale"], listed["value"], listed["threshold"]) == (
        "below_cutoff", "total", 6.0, 7.0,
    )  # fmt: skip
    actions.record_assessment(visit(world, 2), checkin(8, 8, 8, 8), by=world.owner)
    assert client.get("/api/alerts").json()["items"] == []
    assert len(client.get("/api/alerts?open_only=false").json()["items"]) == 1
