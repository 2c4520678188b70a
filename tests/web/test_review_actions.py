"""The review workflow in the database: each write is an audited action that the pure
workflow checks, only a review's reviewers write, and the counts come from what was recorded."""

from __future__ import annotations

import pytest

from alliance.evidence.review.prisma import prisma_counts
from alliance.evidence.review.screening import Stage, Status, Verdict
from alliance.web import actions
from alliance.web.actions.review import (
    ReviewRuleError,
    chart_report,
    create_review,
    import_search_export,
    mark_not_retrieved,
    override_duplicates,
    project_of,
    record_decision,
    resolve_conflict,
)
from alliance.web.models import AuditEvent, Review, ReviewRecord, SearchImport
from tests.web.conftest import World
from tests.web.review_files import CSV, MALFORMED_RIS, RIS

pytestmark = pytest.mark.django_db

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
INCLUDE, EXCLUDE = Verdict.INCLUDE, Verdict.EXCLUDE
REASONS = ["wrong population", "no alliance measure"]


def _review(world: World) -> Review:
    review = create_review(
        world.owner,
        "Alliance and pain",
        [world.owner, world.researcher],
        ["adults in MSK care", "an alliance measure"],
        REASONS,
    )
    import_search_export(world.owner, review, "cinahl.ris", RIS.encode(), "CINAHL")
    import_search_export(world.researcher, review, "scholar.csv", CSV.encode(), "Scholar")
    return review


def test_it_creates_a_review_with_its_reviewers_and_an_audit_row(world: World) -> None:
    review = _review(world)
    assert sorted(review.reviewers.values_list("username", flat=True)) == ["owner", "researcher"]
    assert review.clinic == world.clinic
    event = AuditEvent.objects.get(action="review_created")
    assert (event.actor, event.clinic, event.object_id) == (
        world.owner,
        world.clinic,
        str(review.pk),
    )


def test_it_refuses_a_single_reviewer_or_one_from_another_clinic(world: World) -> None:
    with pytest.raises(ReviewRuleError, match="at least two distinct reviewers"):
        create_review(world.owner, "Solo", [world.owner], [], REASONS)
    with pytest.raises(actions.NotAllowedError):
        create_review(world.owner, "Mixed", [world.owner, world.other_therapist], [], REASONS)
    assert not Review.objects.exists()


def test_it_counts_records_per_source_and_numbers_them_in_file_order(world: World) -> None:
    review = _review(world)
    counts = dict(SearchImport.objects.values_list("source", "count"))
    assert counts == {"CINAHL": 4, "Scholar": 2}
    ids = list(ReviewRecord.objects.order_by("position").values_list("record_id", flat=True))
    assert ids == ["cinahl-1", "cinahl-2", "cinahl-3", "cinahl-4", "scholar-1", "scholar-2"]
    project = project_of(review)
    first = project.records()[0]
    assert (first.title, first.authors, first.year, first.doi) == (
        "Alliance and pain after knee replacement",
        ("Adams, Ann",),
        2019,
        "10.1000/alliance.a",
    )
    assert AuditEvent.objects.filter(action="review_records_imported").count() == 2


def test_it_imports_nothing_from_a_malformed_file_and_names_the_line(world: World) -> None:
    review = create_review(world.owner, "R", [world.owner, world.researcher], [], REASONS)
    with pytest.raises(ReviewRuleError, match=r"bad\.ris: CINAHL, line 6: .*stray text"):
        import_search_export(world.owner, review, "bad.ris", MALFORMED_RIS.encode(), "CINAHL")
    with pytest.raises(ReviewRuleError, match="not UTF-8"):
        import_search_export(
            world.owner, review, "latin.csv", "title\ncaf\xe9\n".encode("latin-1"), "X"
        )
    assert not ReviewRecord.objects.exists()
    assert not SearchImport.objects.exists()


def test_only_the_reviews_own_reviewers_write_to_it(world: World) -> None:
    review = _review(world)
    for outsider in (world.colleague, world.other_therapist):
        with pytest.raises(actions.NotAllowedError):
            import_search_export(outsider, review, "more.ris", RIS.encode(), "CINAHL")
        with pytest.raises(actions.NotAllowedError):
            record_decision(outsider, review, "cinahl-1", TA, INCLUDE)
    assert SearchImport.objects.count() == 2


def test_it_overrides_a_duplicate_group_so_both_records_are_screened(world: World) -> None:
    review = _review(world)
    assert project_of(review).unique_ids() == [
        "cinahl-1",
        "cinahl-2",
        "cinahl-3",
        "cinahl-4",
        "scholar-2",
    ]
    override_duplicates(world.owner, review, "distinct", "cinahl-1", "scholar-1", "erratum")
    assert len(project_of(review).unique_ids()) == 6
    with pytest.raises(ReviewRuleError, match="both same and distinct"):
        override_duplicates(world.owner, review, "same", "cinahl-1", "scholar-1")
    with pytest.raises(ReviewRuleError, match="unknown record"):
        override_duplicates(world.owner, review, "same", "cinahl-1", "nowhere-9")


