"""The demo clinic's review: two imports with one duplicate, screened by two reviewers who
disagree on one record, so the pages have a conflict to show."""

from __future__ import annotations

import pytest

from alliance.evidence.review.prisma import FlowError, prisma_counts
from alliance.evidence.review.screening import Status
from alliance.web.actions.review import project_of
from alliance.web.demo_review import VERDICTS, seed_demo_review
from tests.web.conftest import World

pytestmark = pytest.mark.django_db


def test_the_demo_review_is_under_way_with_one_conflict(world: World) -> None:
    review = seed_demo_review(world.owner, world.researcher)
    project = project_of(review)
    assert [(i.source, i.count) for i in project.imports] == [("CINAHL", 4), ("PubMed", 3)]
    assert project.unique_ids() == list(VERDICTS)  # pubmed-1 repeats cinahl-1's DOI
    outcome = project.title_abstract()
    assert outcome.ids(Status.CONFLICT) == ["cinahl-4"]
    assert outcome.ids(Status.INCLUDED) == ["cinahl-1", "cinahl-2", "pubmed-2"]
    with pytest.raises(FlowError, match="1 conflicts unresolved"):
        prisma_counts(project)
