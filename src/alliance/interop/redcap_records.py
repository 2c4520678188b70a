"""A research export as a longitudinal REDCap project: one record per episode, one event per visit.

``redcap_project`` gives the four files a REDCap project is set up and filled from: the data
dictionary (an ``episode`` form, a ``visit`` form and one form per instrument), the events
(``visit_1_arm_1``, ``visit_2_arm_1`` ...), the instrument-event mapping and the records in
REDCap's flat import format (``record_id``, ``redcap_event_name``, then every field; each
filled form marked complete, ``<form>_complete`` = 2). REDCap computes the scale scores itself
from the calculated fields, so the records carry answers only.

``read_records`` reads such a records export back into research tables (scores recomputed by
the instrument library), refusing the whole file if any value is not allowed. Rows come back
in REDCap's order: by record (episode pseudonym), then visit.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliance import instruments
from alliance.instruments.library import ids
from alliance.interop.answer_options import problem_text
from alliance.interop.import_errors import ImportFileError
from alliance.interop.redcap_calc import variable
from alliance.interop.redcap_dictionary import HEADER, RECORD_ID, instrument_rows
from alliance.interop.research_tables import EPISODE_COLUMNS, RESEARCH_KEYS, ResearchTables
from alliance.safe_csv import csv_text, frame_text, restore_frame

EVENT = "redcap_event_name"
ARM = 1
COMPLETE = "2"
EVENT_NAME = re.compile(rf"^visit_([1-9][0-9]*)_arm_{ARM}$")
EPISODE_FIELDS = [c for c in EPISODE_COLUMNS if c != "episode"]
VISIT_FIELDS = ["visit_day", "visit_status"]
INTEGER_FIELDS = ("age", "planned_visits", "attended_visits", "length_days", "visit_day")


@dataclass(frozen=True)
class RedcapProject:
    """The CSV texts that set up and fill a longitudinal REDCap project."""

    dictionary: str
    events: str
    mapping: str
    records: str

    def files(self) -> dict[str, str]:
        """File name -> text."""
        return {
            "redcap_dictionary.csv": self.dictionary,
            "redcap_events.csv": self.events,
            "redcap_instrument_events.csv": self.mapping,
            "redcap_records.csv": self.records,
        }


def event_name(visit: int) -> str:
    """The unique REDCap event name of a visit."""
    return f"visit_{visit}_arm_{ARM}"


def redcap_project(research: ResearchTables) -> RedcapProject:
    """The longitudinal REDCap project of these research tables."""
    keys = ["episode", "visit"]
    visits = research.visits[["episode", "visit", "day", "status"]].rename(
        columns={"day": "visit_day", "status": "visit_status"}
    )
    administered = [frame[["episode", "visit", "day"]] for frame in research.answers.values()]
    rows = pd.concat([visits, *administered]).drop_duplicates(keys)
    first = pd.DataFrame({"episode": research.episodes["episode"], "visit": 1})
    rows = pd.concat([rows, first]).drop_duplicates(keys).sort_values(keys, kind="stable")
    rows["visit_day"] = rows["visit_day"].fillna(rows.pop("day")).fillna(0)
    records = rows[[*keys, *VISIT_FIELDS]].reset_index(drop=True)
    episodes = research.episodes.assign(visit=1)
    records = records.merge(episodes, on=keys, how="left")
    absent = [field for field in EPISODE_FIELDS if field not in records]
    records = records.assign(**dict.fromkeys(absent, ""))
    forms = ["episode", "visit"]
    for instrument, frame in research.answers.items():
        definition = instruments.load(instrument)
        items = frame[keys + [item.id for item in definition.items]].copy()
        items.columns = keys + [variable(instrument, item.id) for item in definition.items]
        items[f"{instrument}_complete"] = COMPLETE
        records = records.merge(items, on=keys, how="left")
        forms.append(instrument)
    records["episode_complete"] = np.where(records["visit"] == 1, COMPLETE, "")
    records["visit_complete"] = np.where(records["visit_status"].notna(), COMPLETE, "")
    events = sorted(int(v) for v in records["visit"].unique())
    records.insert(0, RECORD_ID, records.pop("episode"))
    records.insert(1, EVENT, [event_name(int(v)) for v in records.pop("visit")])
    ordered = [RECORD_ID, EVENT, *EPISODE_FIELDS, "episode_complete", *VISIT_FIELDS]
    rest = [str(c) for c in records if c not in ordered and c != "visit_complete"]
    ordered += ["visit_complete", *rest]
    return RedcapProject(
        dictionary=_dictionary(list(research.answers)),
        events=csv_text(
            ["event_name", "arm_num", "unique_event_name"],
            [[f"Visit {v}", str(ARM), event_name(v)] for v in events],
        ),
        mapping=csv_text(
            ["arm_num", "unique_event_name", "form"],
            [[str(ARM), event_name(1), "episode"]]
            + [[str(ARM), event_name(v), form] for v in events for form in forms[1:]],
        ),
        records=frame_text(records[ordered], index=False, float_format="%.10g"),
    )


def read_records(text: str, source: str) -> ResearchTables:
    """Research tables from a REDCap records export; raises ImportFileError, importing nothing."""
    frame = _read_csv(text, source)
    for column in (RECORD_ID, EVENT):
        if column not in frame:
            raise ImportFileError(source, "line 1", f"no {column} column")
    visits = frame[EVENT].map(lambda name: _visit(name, source, frame))
    frame = frame.assign(episode=frame[RECORD_ID], visit=visits)
    episodes = _episodes(frame)
    subject_of = episodes.set_index("episode")[["subject", "clinic", "therapist"]]
    frame = frame.drop(columns=list(subject_of.columns)).join(subject_of, on="episode")
    frame["day"] = _integers(frame["visit_day"], source, "visit_day")
    listed = frame[frame["visit_complete"] == COMPLETE]
    visit_table = listed[["episode", "visit", "day", "visit_status"]].rename(
        columns={"visit_status": "status"}
    )
    answers, scores = {}, []
    for instrument in _instruments(frame, source):
        definition = instruments.load(instrument)
        given = frame[frame[f"{instrument}_complete"] == COMPLETE]
        names = [variable(instrument, item.id) for item in definition.items]
        items = given[names].apply(_answers)
        items.columns = [item.id for item in definition.items]
        table = pd.concat([given[RESEARCH_KEYS], items], axis=1).reset_index(drop=True)
        try:
            scored = instruments.score(definition, table)
        except instruments.AnswerError as error:
            first = error.problems[0]
            line = int(given.index[max(first.row - 1, 0)]) + 2
            reason = problem_text(variable(instrument, first.item), first)
            raise ImportFileError(source, f"line {line}", reason) from error
        answers[instrument] = table
        scores += [
            table.loc[scored[s.id].notna(), RESEARCH_KEYS].assign(
                instrument=instrument, scale=s.id, score=scored.loc[scored[s.id].notna(), s.id]
            )
            for s in definition.scales
        ]
    tidy = pd.concat(scores, ignore_index=True) if scores else pd.DataFrame()
    return ResearchTables(episodes, visit_table.reset_index(drop=True), answers, tidy)


def _dictionary(instrument_ids: list[str]) -> str:
    rows = [(RECORD_ID, "episode", "text", "Episode of care (research pseudonym)", "")]
    rows += [
        (
            name,
            "episode",
            "text",
            name.replace("_", " "),
            "integer" if name in INTEGER_FIELDS else "",
        )
        for name in EPISODE_FIELDS
    ]
    rows += [
        ("visit_day", "visit", "text", "Days since intake", "integer"),
        ("visit_status", "visit", "text", "Visit status", ""),
    ]
    fields = []
    for name, form, kind, label, validation in rows:
        row = dict.fromkeys(HEADER, "")
        row.update({HEADER[0]: name, HEADER[1]: form, HEADER[3]: kind, HEADER[4]: label})
        row[HEADER[7]] = validation
        fields.append(row)
    for instrument in instrument_ids:
        fields += instrument_rows(instruments.load(instrument))
    return csv_text(HEADER, [[field[column] for column in HEADER] for field in fields])


def _read_csv(text: str, source: str) -> pd.DataFrame:
    try:
        return restore_frame(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False))
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise ImportFileError(source, "", f"not a readable CSV file: {error}") from error


def _visit(name: str, source: str, frame: pd.DataFrame) -> int:
    match = EVENT_NAME.match(name)
    if match is None:
        line = int(frame.index[frame[EVENT] == name][0]) + 2
        raise ImportFileError(source, f"line {line}", f"event {name!r} is not visit_<n>_arm_{ARM}")
    return int(match.group(1))


def _episodes(frame: pd.DataFrame) -> pd.DataFrame:
    rows = frame[frame["episode_complete"] == COMPLETE]
    episodes = rows[["episode", *EPISODE_FIELDS]].reset_index(drop=True)
    for column in INTEGER_FIELDS:
        if column in episodes:
            episodes[column] = pd.to_numeric(episodes[column]).astype("int64")
    return episodes[EPISODE_COLUMNS]


def _instruments(frame: pd.DataFrame, source: str) -> list[str]:
    found = [str(c).removesuffix("_complete") for c in frame if str(c).endswith("_complete")]
    chosen = [name for name in found if name not in ("episode", "visit")]
    known = ids()
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise ImportFileError(source, "line 1", f"unknown instruments {unknown}")
    return chosen


def _integers(column: pd.Series, source: str, name: str) -> pd.Series:
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.isna().any():
        line = int(numbers.index[numbers.isna()][0]) + 2
        raise ImportFileError(source, f"line {line}", f"{name} must be a whole number of days")
    return numbers.astype("int64")


def _answers(column: pd.Series) -> pd.Series:
    """A field's answers: numbers (float) unless some are "NA" or text, then as given."""
    values = [_answer(value) for value in column]
    if any(isinstance(value, str) for value in values):
        return pd.Series(values, index=column.index, dtype=object)
    return pd.Series(values, index=column.index, dtype="float64")


def _answer(value: str) -> float | str | None:
    text = value.strip()
    if not text:
        return None
    if text.upper() == "NA":
        return "NA"
    try:
        return float(text)
    except ValueError:
        return text
