"""Importing licensed wording from FHIR and CSV into the data directory, and the form fallback."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fhir.resources.R4B.questionnaire import Questionnaire

from alliance import instruments
from alliance.cli import main
from alliance.instruments.wording import WordingError, display_items, fallback_notice
from alliance.interop.wording_files import installed_wording, read_wording

ODI = instruments.load("odi")


def _questionnaire(link_ids: list[str]) -> str:
    """A FHIR Questionnaire with placeholder texts (not any instrument's real wording)."""
    section = {
        "linkId": "g1",
        "type": "group",
        "text": "Section heading",
        "item": [
            {"linkId": i, "type": "choice", "text": f"Placeholder text {i}"} for i in link_ids
        ],
    }
    resource = {"resourceType": "Questionnaire", "status": "active", "item": [section]}
    return Questionnaire.model_validate(resource).model_dump_json()


def test_it_reads_item_text_from_a_nested_fhir_questionnaire(tmp_path: Path) -> None:
    path = tmp_path / "odi.json"
    path.write_text(_questionnaire([f"q{n}" for n in range(1, 11)]))
    wording = read_wording(ODI, path)
    assert wording.texts["q7"] == "Placeholder text q7"
    assert "g1" not in wording.texts


def test_it_rejects_wording_that_misses_an_item(tmp_path: Path) -> None:
    path = tmp_path / "odi.json"
    path.write_text(_questionnaire([f"q{n}" for n in range(1, 10)]))
    with pytest.raises(WordingError, match="no text for items q10"):
        read_wording(ODI, path)


def test_it_rejects_a_file_that_is_not_a_questionnaire(tmp_path: Path) -> None:
    path = tmp_path / "odi.json"
    path.write_text(json.dumps({"resourceType": "Questionnaire", "status": "active", "item": "q1"}))
    with pytest.raises(WordingError, match="not a valid FHIR Questionnaire"):
        read_wording(ODI, path)


def test_it_rejects_a_csv_with_a_repeated_item(tmp_path: Path) -> None:
    path = tmp_path / "odi.csv"
    path.write_text("item,text\nq1,One\nq1,Again\n")
    with pytest.raises(WordingError, match="line 3: item q1 appears twice"):
        read_wording(ODI, path)


def test_the_command_installs_csv_wording_that_forms_then_show(
    tmp_path: Path, data_dir: Path
) -> None:
    assert installed_wording(ODI) is None
    assert "not installed" in (fallback_notice(ODI, None) or "")
    assert display_items(ODI, None)[2].text == "Lifting"
    path = tmp_path / "odi.csv"
    path.write_text("item,text\n" + "".join(f"q{n},Placeholder {n}\n" for n in range(1, 11)))
    result = CliRunner().invoke(main, ["instruments", "import-text", "odi", str(path)])
    assert result.exit_code == 0, result.output
    assert (data_dir / "wording" / "odi.json").is_file()
    wording = installed_wording(ODI)
    assert wording is not None
    assert fallback_notice(ODI, wording) is None
    shown = display_items(ODI, wording)
    assert (shown[2].text, shown[2].licensed) == ("Placeholder 3", True)


def test_the_command_reports_a_bad_file_and_installs_nothing(
    tmp_path: Path, data_dir: Path
) -> None:
    path = tmp_path / "odi.csv"
    path.write_text("item,text\nq1,One\nq99,Two\n")
    result = CliRunner().invoke(main, ["instruments", "import-text", "odi", str(path)])
    assert result.exit_code == 1
    assert "unknown item ids q99" in result.output
    assert not (data_dir / "wording").exists()
