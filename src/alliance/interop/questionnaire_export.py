"""An instrument definition as a FHIR R4 Questionnaire (SDC), without any licensed wording.

- Items keep their ids as linkIds. Their text is our own wording where the project wrote it,
  otherwise the topic label; the label is also the SDC ``shortText``.
- Discrete items list their answers as codings with the SDC ``itemWeight`` each answer scores
  (reversal and recoding included); continuous items are integer or decimal questions with
  ``minValue`` / ``maxValue`` and labelled ends.
- Every scale is a read-only decimal item whose linkId is the scale id, with an SDC
  ``calculatedExpression`` where FHIRPath can express its rule. A LOINC code for the overall
  score sits on the ``total`` item, other codes on the Questionnaire.
- The whole definition travels as JSON in one Alliance extension, so provenance, missing-answer
  rules and interpretation survive a round trip.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire

from alliance.instruments.definition import Code, Definition, Item, ResponseScale
from alliance.interop import fhir_names as names
from alliance.interop.answer_options import AnswerOption, answer_options, number_code
from alliance.interop.fhirpath_scores import scale_expression


class ExportError(ValueError):
    """Raised when a definition holds something the target format cannot express."""


def definition_to_questionnaire(definition: Definition) -> dict[str, Any]:
    """The Questionnaire resource (as JSON-ready data), validated with fhir.resources."""
    taken = {item.id for item in definition.items} & {scale.id for scale in definition.scales}
    if taken:
        raise ExportError(f"{definition.id}: scale ids {sorted(taken)} clash with item ids")
    options = answer_options(definition)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": names.resource_id(definition.id),
        "meta": {"profile": [names.SDC_QUESTIONNAIRE]},
        "extension": [
            {
                "url": names.DEFINITION_EXTENSION,
                "valueString": definition.model_dump_json(),
            }
        ],
        "url": names.questionnaire_url(definition.id),
        "identifier": [{"system": names.INSTRUMENT_SYSTEM, "value": definition.id}],
        "version": definition.version,
        "name": "".join(part.capitalize() for part in definition.id.split("_")),
        "title": definition.name,
        "status": "active",
        "subjectType": ["Patient"],
        "description": definition.description,
        "item": [_question(definition, item, options.get(item.id)) for item in definition.items]
        + [_scale_item(definition, index) for index in range(len(definition.scales))],
    }
    if definition.licence.holder:
        resource["copyright"] = f"Licence: {definition.licence.status.value}; holder: " + (
            definition.licence.holder
        )
    questionnaire_codes = [code for code in definition.codes if not is_score_code(code)]
    if questionnaire_codes:
        resource["code"] = [_coding(code) for code in questionnaire_codes]
    Questionnaire.model_validate(resource)
    return resource


def is_score_code(code: Code) -> bool:
    """True when a code names the overall score rather than the questionnaire (LOINC "score")."""
    return "score" in code.display.lower()


def _question(
    definition: Definition, item: Item, options: list[AnswerOption] | None
) -> dict[str, Any]:
    question: dict[str, Any] = {
        "extension": [{"url": names.SHORT_TEXT, "valueString": item.label}],
        "linkId": item.id,
        "text": item.text or item.label,
    }
    if options is not None:
        system = names.answer_system(definition.id)
        question["type"] = "choice"
        question["answerOption"] = [_option(system, option) for option in options]
        return question
    scale = definition.response_for(item.id)
    whole = scale.step == 1 and float(scale.min).is_integer()
    question["type"] = "integer" if whole else "decimal"
    value_key = "valueInteger" if whole else "valueDecimal"
    question["extension"] += [
        {"url": names.MIN_VALUE, value_key: _number(scale.min, whole)},
        {"url": names.MAX_VALUE, value_key: _number(scale.max, whole)},
    ]
    if not whole:
        question["extension"].append(
            {"url": names.MAX_DECIMAL_PLACES, "valueInteger": _decimal_places(definition, scale)}
        )
    labels = _end_labels(definition, item.id, scale)
    if labels:
        question["item"] = labels
    return question


def _option(system: str, option: AnswerOption) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": system, "code": option.code}
    if option.display is not None:
        coding["display"] = option.display
    entry: dict[str, Any] = {"valueCoding": coding}
    if option.weight is not None:
        entry["extension"] = [{"url": names.ITEM_WEIGHT, "valueDecimal": option.weight}]
    return entry


def _end_labels(definition: Definition, item_id: str, scale: ResponseScale) -> list[dict[str, Any]]:
    """Anchors of a continuous scale as SDC lower / upper labels (only the ends can be labelled)."""
    inner = [value for value in scale.anchors if value not in (scale.min, scale.max)]
    if inner:
        raise ExportError(
            f"{definition.id}: {item_id}: a continuous scale can be labelled at its ends only"
        )
    labels = []
    for value, control in ((scale.min, "lower"), (scale.max, "upper")):
        if value in scale.anchors:
            labels.append(
                {
                    "extension": [
                        {
                            "url": names.ITEM_CONTROL,
                            "valueCodeableConcept": {
                                "coding": [{"system": names.ITEM_CONTROL_SYSTEM, "code": control}]
                            },
                        }
                    ],
                    "linkId": f"{item_id}-{control}",
                    "text": scale.anchors[value],
                    "type": "display",
                }
            )
    return labels


def _scale_item(definition: Definition, index: int) -> dict[str, Any]:
    scale = definition.scales[index]
    item: dict[str, Any] = {
        "linkId": scale.id,
        "text": scale.name,
        "type": "decimal",
        "readOnly": True,
    }
    expression = scale_expression(definition, scale)
    if expression is not None:
        item["extension"] = [
            {
                "url": names.CALCULATED_EXPRESSION,
                "valueExpression": {
                    "language": "text/fhirpath",
                    "expression": expression,
                },
            }
        ]
    if scale.id == "total":
        codes = [_coding(code) for code in definition.codes if is_score_code(code)]
        if codes:
            item["code"] = codes
    return item


def _coding(code: Code) -> dict[str, str]:
    return {"system": code.system, "code": code.code, "display": code.display}


def _number(value: float, whole: bool) -> float | int:
    return int(value) if whole else value


def _decimal_places(definition: Definition, scale: ResponseScale) -> int:
    """Decimal places of a scale's step; only steps of 1, 0.1, 0.01 ... can be expressed."""
    for places in range(0, 7):
        if abs(scale.step - 10.0**-places) < 1e-12:
            return places
    step = number_code(scale.step)
    raise ExportError(f"{definition.id}: a continuous step of {step} cannot be expressed in FHIR")
