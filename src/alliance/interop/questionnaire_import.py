"""Reading a FHIR Questionnaire: as a new instrument definition, or for its item wording.

A Questionnaire Alliance wrote carries its whole definition in an extension; it is used as is,
after checking that the questions, answers and calculations in the file are still the ones that
definition gives (a file edited elsewhere is refused rather than half-trusted). Any other
Questionnaire is read from its standard content: choice questions with answer options or a
contained ValueSet (scores from ``itemWeight``, or the deprecated ``ordinalValue``), integer and
decimal questions with ``minValue`` / ``maxValue``, and calculated items as scales when their
expression is a plain sum of weights. What the file cannot say comes from the user's scoring
file (see ``definition_drafts``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic import ValidationError

from alliance.instruments import Definition, DefinitionError
from alliance.instruments.library import check_consistency
from alliance.interop import fhir_names as names
from alliance.interop.answer_options import ListedOption, read_options
from alliance.interop.definition_drafts import ImportedDefinition, build_definition, merge
from alliance.interop.fhirpath_scores import ALL_ITEMS, read_sum
from alliance.interop.import_errors import ImportFileError
from alliance.interop.questionnaire_export import definition_to_questionnaire

ITEM_TYPES = (
    "group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string",
    "text", "url", "choice", "open-choice", "attachment", "reference", "quantity",
)  # fmt: skip
"""The R4 Questionnaire item types (fhir.resources does not check codes)."""
NUMERIC_TYPES = ("integer", "decimal")
CHOICE_TYPES = ("choice", "open-choice")
LABEL_LENGTH = 60


def read_questionnaire(path: Path) -> dict[str, Any]:
    """Parse a Questionnaire JSON file and validate it with fhir.resources."""
    return parse_questionnaire(path.read_text(encoding="utf-8-sig"), path.name)


def parse_questionnaire(text: str, source: str) -> dict[str, Any]:
    """Parse Questionnaire JSON ``text``; errors name the line or the element and the reason."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise ImportFileError(source, where, f"not valid JSON: {error.msg}") from error
    if not isinstance(raw, dict) or raw.get("resourceType") != "Questionnaire":
        found = raw.get("resourceType") if isinstance(raw, dict) else type(raw).__name__
        raise ImportFileError(source, "resourceType", f"expected a Questionnaire, found {found}")
    try:
        Questionnaire.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        raise ImportFileError(source, _element_path(first["loc"]), first["msg"]) from error
    return raw


def questionnaire_to_definition(
    resource: dict[str, Any], source: str, supplement: dict[str, Any] | None = None
) -> ImportedDefinition:
    """A new instrument definition from a validated Questionnaire (and the user's scoring file)."""
    carried = _extension(resource, names.DEFINITION_EXTENSION, "valueString")
    if carried is not None:
        return _carried_definition(resource, str(carried), source, supplement)
    draft, item_ids, notes = _draft(resource, source)
    weighted = [item_ids[str(i["linkId"])] for i in _walk(resource.get("item", [])) if _choice(i)]
    draft["scales"] = _scales(
        draft.pop("calculated"), item_ids, weighted, supplement or {}, source, notes
    )
    definition, assumed = build_definition(draft, source, supplement)
    return ImportedDefinition(definition, source, item_ids, tuple(notes + assumed))


def question_texts(resource: dict[str, Any]) -> dict[str, str]:
    """The text of every answerable question by linkId (groups, displays and scores left out)."""
    return {
        str(item["linkId"]): str(item["text"])
        for item in _walk(resource.get("item", []))
        if item.get("type") not in ("group", "display")
        and not _is_calculated(item)
        and item.get("text")
    }


def _carried_definition(
    resource: dict[str, Any], blob: str, source: str, supplement: dict[str, Any] | None
) -> ImportedDefinition:
    where = "extension instrument-definition"
    try:
        raw = json.loads(blob)
        if supplement:
            raw = merge(raw, supplement)
        definition = Definition.model_validate(raw)
        check_consistency(definition, source)
    except (ValueError, ValidationError, DefinitionError) as error:
        raise ImportFileError(source, where, f"not a valid Alliance definition: {error}") from error
    found, _, _ = _draft(resource, source)
    expected, _, _ = _draft(definition_to_questionnaire(definition), source)
    for key in expected:
        if found.get(key) != expected[key]:
            raise ImportFileError(
                source,
                _first_difference(key, found.get(key), expected[key]),
                "differs from the Alliance definition the file carries (edited elsewhere?); "
                "remove that extension to import the file as a new definition",
            )
    ids = {item.id: item.id for item in definition.items}
    return ImportedDefinition(definition, source, ids, ())


