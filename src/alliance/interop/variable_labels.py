"""What each column of a research file means: its label, type, value labels and missing codes.

One place decides how a variable is described, so the SPSS file, the R script and the
codebook always agree. Item and scale columns (``wai_sr_q4``, ``odi_total``) are described from
their instrument definitions: the topic label or scale name, the answer anchors as value labels
and "does not apply" as a declared missing value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from alliance import instruments
from alliance.instruments.definition import Definition
from alliance.instruments.library import ids
from alliance.interop.answer_options import number_code
from alliance.interop.deidentify import AGE_TOP
from alliance.interop.research_tables import CATEGORIES, DOES_NOT_APPLY_VALUE

FIXED = {
    "subject": "Patient (research pseudonym)",
    "clinic": "Clinic (research pseudonym)",
    "therapist": "Treating therapist (research pseudonym)",
    "episode": "Episode of care (research pseudonym)",
    "visit": "Visit number within the episode (1 = intake)",
    "day": "Days since the episode's intake",
    "date": "Date (identifiable export only)",
    "start_date": "Episode start date (identifiable export only)",
    "end_date": "Episode end date (identifiable export only)",
    "status": "Visit status",
    "sex": "Sex",
    "age": "Age in years (90 means 90 or older)",
    "condition": "Condition treated",
    "body_region": "Body region",
    "setting": "Care setting",
    "treatment": "Treatment",
    "alliance_arm": "Alliance arm (enhanced or usual, where randomised)",
    "planned_visits": "Visits planned",
    "attended_visits": "Visits attended",
    "discharge_reason": "Reason for discharge",
    "length_days": "Days from intake to the last visit",
    "instrument": "Instrument id (see the codebook's instrument list)",
    "scale": "Scale id within the instrument",
    "score": "Score on the scale",
}


@dataclass(frozen=True)
class Variable:
    """One column: name, label, kind (text, category, integer, number) and value labels."""

    name: str
    label: str
    kind: str
    values: dict[float, str] = field(default_factory=dict)
    missing: tuple[float, ...] = ()
    instrument: str | None = None
    levels: tuple[str, ...] = ()


def describe(frame: pd.DataFrame) -> list[Variable]:
    """A description of every column of a research table, in column order."""
    known = ids()
    return [_variable(str(column), frame[column], known) for column in frame.columns]


def _variable(name: str, column: pd.Series, known: list[str]) -> Variable:
    if name in CATEGORIES:
        levels = tuple(sorted(str(v) for v in column.dropna().unique()))
        return Variable(name, FIXED[name], "category", levels=levels)
    if name in FIXED:
        values = {float(AGE_TOP): f"{AGE_TOP} or older"} if name == "age" else {}
        return Variable(name, FIXED[name], _kind(column), values)
    for instrument in sorted(known, key=len, reverse=True):
        if name.startswith(f"{instrument}_"):
            return _instrument_variable(instruments.load(instrument), name, column)
    return Variable(name, name.replace("_", " "), _kind(column))


def _instrument_variable(definition: Definition, name: str, column: pd.Series) -> Variable:
    part = name.removeprefix(f"{definition.id}_")
    if part in {item.id for item in definition.items}:
        item = definition.item(part)
        scale = definition.response_for(part)
        values = {float(v): text for v, text in scale.anchors.items()}
        missing: tuple[float, ...] = ()
        if scale.does_not_apply:
            values[DOES_NOT_APPLY_VALUE] = "does not apply"
            missing = (DOES_NOT_APPLY_VALUE,)
        label = f"{definition.abbreviation} item {part[1:]}: {item.label}"
        return Variable(name, label, _kind(column), values, missing, definition.id)
    scale_def = definition.scale(part)
    low, high = (number_code(v) for v in scale_def.range)
    direction = scale_def.direction.value.replace("_", " ")
    label = f"{definition.abbreviation}: {scale_def.name} ({low} to {high}, {direction})"
    return Variable(name, label, "number", instrument=definition.id)


def _kind(column: pd.Series) -> str:
    if pd.api.types.is_integer_dtype(column):
        return "integer"
    if pd.api.types.is_numeric_dtype(column):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(column):
        return "date"
    return "text"
