"""Turning what a questionnaire file says into a validated instrument definition.

A FHIR Questionnaire or a REDCap data dictionary gives a *draft*: the raw fields of a definition
that the file states. The user may add a *scoring file* (YAML shaped like a definition) with
what the file does not say, such as a scale's direction or missing-answer rule; its ``items``
and ``scales`` entries are merged into the draft's by id. What neither says gets a documented
default (an unverified provenance naming the file), and the result is validated by the same
schema and consistency checks as the bundled definitions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import ValidationError

from alliance.instruments import Definition, DefinitionError
from alliance.instruments.library import check_consistency
from alliance.instruments.scoring import scale_bounds
from alliance.interop.import_errors import ImportFileError

STATISTICS = ("sd", "sem", "reliability", "mdc", "mcid")
NON_SCORING_FIELDS = ("description", "citation", "validated", "licence", "name", "abbreviation")


@dataclass(frozen=True)
class ImportedDefinition:
    """A definition read from a file, how the file's item ids map to ours, and what was assumed."""

    definition: Definition
    source: str
    item_ids: dict[str, str]
    notes: tuple[str, ...]

    def summary(self) -> str:
        """What was imported, in a few lines."""
        d = self.definition
        lines = [
            f"{d.id}: {d.name}, {len(d.items)} items, scales {', '.join(s.id for s in d.scales)}"
            f" (from {self.source})"
        ]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per item: the file's id, ours, label, reversal and recoding."""
        by_ours = {ours: theirs for theirs, ours in self.item_ids.items()}
        return pd.DataFrame(
            {
                "file_id": [by_ours.get(item.id, item.id) for item in self.definition.items],
                "item": [item.id for item in self.definition.items],
                "label": [item.label for item in self.definition.items],
                "reverse": [item.reverse for item in self.definition.items],
                "recoded": [item.recode is not None for item in self.definition.items],
            }
        )


