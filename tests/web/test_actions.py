"""The domain actions against a real database: each writes its change and its audit row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from alliance.web import actions
from alliance.web.models import AppendOnlyError, Assessment, AuditEvent, Identity
from tests.web.conftest import World

pytestmark = pytest.mark.django_db

CHECKIN = {"checkin": {"q1": 8, "q2": 7, "q3": 9, "q4": 6}}


def test_it_registers_a_patient_under_a_code_with_identity_apart(world: World) -> None:
    patient = actions.register_patient(world.owner, name="Bo Example", record_number="MRN-2")
    assert patient.code.startswith("P-")
    assert len(patient.code) == 10
    assert "Bo" not in patient.code
    assert Identity.objects.get(patient=patient).record_number == "MRN-2"
    event = AuditEvent.objects.filter(action="patient_registered").latest("pk")
    assert event.patient_id == patient.pk
    assert event.actor_label == "owner"
    assert "Bo Example" not in str(event.detail)


def test_it_stores_raw_answers_scores_and_definition_version(world: World) -> None:
    [assessment] = actions.record_assessment(world.visit, CHECKIN, by=world.owner)
    assessment.refresh_from_db()
    assert assessment.answers == {"q1": 8, "q2": 7, "q3": 9, "q4": 6}
    # mean of 8, 7, 9, 6 = 7.5; goal, task, bond are the single answers
    assert assessment.scores == {"total": 7.5, "goal": 8.0, "task": 7.0, "bond": 9.0}
    assert assessment.definition_version == "1.0.0"
    assert assessment.status == "scored"
    assert assessment.respondent == "patient"
    assert assessment.entered_by == world.owner


def test_it_rejects_a_bad_answer_naming_the_item_and_stores_nothing(world: World) -> None:
    answers = {"checkin": {"q1": 8, "q2": 11, "q3": 9, "q4": 6}, "odi": {"q1": 2}}
    with pytest.raises(actions.AnswersRejectedError) as caught:
        actions.record_assessment(world.visit, answers, by=world.owner)
    [problem] = caught.value.problems
    assert (problem.instrument, problem.item, problem.value) == ("checkin", "q2", "11")
    assert "allowed: 0" in problem.reason
    assert Assessment.objects.count() == 0


def test_it_rejects_an_item_the_instrument_does_not_have(world: World) -> None:
    with pytest.raises(actions.AnswersRejectedError) as caught:
        actions.record_assessment(world.visit, {"checkin": {"q9": 3}}, by=world.owner)
    assert caught.value.problems[0].item == "q9"
    assert caught.value.problems[0].reason == "is not an item of this instrument"


def test_it_records_one_submission_per_link_and_returns_it_on_retry(world: World) -> None:
    link, token = actions.issue_checkin_link(world.owner, world.visit)
    first = actions.record_assessment(world.visit, CHECKIN, link=actions.resolve_link(token))
    again = actions.record_assessment(world.visit, CHECKIN, link=actions.resolve_link(token))
    assert [a.pk for a in again] == [a.pk for a in first]
    assert Assessment.objects.count() == 1
    changed = {"checkin": {"q1": 1, "q2": 1, "q3": 1, "q4": 1}}
    with pytest.raises(actions.ConflictError):
        actions.record_assessment(world.visit, changed, link=link)
    assert Assessment.objects.count() == 1


def test_it_refuses_a_tampered_link(world: World) -> None:
    _, token = actions.issue_checkin_link(world.owner, world.visit)
    with pytest.raises(actions.InvalidLinkError):
        actions.resolve_link(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_it_refuses_an_expired_link(world: World) -> None:
    link, token = actions.issue_checkin_link(world.owner, world.visit)
    type(link).objects.filter(pk=link.pk).update(expires_at=link.created_at)
    with pytest.raises(actions.InvalidLinkError):
        actions.resolve_link(token)


def test_it_refuses_an_instrument_the_visit_does_not_ask_through_a_link(world: World) -> None:
    link, _ = actions.issue_checkin_link(world.owner, world.visit)
    with pytest.raises(actions.AnswersRejectedError) as caught:
        actions.record_assessment(world.visit, {"wai_sr": {"q1": 3}}, link=link)
    assert caught.value.problems[0].reason == "is not asked at this visit"


def test_it_discharges_once(world: World) -> None:
    actions.discharge_episode(
        world.owner, world.episode, end_date=dt.date(2026, 3, 1), reason="goals met"
    )
    world.episode.refresh_from_db()
    assert world.episode.end_date == dt.date(2026, 3, 1)
    with pytest.raises(actions.ConflictError):
        actions.discharge_episode(
            world.owner, world.episode, end_date=dt.date(2026, 3, 2), reason="again"
        )


def test_it_numbers_visits_in_order(world: World) -> None:
    second = actions.schedule_visit(world.owner, world.episode, dt.date(2026, 1, 12))
    assert (world.visit.number, second.number) == (1, 2)


def test_it_acknowledges_an_alert_once_with_what_was_done(world: World) -> None:
    alert = actions.raise_alert(world.episode, kind="rupture", detail="bond fell by 3")
    done = actions.acknowledge_alert(world.owner, alert, action_taken="talked it through")
    assert done.acknowledged_by == world.owner
    with pytest.raises(actions.ConflictError):
        actions.acknowledge_alert(world.owner, alert, action_taken="again")


def test_it_exports_a_de_identified_cohort(world: World) -> None:
    actions.record_assessment(world.visit, CHECKIN, by=world.owner)
    table = actions.export_cohort(world.researcher)
    assert len(table) == 4
    assert set(table["scale"]) == {"total", "goal", "task", "bond"}
    assert world.patient.code not in set(table["subject"])
    assert table["subject"].nunique() == 1
    assert AuditEvent.objects.filter(action="cohort_exported", actor=world.researcher).exists()


def test_it_never_changes_or_deletes_an_audit_event(world: World) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    event.action = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(action="rewritten")


def test_the_database_refuses_to_change_an_audit_event_after_every_migration(
    world: World,
) -> None:
    # The trigger fires per row: without a row, nothing would be refused.
    assert AuditEvent.objects.exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE clinic_auditevent SET action = %s", ["rewritten"])
    assert not AuditEvent.objects.filter(action="rewritten").exists()


def test_a_check_in_writes_only_the_indexes_its_rows_are_read_by() -> None:
    """Every index is written inside the check-in's transaction: none by time, none of its
    own for the link (the one-per-link constraint's serves), and (partial, not seen here) who
    entered an assessment or acted only when someone did."""
    with connection.cursor() as cursor:
        found = {
            table: {
                tuple(about["columns"])
                for about in connection.introspection.get_constraints(cursor, table).values()
                if about["index"] and not about["primary_key"]
            }
            for table in ("clinic_assessment", "clinic_auditevent")
        }
    assert found == {
        "clinic_assessment": {
            ("patient_id",),
            ("visit_id",),
            ("link_id", "instrument_id"),
            ("entered_by_id",),
        },
        "clinic_auditevent": {("clinic_id",), ("patient_id",), ("actor_id",)},
    }
