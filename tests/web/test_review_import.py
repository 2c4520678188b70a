"""Bringing a review kept in a project folder into the clinic: all of it, as the folder has it,
or nothing."""

from __future__ import annotations

import json

import pytest

from alliance.evidence.catalogue import bundled_catalogue
from alliance.evidence.review.charting import STUDY_FORM, chart
from alliance.evidence.review.dedup import Override
from alliance.evidence.review.prisma import prisma_counts
from alliance.evidence.review.project import ReviewProject
from alliance.evidence.review.project_files import project_to_texts
from alliance.evidence.review.ris import read_ris
from alliance.evidence.review.screening import Decision, Resolution, Stage, Verdict
from alliance.evidence.review.table_import import read_csv_records
from alliance.web.actions import NotAllowedError
from alliance.web.actions.review import ReviewRuleError, export_review, project_of
from alliance.web.actions.review_import import import_review_project
from alliance.web.models import AuditEvent, Review, ReviewRecord
from tests.web.conftest import World
from tests.web.review_files import CSV, RIS

pytestmark = pytest.mark.django_db

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
IN, OUT = Verdict.INCLUDE, Verdict.EXCLUDE
REASONS = ("wrong population", "no alliance measure")


def _folder_project() -> ReviewProject:
    """A review screened on the command line: two imports, an override, a conflict settled,
    a report not retrieved, one included and charted."""
    project = ReviewProject("Alliance and pain", ("owner", "researcher"), ("adults",), REASONS)
    project = project.add_import(read_ris(RIS, "CINAHL")).add_import(
        read_csv_records(CSV, "Scholar")
    )
    project = project.add_override(Override("distinct", "cinahl-3", "scholar-2", "other trial"))
    for who in ("owner", "researcher"):
        for record in ("cinahl-1", "cinahl-2", "cinahl-4"):
            project = project.decide(Decision(record, who, TA, IN))
        project = project.decide(Decision("cinahl-3", who, TA, OUT))
    project = project.decide(Decision("scholar-2", "owner", TA, IN))
    project = project.decide(Decision("scholar-2", "researcher", TA, OUT))
    project = project.resolve(Resolution("scholar-2", TA, OUT, "owner", note="no alliance"))
    project = project.mark_not_retrieved("cinahl-4")
    for who in ("owner", "researcher"):
        project = project.decide(Decision("cinahl-1", who, FT, IN))
        project = project.decide(Decision("cinahl-2", who, FT, OUT, REASONS[0]))
    values = {"citation": "Adams A. Alliance and pain. 2019", "year": "2019"}
    charted = chart(STUDY_FORM, bundled_catalogue(), "cinahl-1", "adams2019", "owner", values)
    return project.add_chart(charted)


def test_the_clinic_holds_the_folders_review_and_exports_the_same_files(world: World) -> None:
    project = _folder_project()
    texts = project_to_texts(project)
    review = import_review_project(world.admin, texts, "alliance-review.zip")
    assert review.clinic == world.clinic
    assert sorted(review.reviewers.values_list("username", flat=True)) == ["owner", "researcher"]
    assert project_of(review) == project
    assert export_review(world.owner, review) == texts
    counts = prisma_counts(project_of(review))
    assert counts.identified == (("CINAHL", 4), ("Scholar", 2))
    assert (counts.not_retrieved, counts.excluded_reasons) == (1, (("wrong population", 1),))
    event = AuditEvent.objects.get(action="review_project_imported")
    assert (event.actor, event.object_id) == (world.admin, str(review.pk))
    assert event.detail == {"records": 6, "decisions": 14}


def test_a_reviewer_the_clinic_lacks_refuses_the_whole_folder(world: World) -> None:
    texts = project_to_texts(_folder_project())
    meta = json.loads(texts["project.json"])
    meta["reviewers"] = ["owner", "somebody-else"]
    with pytest.raises(ReviewRuleError, match="somebody-else"):
        import_review_project(world.owner, {**texts, "project.json": json.dumps(meta)}, "r.zip")
    meta["reviewers"] = ["owner", "other-therapist"]  # a therapist of another clinic
    with pytest.raises(ReviewRuleError, match="other-therapist"):
        import_review_project(world.owner, {**texts, "project.json": json.dumps(meta)}, "r.zip")
    assert not Review.objects.exists()
    assert not ReviewRecord.objects.exists()


def test_a_decision_on_a_record_the_folder_lacks_is_refused(world: World) -> None:
    texts = project_to_texts(_folder_project())
    extra = "nowhere-1,owner,title_abstract,include,,\r\n"
    with pytest.raises(ReviewRuleError, match="nowhere-1"):
        import_review_project(
            world.owner, {**texts, "decisions.csv": texts["decisions.csv"] + extra}, "r.zip"
        )
    assert not Review.objects.exists()


def test_a_full_text_exclusion_without_a_reason_is_refused(world: World) -> None:
    texts = project_to_texts(_folder_project())
    rows = texts["decisions.csv"].replace(f"exclude,{REASONS[0]},", "exclude,,")
    with pytest.raises(ReviewRuleError, match="needs one of the reasons"):
        import_review_project(world.owner, {**texts, "decisions.csv": rows}, "r.zip")


def test_a_malformed_project_file_names_the_file(world: World) -> None:
    texts = project_to_texts(_folder_project())
    with pytest.raises(ReviewRuleError, match=r"r\.zip: project\.json, line 1"):
        import_review_project(world.owner, {**texts, "project.json": "{"}, "r.zip")


def test_a_clinic_lead_cannot_import_a_review(world: World) -> None:
    with pytest.raises(NotAllowedError):
        import_review_project(world.lead, project_to_texts(_folder_project()), "r.zip")
