"""Review projects on disk: a saved project reads back equal, and a damaged file is named."""

from pathlib import Path

import pytest

from alliance.evidence.review.project_files import ProjectFileError
from alliance.evidence.review.records import RecordFormatError
from alliance.interop.review_files import read_export, read_labelled, read_project, write_project
from tests.evidence.conftest import DATA
from tests.evidence.test_prisma import screened


def test_it_reads_back_the_project_it_wrote(tmp_path: Path) -> None:
    project = screened()
    write_project(project, tmp_path / "review")
    assert read_project(tmp_path / "review") == project
    assert sorted(p.name for p in (tmp_path / "review").iterdir()) == [
        "charts.csv",
        "decisions.csv",
        "overrides.csv",
        "project.json",
        "records.csv",
        "resolutions.csv",
    ]


def test_it_names_the_file_and_line_of_a_damaged_decision(tmp_path: Path) -> None:
    write_project(screened(), tmp_path)
    decisions = tmp_path / "decisions.csv"
    lines = decisions.read_text().splitlines()
    lines[2] = lines[2].replace(",include,", ",perhaps,")
    decisions.write_text("\n".join(lines) + "\n")
    with pytest.raises(ProjectFileError, match=r"decisions.csv, line 3: 'perhaps' is not a valid"):
        read_project(tmp_path)


def test_it_says_when_a_folder_is_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(ProjectFileError, match=r"no project\.json"):
        read_project(tmp_path)


def test_it_picks_the_reader_by_suffix_and_rejects_text_that_is_not_utf8(tmp_path: Path) -> None:
    assert read_export(DATA / "embase.ris", "Embase").format == "ris:auto"
    assert read_export(DATA / "pubmed.nbib", "PubMed").count == 3
    latin = tmp_path / "export.csv"
    latin.write_bytes("title\nFl\xfcckiger\n".encode("latin-1"))
    with pytest.raises(RecordFormatError, match=r"export\.csv: not UTF-8 text"):
        read_export(latin, "Scholar")


def test_it_reads_labels_for_simulation_and_refuses_anything_but_0_or_1(tmp_path: Path) -> None:
    texts, labels = read_labelled(DATA / "screening.csv")
    assert (len(texts), sum(labels)) == (600, 30)
    bad = tmp_path / "labelled.csv"
    bad.write_text("title,label_included\nA study,1\nAnother,yes\n")
    with pytest.raises(RecordFormatError, match="line 3: label 'yes' is not 0 or 1"):
        read_labelled(bad)
