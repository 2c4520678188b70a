"""Assessments as a FHIR transaction Bundle: Encounters, QuestionnaireResponses and Observations.

- One ``Encounter`` per visit (identifier ``<episode>/<visit>``): the patient, the therapist as
  participant, the clinic as service provider, the episode of care and the visit date.
- One ``QuestionnaireResponse`` per administration (identifier ``<episode>/<visit>/<instrument>``)
  answering the instrument's Questionnaire (``alliance export questionnaire``): discrete answers
  as the Questionnaire's codings, continuous ones as numbers, blanks left out.
- One ``Observation`` per score (identifier ``.../<scale>``), coded with LOINC where the
  definition has a score code and always with our own ``<instrument>.<scale>`` code, derived
  from its QuestionnaireResponse.

Every entry is a conditional create (``ifNoneExist`` on its identifier), so a server given the
same Bundle twice keeps one copy. UUIDs are derived from the identifiers, so the same tables
always give the same Bundle. Each entry is validated with fhir.resources as it is built.

The Bundle carries patient codes and dates: it is an identifiable export. The clinic must
check the admin role and audit the export before calling ``assessments_bundle``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from fhir.resources.R4B.bundle import Bundle, BundleEntry

from alliance import instruments
from alliance.instruments.answers import Answers, read_answers
from alliance.instruments.definition import Definition
from alliance.interop import fhir_names as names
from alliance.interop.answer_options import AnswerOption, answer_options
from alliance.interop.clinic_tables import KEYS
from alliance.interop.questionnaire_export import is_score_code

Progress = Callable[[int], None]


class BundleExportError(ValueError):
    """Raised when the tables cannot become a consistent Bundle (the message says where)."""


def assessments_bundle(
    answers: dict[str, pd.DataFrame],
    scores: pd.DataFrame,
    on_progress: Progress | None = None,
) -> dict[str, Any]:
    """The transaction Bundle (JSON-ready data) of these answers and scores.

    ``on_progress`` is called with the number of entries each time a batch is validated.
    """
    entries: list[dict[str, Any]] = []
    encounters: dict[tuple[str, int], tuple[str, tuple[Any, ...]]] = {}
    responses: dict[tuple[str, int, str], str] = {}
    for instrument, frame in answers.items():
        definition = instruments.load(instrument)
        read = read_answers(definition, frame)
        options = answer_options(definition)
        keys = frame[KEYS].to_numpy(dtype=object)
        weights = _weights(definition, frame)
        for row in range(len(frame)):
            encounter = _encounter(keys[row], encounters, entries)
            response = _response(definition, options, keys[row], encounter, read, row, weights)
            responses[(keys[row][3], int(keys[row][4]), instrument)] = response["fullUrl"]
            entries.append(response)
    entries += _observations(scores, responses)
    for start in range(0, len(entries), 500):
        for entry in entries[start : start + 500]:
            BundleEntry.model_validate(entry)
        if on_progress is not None:
            on_progress(len(entries[start : start + 500]))
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries}
    Bundle.model_validate({"resourceType": "Bundle", "type": "transaction"})
    return bundle


def entry_count(answers: dict[str, pd.DataFrame], scores: pd.DataFrame) -> int:
    """How many entries the Bundle of these tables has (for a progress bar)."""
    frames = [frame[["episode_id", "visit"]] for frame in answers.values()]
    visits = pd.concat(frames) if frames else pd.DataFrame(columns=["episode_id", "visit"])
    return len(visits.drop_duplicates()) + len(visits) + len(scores)


def full_url(system: str, value: str) -> str:
    """The Bundle-local URL of a resource, derived from its identifier."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{system}|{value}')}"


def _encounter(
    keys: np.ndarray[Any, Any],
    encounters: dict[tuple[str, int], tuple[str, tuple[Any, ...]]],
    entries: list[dict[str, Any]],
) -> str:
    clinic, therapist, patient, episode, visit, date = keys
    key = (str(episode), int(visit))
    facts = (str(clinic), str(therapist), str(patient), _date(date))
    if key in encounters:
        url, known = encounters[key]
        if known != facts:
            raise BundleExportError(
                f"visit {visit} of episode {episode} has two different "
                "clinics, therapists, patients or dates in the answer tables"
            )
        return url
    value = f"{episode}/{int(visit)}"
    url = full_url(names.VISIT_SYSTEM, value)
    resource = {
        "resourceType": "Encounter",
        "identifier": [{"system": names.VISIT_SYSTEM, "value": value}],
        "status": "finished",
        "class": {"system": names.ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "subject": _identifier(names.PATIENT_SYSTEM, facts[2]),
        "episodeOfCare": [_identifier(names.EPISODE_SYSTEM, key[0])],
        "participant": [{"individual": _identifier(names.THERAPIST_SYSTEM, facts[1])}],
        "serviceProvider": _identifier(names.CLINIC_SYSTEM, facts[0]),
        "period": {"start": facts[3]},
    }
    encounters[key] = (url, facts)
    entries.append(_entry(url, resource, names.VISIT_SYSTEM, value))
    return url


def _response(
    definition: Definition,
    options: dict[str, list[AnswerOption]],
    keys: np.ndarray[Any, Any],
    encounter: str,
    read: Answers,
    row: int,
    weights: dict[str, np.ndarray[Any, Any]],
) -> dict[str, Any]:
    _, _, patient, episode, visit, date = keys
    value = f"{episode}/{int(visit)}/{definition.id}"
    url = full_url(names.ASSESSMENT_SYSTEM, value)
    items = []
    for j, item in enumerate(definition.items):
        answer = _answer(
            definition,
            item.id,
            options.get(item.id),
            read.values[j, row],
            read.not_applicable[j, row],
        )
        if answer is not None:
            entry: dict[str, Any] = {"linkId": item.id, "answer": [answer]}
            weight = weights[item.id][row] if item.id in weights else np.nan
            if not np.isnan(weight):
                entry["extension"] = [{"url": names.ANSWER_WEIGHT, "valueDecimal": float(weight)}]
            items.append(entry)
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": names.ASSESSMENT_SYSTEM, "value": value},
        "questionnaire": f"{names.questionnaire_url(definition.id)}|{definition.version}",
        "status": "completed",
        "subject": _identifier(names.PATIENT_SYSTEM, str(patient)),
        "encounter": {"reference": encounter},
        "authored": _date(date),
    }
    if items:
        resource["item"] = items
    return _entry(url, resource, names.ASSESSMENT_SYSTEM, value)


