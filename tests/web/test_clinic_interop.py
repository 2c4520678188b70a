"""Exports from the clinic database and Bundle imports into it: who may, what leaves, what
comes back, and that a bad Bundle writes nothing."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance import instruments
from alliance.interop.installed_instruments import install_definition, register
from alliance.interop.questionnaire_import import questionnaire_to_definition, read_questionnaire
from alliance.web import actions
from alliance.web.actions.interop_export import (
    export_fhir_bundle,
    export_redcap_files,
    export_research_files,
)
from alliance.web.actions.interop_import import BundleRejectedError, import_fhir_bundle
from alliance.web.clinic_export import clinic_tables
from alliance.web.models import (
    Assessment,
    AuditEvent,
    ClinicKey,
    Episode,
    ImportedKey,
    Patient,
    Role,
    User,
    Visit,
)
from alliance.web.scope import exportable_patients
from tests.web.conftest import World, make_user

pytestmark = pytest.mark.django_db

SEEDED = {
    "name": "Beatrix Quillfeather",
    "date_of_birth": dt.date(1931, 2, 14),
    "record_number": "MRN-77321",
    "contact": "beatrix.quill@example.org",
}
"""A second patient's identifiable details, chosen to be findable in any file."""


def checkin(value: int) -> dict[str, Any]:
    return {f"q{n}": value for n in range(1, 5)}


def odi(value: int) -> dict[str, Any]:
    return {f"q{n}": str(value) for n in range(1, 11)}


def seed(world: World) -> Patient:
    """Assessments at two visits of the conftest patient and one of a patient aged over 89."""
    actions.record_assessment(world.visit, {"checkin": checkin(7), "odi": odi(2)}, by=world.owner)
    second = actions.schedule_visit(world.owner, world.episode, dt.date(2026, 1, 19))
    answers = checkin(5) | {"q4": None}
    actions.record_assessment(second, {"checkin": answers}, by=world.owner)
    patient = actions.register_patient(world.owner, **SEEDED)
    episode = actions.open_episode(
        world.owner,
        patient,
        condition="neck pain",
        body_region="cervical",
        setting="outpatient",
        start_date=dt.date(2026, 2, 2),
    )
    visit = actions.schedule_visit(world.owner, episode, dt.date(2026, 2, 2))
    actions.record_assessment(visit, {"checkin": checkin(9), "odi": odi(4)}, by=world.owner)
    return patient


