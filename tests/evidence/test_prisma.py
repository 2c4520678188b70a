"""The PRISMA 2020 flow: its numbers are the recorded decisions, in the SVG and the figure."""

import re
from dataclasses import replace

import pytest

from alliance.evidence.catalogue import bundled_catalogue
from alliance.evidence.review.charting import STUDY_FORM, chart
from alliance.evidence.review.nbib import read_nbib
from alliance.evidence.review.prisma import FlowError, PrismaCounts, prisma_counts
from alliance.evidence.review.project import ReviewProject
from alliance.evidence.review.ris import read_ris
from alliance.evidence.review.screening import Decision, Resolution, Stage, Verdict
from alliance.evidence.review.table_import import read_csv_records
from tests.evidence.conftest import data_text

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
INC, EXC, MAYBE = Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE


def imported() -> ReviewProject:
    project = ReviewProject(
        "alliance and chronic pain",
        ("ana", "ben", "cara"),
        ("adults with chronic musculoskeletal pain", "alliance assessed or manipulated"),
        ("no pain outcome", "not chronic pain"),
    )
    for result in (
        read_nbib(data_text("pubmed.nbib")),
        read_ris(data_text("cinahl.ris"), "CINAHL"),
        read_ris(data_text("embase.ris"), "Embase"),
        read_csv_records(data_text("scholar.csv"), "Google Scholar"),
    ):
        project = project.add_import(result)
    return project


def screened() -> ReviewProject:
    """The search of tests/evidence/data, screened.

    Duplicates: Ferreira (pubmed-1, cinahl-1), Fuentes (pubmed-2, embase-1), Hall (pubmed-3,
    google_scholar-1), Cheing (cinahl-2, embase-2): 11 records, 4 removed, 7 screened.
    Title and abstract: 3 excluded (Hall, Besley, Lakke after a conflict), 4 sought.
    The conference abstract (embase-3) is not retrieved; of 3 assessed, Cheing is excluded
    after a conflict (no pain outcome); 2 reports of 2 studies are included.
    """
    project = imported()
    title_abstract = {
        "pubmed-1": (INC, INC),
        "pubmed-2": (INC, MAYBE),
        "pubmed-3": (EXC, EXC),
        "cinahl-2": (INC, EXC),
        "cinahl-3": (EXC, EXC),
        "embase-3": (INC, INC),
        "google_scholar-2": (EXC, INC),
    }
    for record, (ana, ben) in title_abstract.items():
        project = project.decide(Decision(record, "ana", TA, ana))
        project = project.decide(Decision(record, "ben", TA, ben))
    project = project.resolve(Resolution("cinahl-2", TA, INC, "cara"))
    project = project.resolve(Resolution("google_scholar-2", TA, EXC, "cara"))
    project = project.mark_not_retrieved("embase-3")
    for record, (ana, ben) in {
        "pubmed-1": (INC, INC),
        "pubmed-2": (INC, INC),
        "cinahl-2": (EXC, INC),
    }.items():
        reason = "no pain outcome"
        project = project.decide(Decision(record, "ana", FT, ana, reason if ana is EXC else ""))
        project = project.decide(Decision(record, "ben", FT, ben, reason if ben is EXC else ""))
    project = project.resolve(Resolution("cinahl-2", FT, EXC, "cara", "no pain outcome"))
    catalogue = bundled_catalogue()
    for record, study in (("pubmed-1", "ferreira2013"), ("pubmed-2", "fuentes2014")):
        values = {"citation": f"report {record}", "year": "2014"}
        project = project.add_chart(chart(STUDY_FORM, catalogue, record, study, "ana", values))
    return project


EXPECTED = {
    "Databases": 11,
    "PubMed": 3,
    "CINAHL": 3,
    "Embase": 3,
    "Google Scholar": 2,
    "Duplicate records removed": 4,
    "Records screened": 7,
    "Records excluded": 3,
    "Reports sought for retrieval": 4,
    "Reports not retrieved": 1,
    "Reports assessed for eligibility": 3,
    "no pain outcome": 1,
    "Studies included in review": 2,
    "Reports of included studies": 2,
}


def numbers_in(texts: list[str]) -> dict[str, int]:
    found = {}
    for text in texts:
        for label, number in re.findall(r"([A-Za-z][A-Za-z ]*?) \(n = (\d+)\)", text):
            found[label.strip()] = int(number)
    return found


def test_it_counts_the_flow_from_the_recorded_decisions() -> None:
    counts = prisma_counts(screened())
    assert counts.identified == (("PubMed", 3), ("CINAHL", 3), ("Embase", 3), ("Google Scholar", 2))
    assert counts.duplicates_removed == 4
    assert (counts.screened, counts.screened_excluded, counts.sought) == (7, 3, 4)
    assert (counts.not_retrieved, counts.assessed) == (1, 3)
    assert counts.excluded_reasons == (("no pain outcome", 1),)
    assert (counts.studies_included, counts.reports_included) == (2, 2)


def test_it_writes_the_recorded_numbers_into_the_svg() -> None:
    svg = prisma_counts(screened()).to_svg()
    assert svg.startswith("<svg xmlns=")
    assert numbers_in(re.findall(r">([^<]+)</text>", svg)) == EXPECTED


def test_it_draws_the_same_numbers_in_the_png_figure() -> None:
    figure = prisma_counts(screened()).plot()
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert numbers_in(texts) == EXPECTED


def test_it_counts_two_reports_of_one_study_as_one_study() -> None:
    project = screened()
    merged = replace(project.charts[1], study="ferreira2013")
    project = replace(project, charts=(project.charts[0], merged))
    counts = prisma_counts(project)
    assert (counts.studies_included, counts.reports_included) == (1, 2)


def test_it_refuses_to_count_while_screening_is_unfinished() -> None:
    project = imported().decide(Decision("pubmed-1", "ana", TA, INC))
    with pytest.raises(FlowError, match="title abstract screening is not finished: 7 records"):
        prisma_counts(project)


def test_it_refuses_boxes_that_do_not_add_up() -> None:
    with pytest.raises(FlowError, match="records screened: the boxes above give 7, not 8"):
        PrismaCounts((("PubMed", 11),), 4, 8, 3, 5, 1, 4, (("x", 1),), 3, 3)
