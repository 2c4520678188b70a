"""Reading a REDCap data dictionary as a new instrument definition.

One form becomes one instrument. Scored questions are ``radio``, ``dropdown``, ``yesno``,
``truefalse`` and ``slider`` fields and ``text`` fields validated as numbers with a minimum and
maximum; ``calc`` fields become scales. Free text, dates, files, checkboxes and descriptive
fields are left out with a note.

A dictionary Alliance wrote carries its rules in ``@ALLIANCE={...}`` annotations; they are used,
and each calculation must still be the one those rules give. A hand-written dictionary is read
from its columns: choices ``1, label | 2, label``, and calculations that are sums or means of
fields (``(K-[x])`` marks a reversed item). Anything else comes from the user's scoring file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alliance.instruments.definition import Definition
from alliance.interop.answer_options import ListedOption, read_options
from alliance.interop.definition_drafts import ImportedDefinition, build_definition
from alliance.interop.import_errors import ImportFileError
from alliance.interop.redcap_calc import read_calculation, scale_calculation, variable
from alliance.interop.redcap_dictionary import HEADER, TAG
from alliance.safe_csv import restore

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
CHOICE_TYPES = ("radio", "dropdown")
NUMBER_VALIDATION = re.compile(r"^(integer|number|number_(\d)dp)$")
LABEL_LENGTH = 60
FIXED_CHOICES: dict[str, list[ListedOption]] = {
    "yesno": [("0", "No", None), ("1", "Yes", None)],
    "truefalse": [("0", "False", None), ("1", "True", None)],
}


@dataclass(frozen=True)
class Field:
    """One dictionary row, with the line it starts on."""

    line: int
    values: dict[str, str]

    def __getitem__(self, column: int) -> str:
        return self.values[HEADER[column]].strip()

    @property
    def where(self) -> str:
        return f"line {self.line} ({self[0]})"

    def facts(self, source: str) -> dict[str, Any] | None:
        """The ``@ALLIANCE`` annotation's JSON object, or None."""
        annotation = self[17]
        start = annotation.find(TAG)
        if start < 0:
            return None
        try:
            value, _ = json.JSONDecoder().raw_decode(annotation, start + len(TAG))
        except json.JSONDecodeError as error:
            raise ImportFileError(source, self.where, f"unreadable {TAG} annotation") from error
        if not isinstance(value, dict):
            raise ImportFileError(source, self.where, f"{TAG} must hold a JSON object")
        return value


def read_dictionary(
    path: Path, form: str | None = None, supplement: dict[str, Any] | None = None
) -> ImportedDefinition:
    """Read one form of a data dictionary file as a new instrument definition."""
    text = path.read_text(encoding="utf-8-sig")
    return parse_dictionary(text, path.name, form, supplement)


def parse_dictionary(
    text: str, source: str, form: str | None = None, supplement: dict[str, Any] | None = None
) -> ImportedDefinition:
    """Read one form of data dictionary CSV ``text``; errors name the line and the reason."""
    fields = _fields(text, source)
    chosen = _choose_form(fields, form, source)
    rows = [f for f in fields[1:] if f[1] == chosen]
    notes: list[str] = []
    about = next((f.facts(source) for f in rows if f[3] == "descriptive" and f.facts(source)), None)
    questions = [f for f in rows if _is_question(f, notes)]
    if not questions:
        raise ImportFileError(source, f"form {chosen}", "no scored question found")
    item_ids = _item_ids(questions, source, notes)
    items = [_item(f, item_ids[f[0]], source) for f in questions]
    draft: dict[str, Any] = {"id": chosen, "name": chosen}
    if about is not None:
        draft |= {k: about[k] for k in ("id", "name", "abbreviation", "version") if k in about}
        draft |= {
            k: about[k] for k in ("respondent", "weights", "classification", "codes") if k in about
        }
        draft["id"] = about.get("instrument", chosen)
        draft["response"] = _response(about["response"])
    else:
        draft["response"] = _common_response(items)
    calcs = [f for f in rows if f[3] == "calc"]
    draft["scales"] = _scales(calcs, item_ids, items, supplement or {}, source, notes)
    for item in items:
        own = item.pop("_response")
        if about is None and own != draft["response"]:
            item["response"] = own
    draft["items"] = items
    definition, assumed = build_definition(draft, source, supplement)
    _check_calculations(definition, calcs, item_ids, source)
    return ImportedDefinition(definition, source, item_ids, tuple(notes + assumed))


