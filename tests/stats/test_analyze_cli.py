"""`alliance analyze`: the analyses from the command line, as JSON, text and HTML reports."""

import json
from pathlib import Path

import pingouin as pg
import pytest
from click.testing import CliRunner

from alliance.cli import main
from tests.stats.conftest import mediation_frame


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.output


@pytest.fixture
def clinic_csv(tmp_path: Path) -> Path:
    path = tmp_path / "clinic.csv"
    mediation_frame(250, seed=2).to_csv(path, index=False)
    return path


def test_it_prints_mediation_as_one_json_object(clinic_csv: Path, tmp_path: Path) -> None:
    report = tmp_path / "mediation.html"
    code, stdout, _ = run(
        "analyze", "mediation", str(clinic_csv), "--x", "alliance", "--m", "adherence",
        "--y", "outcome", "--covariate", "age", "--covariate", "baseline",
        "--boot", "500", "--seed", "4", "--ci", "bca", "--json", "--report", str(report),
    )  # fmt: skip
    assert code == 0
    payload = json.loads(stdout)
    peer = pg.mediation_analysis(
        data=mediation_frame(250, seed=2),
        x="alliance",
        m="adherence",
        y="outcome",
        covar=["age", "baseline"],
        n_boot=50,
    ).set_index("path")
    assert payload["a"] == pytest.approx(peer.loc["adherence ~ X", "coef"], abs=1e-12)
    assert payload["c"] == pytest.approx(peer.loc["Total", "coef"], abs=1e-12)
    assert payload["c_prime"] == pytest.approx(peer.loc["Direct", "coef"], abs=1e-12)
    indirect = payload["indirect"]
    assert indirect["estimate"] == pytest.approx(peer.loc["Indirect", "coef"], abs=1e-12)
    assert indirect["ci_low"] < indirect["estimate"] < indirect["ci_high"]
    assert indirect["se"] > 0
    assert payload["bootstrap"] == {
        "resamples": 500, "failed": 0, "seed": 4, "ci": "bca", "level": 0.95,
    }  # fmt: skip
    html = report.read_text()
    assert "data:image/png;base64," in html
    assert f"{indirect['estimate']:.4f}" in html
    assert 'src="http' not in html
    assert 'href="http' not in html


def test_it_gives_a_and_b_per_mediator_for_parallel_mediators(clinic_csv: Path) -> None:
    code, stdout, _ = run(
        "analyze", "mediation", str(clinic_csv), "--x", "alliance", "--m", "adherence",
        "--m", "expectancy", "--y", "outcome", "--boot", "200", "--seed", "1", "--json",
    )  # fmt: skip
    assert code == 0
    payload = json.loads(stdout)
    assert set(payload["a"]) == set(payload["b"]) == {"adherence", "expectancy"}
    total = sum(e["estimate"] for e in payload["indirect_effects"])
    assert payload["indirect"]["estimate"] == pytest.approx(total, abs=1e-12)


def test_it_prints_a_readable_summary_without_json(clinic_csv: Path) -> None:
    code, stdout, _ = run(
        "analyze", "mediation", str(clinic_csv), "--x", "alliance", "--m", "adherence",
        "--y", "outcome", "--boot", "200", "--seed", "1",
    )  # fmt: skip
    assert code == 0
    assert stdout.startswith("Mediation (simple): alliance → adherence → outcome")
    assert "Seed 1 reproduces these intervals." in stdout


def test_it_names_a_missing_column_and_fails(clinic_csv: Path) -> None:
    code, _, output = run(
        "analyze", "mediation", str(clinic_csv), "--x", "alliance", "--m", "adherance",
        "--y", "outcome", "--boot", "200",
    )  # fmt: skip
    assert code == 1
    assert "m column 'adherance' is not in the data" in output
