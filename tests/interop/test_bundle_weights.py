"""Weighted answers (Goal Attainment Scaling) travel in a Bundle and come back unchanged."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from alliance import instruments
from alliance.interop import fhir_names as names
from alliance.interop.clinic_tables import KEYS, SCORE_COLUMNS
from alliance.interop.fhir_bundle import assessments_bundle
from alliance.interop.fhir_bundle_import import parse_bundle
from alliance.interop.import_errors import ImportFileError

# Turner-Stokes 2009 (with its erratum): T = 50 + 10 sum(w x) / sqrt(0.7 sum w^2 + 0.3 (sum w)^2).
# Goals 1 and 2 rated +1 and -1 with weights 3 and 1: 50 + 10 * 2 / sqrt(7 + 4.8).
WEIGHTED_T = 50 + 20 / math.sqrt(11.8)


def gas_tables() -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    keys = ["1", "7", "P-1", "12", 1, pd.Timestamp("2026-01-05")]
    answers = pd.DataFrame(
        [[*keys, 1.0, -1.0, math.nan, math.nan, math.nan, 3.0, 1.0]],
        columns=[*KEYS, "q1", "q2", "q3", "q4", "q5", "q1_weight", "q2_weight"],
    )
    total = instruments.score("gas", answers)["total"].iloc[0]
    scores = pd.DataFrame([[*keys, "gas", "total", total]], columns=SCORE_COLUMNS)
    return {"gas": answers}, scores


def test_the_weights_ride_on_their_answers_and_give_the_same_t_score() -> None:
    answers, scores = gas_tables()
    assert scores["score"].iloc[0] == pytest.approx(WEIGHTED_T)
    bundle = assessments_bundle(answers, scores)
    [response] = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    weights = {item["linkId"]: item["extension"][0]["valueDecimal"] for item in response["item"]}
    assert weights == {"q1": 3.0, "q2": 1.0}
    back = parse_bundle(json.dumps(bundle), "gas.json")
    frame = back.answers["gas"]
    assert frame[["q1_weight", "q2_weight"]].iloc[0].tolist() == [3.0, 1.0]
    assert back.scores["score"].iloc[0] == pytest.approx(WEIGHTED_T)


def test_a_weight_on_an_instrument_without_weights_is_refused() -> None:
    answers, scores = gas_tables()
    bundle = assessments_bundle(answers, scores)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "QuestionnaireResponse":
            resource["questionnaire"] = names.questionnaire_url("nprs")
            resource["item"] = [
                {
                    "linkId": "q1",
                    "answer": [{"valueInteger": 4}],
                    "extension": [{"url": names.ANSWER_WEIGHT, "valueDecimal": 2.0}],
                }
            ]
    with pytest.raises(ImportFileError, match="q1 has a weight; nprs takes none"):
        parse_bundle(json.dumps(bundle), "nprs.json")
