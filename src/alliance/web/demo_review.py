"""The demo clinic's systematic review: a small invented search from two databases, imported and
screened at title and abstract by two reviewers who disagree once, so the evidence pages show a
review under way (duplicates, agreement, a conflict to resolve, full texts to screen).

The records are invented for the demo (titles, authors, DOIs): they are not bibliographic data.
"""

from __future__ import annotations

from alliance.evidence.review.screening import Stage, Verdict
from alliance.web.actions.review import create_review, import_search_export, record_decision
from alliance.web.models import Review, User

CINAHL = """TY  - JOUR
T1  - Early alliance and pain at discharge from outpatient physiotherapy
AU  - Demo, Alma
PY  - 2021
JO  - Demo Journal of Physiotherapy
DO  - 10.5555/demo.1
AB  - Adults with persistent back pain rated the alliance at the second visit; a stronger
alliance went with less pain at discharge.
ER  -

TY  - JOUR
T1  - Agreement on goals in hand therapy after tendon repair
AU  - Example, Ben
PY  - 2020
JO  - Demo Hand Therapy
DO  - 10.5555/demo.2
AB  - Therapists and patients rated agreement on goals; function at twelve weeks was measured.
ER  -

TY  - JOUR
T1  - Balance training for older adults: a pilot of group classes
AU  - Sample, Cleo
PY  - 2019
JO  - Demo Ageing and Movement
DO  - 10.5555/demo.3
AB  - Group balance classes were compared with home exercise; the alliance was not measured.
ER  -

TY  - JOUR
T1  - Communication training for physiotherapists and patient trust
AU  - Demo, Dara
PY  - 2022
JO  - Demo Clinical Education
DO  - 10.5555/demo.4
AB  - A short communication course; patients of trained therapists reported more trust.
ER  -
"""

PUBMED_CSV = (
    "title,authors,year,journal,doi,abstract\n"
    '"Early alliance and pain at discharge from outpatient physiotherapy",Demo A,2021,'
    'Demo J Physiother,10.5555/demo.1,"The alliance early in care and later pain."\n'
    '"Knee osteoarthritis exercise adherence and the working alliance",Trial E,2023,'
    'Demo Knee,10.5555/demo.5,"Adherence to exercise rose with the alliance."\n'
    '"Imaging findings in shoulder pain",Scan F,2018,Demo Radiology,10.5555/demo.6,'
    '"Ultrasound findings in people with shoulder pain."\n'
)

VERDICTS = {
    "cinahl-1": ("include", "include"),
    "cinahl-2": ("include", "include"),
    "cinahl-3": ("exclude", "exclude"),
    "cinahl-4": ("include", "exclude"),
    "pubmed-2": ("include", "include"),
    "pubmed-3": ("exclude", "exclude"),
}
"""Title-and-abstract verdicts of the first and the second reviewer; pubmed-1 is a duplicate."""


def seed_demo_review(first: User, second: User) -> Review:
    """Create the demo review, import its two exports and record both reviewers' screening."""
    review = create_review(
        first,
        "Alliance and pain outcomes (demo)",
        [first, second],
        [
            "Adults in physiotherapy or occupational therapy for a musculoskeletal condition",
            "The therapeutic alliance is measured",
            "A pain or function outcome is reported",
        ],
        ["Wrong population", "No alliance measure", "No pain or function outcome"],
    )
    import_search_export(first, review, "cinahl.ris", CINAHL.encode(), "CINAHL")
    import_search_export(first, review, "pubmed.csv", PUBMED_CSV.encode(), "PubMed")
    for record, verdicts in VERDICTS.items():
        for reviewer, verdict in zip((first, second), verdicts, strict=True):
            record_decision(reviewer, review, record, Stage.TITLE_ABSTRACT, Verdict(verdict))
    return review
