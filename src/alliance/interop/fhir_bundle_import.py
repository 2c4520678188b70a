"""Reading a Bundle of assessments back into answer and score tables, all or nothing.

The Bundle is the one ``fhir_bundle.assessments_bundle`` writes (Encounters, Questionnaire-
Responses, Observations, found by our identifiers). Everything is checked before anything is
returned: each entry validates with fhir.resources, each answer is allowed by its instrument,
each score is the one the instrument gives for those answers. An assessment already present
(in the Bundle, or in the ``existing`` tables) with the same answers is a duplicate and is
skipped with its scores; with different answers it is a conflict and the whole Bundle is
refused.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from fhir.resources.R4B.bundle import BundleEntry
from pydantic import ValidationError

from alliance import instruments
from alliance.instruments.definition import Definition
from alliance.interop import fhir_names as names
from alliance.interop.answer_options import problem_text
from alliance.interop.clinic_tables import KEYS, SCORE_COLUMNS, ClinicTables, typed
from alliance.interop.import_errors import ImportFileError
from alliance.interop.known_assessments import without_known

Progress = Callable[[int], None]
Answer = float | str | None
BUNDLE_TYPES = ("transaction", "batch", "collection")


@dataclass(frozen=True)
class BundleImport:
    """The new assessments of a Bundle, and what was recognised as already there."""

    answers: dict[str, pd.DataFrame]
    scores: pd.DataFrame
    duplicates: tuple[str, ...]
    ignored: tuple[str, ...]

    def summary(self) -> str:
        """How many assessments and scores are new, and what was skipped."""
        new = sum(len(frame) for frame in self.answers.values())
        lines = [f"{new} new assessments with {len(self.scores)} scores"]
        if self.duplicates:
            lines.append(f"{len(self.duplicates)} duplicate assessments skipped")
        if self.ignored:
            lines.append(f"{len(self.ignored)} entries of other resource types ignored")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The new scores: the tidy long table."""
        return self.scores


@dataclass
class _Assessment:
    identifier: str
    instrument: str
    keys: list[Any]
    answers: dict[str, Answer]
    where: str


def read_bundle(
    path: Path, existing: ClinicTables | None = None, on_progress: Progress | None = None
) -> BundleImport:
    """Read a Bundle JSON file (see ``parse_bundle``)."""
    return parse_bundle(path.read_text(encoding="utf-8-sig"), path.name, existing, on_progress)


def parse_bundle(
    text: str,
    source: str,
    existing: ClinicTables | None = None,
    on_progress: Progress | None = None,
) -> BundleImport:
    """The new assessments of Bundle JSON ``text``; raises ImportFileError, importing nothing."""
    entries = _entries(text, source, on_progress)
    by_url = {str(entry.get("fullUrl", "")): entry["resource"] for entry in entries}
    encounters: dict[str, list[Any]] = {}
    assessments: dict[str, _Assessment] = {}
    by_response_url: dict[str, _Assessment] = {}
    duplicates: list[str] = []
    ignored: list[str] = []
    observations: list[tuple[int, dict[str, Any]]] = []
    for index, entry in enumerate(entries):
        resource, kind = entry["resource"], entry["resource"]["resourceType"]
        where = f"entry[{index}] ({kind})"
        if kind == "Encounter":
            encounters[str(entry.get("fullUrl"))] = _visit(resource, source, where)
        elif kind == "QuestionnaireResponse":
            found = _assessment(resource, by_url, source, where)
            known = assessments.get(found.identifier)
            if known is not None:
                _same_or_conflict(known, found, source)
                duplicates.append(found.identifier)
            else:
                assessments[found.identifier] = found
            by_response_url[str(entry.get("fullUrl"))] = assessments[found.identifier]
        elif kind == "Observation":
            observations.append((index, resource))
        else:
            ignored.append(where)
    for assessment in assessments.values():
        assessment.keys = _keys(assessment, by_url, source)
    scores = _scores(observations, by_response_url, source)
    tables = _tables(list(assessments.values()))
    _check(tables, scores, assessments, source)
    if existing is not None:
        places = {identifier: found.where for identifier, found in assessments.items()}
        tables, scores, present = without_known(tables, scores, existing, source, places)
        duplicates += present
    return BundleImport(tables, scores, tuple(duplicates), tuple(ignored))