def _fields(text: str, source: str) -> list[Field]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(source, "line 1", "the file is empty") from None
    if [h.strip() for h in header] != HEADER:
        raise ImportFileError(
            source, "line 1", f"the header is not REDCap's 18 data dictionary columns: {header}"
        )
    fields = []
    start = reader.line_num + 1
    for values in reader:
        if any(v.strip() for v in values):
            if len(values) != len(HEADER):
                raise ImportFileError(
                    source, f"line {start}", f"{len(values)} columns instead of {len(HEADER)}"
                )
            field = Field(start, dict(zip(HEADER, map(restore, values), strict=True)))
            if not NAME.match(field[0]):
                raise ImportFileError(
                    source, field.where, "a variable name must be lower case letters, digits "
                    "and underscores, starting with a letter",
                )  # fmt: skip
            fields.append(field)
        start = reader.line_num + 1
    if not fields:
        raise ImportFileError(source, "line 2", "the dictionary has no fields")
    return fields


def _choose_form(fields: list[Field], form: str | None, source: str) -> str:
    forms = list(dict.fromkeys(f[1] for f in fields))
    if form is not None:
        if form not in forms:
            raise ImportFileError(source, "Form Name", f"no form {form!r} (forms: {forms})")
        return form
    scored = [name for name in forms if any(f[1] == name and f[3] == "calc" for f in fields)]
    candidates = scored or forms
    if len(candidates) != 1:
        raise ImportFileError(source, "Form Name", f"choose one of the forms {candidates}")
    return candidates[0]


def _is_question(field: Field, notes: list[str]) -> bool:
    kind = field[3]
    if kind in CHOICE_TYPES or kind in FIXED_CHOICES or kind == "slider":
        return True
    if kind == "text" and NUMBER_VALIDATION.match(field[7]):
        return True
    if kind not in ("calc", "descriptive"):
        notes.append(f"{field.where}: {kind} field is not a scored question; left out")
    return False


def _item_ids(questions: list[Field], source: str, notes: list[str]) -> dict[str, str]:
    names = [f[0] for f in questions]
    facts = [f.facts(source) for f in questions]
    expected = [f"q{n}" for n in range(1, len(names) + 1)]
    given = [fact.get("item") if fact else None for fact in facts]
    if given == expected:
        return dict(zip(names, expected, strict=True))
    notes.append("fields numbered q1..qN in dictionary order")
    return dict(zip(names, expected, strict=True))


def _item(field: Field, item_id: str, source: str) -> dict[str, Any]:
    facts = field.facts(source) or {}
    text = _plain(field[4])
    label = str(facts.get("label") or _label(text, field[0]))
    item: dict[str, Any] = {"id": item_id, "label": label}
    if text and text != label:
        item["text"] = text
    kind = field[3]
    if kind == "text" or kind == "slider":
        item["_response"] = _numeric_response(field, source)
    else:
        options = FIXED_CHOICES.get(kind) or _choices(field, source)
        read = read_options(options, source, field.where)
        item["_response"] = read.response
        if read.reverse:
            item["reverse"] = True
        if read.recode is not None:
            item["recode"] = read.recode
    if "response" in facts:
        item["response"] = _response(facts["response"])
    if "reverse" in facts:
        item["reverse"] = facts["reverse"]
    if "recode" in facts:
        item["recode"] = {float(a): float(b) for a, b in facts["recode"]}
    return item


def _choices(field: Field, source: str) -> list[ListedOption]:
    options: list[ListedOption] = []
    for part in field[5].split("|"):
        code, comma, label = part.strip().partition(",")
        if not comma or not code.strip():
            raise ImportFileError(
                source, field.where, f"choice {part.strip()!r} is not written 'code, label'"
            )
        options.append((code.strip(), label.strip() or None, None))
    return options


def _numeric_response(field: Field, source: str) -> dict[str, Any]:
    if field[3] == "slider":
        low, high, places = field[8] or "0", field[9] or "100", 0
    else:
        match = NUMBER_VALIDATION.match(field[7])
        places = int(match.group(2)) if match and match.group(2) else 0
        low, high = field[8], field[9]
        if not low or not high:
            raise ImportFileError(
                source, field.where, "a number field needs a validation minimum and maximum"
            )
    try:
        response: dict[str, Any] = {"min": float(low), "max": float(high), "step": 10.0**-places}
    except ValueError as error:
        raise ImportFileError(source, field.where, "minimum or maximum is not a number") from error
    if field[3] == "slider" and field[5]:
        labels = [part.strip() for part in field[5].split("|")]
        response["anchors"] = {response["min"]: labels[0], response["max"]: labels[-1]}
    return response


