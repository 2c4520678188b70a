"""Assessments to and from FHIR transaction Bundles (QuestionnaireResponse + Observation)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pandas as pd
import pytest
from fhir.resources.R4B.bundle import Bundle

from alliance import instruments
from alliance.interop import fhir_names as names
from alliance.interop.clinic_tables import ClinicTables, typed
from alliance.interop.fhir_bundle import assessments_bundle
from alliance.interop.fhir_bundle_import import parse_bundle
from alliance.interop.import_errors import ImportFileError
from alliance.interop.questionnaire_export import definition_to_questionnaire
from alliance.synth import Cohort, SynthConfig, generate

KEYS = {
    "clinic_id": ["C1", "C1", "C1"],
    "therapist_id": ["T1", "T1", "T2"],
    "patient_id": ["P1", "P1", "P2"],
    "episode_id": ["E1", "E1", "E2"],
    "visit": [1, 2, 1],
    "date": pd.to_datetime(["2025-02-03", "2025-02-10", "2025-02-04"]).astype("datetime64[us]"),
}


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    return generate(SynthConfig(patients=6, seed=3))


@pytest.fixture(scope="module")
def bundle(cohort: Cohort) -> dict[str, Any]:
    return assessments_bundle(cohort.answers, cohort.scores)


def _scored(instrument: str, answers: pd.DataFrame) -> pd.DataFrame:
    """The tidy scores of a hand-made answer table, as the clinic stores them."""
    definition = instruments.load(instrument)
    scored = instruments.score(definition, answers)
    rows = []
    for scale in definition.scales:
        present = scored[scale.id].notna()
        part = answers.loc[present, list(KEYS)].assign(
            instrument=instrument, scale=scale.id, score=scored.loc[present, scale.id]
        )
        rows.append(part)
    return pd.concat(rows, ignore_index=True)


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_it_round_trips_a_cohorts_assessments_through_a_valid_transaction_bundle(
    cohort: Cohort, bundle: dict[str, Any]
) -> None:
    text = json.dumps(bundle)
    validated = Bundle.model_validate_json(text)
    assert validated.type == "transaction"
    assert all(entry.request.ifNoneExist for entry in validated.entry)
    imported = parse_bundle(text, "cohort.json")
    given = {name: frame for name, frame in cohort.answers.items() if len(frame)}
    assert list(imported.answers) == list(given)
    for instrument, frame in given.items():
        pd.testing.assert_frame_equal(imported.answers[instrument], typed(frame))
    pd.testing.assert_frame_equal(imported.scores, typed(cohort.scores))
    assert imported.duplicates == ()


def test_the_same_tables_always_give_the_same_bundle(
    cohort: Cohort, bundle: dict[str, Any]
) -> None:
    assert assessments_bundle(cohort.answers, cohort.scores) == bundle


def test_it_codes_scores_with_loinc_where_the_definition_has_a_code(
    bundle: dict[str, Any],
) -> None:
    codes = {
        tuple(c["code"] for c in o["code"]["coding"]) for o in _resources(bundle, "Observation")
    }
    # NPRS total: LOINC 72514-3; ODI total: LOINC 97908-8 (in the definitions' codes).
    assert ("72514-3", "nprs.total") in codes
    assert ("checkin.total",) in codes
    assert ("wai_sr.bond",) in codes
    observation = _resources(bundle, "Observation")[0]
    assert observation["category"][0]["coding"][0]["code"] == "survey"
    assert observation["derivedFrom"][0]["reference"].startswith("urn:uuid:")


def test_it_answers_with_the_codings_the_questionnaire_offers(cohort: Cohort) -> None:
    bundle = assessments_bundle({"wai_sr": cohort.answers["wai_sr"]}, cohort.scores.iloc[:0])
    questionnaire = definition_to_questionnaire(instruments.load("wai_sr"))
    offered = {
        (item["linkId"], option["valueCoding"]["code"])
        for item in questionnaire["item"]
        for option in item.get("answerOption", [])
    }
    response = _resources(bundle, "QuestionnaireResponse")[0]
    given = {(i["linkId"], i["answer"][0]["valueCoding"]["code"]) for i in response["item"]}
    assert given <= offered
    assert response["questionnaire"] == "https://alliance.invalid/fhir/Questionnaire/wai_sr|1.0.0"


def test_it_keeps_blanks_does_not_apply_and_continuous_answers() -> None:
    care = pd.DataFrame(KEYS | {f"q{n}": [4.0] * 3 for n in range(1, 11)}, dtype=object)
    care["visit"] = care["visit"].astype("int64")
    care["date"] = care["date"].astype("datetime64[us]")
    for column in ("clinic_id", "therapist_id", "patient_id", "episode_id"):
        care[column] = care[column].astype("str")
    care.loc[0, "q2"] = "NA"
    care.loc[1, "q3"] = None
    srs = care[list(KEYS)].assign(
        q1=[9.6, 10.0, 3.2], q2=[8.1, 7.0, 0.0], q3=9.0, q4=[9.9, 8.8, None]
    )
    answers = {"care": care, "srs": srs}
    scores = pd.concat([_scored("care", care), _scored("srs", srs)], ignore_index=True)
    bundle = assessments_bundle(answers, scores)
    srs_items = _resources(bundle, "QuestionnaireResponse")[3]["item"]
    assert srs_items[0]["answer"][0] == {"valueDecimal": 9.6}
    assert [i["linkId"] for i in _resources(bundle, "QuestionnaireResponse")[5]["item"]] == [
        "q1",
        "q2",
        "q3",
    ]
    imported = parse_bundle(json.dumps(bundle), "hand.json")
    assert imported.answers["care"].loc[0, "q2"] == "NA"
    assert pd.isna(imported.answers["care"].loc[1, "q3"])
    pd.testing.assert_frame_equal(imported.answers["srs"], srs)
    pd.testing.assert_frame_equal(imported.scores, scores)


def test_it_recognises_duplicates_in_the_bundle_and_in_the_clinic(
    cohort: Cohort, bundle: dict[str, Any]
) -> None:
    doubled = dict(bundle, entry=bundle["entry"] + copy.deepcopy(bundle["entry"]))
    imported = parse_bundle(json.dumps(doubled), "twice.json")
    administrations = sum(len(frame) for frame in cohort.answers.values())
    assert len(imported.duplicates) == administrations
    pd.testing.assert_frame_equal(imported.scores, typed(cohort.scores))
    again = parse_bundle(json.dumps(bundle), "again.json", ClinicTables.from_cohort(cohort))
    assert (again.answers, len(again.scores)) == ({}, 0)
    assert len(again.duplicates) == administrations


def _edited(cohort: Cohort, edit: str) -> str:
    bundle = assessments_bundle(
        {"wai_sr": cohort.answers["wai_sr"]},
        cohort.scores[cohort.scores["instrument"] == "wai_sr"],
    )
    responses = _resources(bundle, "QuestionnaireResponse")
    if edit == "out of scale":
        responses[0]["item"][0]["answer"][0]["valueCoding"]["code"] = "9"
    elif edit == "wrong score":
        _resources(bundle, "Observation")[0]["valueQuantity"]["value"] = 61
    elif edit == "conflict":
        twin = copy.deepcopy(next(e for e in bundle["entry"] if e["resource"] is responses[0]))
        twin["resource"]["item"][0]["answer"][0]["valueCoding"]["code"] = "1"
        bundle["entry"].append(twin)
    elif edit == "unknown instrument":
        responses[0]["questionnaire"] = f"{names.QUESTIONNAIRE}/phq9|1.0.0"
    elif edit == "no encounter":
        bundle["entry"] = bundle["entry"][1:]
    elif edit == "not a reference":
        responses[0]["subject"] = "P0000001"
    return json.dumps(bundle)


@pytest.mark.parametrize(
    ("edit", "where", "reason"),
    [
        ("out of scale", "E0000001/2/wai_sr", "item q1: 9 is not an allowed answer"),
        ("wrong score", "Observation E0000001/2/wai_sr/total", "is not what wai_sr gives"),
        ("conflict", "E0000001/2/wai_sr", "appears twice with different answers"),
        ("unknown instrument", "entry[1] (QuestionnaireResponse)", "unknown instrument 'phq9'"),
        ("no encounter", "E0000001/2/wai_sr", "its encounter is not in the Bundle"),
        ("not a reference", "entry[1] (QuestionnaireResponse) resource.subject", "Invalid"),
    ],
)
def test_it_refuses_a_bundle_with_a_bad_entry_and_imports_nothing(
    cohort: Cohort, edit: str, where: str, reason: str
) -> None:
    with pytest.raises(ImportFileError) as caught:
        parse_bundle(_edited(cohort, edit), "bad.json")
    assert where in caught.value.where
    assert reason in caught.value.reason


def test_it_refuses_an_assessment_the_clinic_has_with_other_answers(
    cohort: Cohort, bundle: dict[str, Any]
) -> None:
    existing = ClinicTables.from_cohort(cohort)
    changed = existing.answers["wai_sr"].copy()
    changed.loc[0, "q1"] = 1.0 if changed.loc[0, "q1"] != 1.0 else 2.0
    existing = ClinicTables(answers={**existing.answers, "wai_sr": changed}, scores=existing.scores)
    with pytest.raises(ImportFileError, match="already has this assessment with different answers"):
        parse_bundle(json.dumps(bundle), "b.json", existing)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"resourceType": "Bundle",\n "type": transaction}', "line 2 column 10"),
        ('{"resourceType": "Patient"}', "resourceType"),
        ('{"resourceType": "Bundle", "type": "searchset"}', "type"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_bundle(text: str, where: str) -> None:
    with pytest.raises(ImportFileError) as caught:
        parse_bundle(text, "bad.json")
    assert caught.value.where == where
