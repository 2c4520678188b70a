"""Instrument definitions as a REDCap data dictionary (the 18-column CSV REDCap uploads).

One form per instrument, named by its id. Its first field is a descriptive field that names
the instrument; then one field per item (``radio`` with choices ``1, label | 2, label`` for a
discrete scale, a validated ``text`` number for a continuous one) and one ``calc`` field per
scale. Field labels are our own text or topic labels, never licensed wording.

REDCap has no column for Alliance's scoring rules, so each field's annotation carries them as
one action-tag-like ``@ALLIANCE={...}`` JSON object: REDCap shows it to designers and ignores
it otherwise, and the importer reads it back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from alliance.instruments.definition import Definition, Item, ResponseScale
from alliance.interop.answer_options import DOES_NOT_APPLY_LABEL, answer_options, number_code
from alliance.interop.fhir_names import DOES_NOT_APPLY_CODE
from alliance.interop.questionnaire_export import ExportError
from alliance.interop.redcap_calc import scale_calculation, variable
from alliance.safe_csv import csv_text

HEADER = [
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
]
VARIABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,25}$")
"""REDCap variable names as converters check them: lower case, at most 26 characters."""
TAG = "@ALLIANCE="
RECORD_ID = "record_id"


def dictionary_rows(definitions: Sequence[Definition]) -> list[dict[str, str]]:
    """The dictionary's rows (a ``record_id`` field first), one form per definition."""
    if not definitions:
        raise ExportError("no instruments to export")
    rows = [_row(RECORD_ID, definitions[0].id, "text", "Record ID")]
    for definition in definitions:
        rows += instrument_rows(definition)
    return rows


def instrument_rows(definition: Definition) -> list[dict[str, str]]:
    """The rows of one instrument's form."""
    form = definition.id
    about = {
        "instrument": definition.id,
        "name": definition.name,
        "abbreviation": definition.abbreviation,
        "version": definition.version,
        "respondent": definition.respondent.value,
        "weights": definition.weights,
        "response": response_facts(definition.response),
        "codes": [code.model_dump(exclude={"provenance"}) for code in definition.codes],
    }
    if definition.classification is not None:
        about["classification"] = definition.classification.model_dump(
            mode="json", exclude={"provenance"}
        )
    rows = [
        _row(
            _checked(definition, variable(form, "about")),
            form,
            "descriptive",
            f"{definition.name} ({definition.abbreviation})",
            annotation=about,
        )
    ]
    options = answer_options(definition)
    for item in definition.items:
        rows.append(_item_row(definition, item, item.id in options))
    for scale in definition.scales:
        rule = {
            "scale": scale.id,
            "items": scale.items,
            "method": scale.method.value,
            "formula": scale.formula,
            "range": list(scale.range),
            "direction": scale.direction.value,
            "optional": scale.optional,
            "max_missing": scale.missing.max_missing,
            "does_not_apply": scale.missing.does_not_apply,
        }
        rows.append(
            _row(
                _checked(definition, variable(form, scale.id)),
                form,
                "calc",
                scale.name,
                choices=scale_calculation(definition, scale),
                annotation=rule,
            )
        )
    return rows


def dictionary_csv(definitions: Sequence[Definition]) -> str:
    """The data dictionary as CSV text with the exact REDCap header."""
    rows = dictionary_rows(definitions)
    return csv_text(HEADER, [[row[column] for column in HEADER] for row in rows])


def response_facts(scale: ResponseScale) -> dict[str, Any]:
    """A response scale as annotation JSON (anchors as [value, label] pairs)."""
    return {
        "min": scale.min,
        "max": scale.max,
        "step": scale.step,
        "anchors": [[value, label] for value, label in scale.anchors.items()],
        "does_not_apply": scale.does_not_apply,
    }


def _item_row(definition: Definition, item: Item, discrete: bool) -> dict[str, str]:
    facts: dict[str, Any] = {"item": item.id, "label": item.label}
    if item.reverse:
        facts["reverse"] = True
    if item.recode is not None:
        facts["recode"] = [[given, scored] for given, scored in item.recode.items()]
    if item.response is not None:
        facts["response"] = response_facts(item.response)
    name = _checked(definition, variable(definition.id, item.id))
    label = item.text or item.label
    scale = definition.response_for(item.id)
    if discrete:
        choices = " | ".join(
            f"{option.code}, {option.display or option.code}"
            for option in answer_options(definition)[item.id]
        )
        return _row(name, definition.id, "radio", label, choices=choices, annotation=facts)
    whole = scale.step == 1 and float(scale.min).is_integer()
    places = len(number_code(scale.step).partition(".")[2])
    validation = "integer" if whole else ("number" if places == 0 else f"number_{places}dp")
    note = "; ".join(f"{number_code(v)} = {text}" for v, text in scale.anchors.items())
    if scale.does_not_apply:
        note = "; ".join(filter(None, [note, f"{DOES_NOT_APPLY_CODE} = {DOES_NOT_APPLY_LABEL}"]))
    return _row(
        name,
        definition.id,
        "text",
        label,
        note=note,
        validation=validation,
        low=number_code(scale.min),
        high=number_code(scale.max),
        annotation=facts,
    )


def _row(
    name: str,
    form: str,
    kind: str,
    label: str,
    *,
    choices: str = "",
    note: str = "",
    validation: str = "",
    low: str = "",
    high: str = "",
    annotation: dict[str, Any] | None = None,
) -> dict[str, str]:
    row = dict.fromkeys(HEADER, "")
    row.update(
        {
            HEADER[0]: name,
            HEADER[1]: form,
            HEADER[3]: kind,
            HEADER[4]: label,
            HEADER[5]: choices,
            HEADER[6]: note,
            HEADER[7]: validation,
            HEADER[8]: low,
            HEADER[9]: high,
        }
    )
    if annotation is not None:
        row[HEADER[17]] = TAG + json.dumps(annotation, ensure_ascii=False, separators=(",", ":"))
    return row


def _checked(definition: Definition, name: str) -> str:
    if not VARIABLE_NAME.match(name):
        raise ExportError(f"{definition.id}: {name!r} is not a valid REDCap variable name")
    return name
