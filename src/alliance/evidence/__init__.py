"""The evidence map of the alliance literature and a systematic-review workflow.

The catalogue (models, frameworks, theories, measures, definitions, factors, studies, themes)
is data under ``catalogue/``, validated when loaded; ``queries`` asks it questions and computes
every count and percentage from it. ``evidence.review`` holds the workflow, from search exports
to the PRISMA 2020 flow diagram. Nothing here reads or writes files of the user's:
``alliance.interop.review_files`` does that.

>>> from alliance import evidence
>>> evidence.kind_counts(evidence.bundled_catalogue()).counts
(19, 12, 3)
"""

from __future__ import annotations

from alliance.evidence.catalogue import (
    Catalogue,
    CatalogueError,
    bundled_catalogue,
    parse_catalogue,
)
from alliance.evidence.queries import (
    ThemeTable,
    by_condition,
    by_construct,
    by_kind,
    by_measure,
    component_counts,
    condition_counts,
    definitions_naming,
    field_counts,
    kind_counts,
    measure_counts,
    review_study_counts,
    theme_table,
)
from alliance.evidence.tally import Tally

__all__ = [
    "Catalogue",
    "CatalogueError",
    "Tally",
    "ThemeTable",
    "bundled_catalogue",
    "by_condition",
    "by_construct",
    "by_kind",
    "by_measure",
    "component_counts",
    "condition_counts",
    "definitions_naming",
    "field_counts",
    "kind_counts",
    "measure_counts",
    "parse_catalogue",
    "review_study_counts",
    "theme_table",
]
