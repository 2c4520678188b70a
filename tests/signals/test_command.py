"""`alliance signals FILE --json` on a hand-written table."""

import json
from pathlib import Path

from click.testing import CliRunner

from alliance.cli import main


def test_it_prints_the_alerts_as_json_objects(tmp_path: Path) -> None:
    source = tmp_path / "scores.csv"
    source.write_text(
        "patient,visit,instrument,scale,score\n"
        "A,1,checkin,bond,9\nA,2,checkin,bond,9\nA,3,checkin,bond,4\n"
        "B,1,pcs,total,35\n"
    )
    result = CliRunner().invoke(main, ["signals", str(source), "--json"])
    assert result.exit_code == 0, result.output
    alerts = json.loads(result.output)
    first = alerts[0]
    assert {"patient", "visit", "signal", "rule", "scale", "value", "threshold"} <= set(first)
    ruptures = [a for a in alerts if a["signal"] == "rupture"]
    assert {(a["patient"], a["visit"], a["scale"], a["rule"]) for a in ruptures} == {
        ("A", 3, "bond", "drop_from_previous"),
        ("A", 3, "bond", "drop_from_baseline"),
    }
    influence = [a for a in alerts if a["signal"] == "influence"]
    assert [(a["patient"], a["instrument"], a["value"]) for a in influence] == [("B", "pcs", 35.0)]


def test_it_names_a_missing_column(tmp_path: Path) -> None:
    source = tmp_path / "scores.csv"
    source.write_text("patient,visit,instrument,score\nA,1,nprs,5\n")
    result = CliRunner().invoke(main, ["signals", str(source)])
    assert result.exit_code == 1
    assert "lacks the columns scale" in result.output
