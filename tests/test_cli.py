"""The command line, run as a user would run it."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from alliance.cli import main

WAI_SR_HEADER = ",".join(f"q{n}" for n in range(1, 13))


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_it_lists_instruments_as_json_with_the_documented_fields() -> None:
    code, output = run("instruments", "list", "--json")
    assert code == 0
    rows = json.loads(output)
    wai = next(row for row in rows if row["id"] == "wai_sr")
    assert wai["items"] == 12
    assert wai["respondent"] == "patient"
    assert {"id", "name", "respondent", "items", "licence", "verified"} <= set(wai)
    assert isinstance(wai["verified"], bool)


def test_it_shows_an_instrument_with_its_scales_and_unverified_facts() -> None:
    code, output = run("instruments", "show", "wai_sr")
    assert code == 0
    assert "goal" in output
    assert "q4 q6 q8 q11" in output
    assert "Unverified scoring facts" in output


def test_it_scores_a_csv_reading_blank_cells_as_missing(tmp_path: Path) -> None:
    source = tmp_path / "odi.csv"
    source.write_text(
        "patient,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10\n"
        "A,3,2,4,3,3,1,3,3,2,3\n"
        "B,3,2,4,3,3,,3,3,2,3\n"
        "C,3,2,,3,3,,3,3,2,3\n"
    )
    out = tmp_path / "scored.csv"
    code, _ = run("score", "odi", str(source), "-o", str(out))
    assert code == 0
    scored = pd.read_csv(out)
    assert list(scored.columns)[-3:] == ["total", "status", "reason"]
    assert scored["patient"].tolist() == ["A", "B", "C"]
    # A: 27 / 50 = 54 %; B: 26 / 45 = 57.78 %; C: two sections missing
    assert scored.loc[0, "total"] == 54
    assert abs(scored.loc[1, "total"] - 2600 / 45) < 1e-6
    assert pd.isna(scored.loc[2, "total"])
    assert scored["status"].tolist() == ["scored", "scored", "not_scored"]


def test_it_rejects_a_bad_csv_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "wai.csv"
    source.write_text(
        f"{WAI_SR_HEADER}\n" + ",".join(["3"] * 12) + "\n" + ",".join(["3"] * 11 + ["x"]) + "\n"
    )
    out = tmp_path / "scored.csv"
    code, output = run("score", "wai_sr", str(source), "-o", str(out))
    assert code == 1
    assert "row 2, item q12: 'x' is not an allowed answer" in output
    assert not out.exists()


def test_it_prints_reliable_change() -> None:
    code, output = run("rci", "odi", "--before", "50", "--after", "30")
    assert code == 0
    assert "improved" in output
    assert "RCI -3.29" in output


def test_it_explains_why_rci_is_unavailable() -> None:
    code, output = run("rci", "wai_sr", "--before", "30", "--after", "40")
    assert code == 1
    assert "neither an SEM nor an SD" in output


def test_it_names_an_unknown_instrument() -> None:
    code, output = run("instruments", "show", "nope")
    assert code == 1
    assert "unknown instrument 'nope'" in output


def test_the_installed_entry_point_runs_the_tour() -> None:
    command = Path(sys.executable).with_name("alliance")
    result = subprocess.run([str(command), "tour"], capture_output=True, text=True, check=True)
    assert "Working alliance (WAI-SR)" in result.stdout
    assert "improved" in result.stdout


def test_the_demo_creates_a_clinic_and_prints_its_logins(data_dir: Path) -> None:
    command = Path(sys.executable).with_name("alliance")
    result = subprocess.run(
        [str(command), "demo", "--no-serve"], capture_output=True, text=True, check=True
    )
    assert "demo-therapist-3" in result.stdout
    assert "demo-researcher" in result.stdout
    assert "lead         demo-lead" in result.stdout
    password = result.stdout.split("password")[-1].split()[0]
    assert password.startswith("demo-")
    assert (data_dir / "demo.sqlite3").stat().st_size > 100_000


def test_it_computes_rci_from_a_supplied_sd() -> None:
    # TSK-11: ICC 0.81 from Woby 2005; SD 6 -> SEM = 6 x sqrt(0.19) = 2.615; SEdiff = 3.699
    # RCI = (20 - 30) / 3.699 = -2.70; lower is better for kinesiophobia -> improved
    code, output = run("rci", "tsk_11", "--before", "30", "--after", "20", "--sd", "6")
    assert code == 0, output
    assert "RCI -2.70" in output
    assert "improved" in output


def test_it_shows_an_items_own_response_scale() -> None:
    code, output = run("instruments", "show", "start_back")
    assert code == 0
    assert "q9" in output
    assert "1, 2, 3, 4, 5" in output


def test_it_adds_risk_groups_when_asked_to_interpret(tmp_path: Path) -> None:
    # STarT Back: psychosocial (q5-q9, q9 counts only for 4-5) >= 4 -> high; else total >= 4
    # -> medium; else low. Row 1: q5-q8 agree, q9 = 5 -> psychosocial 5 -> high.
    # Row 2: q1-q4 agree, q9 = 3 (counts 0) -> total 4, psychosocial 0 -> medium.
    # Row 3: q1 agree only -> total 1 -> low.
    source = tmp_path / "sbst.csv"
    source.write_text(
        "q1,q2,q3,q4,q5,q6,q7,q8,q9\n0,0,0,0,1,1,1,1,5\n1,1,1,1,0,0,0,0,3\n1,0,0,0,0,0,0,0,1\n"
    )
    out = tmp_path / "scored.csv"
    code, output = run("score", "start_back", str(source), "-o", str(out), "--interpret")
    assert code == 0, output
    scored = pd.read_csv(out)
    assert scored["risk"].tolist() == ["high", "medium", "low"]
    assert scored["total"].tolist() == [5, 4, 1]


def test_it_labels_bands_when_asked_to_interpret(tmp_path: Path) -> None:
    # ODI: all 2s -> 20 / 50 = 40 % (moderate); all 4s -> 80 % (crippled)
    source = tmp_path / "odi.csv"
    source.write_text(
        ",".join(f"q{n}" for n in range(1, 11)) + "\n" + "2," * 9 + "2\n" + "4," * 9 + "4\n"
    )
    code, output = run("score", "odi", str(source), "--interpret")
    assert code == 0, output
    assert "moderate disability" in output
    assert "crippled" in output
