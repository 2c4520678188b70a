"""The public names of alliance.evidence and its review workflow, pinned."""

from alliance import evidence
from alliance.evidence import review


def test_it_exports_exactly_the_documented_catalogue_api() -> None:
    assert sorted(evidence.__all__) == sorted(
        [
            "Catalogue", "CatalogueError", "Tally", "ThemeTable", "bundled_catalogue",
            "by_condition", "by_construct", "by_kind", "by_measure", "component_counts",
            "condition_counts", "definitions_naming", "field_counts", "kind_counts",
            "measure_counts", "parse_catalogue", "review_study_counts", "theme_table",
        ]
    )  # fmt: skip
    assert all(hasattr(evidence, name) for name in evidence.__all__)


def test_it_exports_exactly_the_documented_review_api() -> None:
    assert sorted(review.__all__) == sorted(
        [
            "STUDY_FORM", "Agreement", "ChartedStudy", "ChartingError", "Decision",
            "Deduplication", "FlowError", "ImportResult", "Override", "PrismaCounts", "Record",
            "RecordFormatError", "Resolution", "ReviewProject", "ScreeningError", "Stage",
            "Verdict", "agreement", "blinded_queue", "chart", "cohen_kappa", "deduplicate",
            "pair_scores", "prisma_counts", "read_csv_records", "read_nbib", "read_ris",
        ]
    )  # fmt: skip
    assert all(hasattr(review, name) for name in review.__all__)
