"""Feedback signals in the clinic: each assessment raises, updates or resolves the episode's
alerts in the same transaction, with the rule, scale, values and threshold."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance import signals
from alliance.synth import SynthConfig, generate
from alliance.web import actions, feedback
from alliance.web.models import (
    Alert,
    Assessment,
    AssessmentStatus,
    AuditEvent,
    Protocol,
    Visit,
    VisitStatus,
)
from tests.web.conftest import World, neck_pain_episode


def checkin(goal: int, task: int = 9, bond: int = 9, overall: int = 9) -> dict[str, dict[str, int]]:
    return {"checkin": {"q1": goal, "q2": task, "q3": bond, "q4": overall}}


def visit(world: World, number: int) -> Visit:
    if number == 1:
        return world.visit
    return actions.schedule_visit(
        world.owner, world.episode, dt.date(2026, 1, 5) + dt.timedelta(weeks=number - 1)
    )


def enter(world: World, at: Visit, answers: dict[str, Any], through_link: bool) -> None:
    """Record ``answers`` at ``at``: entered by the therapist, or by the patient through a
    new link (on PostgreSQL, a check-in that finds nothing may then be one statement)."""
    if not through_link:
        actions.record_assessment(at, answers, by=world.owner)
        return
    link = actions.resolve_link(actions.issue_checkin_link(world.owner, at)[1])
    actions.record_assessment(link.visit, answers, link=link)


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


@pytest.mark.parametrize("through_link", [False, True])
@pytest.mark.django_db
def test_a_state_alert_is_updated_while_it_holds_and_resolved_after(
    world: World, through_link: bool
) -> None:
    # mean of (6, 6, 6, 6) = 6 < 7: below the check-in's concern cut-off, twice, then not
    actions.record_assessment(visit(world, 1), checkin(6, 6, 6, 6), by=world.owner)
    [first] = [a for a in open_alerts(world) if a.rule == "below_cutoff"]
    actions.record_assessment(visit(world, 2), checkin(6, 6, 6, 6), by=world.owner)
    [same] = [a for a in open_alerts(world) if a.rule == "below_cutoff"]
    assert same.pk == first.pk
    assert same.visit_number == 2
    assert same.updated_at is not None
    enter(world, visit(world, 3), checkin(8, 8, 8, 8), through_link)
    first.refresh_from_db()
    assert first.resolved_at is not None
    assert not [a for a in open_alerts(world) if a.rule == "below_cutoff"]


@pytest.mark.django_db
def test_an_alert_acknowledged_between_the_signals_and_the_transaction_stays_acknowledged(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The signals for visit 2 run while the below-cut-off alert of visit 1 is open; the
    # therapist acknowledges it before visit 2's transaction. The alert stays as the therapist
    # left it, and visit 2 raises a new one, as a fresh look at the episode finds.
    actions.record_assessment(visit(world, 1), checkin(6, 6, 6, 6), by=world.owner)
    [first] = [a for a in open_alerts(world) if a.rule == "below_cutoff"]
    foresee = feedback.foresee

    def foresee_then_acknowledge(*args: Any) -> feedback.Foresight:
        found = foresee(*args)
        actions.acknowledge_alert(world.owner, first, action_taken="Talked it through")
        return found

    monkeypatch.setattr(feedback, "foresee", foresee_then_acknowledge)
    actions.record_assessment(visit(world, 2), checkin(6, 6, 6, 6), by=world.owner)
    acknowledged = Alert.objects.get(pk=first.pk)
    assert (acknowledged.visit_number, acknowledged.updated_at) == (1, None)
    [new] = [a for a in open_alerts(world) if a.rule == "below_cutoff"]
    assert (new.pk != first.pk, new.visit_number) == (True, 2)


def visit_2_enters_before_visit_3_commits(
    world: World, monkeypatch: pytest.MonkeyPatch, goals: tuple[int, int, int], through_link: bool
) -> tuple[feedback.Foresight, set[tuple[str, str, int]]]:
    """Check in visits 1 and 3 with the first and last goal ratings; visit 2 is entered with
    the middle one after visit 3's signals ran and before its transaction. What visit 3's
    signals foresaw, and the open alerts (rule, scale, visit) after."""
    first, middle, last = goals
    actions.record_assessment(visit(world, 1), checkin(first), by=world.owner)
    second, third = visit(world, 2), visit(world, 3)
    foresee, foreseen = feedback.foresee, []

    def foresee_then_enter_visit_2(*args: Any) -> feedback.Foresight:
        foreseen.append(foresee(*args))
        monkeypatch.setattr(feedback, "foresee", foresee)
        actions.record_assessment(second, checkin(middle), by=world.owner)
        return foreseen[0]

    monkeypatch.setattr(feedback, "foresee", foresee_then_enter_visit_2)
    enter(world, third, checkin(last), through_link)
    return foreseen[0], {(a.rule, a.scale, a.visit_number) for a in open_alerts(world)}


@pytest.mark.parametrize("through_link", [False, True])
@pytest.mark.django_db
def test_alerts_are_found_again_if_the_scores_changed_before_the_transaction(
    world: World, monkeypatch: pytest.MonkeyPatch, through_link: bool
) -> None:
    # Visit 3's signals run on visits 1 (goal 9) and 3 (goal 5): a fall of 4. Before its
    # transaction, visit 2 is entered with goal 5: the fall is visit 2's, and visit 3 is
    # neither below visit 2 nor 3 below the baseline of 7, so it raises nothing.
    _, found = visit_2_enters_before_visit_3_commits(world, monkeypatch, (9, 5, 5), through_link)
    assert ("drop_from_previous", "goal", 2) in found
    assert not [f for f in found if f[2] == 3]


@pytest.mark.parametrize("through_link", [False, True])
@pytest.mark.django_db
def test_a_check_in_that_found_nothing_finds_what_a_score_entered_before_it_raises(
    world: World, monkeypatch: pytest.MonkeyPatch, through_link: bool
) -> None:
    # Visit 3's signals run on visits 1 and 3 (goal 5 both): nothing. Before its transaction,
    # visit 2 is entered with goal 9, and visit 3 is now a fall of 4 from the visit before.
    foreseen, found = visit_2_enters_before_visit_3_commits(
        world, monkeypatch, (5, 9, 5), through_link
    )
    assert foreseen.found == []
    assert found == {("drop_from_previous", "goal", 3)}


@pytest.mark.django_db
def test_a_check_in_reads_the_scores_once_before_its_transaction(world: World) -> None:
    actions.record_assessment(visit(world, 1), checkin(6, 6, 6, 6), by=world.owner)
    second = visit(world, 2)
    with CaptureQueriesContext(connection) as queries:
        actions.record_assessment(second, checkin(2, 6, 6, 6), by=world.owner)
    statements = [q["sql"] for q in queries]
    begin = next(i for i, sql in enumerate(statements) if sql.startswith(("BEGIN", "SAVEPOINT")))
    reads = [i for i, sql in enumerate(statements) if '"scores" FROM' in sql]
    assert len(reads) == 1
    assert reads[0] < begin
    assert {(a.rule, a.visit_number) for a in open_alerts(world)} >= {
        ("below_cutoff", 2), ("drop_from_previous", 2),
    }  # fmt: skip


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


@pytest.fixture(scope="module")
def fitted() -> tuple[signals.ExpectedRecovery, signals.DropoutRisk]:
    """Models fitted on a synthetic clinic's history; the dropout threshold is low so that a
    short episode raises a dropout alert."""
    history = generate(SynthConfig(patients=300, seed=5))
    table = signals.prepare(history.scores)
    parameters = signals.SignalParameters(dropout_threshold=0.05)
    conditions = history.episodes.set_index("episode_id")["condition"]
    recovery = signals.ExpectedRecovery(parameters).fit(table, conditions)
    visits = history.visits.rename(columns={"episode_id": "series"})
    dropped = history.truth_episodes.set_index("episode_id")["dropout"]
    dropout = signals.DropoutRisk(parameters).fit(signals.visit_features(table, visits), dropped)
    return recovery, dropout


@pytest.mark.django_db
@pytest.mark.parametrize("through_link", [False, True])
def test_with_fitted_models_a_check_in_raises_what_the_table_path_finds(
    world: World,
    fitted: tuple[signals.ExpectedRecovery, signals.DropoutRisk],
    monkeypatch: pytest.MonkeyPatch,
    through_link: bool,
) -> None:
    # pain 3 -> 8 (a reliable worsening, red against the curve twice), a missed visit, a
    # falling check-in, catastrophising at intake: every signal has something to find. The
    # last visit is entered by the therapist or through a link (its lookup reads the scores
    # and visit statuses the signals use).
    monkeypatch.setattr(feedback, "clinic_models", lambda clinic: fitted)
    every_visit = [{"instrument": i, "visits": []} for i in ("checkin", "nprs", "pcs")]
    Protocol.objects.filter(pk=world.protocol.pk).update(schedule=every_visit)
    pain = {1: 3, 2: 6, 4: 8, 5: 8}
    for number in range(1, 6):
        this = visit(world, number)
        if number == 3:
            actions.record_attendance(world.owner, this, VisitStatus.MISSED)
            continue
        actions.record_attendance(world.owner, this, VisitStatus.ATTENDED)
        answers = {**checkin(10 - number, 9, 9, 10 - number), "nprs": {"q1": pain[number]}}
        if number == 1:
            answers["pcs"] = {f"q{n}": 3 for n in range(1, 14)}
        enter(world, this, answers, through_link and number == 5)
    rows = [
        (world.patient.code, str(world.episode.pk), number, instrument, scale, score)
        for number, instrument, scores in Assessment.objects.filter(
            visit__episode=world.episode
        ).values_list("visit__number", "instrument_id", "scores")
        for scale, score in scores.items()
        if score is not None
    ]
    columns = ["patient", "episode_id", "visit", "instrument", "scale", "score"]
    visits = pd.DataFrame(
        list(world.episode.visits.values_list("number", "status")), columns=["visit", "status"]
    ).assign(series=str(world.episode.pk))
    expected = {
        (a.signal, a.rule, a.instrument, a.scale, a.value, a.threshold, a.detail)
        for a in signals.alerts(
            pd.DataFrame(rows, columns=columns),
            signals.SignalParameters(),
            *fitted,
            visits,
            pd.Series({str(world.episode.pk): world.episode.condition}),
        )
        if a.visit == 5
    }
    raised = {
        (a.kind, a.rule, a.instrument, a.scale, a.value, a.threshold, a.detail)
        for a in open_alerts(world)
        if a.visit_number == 5
    }
    assert raised == expected
    assert {"reliable_change", "expected_recovery", "dropout_model"} <= {a[1] for a in raised}


@pytest.mark.django_db
def test_the_written_out_scores_query_reads_what_the_orm_reads(world: World) -> None:
    def read_with_a_link(at: Visit) -> feedback.History:
        link = actions.resolve_link(actions.issue_checkin_link(world.owner, at)[1])
        assert link.episode_read is not None
        return link.episode_read.history

    assert read_with_a_link(visit(world, 1)) == ([], (0, None))
    # scored check-ins and a PCS, one not scored (too few answers), another episode's
    actions.record_assessment(visit(world, 1), checkin(9, 8, 7, 6), by=world.owner)
    actions.record_assessment(
        visit(world, 2),
        {**checkin(5), "pcs": {f"q{n}": 2 for n in range(1, 14)}},
        by=world.owner,
    )
    actions.record_assessment(visit(world, 3), {"checkin": {"q1": 5}}, by=world.owner)
    other = neck_pain_episode(world.owner, "Other Patient", dt.date(2026, 1, 5))
    other_visit = actions.schedule_visit(world.owner, other, dt.date(2026, 1, 5))
    actions.record_assessment(other_visit, checkin(3), by=world.owner)
    expected = [
        (world.patient.code, str(world.episode.pk), number, instrument, scale, score)
        for number, instrument, scores in Assessment.objects.filter(
            visit__episode=world.episode, status=AssessmentStatus.SCORED
        )
        .order_by("pk")
        .values_list("visit__number", "instrument_id", "scores")
        for scale, score in scores.items()
        if score is not None
    ]
    assert sorted({(row[2], row[3]) for row in expected}) == [
        (1, "checkin"), (2, "checkin"), (2, "pcs"),
    ]  # fmt: skip
    keys = Assessment.objects.filter(
        visit__episode=world.episode, status=AssessmentStatus.SCORED
    ).values_list("pk", flat=True)
    assert feedback.episode_scores(world.episode) == (expected, (len(keys), max(keys)))
    # the check-in's link lookup reads the same along with the link
    assert read_with_a_link(visit(world, 4)) == (expected, (len(keys), max(keys)))


@pytest.mark.django_db
def test_the_written_out_visits_query_reads_what_the_orm_reads(world: World) -> None:
    # statuses of every kind, and another episode's visit
    statuses = {2: VisitStatus.ATTENDED, 3: VisitStatus.MISSED, 4: VisitStatus.CANCELLED}
    for number, status in statuses.items():
        actions.record_attendance(world.owner, visit(world, number), status)
    other = neck_pain_episode(world.owner, "Other Patient", dt.date(2026, 1, 5))
    actions.schedule_visit(world.owner, other, dt.date(2026, 1, 5))
    expected = list(world.episode.visits.values_list("number", "status"))
    assert {status for _, status in expected} >= {"scheduled", "attended", "missed", "cancelled"}
    assert sorted(feedback.visit_statuses(world.episode)) == sorted(expected)
    # the check-in's link lookup reads the same along with the link
    link = actions.resolve_link(actions.issue_checkin_link(world.owner, visit(world, 5))[1])
    assert link.episode_read is not None
    assert sorted(link.episode_read.visits) == sorted(
        world.episode.visits.values_list("number", "status")
    )


@pytest.mark.django_db
def test_the_written_out_open_alerts_query_loads_what_the_orm_loads(world: World) -> None:
    # below the cut-off (updated), a drop (stays open), one acknowledged, one resolved, and
    # another episode's alert
    actions.record_assessment(visit(world, 1), checkin(6, 6, 6, 6), by=world.owner)
    actions.record_assessment(visit(world, 2), checkin(2, 6, 6, 6), by=world.owner)
    actions.record_assessment(visit(world, 3), checkin(9, 9, 9, 9), by=world.owner)
    actions.record_assessment(visit(world, 4), checkin(5, 6, 6, 6), by=world.owner)
    [drop, *_] = [a for a in open_alerts(world) if a.rule == "drop_from_previous"]
    actions.acknowledge_alert(world.owner, drop, action_taken="Talked it through")
    other = neck_pain_episode(world.owner, "Other Patient", dt.date(2026, 1, 5))
    other_visit = actions.schedule_visit(world.owner, other, dt.date(2026, 1, 5))
    actions.record_assessment(other_visit, checkin(3), by=world.owner)
    expected = list(
        Alert.objects.filter(
            episode=world.episode, acknowledged_at__isnull=True, resolved_at__isnull=True
        ).order_by("pk")
    )
    assert Alert.objects.filter(episode=world.episode).count() > len(expected) >= 2
    loaded = feedback.open_alerts(world.episode)
    fields = [field.attname for field in Alert._meta.concrete_fields]
    assert [[getattr(a, f) for f in fields] for a in loaded] == [
        [getattr(a, f) for f in fields] for a in expected
    ]


@pytest.mark.django_db
def test_the_written_out_state_counts_what_the_orm_counts(world: World) -> None:
    # scored and unscored assessments, open, acknowledged and resolved alerts, and another
    # episode's of each
    actions.record_assessment(visit(world, 1), checkin(6, 6, 6, 6), by=world.owner)
    actions.record_assessment(visit(world, 2), checkin(2, 6, 6, 6), by=world.owner)
    [drop] = [a for a in open_alerts(world) if a.rule == "drop_from_previous"]
    actions.acknowledge_alert(world.owner, drop, action_taken="Talked it through")
    actions.record_assessment(visit(world, 3), checkin(9, 9, 9, 9), by=world.owner)
    actions.record_assessment(visit(world, 4), checkin(5, 6, 6, 6), by=world.owner)
    actions.record_assessment(visit(world, 5), {"checkin": {"q1": 5}}, by=world.owner)
    other = neck_pain_episode(world.owner, "Other Patient", dt.date(2026, 1, 5))
    other_visit = actions.schedule_visit(world.owner, other, dt.date(2026, 1, 5))
    actions.record_assessment(other_visit, checkin(3, 3, 3, 3), by=world.owner)
    scored = Assessment.objects.filter(
        visit__episode=world.episode, status=AssessmentStatus.SCORED
    ).values_list("pk", flat=True)
    alerts = Alert.objects.filter(episode=world.episode)
    open_count = alerts.filter(acknowledged_at__isnull=True, resolved_at__isnull=True).count()
    assert len(scored) == 4
    assert alerts.filter(resolved_at__isnull=False).exists()
    assert alerts.count() > open_count > 0
    assert feedback.state(world.episode) == (4, max(scored), open_count)
    assert feedback.state(other) == (1, Assessment.objects.get(visit=other_visit).pk, 1)