def _entries(text: str, source: str, on_progress: Progress | None) -> list[dict[str, Any]]:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise ImportFileError(source, where, f"not valid JSON: {error.msg}") from error
    if not isinstance(raw, dict) or raw.get("resourceType") != "Bundle":
        raise ImportFileError(source, "resourceType", "expected a FHIR Bundle")
    if raw.get("type") not in BUNDLE_TYPES:
        raise ImportFileError(source, "type", f"expected one of {BUNDLE_TYPES}")
    entries = raw.get("entry", [])
    if not isinstance(entries, list):
        raise ImportFileError(source, "entry", "must be a list")
    for index, entry in enumerate(entries):
        kind = (
            entry.get("resource", {}).get("resourceType", "?") if isinstance(entry, dict) else "?"
        )
        try:
            BundleEntry.model_validate(entry)
        except ValidationError as error:
            first = error.errors()[0]
            path = ".".join(str(part) for part in first["loc"])
            raise ImportFileError(
                source, f"entry[{index}] ({kind}) {path}", first["msg"]
            ) from error
        if "resource" not in entry:
            raise ImportFileError(source, f"entry[{index}]", "has no resource")
        if on_progress is not None and index % 500 == 499:
            on_progress(500)
    if on_progress is not None:
        on_progress(len(entries) % 500)
    return entries


def _visit(resource: dict[str, Any], source: str, where: str) -> list[Any]:
    visit = _identifier_value(resource.get("identifier", []), names.VISIT_SYSTEM)
    episodes = [
        _reference_value(e, names.EPISODE_SYSTEM) for e in resource.get("episodeOfCare", [])
    ]
    therapists = [
        _reference_value(p.get("individual", {}), names.THERAPIST_SYSTEM)
        for p in resource.get("participant", [])
    ]
    clinic = _reference_value(resource.get("serviceProvider", {}), names.CLINIC_SYSTEM)
    patient = _reference_value(resource.get("subject", {}), names.PATIENT_SYSTEM)
    date = resource.get("period", {}).get("start")
    if None in (visit, clinic, patient, date) or not episodes[:1] or not therapists[:1]:
        raise ImportFileError(
            source, where, "needs Alliance identifiers of visit, episode, therapist, clinic and "
            "patient, and a start date",
        )  # fmt: skip
    episode, _, number = str(visit).rpartition("/")
    if episode != episodes[0] or not number.isdigit():
        raise ImportFileError(source, where, f"visit identifier {visit} does not match its episode")
    return [clinic, therapists[0], patient, episode, int(number), date]


def _assessment(
    resource: dict[str, Any], by_url: dict[str, dict[str, Any]], source: str, where: str
) -> _Assessment:
    identifier = _identifier_value([resource.get("identifier", {})], names.ASSESSMENT_SYSTEM)
    canonical, _, version = str(resource.get("questionnaire", "")).partition("|")
    instrument = canonical.removeprefix(names.QUESTIONNAIRE + "/")
    if identifier is None or instrument == canonical:
        raise ImportFileError(
            source, where, "needs an Alliance assessment identifier and questionnaire"
        )
    where = f"{where} {identifier}"
    try:
        definition = instruments.load(instrument)
    except KeyError as error:
        raise ImportFileError(source, where, f"unknown instrument {instrument!r}") from error
    if version and version != definition.version:
        raise ImportFileError(
            source, where, f"answers version {version} of {instrument}; this Alliance has "
            f"{definition.version}",
        )  # fmt: skip
    answers = _answers(resource.get("item", []), definition, source, where)
    assessment = _Assessment(identifier, instrument, [], answers, where)
    assessment.keys = [resource.get("encounter", {}).get("reference"), resource.get("subject")]
    return assessment


def _answers(
    items: list[dict[str, Any]], definition: Definition, source: str, where: str
) -> dict[str, Answer]:
    known = {item.id for item in definition.items}
    answers: dict[str, Answer] = dict.fromkeys(known)
    for item in items:
        link_id = str(item.get("linkId"))
        if link_id not in known:
            raise ImportFileError(source, where, f"{link_id} is not an item of {definition.id}")
        given = item.get("answer", [])
        if len(given) > 1:
            raise ImportFileError(source, where, f"{link_id} has {len(given)} answers")
        for answer in given:
            answers[link_id] = _value(answer, source, f"{where} {link_id}")
        for extension in item.get("extension", []):
            if extension.get("url") == names.ANSWER_WEIGHT:
                if definition.weights == "none":
                    raise ImportFileError(
                        source, where, f"{link_id} has a weight; {definition.id} takes none"
                    )
                answers[f"{link_id}_weight"] = _weight(extension, source, f"{where} {link_id}")
    return answers


def _weight(extension: dict[str, Any], source: str, where: str) -> float:
    value = extension.get("valueDecimal", extension.get("valueInteger"))
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ImportFileError(source, where, "an answer's weight must be a number")
    return float(value)


def _value(answer: dict[str, Any], source: str, where: str) -> Answer:
    if "valueCoding" in answer:
        code = str(answer["valueCoding"].get("code", ""))
        if code.upper() == names.DOES_NOT_APPLY_CODE:
            return names.DOES_NOT_APPLY_CODE
        try:
            return float(code)
        except ValueError:
            raise ImportFileError(source, where, f"answer code {code!r} is not a number") from None
    for key in ("valueInteger", "valueDecimal"):
        if key in answer:
            return float(answer[key])
    raise ImportFileError(source, where, "an answer must be a coding, an integer or a decimal")