def _weights(definition: Definition, frame: pd.DataFrame) -> dict[str, np.ndarray[Any, Any]]:
    """The weight columns (``<item>_weight``) of an instrument that takes weights, by item."""
    if definition.weights == "none":
        return {}
    return {
        item.id: pd.to_numeric(frame[f"{item.id}_weight"], errors="coerce").to_numpy(float)
        for item in definition.items
        if f"{item.id}_weight" in frame
    }


def _answer(
    definition: Definition,
    item_id: str,
    options: list[AnswerOption] | None,
    value: float,
    not_applicable: bool,
) -> dict[str, Any] | None:
    """One answer as the item's Questionnaire asks it: a coding, an integer or a decimal."""
    system = names.answer_system(definition.id)
    if not_applicable:
        return {"valueCoding": {"system": system, "code": names.DOES_NOT_APPLY_CODE}}
    if np.isnan(value):
        return None
    if options is not None:
        option = next(o for o in options if o.value is not None and np.isclose(o.value, value))
        coding = {"system": system, "code": option.code}
        if option.display:
            coding["display"] = option.display
        return {"valueCoding": coding}
    scale = definition.response_for(item_id)
    if scale.step == 1 and float(scale.min).is_integer():
        return {"valueInteger": int(value)}
    return {"valueDecimal": float(value)}


def _observations(
    scores: pd.DataFrame, responses: dict[tuple[str, int, str], str]
) -> list[dict[str, Any]]:
    entries = []
    rows = scores[[*KEYS, "instrument", "scale", "score"]].to_numpy(dtype=object)
    definitions: dict[str, Definition] = {}
    for number, (_, _, patient, episode, visit, date, instrument, scale, score) in enumerate(rows):
        definition = definitions.get(instrument) or definitions.setdefault(
            instrument, instruments.load(instrument)
        )
        derived = responses.get((str(episode), int(visit), str(instrument)))
        if derived is None:
            raise BundleExportError(
                f"scores row {number + 1}: no answers of {instrument} at visit {visit} of "
                f"episode {episode}"
            )
        value = f"{episode}/{int(visit)}/{instrument}/{scale}"
        codings = [
            {"system": code.system, "code": code.code, "display": code.display}
            for code in definition.codes
            if scale == "total" and is_score_code(code)
        ]
        codings.append(
            {
                "system": names.SCORE_SYSTEM,
                "code": f"{instrument}.{scale}",
                "display": f"{definition.abbreviation}: {definition.scale(str(scale)).name}",
            }
        )
        resource = {
            "resourceType": "Observation",
            "identifier": [{"system": names.SCORE_IDENTIFIER_SYSTEM, "value": value}],
            "status": "final",
            "category": [{"coding": [{"system": names.OBSERVATION_CATEGORY, "code": "survey"}]}],
            "code": {"coding": codings},
            "subject": _identifier(names.PATIENT_SYSTEM, str(patient)),
            "encounter": {"reference": full_url(names.VISIT_SYSTEM, f"{episode}/{int(visit)}")},
            "effectiveDateTime": _date(date),
            "valueQuantity": {"value": float(score)},
            "derivedFrom": [{"reference": derived}],
        }
        url = full_url(names.SCORE_IDENTIFIER_SYSTEM, value)
        entries.append(_entry(url, resource, names.SCORE_IDENTIFIER_SYSTEM, value))
    return entries


def _entry(url: str, resource: dict[str, Any], system: str, value: str) -> dict[str, Any]:
    return {
        "fullUrl": url,
        "resource": resource,
        "request": {
            "method": "POST",
            "url": resource["resourceType"],
            "ifNoneExist": f"identifier={system}|{value}",
        },
    }


def _identifier(system: str, value: str) -> dict[str, Any]:
    return {"identifier": {"system": system, "value": value}}


def _date(value: Any) -> str:
    return str(pd.Timestamp(value).date().isoformat())