def test_decisions_settle_conflicts_and_resolutions_and_feed_kappa(world: World) -> None:
    review = _review(world)
    owner = {"cinahl-1": INCLUDE, "cinahl-2": INCLUDE, "cinahl-3": EXCLUDE, "cinahl-4": EXCLUDE}
    researcher = {"cinahl-1": INCLUDE, "cinahl-2": EXCLUDE, "cinahl-3": EXCLUDE}
    for record, verdict in owner.items():
        record_decision(world.owner, review, record, TA, verdict)
    for record, verdict in researcher.items():
        record_decision(world.researcher, review, record, TA, verdict)
    outcome = project_of(review).title_abstract()
    assert outcome.ids(Status.INCLUDED) == ["cinahl-1"]
    assert outcome.ids(Status.EXCLUDED) == ["cinahl-3"]
    assert outcome.ids(Status.CONFLICT) == ["cinahl-2"]
    assert outcome.ids(Status.PENDING) == ["cinahl-4", "scholar-2"]
    with pytest.raises(ReviewRuleError, match="no conflict to resolve"):
        resolve_conflict(world.owner, review, "cinahl-1", TA, EXCLUDE)
    resolve_conflict(world.researcher, review, "cinahl-2", TA, INCLUDE, note="bond counts")
    assert project_of(review).title_abstract().ids(Status.INCLUDED) == ["cinahl-1", "cinahl-2"]
    assert AuditEvent.objects.filter(action="review_decision_recorded").count() == 7
    assert AuditEvent.objects.filter(action="review_conflict_resolved").count() == 1


def test_a_later_decision_replaces_the_reviewers_earlier_one(world: World) -> None:
    review = _review(world)
    record_decision(world.owner, review, "cinahl-1", TA, EXCLUDE)
    record_decision(world.owner, review, "cinahl-1", TA, INCLUDE)
    record_decision(world.researcher, review, "cinahl-1", TA, INCLUDE)
    assert "cinahl-1" in project_of(review).title_abstract().ids(Status.INCLUDED)


def test_it_refuses_a_removed_duplicate_and_a_full_text_exclusion_without_reason(
    world: World,
) -> None:
    review = _review(world)
    with pytest.raises(ReviewRuleError, match="scholar-1 is not awaiting title abstract"):
        record_decision(world.owner, review, "scholar-1", TA, INCLUDE)
    record_decision(world.owner, review, "cinahl-1", TA, INCLUDE)
    record_decision(world.researcher, review, "cinahl-1", TA, INCLUDE)
    with pytest.raises(ReviewRuleError, match="needs one of the reasons"):
        record_decision(world.owner, review, "cinahl-1", FT, EXCLUDE, reason="too short")


def _screen_everything(world: World, review: Review) -> None:
    """Title and abstract: A, B and D in; C and E out (E after a conflict). Full text: A in;
    B out (wrong population) after a conflict; D's full text not found."""
    owner_ta = {"cinahl-1": INCLUDE, "cinahl-2": INCLUDE, "cinahl-3": EXCLUDE}
    owner_ta |= {"cinahl-4": INCLUDE, "scholar-2": INCLUDE}
    researcher_ta = {**owner_ta, "scholar-2": EXCLUDE}
    for record, verdict in owner_ta.items():
        record_decision(world.owner, review, record, TA, verdict)
    for record, verdict in researcher_ta.items():
        record_decision(world.researcher, review, record, TA, verdict)
    resolve_conflict(world.owner, review, "scholar-2", TA, EXCLUDE)
    mark_not_retrieved(world.researcher, review, "cinahl-4")
    record_decision(world.owner, review, "cinahl-1", FT, INCLUDE)
    record_decision(world.researcher, review, "cinahl-1", FT, INCLUDE)
    record_decision(world.owner, review, "cinahl-2", FT, INCLUDE)
    record_decision(world.researcher, review, "cinahl-2", FT, EXCLUDE, REASONS[0])
    resolve_conflict(world.researcher, review, "cinahl-2", FT, EXCLUDE, REASONS[0])


def test_the_prisma_counts_equal_the_recorded_decisions(world: World) -> None:
    review = _review(world)
    _screen_everything(world, review)
    counts = prisma_counts(project_of(review))
    assert counts.identified == (("CINAHL", 4), ("Scholar", 2))
    assert counts.duplicates_removed == 1  # scholar-1 repeats cinahl-1's DOI
    assert counts.screened == 5
    assert counts.screened_excluded == 2  # cinahl-3 agreed, scholar-2 resolved
    assert (counts.sought, counts.not_retrieved, counts.assessed) == (3, 1, 2)
    assert counts.excluded_reasons == (("wrong population", 1),)
    assert (counts.reports_included, counts.studies_included) == (1, 1)


def test_it_charts_only_included_reports_and_names_a_bad_field(world: World) -> None:
    review = _review(world)
    _screen_everything(world, review)
    values = {"citation": "Adams A. Alliance and pain. 2019", "year": "2019"}
    with pytest.raises(ReviewRuleError, match="cinahl-2 is not an included report"):
        chart_report(world.owner, review, "cinahl-2", "adams2019", values)
    with pytest.raises(ReviewRuleError, match=r"Effect size \(effect_size\): 'big' is not"):
        chart_report(world.owner, review, "cinahl-1", "adams2019", {**values, "effect_size": "big"})
    chart_report(world.owner, review, "cinahl-1", "adams2019", {**values, "effect_size": "0.4"})
    chart_report(world.owner, review, "cinahl-1", "adams2019", {**values, "effect_size": "0.5"})
    charts = project_of(review).charts
    assert len(charts) == 1
    assert (charts[0].study, charts[0].reviewer, charts[0].get("effect_size")) == (
        "adams2019",
        "owner",
        "0.5",
    )
