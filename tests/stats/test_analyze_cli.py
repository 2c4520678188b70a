"""`alliance analyze`: the analyses from the command line, as JSON, text and HTML reports."""

import json
import math
from pathlib import Path

import pandas as pd
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


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["predictor", "--x", "nope", "--y", "a"], "x column 'nope'"),
        (["moderation", "--x", "a", "--w", "nope", "--y", "b"], "w column 'nope'"),
        (["growth", "--y", "nope", "--time", "a", "--group", "b"], "y column 'nope'"),
        (["icc", "--targets", "nope", "--raters", "a", "--ratings", "b"], "targets column 'nope'"),
        (["meta", "--effect", "nope", "--variance", "a"], "effect column 'nope'"),
        (["experiment", "--y", "nope", "--factor", "a"], "y column 'nope'"),
        (["path", "--model", "nope ~ a"], "model variable column 'nope'"),
    ],
)
def test_every_analysis_refuses_a_missing_column_in_one_line(
    tmp_path: Path, command: list[str], message: str
) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b,c\n1,2,3\n2,3,5\n3,5,4\n4,4,7\n")
    code, stdout, output = run("analyze", command[0], str(path), *command[1:], "--json")
    assert code == 1
    assert stdout == ""
    assert output == f"Error: {message} is not in the data\n"


def test_it_prints_a_meta_analysis_as_json_with_metafors_numbers(tmp_path: Path) -> None:
    from alliance.stats import effect_sizes
    from tests.stats.test_meta import BCG

    table = pd.concat(
        [BCG, effect_sizes.log_risk_ratio(BCG["tpos"], BCG["tneg"], BCG["cpos"], BCG["cneg"])],
        axis=1,
    )
    source, report = tmp_path / "bcg.csv", tmp_path / "bcg.html"
    table.to_csv(source, index=False)
    code, stdout, _ = run(
        "analyze", "meta", str(source), "--effect", "yi", "--variance", "vi",
        "--method", "REML", "--knha", "--label", "trial", "--json", "--report", str(report),
    )  # fmt: skip
    assert code == 0
    payload = json.loads(stdout)
    # metafor: rma(yi, vi, data=dat, test="knha")
    expected = {
        "estimate": -0.7145, "se": 0.1808, "ci_low": -1.1084, "ci_high": -0.3206,
        "tau2": 0.3132, "i2": 92.22, "q": 152.2330,
    }  # fmt: skip
    assert {key: payload[key] for key in expected} == pytest.approx(expected, abs=0.005)
    assert math.exp(payload["pi_low"]) == pytest.approx(0.14, abs=0.005)
    assert math.exp(payload["pi_high"]) == pytest.approx(1.76, abs=0.005)
    html = report.read_text()
    assert html.count('src="data:image/png;base64,') == 2
    assert "TPT Madras" in html


def test_it_refuses_an_unknown_tau2_estimator(tmp_path: Path) -> None:
    source = tmp_path / "studies.csv"
    source.write_text("yi,vi\n0.1,0.01\n0.3,0.02\n")
    code, _, output = run(
        "analyze", "meta", str(source), "--effect", "yi", "--variance", "vi", "--method", "HS"
    )
    assert code == 2
    assert "'HS' is not one of 'FE', 'DL', 'REML', 'PM'" in output


def test_it_prints_a_predictor_model_with_robust_errors(tmp_path: Path) -> None:
    import statsmodels.formula.api as smf

    frame = mediation_frame(200, seed=6)
    source = tmp_path / "clinic.csv"
    frame.to_csv(source, index=False)
    code, stdout, _ = run(
        "analyze", "predictor", str(source), "--x", "alliance", "--y", "outcome",
        "--covariate", "baseline", "--robust", "HC3", "--json",
    )  # fmt: skip
    assert code == 0
    payload = json.loads(stdout)
    peer = smf.ols("outcome ~ alliance + baseline", frame).fit(cov_type="HC3")
    alliance = next(row for row in payload["coefficients"] if row["term"] == "alliance")
    assert alliance["estimate"] == pytest.approx(peer.params["alliance"], rel=1e-10)
    assert alliance["se"] == pytest.approx(peer.bse["alliance"], rel=1e-10)


def test_it_prints_a_moderation_with_its_johnson_neyman_points(tmp_path: Path) -> None:
    frame = mediation_frame(300, seed=6)
    source, report = tmp_path / "clinic.csv", tmp_path / "moderation.html"
    frame.to_csv(source, index=False)
    code, stdout, _ = run(
        "analyze", "moderation", str(source), "--x", "alliance", "--w", "baseline",
        "--y", "outcome", "--at", "-1", "--at", "1", "--json", "--report", str(report),
    )  # fmt: skip
    assert code == 0
    payload = json.loads(stdout)
    assert [row["w"] for row in payload["simple_slopes"]] == [-1.0, 1.0]
    assert set(payload["johnson_neyman"]) == {
        "points", "share_below", "significant_regions", "w_range",
    }  # fmt: skip
    assert "Johnson-Neyman" in report.read_text()


