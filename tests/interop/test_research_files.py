"""Research exports: long and wide tables, SPSS with labels, R labels and the codebook."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from alliance.interop.clinic_tables import ClinicTables
from alliance.interop.research_files import export_identifiable, export_research
from alliance.interop.statistics_files import r_script
from alliance.interop.variable_labels import Variable
from alliance.synth import SynthConfig, generate

KEY = b"a clinic's own secret key, 32 b."


@pytest.fixture(scope="module")
def tables() -> ClinicTables:
    return ClinicTables.from_cohort(generate(SynthConfig(patients=30, seed=5)))


@pytest.fixture(scope="module")
def folder(tables: ClinicTables, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "research"
    export_research(tables, out, KEY)
    return out


def test_it_writes_every_research_file(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == [
        "codebook.md",
        "deidentification.md",
        "episodes.csv",
        "episodes.parquet",
        "labels.R",
        "scores_long.csv",
        "scores_long.parquet",
        "wide.csv",
        "wide.parquet",
        "wide.sav",
    ]


def test_the_long_file_has_one_row_per_score_in_csv_and_parquet(
    folder: Path, tables: ClinicTables
) -> None:
    long_csv = pd.read_csv(folder / "scores_long.csv")
    long_parquet = pd.read_parquet(folder / "scores_long.parquet")
    assert list(long_csv.columns) == [
        "subject", "clinic", "therapist", "episode", "visit", "day", "instrument", "scale", "score",
    ]  # fmt: skip
    assert len(long_csv) == len(long_parquet) == len(tables.scores)
    assert long_csv["score"].tolist() == pytest.approx(tables.scores["score"].tolist())
    assert long_parquet["score"].tolist() == pytest.approx(tables.scores["score"].tolist())


def test_the_wide_file_puts_each_score_and_answer_on_its_episodes_visit(folder: Path) -> None:
    long = pd.read_csv(folder / "scores_long.csv")
    wide = pd.read_csv(folder / "wide.csv").set_index(["episode", "visit"])
    assert wide.index.is_unique
    sample = long.sample(50, random_state=1)
    for row in sample.itertuples():
        column = f"{row.instrument}_{row.scale}"
        assert wide.loc[(row.episode, row.visit), column] == pytest.approx(row.score)
    assert {"wai_sr_q1", "odi_q10", "checkin_total", "sex", "age", "day"} <= set(wide.columns)


def test_the_spss_file_keeps_variable_and_value_labels(folder: Path) -> None:
    data, meta = pyreadstat.read_sav(str(folder / "wide.sav"), user_missing=True)
    labels = meta.column_names_to_labels
    # Topic label and anchors as written in wai_sr.yaml (our own words).
    assert labels["wai_sr_q1"] == "WAI-SR item 1: Agreement on tasks"
    assert meta.variable_value_labels["wai_sr_q1"] == {
        1.0: "seldom", 2.0: "sometimes", 3.0: "fairly often", 4.0: "very often", 5.0: "always",
    }  # fmt: skip
    assert labels["odi_total"].startswith("ODI: Disability (% of maximum) (0 to 100")
    assert meta.variable_value_labels["sex"] == {1.0: "female", 2.0: "male"}
    assert meta.variable_value_labels["age"] == {90.0: "90 or older"}
    wide = pd.read_csv(folder / "wide.csv")
    decoded = data["sex"].map(meta.variable_value_labels["sex"])
    assert decoded.tolist() == wide["sex"].tolist()
    assert data["wai_sr_total"].tolist() == pytest.approx(
        wide["wai_sr_total"].tolist(), nan_ok=True
    )


def test_does_not_apply_is_a_declared_missing_value_in_spss(tmp_path: Path) -> None:
    keys = {
        "clinic_id": ["C1", "C1"], "therapist_id": ["T1", "T1"], "patient_id": ["P1", "P2"],
        "episode_id": ["E1", "E2"], "visit": [1, 1],
        "date": pd.to_datetime(["2025-03-03", "2025-03-04"]).astype("datetime64[us]"),
    }  # fmt: skip
    answers = pd.DataFrame(keys | {f"q{n}": ["1"] * 2 for n in range(1, 25)})
    answers.loc[0, "q5"] = "NA"
    scores = pd.DataFrame(keys | {"instrument": "rmdq", "scale": "total", "score": [24.0, 24.0]})
    scores.loc[0, "score"] = 23.0
    export_research(ClinicTables({"rmdq": answers}, scores), tmp_path / "out", KEY, min_count=1)
    data, meta = pyreadstat.read_sav(str(tmp_path / "out" / "wide.sav"), user_missing=True)
    assert meta.missing_ranges["rmdq_q5"] == [{"lo": -9.0, "hi": -9.0}]
    assert meta.variable_value_labels["rmdq_q5"][-9.0] == "does not apply"
    assert sorted(data["rmdq_q5"]) == [-9.0, 1.0]


def test_the_r_script_labels_every_wide_column_and_escapes_quotes(folder: Path) -> None:
    script = (folder / "labels.R").read_text()
    columns = pd.read_csv(folder / "wide.csv", nrows=0).columns
    labelled = set(re.findall(r'attr\(research\[\["([a-z0-9_]+)"\]\], "label"\)', script))
    assert labelled == set(columns)
    assert 'research[["sex"]] <- factor(research[["sex"]])' in script
    quoted = r_script([Variable("x", 'the "best" day', "number", {1.0: 'a "b"'})], "f.csv")
    assert 'attr(research[["x"]], "label") <- "the \\"best\\" day"' in quoted
    assert 'c("a \\"b\\"" = 1)' in quoted


def test_the_codebook_describes_every_variable_of_every_file(folder: Path) -> None:
    codebook = (folder / "codebook.md").read_text()
    for name in ("scores_long", "episodes", "wide"):
        for column in pd.read_csv(folder / f"{name}.csv", nrows=0).columns:
            assert f"| `{column}` |" in codebook, column
    assert "**WAI-SR** (`wai_sr`" in codebook


def test_an_identifiable_export_keeps_codes_dates_and_ages(
    tables: ClinicTables, tmp_path: Path
) -> None:
    export = export_identifiable(tables, tmp_path / "identifiable")
    assert export.report is None
    assert "deidentification.md" not in export.files
    episodes = pd.read_csv(tmp_path / "identifiable" / "episodes.csv")
    assert episodes["subject"].tolist() == tables.episodes["patient_id"].tolist()
    assert episodes["start_date"].iloc[0] == str(tables.episodes["start_date"].iloc[0].date())
    assert "identifiable" in (tmp_path / "identifiable" / "codebook.md").read_text()
