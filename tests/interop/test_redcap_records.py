"""Research tables as a longitudinal REDCap project (events per visit), and records back."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from alliance import instruments
from alliance.interop.clinic_tables import ClinicTables
from alliance.interop.definition_drafts import structure_and_scoring
from alliance.interop.deidentify import deidentify
from alliance.interop.import_errors import ImportFileError
from alliance.interop.redcap_dictionary_import import parse_dictionary
from alliance.interop.redcap_records import RedcapProject, read_records, redcap_project
from alliance.interop.research_tables import ResearchTables
from alliance.synth import SynthConfig, generate

ORDER = ["episode", "visit"]


@pytest.fixture(scope="module")
def research() -> ResearchTables:
    cohort = generate(SynthConfig(patients=15, seed=6))
    return deidentify(ClinicTables.from_cohort(cohort), b"k" * 32)[0]


@pytest.fixture(scope="module")
def project(research: ResearchTables) -> RedcapProject:
    return redcap_project(research)


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def test_records_round_trip_to_the_same_research_tables(
    research: ResearchTables, project: RedcapProject
) -> None:
    back = read_records(project.records, "records.csv")
    given = {name: frame for name, frame in research.answers.items() if len(frame)}
    assert list(back.answers) == list(given)
    for instrument, frame in given.items():
        pd.testing.assert_frame_equal(back.answers[instrument], _sorted(frame, ORDER))
    pd.testing.assert_frame_equal(back.episodes, _sorted(research.episodes, ["episode"]))
    pd.testing.assert_frame_equal(back.visits, _sorted(research.visits, ORDER))
    score_keys = ["instrument", "scale", "episode", "visit"]
    pd.testing.assert_frame_equal(
        _sorted(back.scores, score_keys), _sorted(research.scores, score_keys)
    )


def test_each_visit_is_an_event_with_its_forms_marked_complete(
    research: ResearchTables, project: RedcapProject
) -> None:
    records = pd.read_csv(io.StringIO(project.records), dtype=str, keep_default_na=False)
    assert list(records.columns[:2]) == ["record_id", "redcap_event_name"]
    first = records[records["redcap_event_name"] == "visit_1_arm_1"]
    assert len(first) == len(research.episodes)
    assert set(first["episode_complete"]) == {"2"}
    wai = records[records["wai_sr_complete"] == "2"]
    assert len(wai) == len(research.answers["wai_sr"])
    assert set(wai["wai_sr_q1"]) <= {"1", "2", "3", "4", "5"}
    events = pd.read_csv(io.StringIO(project.events))
    assert events["unique_event_name"].iloc[0] == "visit_1_arm_1"
    mapping = pd.read_csv(io.StringIO(project.mapping))
    assert set(mapping.columns) == {"arm_num", "unique_event_name", "form"}
    pairs = set(zip(mapping["unique_event_name"], mapping["form"], strict=True))
    assert ("visit_1_arm_1", "episode") in pairs


def test_the_projects_dictionary_holds_each_instruments_form(project: RedcapProject) -> None:
    odi = parse_dictionary(project.dictionary, "project.csv", form="odi").definition
    assert structure_and_scoring(odi) == structure_and_scoring(instruments.load("odi"))


@pytest.mark.parametrize(
    ("old", "new", "where", "reason"),
    [
        ("visit_3_arm_1", "week_3", "line", "is not visit_<n>_arm_1"),
        ("redcap_event_name", "event", "line 1", "no redcap_event_name column"),
    ],
)
def test_it_refuses_a_malformed_records_file(
    project: RedcapProject, old: str, new: str, where: str, reason: str
) -> None:
    with pytest.raises(ImportFileError) as caught:
        read_records(project.records.replace(old, new), "bad.csv")
    assert caught.value.where.startswith(where)
    assert reason in caught.value.reason


def test_it_refuses_an_answer_off_the_scale_naming_its_line(project: RedcapProject) -> None:
    records = pd.read_csv(io.StringIO(project.records), dtype=str, keep_default_na=False)
    row = int(records.index[records["wai_sr_complete"] == "2"][0])
    records.loc[row, "wai_sr_q2"] = "7"
    with pytest.raises(ImportFileError) as caught:
        read_records(records.to_csv(index=False), "bad.csv")
    assert caught.value.where == f"line {row + 2}"
    assert caught.value.reason.startswith("wai_sr_q2: 7 is not an allowed answer")
