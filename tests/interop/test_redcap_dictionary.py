"""Instrument definitions to and from REDCap data dictionaries."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from alliance import instruments
from alliance.instruments.library import ids
from alliance.interop.definition_drafts import structure_and_scoring
from alliance.interop.import_errors import ImportFileError
from alliance.interop.redcap_dictionary import dictionary_csv
from alliance.interop.redcap_dictionary_import import parse_dictionary, read_dictionary

HAND_WRITTEN = Path(__file__).parent / "files" / "return_to_work_dictionary.csv"
DIRECTION = {"scales": [{"id": "total", "direction": "higher_is_better"}]}
# The header REDCap writes and reads, as seen verbatim in many projects' dictionaries.
REDCAP_HEADER = (
    "Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"
    '"Choices, Calculations, OR Slider Labels",Field Note,'
    "Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max,"
    "Identifier?,Branching Logic (Show field only if...),Required Field?,Custom Alignment,"
    "Question Number (surveys only),Matrix Group Name,Matrix Ranking?,Field Annotation"
)


def _rows(text: str) -> dict[str, dict[str, str]]:
    return {row["Variable / Field Name"]: row for row in csv.DictReader(io.StringIO(text))}


@pytest.mark.parametrize("instrument_id", ids())
def test_it_round_trips_every_bundled_instrument_through_a_data_dictionary(
    instrument_id: str,
) -> None:
    definition = instruments.load(instrument_id)
    imported = parse_dictionary(dictionary_csv([definition]), "dictionary.csv").definition
    assert structure_and_scoring(imported) == structure_and_scoring(definition)
    assert (imported.name, imported.abbreviation) == (definition.name, definition.abbreviation)


def test_it_writes_the_exact_header_valid_names_and_coded_choices() -> None:
    text = dictionary_csv(instruments.catalog())
    assert text.splitlines()[0] == REDCAP_HEADER
    rows = _rows(text)
    assert next(iter(rows)) == "record_id"
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{0,25}", name) for name in rows)
    assert rows["wai_sr_q1"]["Field Type"] == "radio"
    assert rows["wai_sr_q1"]["Choices, Calculations, OR Slider Labels"] == (
        "1, seldom | 2, sometimes | 3, fairly often | 4, very often | 5, always"
    )
    assert rows["care_q1"]["Choices, Calculations, OR Slider Labels"].endswith(
        "5, excellent | NA, does not apply"
    )
    srs = rows["srs_q1"]
    assert (srs["Field Type"], srs["Text Validation Type OR Show Slider Number"]) == (
        "text",
        "number_1dp",
    )
    assert (srs["Text Validation Min"], srs["Text Validation Max"]) == ("0", "10")


def test_it_writes_totals_as_calculated_fields() -> None:
    rows = _rows(dictionary_csv([instruments.load("wai_sr"), instruments.load("tsk_17")]))
    goal = rows["wai_sr_goal"]
    assert goal["Field Type"] == "calc"
    answered = "+".join(f'if([wai_sr_q{n}]="",0,1)' for n in (4, 6, 8, 11))
    fields = ",".join(f"[wai_sr_q{n}]" for n in (4, 6, 8, 11))
    assert goal["Choices, Calculations, OR Slider Labels"] == (
        f'if(({answered})>=4,sum({fields}),"")'
    )
    # TSK-17 item 4 is reverse scored on 1-4: 5 - answer.
    assert "(5-[tsk_17_q4])" in rows["tsk_17_total"]["Choices, Calculations, OR Slider Labels"]


def test_it_imports_one_chosen_form_of_a_many_instrument_dictionary() -> None:
    text = dictionary_csv([instruments.load("wai_sr"), instruments.load("odi")])
    with pytest.raises(ImportFileError, match=r"choose one of the forms \['wai_sr', 'odi'\]"):
        parse_dictionary(text, "two.csv")
    odi = parse_dictionary(text, "two.csv", form="odi").definition
    assert structure_and_scoring(odi) == structure_and_scoring(instruments.load("odi"))


def test_it_imports_a_hand_written_data_dictionary() -> None:
    imported = read_dictionary(HAND_WRITTEN, supplement=DIRECTION)
    definition = imported.definition
    assert imported.item_ids == {
        "rtw_1": "q1",
        "rtw_2": "q2",
        "rtw_3": "q3",
        "rtw_days": "q4",
        "rtw_back": "q5",
    }
    assert definition.id == "return_to_work"
    assert definition.response.anchors == {1: "Not at all", 2: "A little", 3: "Mostly", 4: "Fully"}
    assert definition.item("q3").reverse
    assert definition.item("q3").label == "I worry that going back will make my pain worse"
    assert definition.item("q4").response is not None
    assert (definition.item("q4").response.min, definition.item("q4").response.max) == (0, 31)
    assert definition.item("q5").response is not None
    assert definition.item("q5").response.anchors == {0: "No", 1: "Yes"}
    total = definition.scale("total")
    assert (total.items, total.range) == (["q1", "q2", "q3"], (3, 12))
    assert any("rtw_note" in note for note in imported.notes)
    # 4 + 2 + (5 - 1) = 10, as the dictionary's own calculation gives.
    answers = pd.DataFrame({"q1": [4], "q2": [2], "q3": [1], "q4": [12], "q5": [0]})
    assert instruments.score(definition, answers)["total"].tolist() == [10.0]


def _hand(old: str, new: str) -> str:
    text = HAND_WRITTEN.read_text()
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ("", "line 1", "the file is empty"),
        (_hand("Field Annotation", "Notes"), "line 1", "the header is not REDCap's"),
        (_hand("rtw_2,return_to_work,,", "rtw_2,return_to_work,"), "line 5", "17 columns"),
        (_hand("rtw_days,", "Rtw days,"), "line 8 (Rtw days)", "a variable name must"),
        (
            _hand('"1, Not at all | 2, A little', '"1 Not at all | 2, A little'),
            "line 4 (rtw_1)",
            "choice '1 Not at all' is not written 'code, label'",
        ),
        (_hand("integer,0,31", "integer,,31"), "line 8 (rtw_days)", "needs a validation minimum"),
        (_hand("sum([rtw_1]", "max([rtw_1]"), "line 11 (rtw_total)", "not a sum or mean"),
        (_hand("(5-[rtw_3])", "(5-[rtw_9])"), "line 11 (rtw_total)", "[rtw_9] is not a question"),
        (_hand("(5-[rtw_3])", "(6-[rtw_3])"), "line 11 (rtw_total)", "6-[rtw_3] does not reverse"),
    ],
)
def test_it_rejects_a_malformed_dictionary_naming_the_line_and_why(
    text: str, where: str, reason: str
) -> None:
    with pytest.raises(ImportFileError) as caught:
        parse_dictionary(text, "bad.csv", supplement=DIRECTION)
    assert caught.value.where == where
    assert reason in caught.value.reason
    assert "nothing was imported" in str(caught.value)


def test_it_refuses_an_alliance_dictionary_whose_calculation_was_edited() -> None:
    text = dictionary_csv([instruments.load("wai_sr")]).replace(
        "sum([wai_sr_q4],[wai_sr_q6]", "sum([wai_sr_q4],[wai_sr_q5]"
    )
    with pytest.raises(ImportFileError, match="differs from the rule") as caught:
        parse_dictionary(text, "edited.csv")
    assert caught.value.where.endswith("(wai_sr_goal)")
