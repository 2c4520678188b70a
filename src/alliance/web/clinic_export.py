"""The clinic's database as ``alliance.interop`` tables, read in a fixed number of queries.

``clinic_tables`` turns a set of patients (always one that ``scope.exportable_patients``
gave) into the ``ClinicTables`` every exporter reads: patients, episodes, visits, one answer
table per instrument and the tidy long scores. Identifiers are the clinic's own: patient
codes, and episode, therapist and clinic row numbers as text. Ages are read (from the
identity's date of birth) only when the caller asks for an identifiable export.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import QuerySet

from alliance import instruments
from alliance.interop.clinic_tables import KEYS, SCORE_COLUMNS, ClinicTables
from alliance.web.models import Assessment, Episode, Patient, Visit, VisitStatus

EPISODE_FIELDS = [
    "pk", "patient__code", "patient__clinic_id", "therapist_id", "condition", "body_region",
    "setting", "start_date", "end_date", "planned_visits", "discharge_reason",
]  # fmt: skip
EPISODE_COLUMNS = [
    "episode_id", "patient_id", "clinic_id", "therapist_id", "condition", "body_region",
    "setting", "start_date", "end_date", "planned_visits", "discharge_reason",
]  # fmt: skip
ASSESSMENT_FIELDS = [
    "pk", "instrument_id", "visit__episode_id", "visit__number", "visit__date", "answers",
    "scores",
]  # fmt: skip


def clinic_tables(patients: QuerySet[Patient], *, with_age: bool = False) -> ClinicTables:
    """The tables of ``patients``: four queries (five with ages), whatever their number."""
    people = _patients(patients, with_age)
    episodes = _episodes(patients)
    visits = _visits(patients)
    episodes["attended_visits"] = (
        episodes["episode_id"]
        .map(visits[visits["status"] == VisitStatus.ATTENDED].groupby("episode_id").size())
        .fillna(0)
        .astype("int64")
    )
    if with_age and len(episodes):
        intake = episodes.groupby("patient_id")["start_date"].min()
        born = pd.to_datetime(people["date_of_birth"])
        first = people["patient_id"].map(intake)
        years = first.dt.year - born.dt.year
        before_birthday = (first.dt.month < born.dt.month) | (
            (first.dt.month == born.dt.month) & (first.dt.day < born.dt.day)
        )
        people["age"] = (years - before_birthday.astype("int64")).astype("float64")
    people = people.drop(columns="date_of_birth", errors="ignore")
    answers, scores = _assessments(patients, episodes)
    return ClinicTables(answers, scores, people, episodes, visits)


def _patients(patients: QuerySet[Patient], with_age: bool) -> pd.DataFrame:
    fields = ["code", "clinic_id"] + (["identity__date_of_birth"] if with_age else [])
    rows = list(patients.order_by("pk").values_list(*fields))
    columns = ["patient_id", "clinic_id"] + (["date_of_birth"] if with_age else [])
    frame = pd.DataFrame(rows, columns=columns)
    frame["clinic_id"] = frame["clinic_id"].astype("str")
    return frame


def _episodes(patients: QuerySet[Patient]) -> pd.DataFrame:
    rows = Episode.objects.filter(patient__in=patients.values("pk")).order_by("pk")
    frame = pd.DataFrame(list(rows.values_list(*EPISODE_FIELDS)), columns=EPISODE_COLUMNS)
    for column in ("episode_id", "clinic_id", "therapist_id"):
        frame[column] = frame[column].astype("str")
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
    frame["planned_visits"] = pd.to_numeric(frame["planned_visits"]).astype("float64")
    return frame


def _visits(patients: QuerySet[Patient]) -> pd.DataFrame:
    rows = Visit.objects.filter(episode__patient__in=patients.values("pk")).order_by(
        "episode_id", "number"
    )
    frame = pd.DataFrame(
        list(rows.values_list("episode_id", "number", "date", "status")),
        columns=["episode_id", "visit", "date", "status"],
    )
    frame["episode_id"] = frame["episode_id"].astype("str")
    frame["visit"] = frame["visit"].astype("int64")
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[us]")
    return frame


def _assessments(
    patients: QuerySet[Patient], episodes: pd.DataFrame
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """One answer table per instrument and the long scores; the latest of repeats counts."""
    rows = Assessment.objects.filter(patient__in=patients.values("pk")).order_by("pk")
    owners = episodes.set_index("episode_id")[["clinic_id", "therapist_id", "patient_id"]]
    latest: dict[tuple[str, int, str], tuple[Any, ...]] = {}
    for pk, instrument, episode, number, date, answers, scores in rows.values_list(
        *ASSESSMENT_FIELDS
    ):
        latest[(str(episode), int(number), str(instrument))] = (pk, date, answers, scores)
    grouped: dict[str, list[tuple[list[Any], dict[str, Any]]]] = {}
    score_rows: list[list[Any]] = []
    for (episode, number, instrument), (_, date, answers, scores) in latest.items():
        clinic, therapist, patient = owners.loc[episode]
        keys = [clinic, therapist, patient, episode, number, date]
        grouped.setdefault(instrument, []).append((keys, answers))
        score_rows += [
            [*keys, instrument, scale, float(value)]
            for scale, value in scores.items()
            if value is not None
        ]
    tables = {
        instrument: answer_table(instrument, members)
        for instrument, members in sorted(grouped.items())
    }
    scores = pd.DataFrame(score_rows, columns=SCORE_COLUMNS)
    return tables, _typed_keys(scores)


def answer_table(instrument: str, members: list[tuple[list[Any], dict[str, Any]]]) -> pd.DataFrame:
    """One instrument's answer table: the ``KEYS`` and its items, from (keys, answers) pairs."""
    items = [item.id for item in instruments.load(instrument).items]
    weights = sorted(
        {name for _, answers in members for name in answers if name.endswith("_weight")}
    )
    keys = pd.DataFrame([k for k, _ in members], columns=KEYS)
    columns = {name: _column([a.get(name) for _, a in members]) for name in items + weights}
    return pd.concat([_typed_keys(keys), pd.DataFrame(columns)], axis=1)


def _column(values: Iterable[Any]) -> pd.Series:
    """Answers as the scoring engine reads them: numbers, ``NA`` for "does not apply", NaN."""
    cells = [_cell(value) for value in values]
    if any(isinstance(cell, str) for cell in cells):
        return pd.Series(cells, dtype=object)
    return pd.Series(cells, dtype="float64")


def _cell(value: Any) -> float | str:
    if value is None or isinstance(value, bool):
        return math.nan
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if not text:
        return math.nan
    if text.upper() == instruments.DOES_NOT_APPLY:
        return instruments.DOES_NOT_APPLY
    try:
        return float(text)
    except ValueError:
        return text


def _typed_keys(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in ("clinic_id", "therapist_id", "patient_id", "episode_id"):
        out[column] = out[column].astype("str")
    out["visit"] = out["visit"].astype("int64")
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[us]")
    if "score" in out:
        out["score"] = out["score"].astype(np.float64)
    return out