def _response(facts: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {
        k: facts[k] for k in ("min", "max", "step", "does_not_apply") if k in facts
    }
    response["anchors"] = {float(value): str(label) for value, label in facts.get("anchors", [])}
    return response


def _common_response(items: list[dict[str, Any]]) -> dict[str, Any]:
    keys = [json.dumps(item["_response"], sort_keys=True, default=str) for item in items]
    return dict(items[max(range(len(keys)), key=lambda k: (keys.count(keys[k]), -k))]["_response"])


def _scales(
    calcs: list[Field],
    item_ids: dict[str, str],
    items: list[dict[str, Any]],
    supplement: dict[str, Any],
    source: str,
    notes: list[str],
) -> list[dict[str, Any]]:
    supplied = {s.get("id"): s for s in supplement.get("scales", []) if isinstance(s, dict)}
    by_id = {item["id"]: item for item in items}
    scales = []
    for field in calcs:
        facts = field.facts(source)
        scale_id = str(facts["scale"]) if facts else re.sub(r"^[^_]+_", "", field[0], count=1)
        if facts is None and len(calcs) == 1 and scale_id != "total":
            notes.append(f"the only calc field, {field[0]}, is the total")
            scale_id = "total"
        scale: dict[str, Any] = {"id": scale_id, "name": _plain(field[4]) or scale_id}
        if facts is not None:
            scale |= _rule(facts)
        elif not {"items", "method"} <= set(supplied.get(scale_id, {})):
            scale |= _hand_rule(field, item_ids, by_id, source)
        scales.append(scale)
    return scales


def _rule(facts: dict[str, Any]) -> dict[str, Any]:
    keys = ("items", "method", "formula", "range", "direction", "optional")
    rule = {key: facts[key] for key in keys if facts.get(key) is not None}
    rule["missing"] = {
        "max_missing": facts.get("max_missing", 0),
        "does_not_apply": facts.get("does_not_apply", "missing"),
    }
    return rule


def _hand_rule(
    field: Field, item_ids: dict[str, str], items: dict[str, dict[str, Any]], source: str
) -> dict[str, Any]:
    calc = read_calculation(field[5])
    if calc is None:
        raise ImportFileError(
            source,
            field.where,
            "the calculation is not a sum or mean of fields; give the scale's items and "
            "method in a scoring file",
        )
    listed = []
    for name, constant in calc.fields:
        if name not in item_ids:
            raise ImportFileError(source, field.where, f"[{name}] is not a question of this form")
        item = items[item_ids[name]]
        if constant is not None:
            response = item["_response"]
            if abs(constant - response["min"] - response["max"]) > 1e-9:
                raise ImportFileError(
                    source, field.where, f"{constant:g}-[{name}] does not reverse its scale"
                )
            item["reverse"] = True
        listed.append(item_ids[name])
    return {"items": listed, "method": calc.method.value}


def _check_calculations(
    definition: Definition, calcs: list[Field], item_ids: dict[str, str], source: str
) -> None:
    """Refuse an Alliance dictionary whose calculation no longer matches its stated rule."""
    ours = {variable(definition.id, item.id): item.id for item in definition.items}
    for field in calcs:
        facts = field.facts(source)
        if facts is None:
            continue
        expected = scale_calculation(definition, definition.scale(str(facts["scale"])))
        if _by_item(field[5], item_ids) != _by_item(expected, ours):
            raise ImportFileError(
                source,
                field.where,
                "the calculation differs from the rule in its @ALLIANCE annotation "
                "(edited elsewhere?); remove the annotation to import it as written",
            )


def _by_item(calculation: str, names: dict[str, str]) -> str:
    """A calculation with each field named by its item id, without spaces."""
    renamed = re.sub(
        r"\[([a-z][a-z0-9_]*)\]", lambda m: f"[{names.get(m.group(1), m.group(1))}]", calculation
    )
    return re.sub(r"\s+", "", renamed)


def _plain(label: str) -> str:
    """A field label without HTML tags or runs of white space."""
    return " ".join(re.sub(r"<[^>]+>", " ", label).split())


def _label(text: str, name: str) -> str:
    if 2 <= len(text) <= LABEL_LENGTH:
        return text
    if len(text) > LABEL_LENGTH:
        return text[: LABEL_LENGTH - 3].rstrip() + "..."
    return name