def written(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def counts() -> tuple[int, ...]:
    models = (Patient, Episode, Visit, Assessment, ImportedKey, AuditEvent)
    return tuple(model.objects.count() for model in models)


@pytest.mark.parametrize("who", ["owner", "researcher", "other_therapist"])
def test_it_refuses_an_identifiable_export_to_anyone_but_the_clinics_admin(
    world: World, tmp_path: Path, who: str
) -> None:
    seed(world)
    user: User = getattr(world, who)
    before = counts()
    with pytest.raises(actions.NotAllowedError):
        export_research_files(user, tmp_path / "out", identifiable=True)
    with pytest.raises(actions.NotAllowedError):
        export_fhir_bundle(user)
    assert not (tmp_path / "out").exists()
    assert counts() == before


def test_another_clinics_admin_exports_only_their_own_clinic(world: World, tmp_path: Path) -> None:
    seed(world)
    assert export_fhir_bundle(world.other_admin)["entry"] == []
    with pytest.raises(actions.ConflictError, match="no assessments"):
        export_research_files(world.other_admin, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_it_refuses_a_research_export_to_a_therapist(world: World, tmp_path: Path) -> None:
    seed(world)
    with pytest.raises(actions.NotAllowedError):
        export_research_files(world.owner, tmp_path / "out")
    with pytest.raises(actions.NotAllowedError):
        export_redcap_files(world.colleague, tmp_path / "redcap")
    assert not (tmp_path / "out").exists()
    assert not AuditEvent.objects.filter(action__endswith="exported").exists()


def test_an_admin_exports_a_bundle_and_the_audit_row_counts_without_naming(
    world: World,
) -> None:
    seed(world)
    bundle = export_fhir_bundle(world.admin)
    kinds = pd.Series([e["resource"]["resourceType"] for e in bundle["entry"]]).value_counts()
    # 3 visits with answers; 5 administrations; scores: 4 check-in scales (total, goal,
    # task, bond) three times (q4, missing at visit 2, is in the total alone, which allows
    # one missing answer) and the ODI total twice.
    assert kinds.to_dict() == {"Observation": 14, "QuestionnaireResponse": 5, "Encounter": 3}
    event = AuditEvent.objects.get(action="fhir_bundle_exported")
    assert event.actor == world.admin
    assert event.detail == {"patients": 2, "episodes": 2, "assessments": 5, "scores": 14}
    text = json.dumps(event.detail)
    assert all(p.code not in text for p in Patient.objects.all())


def test_a_deidentified_export_holds_none_of_the_seeded_identifiers(
    world: World, tmp_path: Path
) -> None:
    patient = seed(world)
    export_research_files(world.researcher, tmp_path / "research", min_count=1)
    export_redcap_files(world.researcher, tmp_path / "redcap")
    files = written(tmp_path / "research") | {
        f"redcap/{k}": v for k, v in written(tmp_path / "redcap").items()
    }
    identifiers = [
        SEEDED["name"], "Quillfeather", "Ada Example", SEEDED["record_number"], "MRN-1",
        SEEDED["contact"], "1931-02-14", "14/02/1931", "1980-05-17", "2026-01-05",
        "2026-01-19", "2026-02-02", patient.code, world.patient.code,
    ]  # fmt: skip
    for name, content in files.items():
        for identifier in identifiers:
            assert identifier.encode() not in content, (name, identifier)
    assert {"wide.sav", "codebook.md", "deidentification.md", "redcap/deidentification.md"} <= set(
        files
    )
    wide = pd.read_csv(tmp_path / "research" / "wide.csv")
    assert sorted(wide["day"]) == [0, 0, 14]
    # The check-in total is the mean of its answers: 7, 9, and 5 from three answers of 5.
    assert sorted(wide["checkin_total"]) == [5.0, 7.0, 9.0]
    assert AuditEvent.objects.filter(action="research_exported", actor=world.researcher).exists()


def test_pseudonyms_use_the_clinics_own_key_and_stay_stable(world: World, tmp_path: Path) -> None:
    seed(world)
    export_research_files(world.researcher, tmp_path / "one")
    export_research_files(world.admin, tmp_path / "two")
    one = pd.read_csv(tmp_path / "one" / "episodes.csv")
    two = pd.read_csv(tmp_path / "two" / "episodes.csv")
    assert list(one["subject"]) == list(two["subject"])
    key = ClinicKey.objects.get(clinic=world.clinic)
    assert key.secret not in repr(key) + str(key)
    expected = hmac.new(key.key_bytes, world.patient.code.encode(), hashlib.sha256).hexdigest()
    assert expected[:16] in set(one["subject"])
    assert set(actions.export_cohort(world.researcher)["subject"]) == set(one["subject"])


def test_a_new_clinic_gets_its_own_key(db: None) -> None:
    first = actions.create_clinic("One")
    second = actions.create_clinic("Two")
    keys = ClinicKey.objects.filter(clinic__in=[first, second])
    assert len({k.secret for k in keys}) == 2


def test_an_identifiable_export_keeps_codes_dates_and_ages(world: World, tmp_path: Path) -> None:
    patient = seed(world)
    export_research_files(world.admin, tmp_path / "identifiable", identifiable=True)
    episodes = pd.read_csv(tmp_path / "identifiable" / "episodes.csv")
    ages = dict(zip(episodes["subject"], episodes["age"], strict=True))
    # 1980-05-17 to 2026-01-05: 45 years; 1931-02-14 to 2026-02-02: 94 (not grouped here).
    assert ages == {world.patient.code: 45, patient.code: 94}
    assert AuditEvent.objects.filter(action="research_identifiable_exported").count() == 1


def bundle_text(world: World) -> str:
    return json.dumps(export_fhir_bundle(world.admin))


def assessments_of(clinic_admin: User) -> list[tuple[Any, ...]]:
    """Every assessment of the admin's clinic: visit date, instrument, answers and scores."""
    tables = clinic_tables(exportable_patients(clinic_admin, identifiable=True))
    rows = []
    for instrument, frame in tables.answers.items():
        items = [c for c in frame.columns if c.startswith("q")]
        for record in frame.to_dict("records"):
            answers = tuple(
                None if isinstance(record[i], float) and pd.isna(record[i]) else record[i]
                for i in items
            )
            scores = tables.scores[
                (tables.scores["episode_id"] == record["episode_id"])
                & (tables.scores["visit"] == record["visit"])
                & (tables.scores["instrument"] == instrument)
            ]
            rows.append(
                (
                    str(record["date"].date()),
                    instrument,
                    answers,
                    tuple(sorted(zip(scores["scale"], scores["score"], strict=True))),
                )
            )
    return sorted(rows, key=repr)


def test_a_bundle_from_one_clinic_imports_into_another_identically_and_only_once(
    world: World,
) -> None:
    seed(world)
    text = bundle_text(world)
    therapist = world.other_therapist
    result = import_fhir_bundle(world.other_admin, text, "a.json", therapist=therapist)
    assert (result.patients, result.episodes, result.visits, result.assessments) == (2, 2, 3, 5)
    assert assessments_of(world.other_admin) == assessments_of(world.admin)
    assert len(assessments_of(world.admin)) == 5
    imported = Patient.objects.filter(clinic=world.other_clinic)
    assert {p.therapist for p in imported} == {therapist}
    assert not {p.code for p in imported} & set(
        Patient.objects.filter(clinic=world.clinic).values_list("code", flat=True)
    )
    before = counts()
    again = import_fhir_bundle(world.other_admin, text, "a.json", therapist=therapist)
    assert (again.assessments, again.duplicates) == (0, 5)
    assert counts()[:5] == before[:5]
    event = AuditEvent.objects.filter(action="fhir_bundle_imported").last()
    assert event is not None
    assert event.detail["duplicates"] == 5


def test_a_clinic_reimporting_its_own_export_adds_nothing(world: World) -> None:
    seed(world)
    before = counts()
    result = import_fhir_bundle(world.admin, bundle_text(world), "own.json", therapist=world.owner)
    assert (result.patients, result.episodes, result.visits, result.assessments) == (0, 0, 0, 0)
    assert counts()[:5] == before[:5]


def test_a_malformed_bundle_names_the_resource_and_writes_nothing(world: World) -> None:
    seed(world)
    bundle = json.loads(bundle_text(world))
    broken = copy.deepcopy(bundle)
    response = next(
        e for e in broken["entry"] if e["resource"]["resourceType"] == "QuestionnaireResponse"
    )
    response["resource"]["item"][0]["answer"][0] = {"valueCoding": {"code": "11"}}
    before = counts()
    with pytest.raises(BundleRejectedError) as error:
        import_fhir_bundle(
            world.other_admin, json.dumps(broken), "b.json", therapist=world.other_therapist
        )
    identifier = response["resource"]["identifier"]["value"]
    assert identifier in str(error.value)
    assert "nothing was imported" in str(error.value)
    assert counts() == before


def test_a_bundle_refused_half_way_through_rolls_back_what_it_had_made(world: World) -> None:
    seed(world)
    first = bundle_text(world)
    import_fhir_bundle(world.other_admin, first, "a.json", therapist=world.other_therapist)
    imported = Episode.objects.filter(patient__clinic=world.other_clinic).order_by("pk").first()
    assert imported is not None
    actions.discharge_episode(
        world.other_therapist, imported, end_date=dt.date(2026, 3, 1), reason="goals met"
    )
    newcomer = actions.register_patient(world.owner, name="Cyril Newcomer")
    episode = actions.open_episode(
        world.owner,
        newcomer,
        condition="shoulder pain",
        body_region="shoulder",
        setting="outpatient",
        start_date=dt.date(2026, 1, 1),
    )
    visit = actions.schedule_visit(world.owner, episode, dt.date(2026, 1, 2))
    actions.record_assessment(visit, {"checkin": checkin(8)}, by=world.owner)
    later = actions.schedule_visit(world.owner, world.episode, dt.date(2026, 2, 9))
    actions.record_assessment(later, {"checkin": checkin(6)}, by=world.owner)
    second = bundle_text(world)
    before = counts()
    with pytest.raises(BundleRejectedError, match="discharged"):
        import_fhir_bundle(world.other_admin, second, "c.json", therapist=world.other_therapist)
    assert counts() == before
    assert not Patient.objects.filter(clinic=world.other_clinic, identity__name=newcomer.code)


def test_only_an_admin_imports_and_new_patients_go_to_a_therapist_of_the_clinic(
    world: World,
) -> None:
    seed(world)
    text = bundle_text(world)
    with pytest.raises(actions.NotAllowedError):
        import_fhir_bundle(world.researcher, text, "a.json", therapist=world.owner)
    with pytest.raises(actions.NotAllowedError):
        import_fhir_bundle(world.other_admin, text, "a.json", therapist=world.owner)


def test_the_tables_take_the_same_number_of_queries_whatever_the_caseload(world: World) -> None:
    seed(world)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            clinic_tables(exportable_patients(world.admin, identifiable=True), with_age=True)
        return len(captured)

    small = queries()
    therapist = make_user(world.clinic, "busy", Role.THERAPIST)
    for n in range(6):
        patient = actions.register_patient(therapist, name=f"Person {n}")
        episode = actions.open_episode(
            therapist,
            patient,
            condition="knee pain",
            body_region="knee",
            setting="outpatient",
            start_date=dt.date(2026, 3, 1),
        )
        for day in (1, 8):
            visit = actions.schedule_visit(therapist, episode, dt.date(2026, 3, day))
            actions.record_assessment(visit, {"checkin": checkin(6), "odi": odi(1)}, by=therapist)
    assert queries() == small <= 4


def test_an_installed_instrument_is_asked_scored_and_exported_by_the_clinic(
    world: World, tmp_path: Path
) -> None:
    source = Path(__file__).parents[1] / "interop" / "files" / "home_exercise_questionnaire.json"
    direction = {"scales": [{"id": "total", "direction": "higher_is_better"}]}
    register()
    definition = questionnaire_to_definition(
        read_questionnaire(source), source.name, direction
    ).definition
    install_definition(definition)
    protocol = actions.create_protocol(
        world.admin, "Exercise", [{"instrument": "home_exercise_check", "visits": []}]
    )
    assert protocol.instruments_at(3) == ["home_exercise_check"]
    # The file's own options: "Every day" 3, "Not hard" 0 reversed to 3, "Fairly confident" 2.
    answers = {"home_exercise_check": {"q1": 3, "q2": 0, "q3": 2, "q4": 5}}
    [stored] = actions.record_assessment(world.visit, answers, by=world.owner)
    assert stored.scores["total"] == 8.0
    assert stored.answers == answers["home_exercise_check"]
    assert instruments.load("home_exercise_check").version == stored.definition_version
    export_research_files(world.researcher, tmp_path / "r", min_count=1)
    wide = pd.read_csv(tmp_path / "r" / "wide.csv")
    assert wide["home_exercise_check_total"].tolist() == [8.0]


def test_an_assessment_the_clinic_has_with_other_answers_refuses_the_bundle(
    world: World,
) -> None:
    seed(world)
    bundle = json.loads(bundle_text(world))
    import_fhir_bundle(
        world.other_admin, json.dumps(bundle), "a.json", therapist=world.other_therapist
    )
    changed = f"{world.episode.pk}/1/checkin"
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "QuestionnaireResponse":
            if resource["identifier"]["value"] == changed:
                resource["item"][0]["answer"][0] = {"valueInteger": 6}
        elif resource["resourceType"] == "Observation":
            value = resource["identifier"][0]["value"]
            # q1 from 7 to 6: the goal scale is q1 alone; the total the mean (6 + 7 + 7 + 7) / 4.
            new = {f"{changed}/goal": 6.0, f"{changed}/total": 6.75}.get(value)
            if new is not None:
                resource["valueQuantity"]["value"] = new
    before = counts()
    with pytest.raises(BundleRejectedError, match="already has this assessment with different"):
        import_fhir_bundle(
            world.other_admin, json.dumps(bundle), "b.json", therapist=world.other_therapist
        )
    assert counts() == before


def test_weighted_goals_come_back_with_their_weights_and_t_score(world: World) -> None:
    gas = {"gas": {"q1": 1, "q2": -1, "q1_weight": 3, "q2_weight": 1}}
    [stored] = actions.record_assessment(world.visit, gas, by=world.owner)
    # T = 50 + 10 * (3 * 1 + 1 * -1) / sqrt(0.7 * (9 + 1) + 0.3 * (3 + 1) ** 2).
    assert stored.scores["total"] == pytest.approx(50 + 20 / (11.8**0.5))
    text = bundle_text(world)
    import_fhir_bundle(world.other_admin, text, "g.json", therapist=world.other_therapist)
    [copy] = Assessment.objects.filter(patient__clinic=world.other_clinic)
    assert copy.answers == gas["gas"]
    assert copy.scores == stored.scores
    again = import_fhir_bundle(world.other_admin, text, "g.json", therapist=world.other_therapist)
    assert (again.assessments, again.duplicates) == (0, 1)