def _draft(
    resource: dict[str, Any], source: str
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The definition fields the file states in standard FHIR, the linkId map and notes."""
    notes: list[str] = []
    valuesets = _contained_valuesets(resource)
    questions: list[dict[str, Any]] = []
    calculated: list[dict[str, Any]] = []
    for item in _walk(resource.get("item", [])):
        kind = item.get("type")
        if kind not in ITEM_TYPES:
            raise ImportFileError(
                source, f"item {item['linkId']}", f"{kind!r} is not a Questionnaire item type"
            )
        if _is_calculated(item):
            calculated.append(item)
        elif kind in CHOICE_TYPES or kind in NUMERIC_TYPES:
            if item.get("repeats"):
                raise ImportFileError(
                    source, f"item {item['linkId']}", "repeating answers cannot be scored"
                )
            questions.append(item)
        elif kind not in ("group", "display"):
            notes.append(f"item {item['linkId']} ({kind}) is not a scored question; left out")
    if not questions:
        raise ImportFileError(source, "item", "no choice, integer or decimal question found")
    link_ids = [str(item["linkId"]) for item in questions]
    expected = [f"q{n}" for n in range(1, len(link_ids) + 1)]
    item_ids = dict(zip(link_ids, expected, strict=True))
    if link_ids != expected:
        notes.append("linkIds renumbered q1..qN in question order")
    read = [_read_item(item, item_ids, valuesets, source) for item in questions]
    keys = [json.dumps(response, sort_keys=True) for _, response in read]
    common = read[keys.index(Counter(keys).most_common(1)[0][0])][1]
    items = []
    for item, response in read:
        if response != common:
            item["response"] = response
        items.append(item)
    draft: dict[str, Any] = {
        "id": _instrument_id(resource, source),
        "name": resource.get("title") or resource.get("name") or "",
        "description": resource.get("description") or "",
        "response": common,
        "items": items,
        "codes": [_code(c) for c in resource.get("code", [])]
        + [
            _code(c)
            for item in calculated
            if item["linkId"] == "total"
            for c in item.get("code", [])
        ],
        "calculated": [
            {
                "link_id": str(item["linkId"]),
                "name": item.get("text") or str(item["linkId"]),
                "expression": _expression(item),
            }
            for item in calculated
        ],
    }
    version = str(resource.get("version", ""))
    if re.fullmatch(r"\d+\.\d+\.\d+", version):
        draft["version"] = version
    for key in ("name", "description"):
        if not draft[key]:
            del draft[key]
    return draft, item_ids, notes


def _read_item(
    item: dict[str, Any],
    item_ids: dict[str, str],
    valuesets: dict[str, list[ListedOption]],
    source: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One question as definition fields, and its response scale."""
    link_id = str(item["linkId"])
    where = f"item {link_id}"
    short = _extension(item, names.SHORT_TEXT, "valueString")
    text = " ".join(str(item.get("text") or "").split())
    label = str(short) if short else _label(text, link_id)
    fields: dict[str, Any] = {"id": item_ids[link_id], "label": label}
    if text and text != label:
        fields["text"] = text
    if item.get("type") in NUMERIC_TYPES:
        return fields, _numeric_response(item, source, where)
    options = _options(item, valuesets, source, where)
    read = read_options(options, source, where)
    if read.reverse:
        fields["reverse"] = True
    if read.recode is not None:
        fields["recode"] = read.recode
    return fields, read.response


def _numeric_response(item: dict[str, Any], source: str, where: str) -> dict[str, Any]:
    low = _extension(item, names.MIN_VALUE, "valueInteger", "valueDecimal")
    high = _extension(item, names.MAX_VALUE, "valueInteger", "valueDecimal")
    if low is None or high is None:
        raise ImportFileError(source, where, "a numeric question needs minValue and maxValue")
    places = _extension(item, names.MAX_DECIMAL_PLACES, "valueInteger")
    step = 1.0 if item["type"] == "integer" else 10.0 ** -int(places if places is not None else 2)
    response: dict[str, Any] = {"min": float(low), "max": float(high), "step": round(step, 9)}
    anchors = {}
    for child in item.get("item", []):
        control = _item_control(child)
        if control in ("lower", "upper") and child.get("text"):
            anchors[float(low) if control == "lower" else float(high)] = str(child["text"])
    if anchors:
        response["anchors"] = anchors
    return response


def _options(
    item: dict[str, Any],
    valuesets: dict[str, list[ListedOption]],
    source: str,
    where: str,
) -> list[ListedOption]:
    if "answerValueSet" in item:
        reference = str(item["answerValueSet"])
        if reference not in valuesets:
            raise ImportFileError(
                source, where, f"answerValueSet {reference} is not a ValueSet contained in the file"
            )
        return valuesets[reference]
    options = []
    for option in item.get("answerOption", []):
        coding = option.get("valueCoding")
        if coding is not None:
            code, display = str(coding.get("code", "")), coding.get("display")
            weight = _weight(option) if _weight(option) is not None else _weight(coding)
        elif "valueInteger" in option or "valueString" in option:
            code = str(option.get("valueInteger", option.get("valueString")))
            display, weight = None, _weight(option)
        else:
            raise ImportFileError(source, where, "answer options must be codings, integers or text")
        options.append((code, display, weight))
    return options


def _contained_valuesets(
    resource: dict[str, Any],
) -> dict[str, list[ListedOption]]:
    valuesets = {}
    for contained in resource.get("contained", []):
        if contained.get("resourceType") != "ValueSet":
            continue
        concepts = [
            (str(concept["code"]), concept.get("display"), _weight(concept))
            for include in contained.get("compose", {}).get("include", [])
            for concept in include.get("concept", [])
        ]
        valuesets[f"#{contained.get('id')}"] = concepts
    return valuesets


def _scales(
    calculated: list[dict[str, Any]],
    item_ids: dict[str, str],
    weighted: list[str],
    supplement: dict[str, Any],
    source: str,
    notes: list[str],
) -> list[dict[str, Any]]:
    """Calculated items as scales: plain sums are read; the rest must come from the user.

    A sum over the whole questionnaire covers the choice questions, the only ones with weights.
    """
    supplied = {s.get("id"): s for s in supplement.get("scales", []) if isinstance(s, dict)}
    scales = []
    for entry in calculated:
        scale_id = _scale_id(entry["link_id"])
        if len(calculated) == 1 and scale_id != "total":
            notes.append(f"the only calculated item, {entry['link_id']}, is the total")
            scale_id = "total"
        scale: dict[str, Any] = {"id": scale_id, "name": entry["name"]}
        given = supplied.get(scale_id, {})
        if "items" in given and "method" in given:
            scales.append(scale)
            continue
        linked = read_sum(entry["expression"] or "")
        if linked is None:
            raise ImportFileError(
                source,
                f"item {entry['link_id']}",
                "its calculatedExpression is not a plain sum of item weights; give the "
                "scale's items and method in a scoring file",
            )
        unknown = [i for i in linked if i not in item_ids] if linked != ALL_ITEMS else []
        if unknown:
            raise ImportFileError(
                source, f"item {entry['link_id']}", f"sums unknown linkIds {unknown}"
            )
        listed = weighted if linked == ALL_ITEMS else [item_ids[i] for i in linked]
        scales.append({**scale, "items": listed, "method": "sum"})
    return scales


def _walk(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield item
        if item.get("type") not in NUMERIC_TYPES:
            yield from _walk(item.get("item", []))


def _choice(item: dict[str, Any]) -> bool:
    return item.get("type") in CHOICE_TYPES and not _is_calculated(item)


def _is_calculated(item: dict[str, Any]) -> bool:
    return _extension(item, names.CALCULATED_EXPRESSION, "valueExpression") is not None


def _expression(item: dict[str, Any]) -> str | None:
    value = _extension(item, names.CALCULATED_EXPRESSION, "valueExpression")
    return str(value.get("expression", "")) if isinstance(value, dict) else None


def _item_control(item: dict[str, Any]) -> str | None:
    concept = _extension(item, names.ITEM_CONTROL, "valueCodeableConcept")
    if not isinstance(concept, dict):
        return None
    codes = [c.get("code") for c in concept.get("coding", [])]
    return str(codes[0]) if codes else None


def _weight(element: dict[str, Any]) -> float | None:
    for url in (names.ITEM_WEIGHT, names.ORDINAL_VALUE):
        value = _extension(element, url, "valueDecimal", "valueInteger")
        if value is not None:
            return float(value)
    return None


def _extension(element: dict[str, Any], url: str, *keys: str) -> Any:
    for extension in element.get("extension", []):
        if extension.get("url") == url:
            for key in keys:
                if key in extension:
                    return extension[key]
    return None


def _code(coding: dict[str, Any]) -> dict[str, str]:
    return {
        "system": str(coding.get("system", "")),
        "code": str(coding.get("code", "")),
        "display": str(coding.get("display", coding.get("code", ""))),
    }


def _label(text: str, link_id: str) -> str:
    if 2 <= len(text) <= LABEL_LENGTH:
        return text
    if len(text) > LABEL_LENGTH:
        return text[: LABEL_LENGTH - 3].rstrip() + "..."
    return f"Item {link_id}"


def _instrument_id(resource: dict[str, Any], source: str) -> str:
    for identifier in resource.get("identifier", []):
        if identifier.get("system") == names.INSTRUMENT_SYSTEM:
            return str(identifier.get("value"))
    for candidate in (resource.get("name"), resource.get("id")):
        if candidate:
            return _snake(str(candidate))
    return _snake(Path(source).stem)


def _scale_id(link_id: str) -> str:
    return _snake(link_id)


def _snake(text: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)
    snake = re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")
    return snake if snake[:1].isalpha() else f"i_{snake}"


def _first_difference(key: str, found: Any, expected: Any) -> str:
    if isinstance(found, list) and isinstance(expected, list):
        for index, (a, b) in enumerate(zip(found, expected, strict=False)):
            if a != b:
                label = b.get("id") or b.get("link_id") if isinstance(b, dict) else None
                return f"{key}[{index}]" + (f" ({label})" if label else "")
    return key


def _element_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "Questionnaire"
