"""Imported instruments installed beside the bundled ones: found, scorable, never shadowing."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from alliance import instruments
from alliance.cli import main
from alliance.instruments import library
from alliance.interop.installed_instruments import InstrumentExistsError, install_definition

FILES = Path(__file__).parent / "files"
QUESTIONNAIRE = FILES / "home_exercise_questionnaire.json"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture
def scoring(tmp_path: Path) -> Path:
    path = tmp_path / "scoring.yaml"
    path.write_text("scales:\n  - id: total\n    direction: higher_is_better\n")
    return path


def test_an_installed_questionnaire_is_listed_loaded_and_scored(
    scoring: Path, data_dir: Path
) -> None:
    code, output = run("import", "questionnaire", str(QUESTIONNAIRE), "--scoring", str(scoring),
                       "--install")  # fmt: skip
    assert code == 0, output
    assert (data_dir / "instruments" / "home_exercise_check.yaml").is_file()
    code, output = run("instruments", "list", "--json")
    bundled = {row["id"]: row["bundled"] for row in json.loads(output)}
    assert (bundled["home_exercise_check"], bundled["wai_sr"]) == (False, True)
    result = CliRunner().invoke(main, ["instruments", "list"], env={"COLUMNS": "250"})
    [line] = [line for line in result.output.splitlines() if "home_exercise_check" in line]
    assert line.rstrip(" │").endswith("installed")
    definition = instruments.load("home_exercise_check")
    # The file's own options: "Every day" 3, "Not hard" 0 reversed to 3, "Fairly confident" 2.
    answers = pd.DataFrame({"q1": [3], "q2": [0], "q3": [2], "q4": [5]})
    assert instruments.score(definition, answers)["total"].tolist() == [8.0]


def test_a_bundled_id_is_refused_and_never_shadowed(tmp_path: Path, data_dir: Path) -> None:
    questionnaire = tmp_path / "wai_sr.json"
    assert run("export", "questionnaire", "wai_sr", "-o", str(questionnaire))[0] == 0
    code, output = run("import", "questionnaire", str(questionnaire), "--install")
    assert code == 1
    assert "'wai_sr' is a bundled instrument" in output
    assert not (data_dir / "instruments" / "wai_sr.yaml").exists()
    folder = data_dir / "instruments"
    folder.mkdir(parents=True)
    text = (library.definitions_dir() / "wai_sr.yaml").read_text().replace("Working", "Other")
    (folder / "wai_sr.yaml").write_text(text)
    assert instruments.load("wai_sr").name == library._bundled("wai_sr").name
    assert "Working" in instruments.load("wai_sr").name


def test_an_id_already_installed_is_refused(scoring: Path, data_dir: Path) -> None:
    args = ("import", "questionnaire", str(QUESTIONNAIRE), "--scoring", str(scoring), "--install")
    assert run(*args)[0] == 0
    before = (data_dir / "instruments" / "home_exercise_check.yaml").read_text()
    with pytest.raises(InstrumentExistsError, match="already installed"):
        install_definition(instruments.load("home_exercise_check"))
    code, output = run(*args)
    assert code == 1
    assert "already installed" in output
    assert (data_dir / "instruments" / "home_exercise_check.yaml").read_text() == before


def test_an_unknown_or_unsafe_id_is_not_found(data_dir: Path) -> None:
    for name in ("no_such_instrument", "../secrets", "WAI_SR"):
        with pytest.raises(KeyError):
            instruments.load(name)
