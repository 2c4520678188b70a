"""Importers: hand-written exports in each format, and malformed ones rejected whole."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.evidence.review.nbib import read_nbib
from alliance.evidence.review.records import RecordFormatError
from alliance.evidence.review.ris import read_ris
from alliance.evidence.review.table_import import read_csv_records
from tests.evidence.conftest import data_text


def test_it_reads_a_pubmed_export_with_wrapped_lines_and_doi_in_lid() -> None:
    result = read_nbib(data_text("pubmed.nbib"))
    assert result.count == 3
    first = result.records[0]
    assert first.id == "pubmed-1"
    assert first.pmid == "23139428"
    assert first.title.endswith("predicts outcome in chronic low back pain.")
    assert first.doi == "10.2522/ptj.20120137"
    assert first.year == 2013
    assert first.pages == "470-8"
    assert first.authors[:2] == ("Ferreira, Paulo H", "Ferreira, Manuela L")
    assert "therapeutic alliance" in first.keywords
    assert "second session. Results:" in first.abstract


def test_it_reads_cinahl_ris_taking_the_pubmed_id_from_the_note_not_the_accession() -> None:
    result = read_ris(data_text("cinahl.ris"), "CINAHL")
    assert result.count == 3
    ferreira, cheing, besley = result.records
    assert ferreira.pmid == "23139428"  # from "PMID: 23139428." in N1, not AN 104133521
    assert cheing.pmid == ""
    assert ferreira.pages == "470-478"
    assert ferreira.year == 2013
    assert ferreira.journal == "Physical Therapy"
    assert ferreira.abstract.endswith("global perceived effect and pain.")
    assert besley.authors == ("Besley, Joanna", "Kayes, Nicola M.", "McPherson, Kathryn M.")


def test_it_reads_embase_ris_with_a1_authors_c5_pubmed_id_and_doi_in_a_link() -> None:
    result = read_ris(data_text("embase.ris"), "Embase")
    fuentes = result.records[0]
    assert fuentes.authors == ("Fuentes J.", "Armijo-Olivo S.", "Funabashi M.")
    assert fuentes.pmid == "24231226"
    assert fuentes.doi == "10.2522/ptj.20130118"
    assert fuentes.abstract.startswith("In four groups")
    assert result.records[2].pages == "eS123"


def test_it_reads_a_csv_export_by_column_name() -> None:
    result = read_csv_records(data_text("scholar.csv"), "Google Scholar")
    assert [r.id for r in result.records] == ["google_scholar-1", "google_scholar-2"]
    assert result.records[1].doi == "10.1186/s40639-016-0018-7"
    assert result.records[0].authors[-1] == "Ferreira ML"


def edit(text: str, line: int, new: list[str]) -> str:
    """Replace line ``line`` (1-based) of ``text`` by the lines ``new``."""
    lines = text.split("\n")
    return "\n".join(lines[: line - 1] + new + lines[line:])


# Line numbers read off the data files with grep -n (cinahl.ris: TY at 1, 22, 41; ER at 20,
# 39, 55; the third T1 at 45. pubmed.nbib: PMID at 1, 25, 41; PG at 29; the third TI at 43).
@pytest.mark.parametrize(
    ("line", "new", "message"),
    [
        (
            21,
            ["stray text", ""],
            "line 21: expected 'TY  - ' to start a record, found 'stray text'",
        ),
        (55, [], "line 41: the record starting here has no end tag"),
        (45, [], "line 41: the record starting here has no title"),
        (39, [], "line 40: new record starts before the record at line 22 ended"),
    ],
)
def test_it_rejects_malformed_ris_naming_the_line_and_reason(
    line: int, new: list[str], message: str
) -> None:
    with pytest.raises(RecordFormatError) as caught:
        read_ris(edit(data_text("cinahl.ris"), line, new), "CINAHL")
    assert str(caught.value).startswith(f"CINAHL, {message}")


@pytest.mark.parametrize(
    ("line", "new", "message"),
    [
        (29, ["PG  - 477-89", "no tag here"], "line 30: expected a tag"),
        (41, ["PMID- 2057671x"], "line 41: PMID '2057671x' is not a number"),
        (25, ["DP  - 2014 Apr", "PMID- 24231226"], "line 25: a record must start with 'PMID- '"),
        (43, ["XX  - The influence"], "line 41: record PMID 20576715 has no title"),
    ],
)
def test_it_rejects_a_malformed_pubmed_export_naming_the_line_and_reason(
    line: int, new: list[str], message: str
) -> None:
    text = data_text("pubmed.nbib")
    if line == 25:  # swap the PMID and DP lines of the second record
        text = edit(text, 26, [])
    with pytest.raises(RecordFormatError) as caught:
        read_nbib(edit(text, line, new))
    assert str(caught.value).startswith(f"PubMed, {message}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,year\nA study,2014\n", "Scholar, line 1: no title column"),
        ("title,year\nA study,2014\n,2015\n", "Scholar, line 3: empty title"),
        ("title,year\nA study,2014\nAnother,20x4\n", "Scholar, line 3: year '20x4' is not"),
        ("title,year\nA study,2014,extra\n", "Scholar, line 2: 3 fields where the header has 2"),
        ('title,year\n"A study,2014\n', "Scholar, line 2: not valid CSV"),
        ("title,year\n", "Scholar: no records below the header"),
    ],
)
def test_it_rejects_a_malformed_csv_naming_the_line_and_reason(text: str, message: str) -> None:
    with pytest.raises(RecordFormatError) as caught:
        read_csv_records(text, "Scholar")
    assert str(caught.value).startswith(message)


titles = st.text(
    alphabet=st.characters(whitelist_categories=("L", "N", "Zs"), max_codepoint=0x2FF),
    min_size=1,
    max_size=80,
).filter(lambda t: t.strip())


@given(st.lists(titles, min_size=1, max_size=5))
def test_it_reads_back_every_title_it_is_given_in_ris(given_titles: list[str]) -> None:
    text = "".join(f"TY  - JOUR\nTI  - {t}\nPY  - 2020\nER  - \n\n" for t in given_titles)
    read = read_ris(text, "Test")
    assert [r.title for r in read.records] == [" ".join(t.split()) for t in given_titles]
