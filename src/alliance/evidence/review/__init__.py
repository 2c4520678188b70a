"""The review workflow: import, de-duplicate, screen, prioritise, chart and report a review.

Every function takes and returns plain values (records, decisions, a ``ReviewProject``);
``alliance.interop.review_files`` keeps a project on disk as a folder of JSON and CSV.
Prioritised screening (``review.prioritise``) and its simulation (``review.simulation``) are
imported from their modules, so that loading the workflow does not load scikit-learn.
"""

from __future__ import annotations

from alliance.evidence.review.agreement import Agreement, agreement, cohen_kappa
from alliance.evidence.review.charting import STUDY_FORM, ChartedStudy, ChartingError, chart
from alliance.evidence.review.dedup import Deduplication, Override, deduplicate, pair_scores
from alliance.evidence.review.nbib import read_nbib
from alliance.evidence.review.prisma import FlowError, PrismaCounts, prisma_counts
from alliance.evidence.review.project import ReviewProject
from alliance.evidence.review.records import ImportResult, Record, RecordFormatError
from alliance.evidence.review.ris import read_ris
from alliance.evidence.review.screening import (
    Decision,
    Resolution,
    ScreeningError,
    Stage,
    Verdict,
    blinded_queue,
)
from alliance.evidence.review.table_import import read_csv_records

__all__ = [
    "STUDY_FORM",
    "Agreement",
    "ChartedStudy",
    "ChartingError",
    "Decision",
    "Deduplication",
    "FlowError",
    "ImportResult",
    "Override",
    "PrismaCounts",
    "Record",
    "RecordFormatError",
    "Resolution",
    "ReviewProject",
    "ScreeningError",
    "Stage",
    "Verdict",
    "agreement",
    "blinded_queue",
    "chart",
    "cohen_kappa",
    "deduplicate",
    "pair_scores",
    "prisma_counts",
    "read_csv_records",
    "read_nbib",
    "read_ris",
]