def _keys(assessment: _Assessment, by_url: dict[str, dict[str, Any]], source: str) -> list[Any]:
    reference, subject = assessment.keys
    encounter = by_url.get(str(reference))
    if encounter is None or encounter.get("resourceType") != "Encounter":
        raise ImportFileError(source, assessment.where, "its encounter is not in the Bundle")
    keys = _visit(encounter, source, f"Encounter {reference}")
    if _reference_value(subject or {}, names.PATIENT_SYSTEM) != keys[2]:
        raise ImportFileError(source, assessment.where, "its patient differs from its visit's")
    return keys


def _scores(
    observations: list[tuple[int, dict[str, Any]]],
    responses: dict[str, _Assessment],
    source: str,
) -> pd.DataFrame:
    rows: dict[str, list[Any]] = {}
    for index, resource in observations:
        where = f"entry[{index}] (Observation)"
        code = next(
            (
                str(c.get("code"))
                for c in resource.get("code", {}).get("coding", [])
                if c.get("system") == names.SCORE_SYSTEM
            ),
            None,
        )
        derived = [str(d.get("reference")) for d in resource.get("derivedFrom", [])]
        assessment = responses.get(derived[0]) if derived else None
        value = resource.get("valueQuantity", {}).get("value")
        if code is None or assessment is None or value is None:
            reason = "needs an Alliance score code, a value and its QuestionnaireResponse here"
            raise ImportFileError(source, where, reason)
        instrument, _, scale = code.partition(".")
        if instrument != assessment.instrument:
            raise ImportFileError(
                source, where, f"scores {instrument} from a {assessment.instrument}"
            )
        identifier = f"{assessment.identifier}/{scale}"
        row = [*assessment.keys, instrument, scale, float(value)]
        if identifier in rows and rows[identifier] != row:
            raise ImportFileError(source, where, f"score {identifier} appears twice, differently")
        rows[identifier] = row
    return typed(pd.DataFrame(list(rows.values()), columns=SCORE_COLUMNS))


def _tables(assessments: list[_Assessment]) -> dict[str, pd.DataFrame]:
    grouped: dict[str, list[_Assessment]] = {}
    for assessment in assessments:
        grouped.setdefault(assessment.instrument, []).append(assessment)
    tables = {}
    for instrument, members in grouped.items():
        items = [item.id for item in instruments.load(instrument).items]
        items += sorted({name for a in members for name in a.answers if name not in items})
        keys = typed(pd.DataFrame([a.keys for a in members], columns=KEYS))
        columns = {}
        for item in items:
            values = [a.answers.get(item) for a in members]
            if any(isinstance(v, str) for v in values):
                columns[item] = pd.Series(values, dtype=object)
            else:
                columns[item] = pd.Series(
                    [np.nan if v is None else v for v in values], dtype="float64"
                )
        tables[instrument] = pd.concat([keys, pd.DataFrame(columns)], axis=1)
    return tables


def _check(
    tables: dict[str, pd.DataFrame],
    scores: pd.DataFrame,
    assessments: dict[str, _Assessment],
    source: str,
) -> None:
    """Every answer allowed, and every score the one the instrument gives for its answers."""
    by_instrument: dict[str, list[_Assessment]] = {}
    for assessment in assessments.values():
        by_instrument.setdefault(assessment.instrument, []).append(assessment)
    for instrument, frame in tables.items():
        try:
            computed = instruments.score(instrument, frame)
        except instruments.AnswerError as error:
            first = error.problems[0]
            where = by_instrument[instrument][max(first.row - 1, 0)].where
            raise ImportFileError(
                source, where, problem_text(f"item {first.item}", first)
            ) from error
        given = scores[scores["instrument"] == instrument]
        position = {
            (episode, visit): row
            for row, (episode, visit) in enumerate(
                zip(frame["episode_id"], frame["visit"], strict=True)
            )
        }
        for episode, visit, scale, value in given[
            ["episode_id", "visit", "scale", "score"]
        ].itertuples(index=False):
            row = position[(episode, visit)]
            expected = computed[scale].iloc[row] if scale in computed.columns else None
            if expected is None or not math.isclose(float(expected), float(value), abs_tol=1e-6):
                raise ImportFileError(
                    source,
                    f"Observation {episode}/{visit}/{instrument}/{scale}",
                    f"score {value:g} is not what {instrument} gives for its answers ({expected})",
                )


def _same_or_conflict(known: _Assessment, found: _Assessment, source: str) -> None:
    if known.answers != found.answers or known.keys != found.keys:
        raise ImportFileError(
            source,
            found.where,
            f"assessment {found.identifier} appears twice with different answers",
        )


def _identifier_value(identifiers: list[dict[str, Any]], system: str) -> str | None:
    for identifier in identifiers:
        if isinstance(identifier, dict) and identifier.get("system") == system:
            return str(identifier.get("value"))
    return None


def _reference_value(reference: dict[str, Any], system: str) -> str | None:
    return _identifier_value([reference.get("identifier", {})], system)
