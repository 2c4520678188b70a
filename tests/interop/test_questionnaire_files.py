"""Instrument definitions to and from FHIR Questionnaires (SDC)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from alliance import instruments
from alliance.instruments.library import ids
from alliance.interop import fhir_names as names
from alliance.interop.definition_drafts import definition_yaml
from alliance.interop.import_errors import ImportFileError
from alliance.interop.questionnaire_export import definition_to_questionnaire
from alliance.interop.questionnaire_import import (
    parse_questionnaire,
    question_texts,
    questionnaire_to_definition,
    read_questionnaire,
)

FILES = Path(__file__).parent / "files"
HAND_WRITTEN = FILES / "home_exercise_questionnaire.json"
DIRECTION = {"scales": [{"id": "total", "direction": "higher_is_better"}]}


def _items(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item in resource["item"]}


def _weights(item: dict[str, Any]) -> list[float | None]:
    return [
        next(
            (e["valueDecimal"] for e in o.get("extension", []) if e["url"] == names.ITEM_WEIGHT),
            None,
        )
        for o in item["answerOption"]
    ]


def _round_trip(resource: dict[str, Any], source: str = "file.json") -> instruments.Definition:
    parsed = parse_questionnaire(json.dumps(resource), source)
    return questionnaire_to_definition(parsed, source).definition


@pytest.mark.parametrize("instrument_id", ids())
def test_it_round_trips_every_bundled_instrument_through_a_valid_questionnaire(
    instrument_id: str,
) -> None:
    definition = instruments.load(instrument_id)
    resource = definition_to_questionnaire(definition)
    Questionnaire.model_validate_json(json.dumps(resource))
    assert _round_trip(resource, f"{instrument_id}.json") == definition


def test_it_shows_our_topic_labels_and_never_licensed_wording() -> None:
    items = _items(definition_to_questionnaire(instruments.load("wai_sr")))
    # The topic labels written in wai_sr.yaml (our words), in the authors' item order.
    assert [items[f"q{n}"]["text"] for n in (1, 3, 4)] == [
        "Agreement on tasks",
        "Bond",
        "Agreement on goals",
    ]
    own = _items(definition_to_questionnaire(instruments.load("checkin")))
    assert own["q1"]["text"] == "My therapist and I agree on what I want to achieve."
    assert own["q1"]["extension"][0]["valueString"] == "Agreement on goals"


def test_it_weights_each_answer_as_the_published_scoring_does() -> None:
    tsk = _items(definition_to_questionnaire(instruments.load("tsk_17")))
    # TSK-17 items 4, 8, 12 and 16 are reverse scored on 1-4 (Miller, Kori & Todd 1991).
    assert _weights(tsk["q4"]) == [4.0, 3.0, 2.0, 1.0]
    assert _weights(tsk["q5"]) == [1.0, 2.0, 3.0, 4.0]
    start_back = _items(definition_to_questionnaire(instruments.load("start_back")))
    # STarT Back item 9 counts 1 only for "very much" (4) and "extremely" (5).
    assert _weights(start_back["q9"]) == [0.0, 0.0, 0.0, 1.0, 1.0]
    rmdq = _items(definition_to_questionnaire(instruments.load("rmdq")))
    assert rmdq["q1"]["answerOption"][-1]["valueCoding"]["code"] == "NA"
    assert _weights(rmdq["q1"])[-1] is None


def test_it_writes_sdc_calculated_expressions_for_sums_and_prorated_percentages() -> None:
    wai = _items(definition_to_questionnaire(instruments.load("wai_sr")))
    goal = "%resource.repeat(item).where(linkId in ('q4' | 'q6' | 'q8' | 'q11')).answer.value"
    assert wai["goal"]["readOnly"] is True
    assert wai["goal"]["extension"][0]["url"] == names.CALCULATED_EXPRESSION
    assert wai["goal"]["extension"][0]["valueExpression"]["expression"] == (
        f"iif({goal}.weight().count() >= 4, {goal}.weight().sum(), {{}})"
    )
    odi = _items(definition_to_questionnaire(instruments.load("odi")))
    ids_ = " | ".join(f"'q{n}'" for n in range(1, 11))
    weights = f"%resource.repeat(item).where(linkId in ({ids_})).answer.value.weight()"
    # Fairbank & Pynsent: sum / (5 x sections answered) x 100, one section may be missing.
    assert odi["total"]["extension"][0]["valueExpression"]["expression"] == (
        f"iif({weights}.count() >= 9, 100 * (({weights}.sum() / {weights}.count()) - 0) / 5, {{}})"
    )


def test_it_codes_the_questionnaire_and_its_total_with_loinc() -> None:
    ndi = definition_to_questionnaire(instruments.load("ndi"))
    assert [c["code"] for c in ndi["code"]] == ["82226-2"]
    assert [c["code"] for c in _items(ndi)["total"]["code"]] == ["82237-9"]
    nprs = _items(definition_to_questionnaire(instruments.load("nprs")))
    assert nprs["total"]["code"][0] == {
        "system": "http://loinc.org",
        "code": "72514-3",
        "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
    }


def test_it_writes_continuous_scales_as_bounded_numbers_with_labelled_ends() -> None:
    srs = _items(definition_to_questionnaire(instruments.load("srs")))["q1"]
    extensions = {e["url"]: e for e in srs["extension"]}
    assert srs["type"] == "decimal"
    assert extensions[names.MIN_VALUE]["valueDecimal"] == 0
    assert extensions[names.MAX_VALUE]["valueDecimal"] == 10
    assert extensions[names.MAX_DECIMAL_PLACES]["valueInteger"] == 1
    assert [child["text"] for child in srs["item"]] == [
        "left end (least favourable)",
        "right end (most favourable)",
    ]


def test_it_imports_a_hand_written_sdc_questionnaire() -> None:
    imported = questionnaire_to_definition(
        read_questionnaire(HAND_WRITTEN), HAND_WRITTEN.name, DIRECTION
    )
    definition = imported.definition
    assert imported.item_ids == {
        "ex-days": "q1",
        "ex-hard": "q2",
        "ex-confidence": "q3",
        "pain-now": "q4",
    }
    assert (definition.id, definition.version) == ("home_exercise_check", "2.1.0")
    assert definition.item("q2").reverse
    assert definition.item("q3").response is not None
    assert definition.item("q3").response.anchors[3.0] == "Very confident"
    assert definition.item("q4").response is not None
    assert (definition.item("q4").response.min, definition.item("q4").response.max) == (0, 10)
    total = definition.scale("total")
    assert (total.items, total.method.value, total.range) == (["q1", "q2", "q3"], "sum", (0, 9))
    assert any("comments" in note for note in imported.notes)
    # "Every day" (3) + "Not hard", reversed to 3 + "Fairly confident" (2) = 8.
    answers = pd.DataFrame({"q1": [3, 0], "q2": [0, 3], "q3": [2, 0], "q4": [5, None]})
    assert instruments.score(definition, answers)["total"].tolist() == [8.0, 0.0]


def test_it_asks_for_what_a_hand_written_file_does_not_say() -> None:
    with pytest.raises(ImportFileError, match=r"scale total: .* give direction"):
        questionnaire_to_definition(read_questionnaire(HAND_WRITTEN), HAND_WRITTEN.name)


def test_it_takes_a_scale_the_file_cannot_express_from_the_scoring_file() -> None:
    resource = json.loads(HAND_WRITTEN.read_text())
    resource["item"][2]["extension"][0]["valueExpression"]["expression"] = "%a / %b"
    supplement = {
        "scales": [
            {
                "id": "total",
                "items": ["q1", "q3"],
                "method": "mean",
                "direction": "higher_is_better",
            }
        ]
    }
    definition = questionnaire_to_definition(resource, "edited.json", supplement).definition
    assert definition.scale("total").items == ["q1", "q3"]
    assert definition.scale("total").range == (0, 3)


def _hand(edit: str) -> str:
    resource = json.loads(HAND_WRITTEN.read_text())
    group = resource["item"][1]["item"]
    if edit == "bad type":
        group[0]["type"] = "multiple"
    elif edit == "not a list":
        group[0]["answerOption"] = "none"
    elif edit == "uneven":
        group[1]["answerOption"][3]["valueCoding"]["code"] = "5"
    elif edit == "no bounds":
        del group[3]["extension"]
    elif edit == "unknown valueset":
        group[2]["answerValueSet"] = "#elsewhere"
    elif edit == "bad sum":
        selected = "%resource.repeat(item).where(linkId in ('ex-days' | 'gone'))"
        resource["item"][2]["extension"][0]["valueExpression"]["expression"] = (
            f"{selected}.answer.value.weight().sum()"
        )
    elif edit == "repeats":
        group[0]["repeats"] = True
    return json.dumps(resource, indent=2)


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ('{"resourceType": "Questionnaire",\n  "status": }', "line 2 column 13", "not valid JSON"),
        ('{"resourceType": "Patient"}', "resourceType", "expected a Questionnaire, found Patient"),
        (_hand("not a list"), "item[1].item[0].answerOption", "Input should be"),
        (_hand("bad type"), "item ex-days", "'multiple' is not a Questionnaire item type"),
        (_hand("uneven"), "item ex-hard", "answer values 0, 1, 2, 5 are not evenly spaced"),
        (_hand("no bounds"), "item pain-now", "needs minValue and maxValue"),
        (_hand("unknown valueset"), "item ex-confidence", "#elsewhere is not a ValueSet"),
        (_hand("bad sum"), "item score", "sums unknown linkIds ['gone']"),
        (_hand("repeats"), "item ex-days", "repeating answers cannot be scored"),
    ],
)
def test_it_rejects_a_malformed_questionnaire_naming_where_and_why(
    text: str, where: str, reason: str
) -> None:
    with pytest.raises(ImportFileError) as caught:
        questionnaire_to_definition(parse_questionnaire(text, "bad.json"), "bad.json", DIRECTION)
    assert caught.value.where == where
    assert reason in caught.value.reason


def test_it_refuses_an_alliance_questionnaire_edited_elsewhere() -> None:
    resource = copy.deepcopy(definition_to_questionnaire(instruments.load("tsk_17")))
    resource["item"][3]["answerOption"][0]["extension"][0]["valueDecimal"] = 1
    with pytest.raises(ImportFileError, match="differs from the Alliance definition") as caught:
        _round_trip(resource)
    assert caught.value.where == "items[3] (q4)"


def test_it_lets_the_scoring_file_override_a_carried_definition() -> None:
    resource = definition_to_questionnaire(instruments.load("wai_sr"))
    supplement = {"scales": [{"id": "total", "direction": "higher_is_worse"}]}
    imported = questionnaire_to_definition(resource, "wai.json", supplement)
    assert imported.definition.scale("total").direction.value == "higher_is_worse"
    assert imported.definition.scale("goal").direction.value == "higher_is_better"


def test_it_writes_a_definition_file_the_instrument_library_reads_back() -> None:
    imported = questionnaire_to_definition(
        read_questionnaire(HAND_WRITTEN), HAND_WRITTEN.name, DIRECTION
    )
    text = definition_yaml(imported.definition)
    assert instruments.parse_definition(text, "home_exercise_check.yaml") == imported.definition


def test_licensed_wording_is_read_from_our_own_questionnaire_format() -> None:
    resource = definition_to_questionnaire(instruments.load("odi"))
    for item in resource["item"]:
        if item["linkId"].startswith("q"):
            item["text"] = f"Licensed text of {item['linkId']}"
    texts = question_texts(resource)
    assert sorted(texts, key=lambda k: int(k[1:])) == [f"q{n}" for n in range(1, 11)]
    assert texts["q3"] == "Licensed text of q3"