def test_it_prints_a_growth_model(tmp_path: Path) -> None:
    from tests.stats.test_growth import trajectories

    source, report = tmp_path / "visits.csv", tmp_path / "growth.html"
    trajectories(60, 5, seed=3, unbalanced=False).to_csv(source, index=False)
    code, stdout, _ = run(
        "analyze", "growth", str(source), "--y", "pain", "--time", "visit", "--group", "patient",
        "--covariate", "alliance", "--by-time", "alliance", "--json", "--report", str(report),
    )  # fmt: skip
    assert code == 0
    payload = json.loads(stdout)
    assert [row["term"] for row in payload["fixed"]] == [
        "constant", "visit", "alliance", "alliance:visit",
    ]  # fmt: skip
    assert payload["patients"] == 60
    assert payload["converged"] is True
    assert "A growth model follows each patient" in report.read_text()


def test_it_reports_reliability_icc_and_clinical_change(tmp_path: Path) -> None:
    from tests.stats.test_reliability import SHROUT_FLEISS, long_table

    ratings = tmp_path / "ratings.csv"
    long_table(SHROUT_FLEISS).to_csv(ratings, index=False)
    code, stdout, _ = run(
        "analyze", "icc", str(ratings), "--targets", "patient", "--raters", "rater",
        "--ratings", "score", "--json",
    )  # fmt: skip
    assert code == 0
    forms = {row["form"]: round(row["icc"], 2) for row in json.loads(stdout)["forms"]}
    assert forms["ICC(C,k)"] == 0.91

    wide = tmp_path / "items.csv"
    pd.DataFrame(SHROUT_FLEISS, columns=["a", "b", "c", "d"]).to_csv(wide, index=False)
    code, stdout, _ = run("analyze", "reliability", str(wide), "--item", "a", "--item", "b",
                          "--item", "c", "--item", "d", "--json")  # fmt: skip
    assert code == 0
    assert json.loads(stdout)["alpha"] == pytest.approx(
        pg.cronbach_alpha(pd.DataFrame(SHROUT_FLEISS))[0], rel=1e-12
    )

    scores = tmp_path / "scores.csv"
    pd.DataFrame({"intake": [62, 62, 50], "discharge": [36, 55, 63]}).to_csv(scores, index=False)
    code, stdout, _ = run(
        "analyze", "change", str(scores), "--before", "intake", "--after", "discharge",
        "--reliability", "0.84", "--lower-is-better", "--sd", "10", "--functional", "20", "10",
        "--json",
    )  # fmt: skip
    assert code == 0
    # dysfunctional norms default to intake: mean 58, SD 10 -> c = (10·20 + 10·58) / 20 = 39
    payload = json.loads(stdout)
    assert payload["cutoffs"]["c"] == pytest.approx(39)
    assert payload["counts"] == {
        "recovered": 1, "improved": 0, "unchanged": 1, "deteriorated": 1,
    }  # fmt: skip


def test_it_analyses_an_experiment_with_a_planned_contrast(tmp_path: Path) -> None:
    from tests.stats.test_experiment import fuentes_shaped_trial

    frame = fuentes_shaped_trial()
    source = tmp_path / "trial.csv"
    frame.to_csv(source, index=False)
    planned = json.dumps({"enhanced vs limited": {"active / enhanced": 1, "active / limited": -1}})
    code, stdout, _ = run(
        "analyze", "experiment", str(source), "--y", "change", "--factor", "ifc",
        "--factor", "alliance", "--covariate", "baseline", "--contrasts", planned, "--json",
    )  # fmt: skip
    assert code == 0
    payload = json.loads(stdout)
    assert [row["term"] for row in payload["anova"]] == [
        "ifc", "alliance", "ifc:alliance", "baseline", "residual",
    ]  # fmt: skip
    assert payload["contrasts"][0]["contrast"] == "enhanced vs limited"
    code, _, output = run("analyze", "experiment", str(source), "--y", "change",
                          "--factor", "ifc", "--contrasts", "{oops")  # fmt: skip
    assert code == 1
    assert "--contrasts is not valid JSON" in output


def test_it_runs_a_process_model_7_with_its_index(tmp_path: Path) -> None:
    from tests.stats.test_moderated_mediation import training_clinic

    source, report = tmp_path / "clinic.csv", tmp_path / "mm.html"
    training_clinic().to_csv(source, index=False)
    code, stdout, _ = run(
        "analyze", "moderated-mediation", str(source), "--model", "7", "--x", "training",
        "--m", "alliance", "--w", "experience", "--y", "function", "--boot", "300",
        "--seed", "2", "--json", "--report", str(report),
    )  # fmt: skip
    assert code == 0
    payload = json.loads(stdout)
    assert payload["process_model"] == 7
    assert len(payload["conditional_indirect"]) == 3
    assert set(payload["index"][0]) == {"mediator", "estimate", "se", "ci_low", "ci_high"}
    assert "index of moderated mediation" in report.read_text()


def test_it_fits_a_path_model_written_on_one_line(tmp_path: Path) -> None:
    from tests.stats.test_moderated_mediation import training_clinic

    source = tmp_path / "clinic.csv"
    training_clinic().to_csv(source, index=False)
    code, stdout, _ = run("analyze", "path", str(source), "--model",
                          "alliance ~ training; function ~ alliance", "--json")  # fmt: skip
    assert code == 0
    payload = json.loads(stdout)
    assert {"chi2", "df", "cfi", "rmsea"} <= set(payload["fit"])
    paths = [(row["lval"], row["rval"]) for row in payload["estimates"] if row["op"] == "~"]
    assert paths == [("alliance", "training"), ("function", "alliance")]