def read_scoring_file(path: Path) -> dict[str, Any]:
    """Read a user's scoring file (YAML mapping shaped like part of a definition)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ImportFileError(path.name, "", f"not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise ImportFileError(path.name, "", "expected a mapping at the top level")
    return raw


def merge(draft: dict[str, Any], supplement: dict[str, Any]) -> dict[str, Any]:
    """The draft with the supplement laid over it; ``items`` and ``scales`` merge by id."""
    merged = dict(draft)
    for key, value in supplement.items():
        if key in ("items", "scales") and isinstance(value, list):
            merged[key] = _merge_by_id(list(draft.get(key, [])), value)
        elif isinstance(value, dict) and isinstance(draft.get(key), dict):
            merged[key] = merge(draft[key], value)
        else:
            merged[key] = value
    return merged


def build_definition(
    draft: dict[str, Any], source: str, supplement: dict[str, Any] | None = None
) -> tuple[Definition, list[str]]:
    """Validate a draft (plus the user's supplement); return the definition and what was assumed."""
    notes: list[str] = []
    raw = complete(merge(draft, supplement or {}), source, notes)
    try:
        definition = Definition.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "definition"
        raise ImportFileError(source, where, first["msg"]) from error
    definition = _with_derived_ranges(definition, draft, supplement or {})
    try:
        check_consistency(definition, source)
    except DefinitionError as error:
        raise ImportFileError(
            source, "definition", str(error).removeprefix(f"{source}: ")
        ) from error
    return definition, notes


def complete(raw: dict[str, Any], source: str, notes: list[str]) -> dict[str, Any]:
    """Fill what the schema requires and the file did not say, noting each assumption."""
    provenance = {"verified": False, "source": f"imported from {source}"}
    done = dict(raw)
    name = str(done.get("name") or done.get("id") or "imported questionnaire")
    done.setdefault("name", name)
    done.setdefault("abbreviation", name)
    done.setdefault("version", "1.0.0")
    done.setdefault("description", f"Imported from {source}.")
    done.setdefault("citation", {"text": f"Imported from {source}."})
    if "respondent" not in done:
        done["respondent"] = "patient"
        notes.append("respondent not stated: assumed the patient answers")
    done.setdefault("validated", False)
    done.setdefault("licence", {"status": "unknown"})
    for key in ("citation", "licence", "response", "classification"):
        if isinstance(done.get(key), dict):
            done[key] = {"provenance": provenance, **done[key]}
    done["codes"] = [{"provenance": provenance, **code} for code in done.get("codes", [])]
    done["items"] = [_complete_item(item, provenance) for item in done.get("items", [])]
    done["scales"] = [
        _complete_scale(scale, provenance, source, notes) for scale in done.get("scales", [])
    ]
    return done


def structure_and_scoring(definition: Definition) -> dict[str, Any]:
    """What changes how a questionnaire is asked and scored, without provenance or citation.

    Two definitions with equal projections ask the same questions on the same scales and
    score them identically.
    """
    dumped = definition.model_dump(mode="json", exclude=set(NON_SCORING_FIELDS))
    for scale in dumped["scales"]:
        scale.pop("interpretation")
    dumped["codes"] = sorted((c["system"], c["code"], c["display"]) for c in dumped["codes"])
    return _without_provenance(dumped)  # type: ignore[no-any-return]


def definition_yaml(definition: Definition) -> str:
    """The definition as a YAML file that ``instruments.parse_definition`` reads back."""
    header = f"# {definition.name}: imported instrument definition (structure and scoring).\n"
    body = yaml.safe_dump(
        definition.model_dump(mode="json", exclude_defaults=True),
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return header + body


def _merge_by_id(entries: list[Any], additions: list[Any]) -> list[Any]:
    merged = [dict(entry) for entry in entries]
    positions = {entry.get("id"): k for k, entry in enumerate(merged)}
    for addition in additions:
        if isinstance(addition, dict) and addition.get("id") in positions:
            k = positions[addition["id"]]
            merged[k] = merge(merged[k], addition)
        else:
            merged.append(addition)
    return merged


def _complete_item(item: dict[str, Any], provenance: dict[str, Any]) -> dict[str, Any]:
    done = dict(item)
    if isinstance(done.get("response"), dict):
        done["response"] = {"provenance": provenance, **done["response"]}
    return done


def _complete_scale(
    scale: dict[str, Any], provenance: dict[str, Any], source: str, notes: list[str]
) -> dict[str, Any]:
    done = {"provenance": provenance, **scale}
    scale_id = done.get("id", "?")
    if "direction" not in done:
        raise ImportFileError(
            source,
            f"scale {scale_id}",
            "the file does not say whether a higher score is better or worse: give "
            "direction (higher_is_better or higher_is_worse) for this scale in a scoring file",
        )
    if "missing" not in done:
        done["missing"] = {"max_missing": 0}
        notes.append(f"scale {scale_id}: no missing-answer rule; scored only when complete")
    done["missing"] = {"provenance": provenance, **done["missing"]}
    done.setdefault("name", scale_id)
    done.setdefault("range", [0.0, 0.0])
    interpretation = dict(done.get("interpretation", {}))
    for key in STATISTICS:
        if isinstance(interpretation.get(key), dict):
            interpretation[key] = {"provenance": provenance, **interpretation[key]}
    interpretation["cutoffs"] = [
        {"provenance": provenance, **cutoff} for cutoff in interpretation.get("cutoffs", [])
    ]
    if interpretation.get("bands"):
        interpretation.setdefault("bands_provenance", provenance)
    done["interpretation"] = interpretation
    return done


def _with_derived_ranges(
    definition: Definition, draft: dict[str, Any], supplement: dict[str, Any]
) -> Definition:
    """Give every scale whose range no file stated the range its items and method give."""
    stated = {
        scale.get("id")
        for source in (draft, supplement)
        for scale in source.get("scales", [])
        if isinstance(scale, dict) and "range" in scale
    }
    scales = []
    for scale in definition.scales:
        if scale.id in stated:
            scales.append(scale)
            continue
        low, high = scale_bounds(definition, scale)
        scales.append(scale.model_copy(update={"range": (_tidy(low), _tidy(high))}))
    return Definition.model_validate(definition.model_copy(update={"scales": scales}).model_dump())


def _tidy(value: float) -> float:
    rounded = round(value, 9)
    return rounded if math.isfinite(rounded) else value


def _without_provenance(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _without_provenance(value)
            for key, value in node.items()
            if key not in ("provenance", "bands_provenance")
        }
    if isinstance(node, list):
        return [_without_provenance(value) for value in node]
    return node
