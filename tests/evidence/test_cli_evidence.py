"""``alliance evidence``: the catalogue commands and a whole review run as a user would run it."""

import re
from pathlib import Path

from click.testing import CliRunner

from alliance.cli import main
from alliance.interop.review_files import read_project
from tests.evidence.conftest import DATA


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_it_prints_catalogue_summaries_and_queries() -> None:
    code, output = run("evidence", "summary", "kinds")
    assert code == 0
    assert "model        19  (55.9%)" in output
    code, output = run("evidence", "catalogue", "--kind", "theory")
    assert code == 0
    assert output.count("(theory;") == 3
    code, output = run("evidence", "studies", "--measure", "nope")
    assert code == 1
    assert "unknown measure 'nope'" in output


def decide(folder: Path, reviewer: str, stage: str, rows: list[str]) -> None:
    sheet = folder.parent / f"{reviewer}-{stage}.csv"
    sheet.write_text("record,verdict,reason\n" + "\n".join(rows) + "\n")
    code, output = run(
        "evidence",
        "review",
        "decide",
        str(folder),
        str(sheet),
        "--reviewer",
        reviewer,
        "--stage",
        stage,
    )
    assert code == 0, output


def test_it_runs_a_review_from_search_exports_to_the_flow_diagram(tmp_path: Path) -> None:
    folder = tmp_path / "review"
    code, _ = run(
        "evidence", "review", "init", str(folder), "--name", "alliance",
        "--reviewer", "ana", "--reviewer", "ben", "--reviewer", "cara",
        "--criterion", "adults with chronic musculoskeletal pain", "--reason", "no pain outcome",
    )  # fmt: skip
    assert code == 0
    for name, source in [
        ("pubmed.nbib", "PubMed"),
        ("cinahl.ris", "CINAHL"),
        ("embase.ris", "Embase"),
        ("scholar.csv", "Google Scholar"),
    ]:
        code, output = run(
            "evidence", "review", "import", str(folder), str(DATA / name), "--source", source
        )
        assert code == 0, output
    assert "  Google Scholar: 2" in output
    report = tmp_path / "groups.csv"
    code, output = run("evidence", "review", "dedup", str(folder), "--report", str(report))
    assert output.startswith("11 records, 4 duplicate groups, 4 removed, 7 unique")
    assert len(report.read_text().splitlines()) == 1 + 8  # 4 groups of 2 records

    code, queue = run("evidence", "review", "queue", str(folder), "--reviewer", "ana")
    assert len(queue.strip().splitlines()) == 1 + 7
    decide(
        folder,
        "ana",
        "title_abstract",
        [
            "pubmed-1,include",
            "pubmed-2,include",
            "pubmed-3,exclude",
            "cinahl-2,include",
            "cinahl-3,exclude",
            "embase-3,include",
            "google_scholar-2,exclude",
        ],
    )
    _, ben_queue = run("evidence", "review", "queue", str(folder), "--reviewer", "ben")
    assert len(ben_queue.strip().splitlines()) == 1 + 7  # Ana's decisions do not change Ben's queue
    decide(
        folder,
        "ben",
        "title_abstract",
        [
            "pubmed-1,include",
            "pubmed-2,maybe",
            "pubmed-3,exclude",
            "cinahl-2,exclude",
            "cinahl-3,exclude",
            "embase-3,include",
            "google_scholar-2,exclude",
        ],
    )
    code, status = run("evidence", "review", "status", str(folder))
    assert "conflicts at title_abstract: cinahl-2" in status
    assert "criterion 1: adults with chronic musculoskeletal pain" in status
    assert "kappa" in status
    assert (
        run(
            "evidence",
            "review",
            "resolve",
            str(folder),
            "cinahl-2",
            "--verdict",
            "include",
            "--by",
            "cara",
        )[0]
        == 0
    )
    assert run("evidence", "review", "not-retrieved", str(folder), "embase-3")[0] == 0
    for reviewer in ("ana", "ben"):
        decide(
            folder,
            reviewer,
            "full_text",
            ["pubmed-1,include", "pubmed-2,include", "cinahl-2,exclude,no pain outcome"],
        )
    code, output = run(
        "evidence",
        "review",
        "chart",
        str(folder),
        "pubmed-1",
        "--study",
        "ferreira2013",
        "--reviewer",
        "ana",
        "citation=Ferreira 2013",
        "year=2013",
        "alliance_measures=watoci",
    )
    assert code == 0, output

    svg, png = tmp_path / "flow.svg", tmp_path / "flow.png"
    code, output = run("evidence", "review", "prisma", str(folder), "-o", str(svg))
    assert code == 0, output
    assert run("evidence", "review", "prisma", str(folder), "-o", str(png))[0] == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    numbers = dict(re.findall(r">([A-Za-z][A-Za-z ]*?) \(n = (\d+)\)</text>", svg.read_text()))
    # 11 imported, 4 duplicates, 7 screened, 3 excluded, 4 sought, 1 not retrieved, 3 assessed,
    # 1 excluded (no pain outcome), 2 reports of 2 studies included.
    assert numbers == {
        "Databases": "11", "Duplicate records removed": "4", "Records screened": "7",
        "Records excluded": "3", "Reports sought for retrieval": "4", "Reports not retrieved": "1",
        "Reports assessed for eligibility": "3", "Studies included in review": "2",
        "Reports of included studies": "2",
    }  # fmt: skip


def test_it_rejects_a_malformed_export_and_imports_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "review"
    run(
        "evidence",
        "review",
        "init",
        str(folder),
        "--name",
        "x",
        "--reviewer",
        "ana",
        "--reviewer",
        "ben",
    )
    bad = tmp_path / "bad.ris"
    bad.write_text(
        (DATA / "cinahl.ris").read_text().replace("ER  - \n\nTY", "ER  - \nstray\nTY", 1)
    )
    code, output = run("evidence", "review", "import", str(folder), str(bad), "--source", "CINAHL")
    assert code == 1
    assert "CINAHL, line 21: expected 'TY  - ' to start a record" in output
    assert read_project(folder).records() == []


def test_it_refuses_a_decision_sheet_with_a_bad_row_and_records_none(tmp_path: Path) -> None:
    folder = tmp_path / "review"
    run(
        "evidence",
        "review",
        "init",
        str(folder),
        "--name",
        "x",
        "--reviewer",
        "ana",
        "--reviewer",
        "ben",
    )
    run(
        "evidence", "review", "import", str(folder), str(DATA / "pubmed.nbib"), "--source", "PubMed"
    )
    sheet = tmp_path / "ana.csv"
    sheet.write_text("record,verdict\npubmed-1,include\npubmed-9,exclude\n")
    code, output = run("evidence", "review", "decide", str(folder), str(sheet), "--reviewer", "ana")
    assert code == 1
    assert "ana.csv, line 3: pubmed-9 is not awaiting title abstract screening" in output
    assert read_project(folder).decisions == ()


def test_it_simulates_screening_of_a_labelled_file() -> None:
    code, output = run("evidence", "simulate", str(DATA / "screening.csv"), "--classifier", "nb")
    assert code == 0
    assert output.startswith("600 records, 30 included (5.0%), 2 priors")
    assert "WSS@95" in output
