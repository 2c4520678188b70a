"""`alliance export ...` and `alliance import ...`, run as a user would run them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from alliance import instruments
from alliance.cli import main
from alliance.interop.clinic_tables import read_tables

FILES = Path(__file__).parent / "files"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_an_exported_questionnaire_imports_back_as_the_same_definition(tmp_path: Path) -> None:
    questionnaire, definition = tmp_path / "wai_sr.json", tmp_path / "wai_sr.yaml"
    assert run("export", "questionnaire", "wai_sr", "-o", str(questionnaire))[0] == 0
    code, output = run("import", "questionnaire", str(questionnaire), "-o", str(definition))
    assert code == 0, output
    parsed = instruments.parse_definition(definition.read_text(), "wai_sr.yaml")
    assert parsed == instruments.load("wai_sr")


def test_a_hand_written_dictionary_imports_with_the_users_scoring_file(tmp_path: Path) -> None:
    scoring = tmp_path / "scoring.yaml"
    scoring.write_text("scales:\n  - id: total\n    direction: higher_is_better\n")
    out = tmp_path / "rtw.yaml"
    code, output = run(
        "import",
        "redcap-dictionary",
        str(FILES / "return_to_work_dictionary.csv"),
        "--scoring",
        str(scoring),
        "-o",
        str(out),
    )
    assert code == 0, output
    assert "rtw_note" in output
    definition = instruments.parse_definition(out.read_text(), "return_to_work.yaml")
    assert definition.scale("total").items == ["q1", "q2", "q3"]


def test_a_rejected_file_names_the_line_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "rtw.yaml"
    code, output = run(
        "import", "redcap-dictionary", str(FILES / "return_to_work_dictionary.csv"), "-o", str(out)
    )
    assert code == 1
    assert "scale total" in output
    assert "nothing was imported" in output
    assert not out.exists()


def test_a_bundle_export_needs_confirming_and_imports_back_as_the_same_tables(
    tmp_path: Path,
) -> None:
    tables, bundle, back = tmp_path / "clinic", tmp_path / "bundle.json", tmp_path / "back"
    assert run("synth", "--patients", "5", "--seed", "2", "-o", str(tables))[0] == 0
    code, output = run("export", "fhir-bundle", str(tables), "-o", str(bundle))
    assert code == 2
    assert "--identifiable" in output
    assert not bundle.exists()
    assert run("export", "fhir-bundle", str(tables), "-o", str(bundle), "--identifiable")[0] == 0
    code, output = run("import", "fhir-bundle", str(bundle), "-o", str(back))
    assert code == 0, output
    original, imported = read_tables(tables), read_tables(back)
    pd.testing.assert_frame_equal(imported.scores, original.scores)
    for instrument, frame in imported.answers.items():
        pd.testing.assert_frame_equal(frame, original.answers[instrument])
    code, output = run(
        "import", "fhir-bundle", str(bundle), "-o", str(tmp_path / "again"), "--existing", str(back)
    )
    assert code == 0
    assert "duplicate assessments skipped" in output


def test_research_and_redcap_exports_are_de_identified_with_the_clinics_key(
    tmp_path: Path,
) -> None:
    tables = tmp_path / "clinic"
    assert run("synth", "--patients", "8", "--seed", "3", "-o", str(tables))[0] == 0
    short, key = tmp_path / "short.key", tmp_path / "clinic.key"
    short.write_bytes(b"too short\n")
    key.write_bytes(b"0123456789abcdef0123456789abcdef\n")
    research = tmp_path / "research"
    code, output = run(
        "export", "research", str(tables), "-o", str(research), "--key-file", str(short)
    )
    assert code == 1
    assert "at least 16 bytes" in output
    assert not research.exists()
    code, output = run(
        "export", "research", str(tables), "-o", str(research), "--key-file", str(key)
    )
    assert code == 0, output
    assert (research / "wide.sav").is_file()
    assert "P0000001" not in (research / "scores_long.csv").read_text()
    project = tmp_path / "redcap"
    code, output = run(
        "export", "redcap-project", str(tables), "-o", str(project), "--key-file", str(key)
    )
    assert code == 0, output
    back = tmp_path / "back"
    code, output = run(
        "import", "redcap-records", str(project / "redcap_records.csv"), "-o", str(back)
    )
    assert code == 0, output
    long = pd.read_csv(research / "scores_long.csv")
    again = pd.read_csv(back / "scores_long.csv")
    assert len(again) == len(long)
    assert sorted(again["score"]) == sorted(long["score"])
