"""Small search exports written for the review tests, with their duplicates known by hand.

``RIS`` holds four articles (A, B, C, D); ``CSV`` holds two: A again (same DOI, title
re-cased) and E. Together: six records, one duplicate pair, five unique articles.
"""

from __future__ import annotations

RIS = """TY  - JOUR
T1  - Alliance and pain after knee replacement
AU  - Adams, Ann
PY  - 2019
JO  - Physiotherapy Journal
DO  - 10.1000/alliance.a
AB  - Patients rated the working alliance; a stronger alliance went with less pain.
ER  -

TY  - JOUR
T1  - Bond and adherence in home exercise for neck pain
AU  - Brown, Ben
PY  - 2020
JO  - Manual Therapy Reports
DO  - 10.1000/alliance.b
AB  - The bond with the physiotherapist predicted adherence to home exercise.
ER  -

TY  - JOUR
T1  - Gait speed in older adults after hip fracture
AU  - Clark, Cara
PY  - 2018
JO  - Geriatric Rehabilitation
DO  - 10.1000/gait.c
AB  - Gait speed was measured at discharge; the alliance was not studied.
ER  -

TY  - JOUR
T1  - Goals agreed in occupational therapy for hand injuries
AU  - Dunn, Dara
PY  - 2021
JO  - Hand Therapy Today
DO  - 10.1000/alliance.d
AB  - Agreement on goals and tasks in hand therapy and its link to function.
ER  -
"""

CSV = (
    "title,authors,year,journal,doi,abstract\n"
    '"ALLIANCE AND PAIN AFTER KNEE REPLACEMENT",Adams A,2019,Physiotherapy Journal,'
    '10.1000/alliance.a,"Patients rated the working alliance."\n'
    '"Trust in the therapist and return to work after back injury",Evans E,2022,'
    'Work Rehabilitation,10.1000/alliance.e,"Trust predicted return to work."\n'
)

MALFORMED_RIS = """TY  - JOUR
T1  - A record without its end
AU  - Nobody, N
this line is fine inside a record
ER  -
stray text outside any record
"""
