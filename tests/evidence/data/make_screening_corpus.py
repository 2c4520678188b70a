"""Write screening.csv: a labelled set of invented records for the screening simulation.

Run once from the repository root: .venv/bin/python tests/evidence/data/make_screening_corpus.py
The records are invented from phrase lists (seeded), not taken from any database. Included
records (label_included = 1) study the alliance in physiotherapy or occupational therapy for
musculoskeletal pain (a quarter of them as a bare title that does not name the alliance); the
excluded ones are the near misses a real search returns: the alliance in psychotherapy, in
neurological rehabilitation or in children, reviews and editorials on the alliance,
musculoskeletal physiotherapy without the alliance, communication in other care, other
conditions and occupational therapy outside musculoskeletal care.
"""

import csv
import random
from pathlib import Path

ALLIANCE = [
    "therapeutic alliance",
    "working alliance",
    "patient-therapist relationship",
    "therapeutic relationship",
    "clinician-patient interaction",
    "rapport",
]
MSK = [
    "chronic low back pain",
    "neck pain",
    "knee osteoarthritis",
    "shoulder pain",
    "chronic musculoskeletal pain",
    "whiplash-associated disorders",
    "hip osteoarthritis",
    "persistent pain after injury",
]
THERAPY = [
    "physiotherapy",
    "physical therapy",
    "occupational therapy",
    "outpatient rehabilitation",
    "manual therapy",
    "exercise therapy",
]
DESIGN = [
    "randomised controlled trial",
    "cohort study",
    "cross-sectional study",
    "secondary analysis",
    "qualitative study",
    "experimental study",
]
OUTCOME = [
    "pain intensity",
    "disability",
    "function",
    "exercise adherence",
    "global perceived effect",
    "return to work",
]
MENTAL = [
    "depression",
    "anxiety disorders",
    "substance use",
    "couples",
    "eating disorders",
    "borderline personality disorder",
]
PSYCHO = ["psychotherapy", "counselling", "cognitive behavioural therapy", "brief therapy"]
MSK_TREATMENT = [
    "dry needling",
    "spinal manipulation",
    "kinesio taping",
    "strength training",
    "therapeutic ultrasound",
    "graded activity",
    "massage",
]
OTHER = ["type 2 diabetes", "heart failure", "asthma", "breast cancer", "hypertension"]
OTHER_CARE = [
    "medication adherence",
    "self-management education",
    "telemonitoring",
    "nurse-led follow-up",
]
TALK = [
    "nurse-patient communication",
    "shared decision making",
    "empathy training",
    "patient-centred communication",
]
TALK_SETTING = ["intensive care", "primary care", "oncology clinics", "emergency departments"]
NEURO = ["stroke", "cerebral palsy", "autism", "dementia", "multiple sclerosis"]
VALUED = ["relationship", "rapport", "explanations"]
COMMON = [
    "Participants were recruited from {n} clinics.",
    "Outcomes were measured at baseline and after {w} weeks.",
    "Data were analysed with mixed-effects models.",
    "Findings are discussed with respect to clinical practice.",
]


def included(r: random.Random) -> tuple[str, str, str]:
    a, c, t, d, o = (r.choice(x) for x in (ALLIANCE, MSK, THERAPY, DESIGN, OUTCOME))
    title = r.choice(
        [
            f"The {a} and {o} in {t} for {c}: a {d}",
            f"Does the {a} predict {o} in people with {c}? A {d}",
            f"{t.capitalize()} for {c}: the role of the {a}",
            f"Patients' views of the {a} in {t}: a {d}",
            f"{r.choice(MSK_TREATMENT).capitalize()} added to {t} for {c}: a {d}",
        ]
    )
    body = [
        f"We examined the {a} between patients and clinicians in {t}."
        if r.random() < 0.7
        else f"Clinicians delivered {t} and patients rated the {a} after two sessions.",
        f"Adults with {c} took part.",
        f"{o.capitalize()} was measured.",
        r.choice(COMMON),
    ]
    if r.random() < 0.25:  # title only, and a title that does not name the alliance
        return f"{r.choice(MSK_TREATMENT).capitalize()} added to {t} for {c}: a {d}", "", ""
    return title, " ".join(body), f"{a}; {c}" if r.random() < 0.6 else c


def excluded(r: random.Random) -> tuple[str, str, str]:
    kind = r.choices(range(8), weights=[15, 25, 15, 10, 10, 10, 8, 7])[0]
    d, o = r.choice(DESIGN), r.choice(OUTCOME)
    if kind == 0:
        a, m, p = r.choice(ALLIANCE), r.choice(MENTAL), r.choice(PSYCHO)
        title = f"The {a} in {p} for {m}: a {d}"
        body = [
            f"Clients receiving {p} for {m} rated the {a}.",
            f"The alliance predicted symptom change in {m}.",
        ]
        keys = f"{a}; {m}"
    elif kind == 1:
        c, t, x = r.choice(MSK), r.choice(THERAPY), r.choice(MSK_TREATMENT)
        title = f"{x.capitalize()} added to {t} for {c}: a {d}"
        body = [
            f"We compared {x} with usual {t} for {c}.",
            f"{o.capitalize()} improved in both groups.",
        ]
        keys = f"{x}; {c}"
    elif kind == 2:
        c, x = r.choice(OTHER), r.choice(OTHER_CARE)
        title = f"{x.capitalize()} for people with {c}: a {d}"
        body = [f"We tested {x} for adults with {c}.", "Clinical control improved modestly."]
        keys = f"{x}; {c}"
    elif kind == 3:
        x, s = r.choice(TALK), r.choice(TALK_SETTING)
        title = f"{x.capitalize()} in {s}: a {d}"
        body = [
            f"We studied {x} in {s}.",
            f"Patients valued the {r.choice(VALUED)} with staff.",
        ]
        keys = f"{x}; {s}"
    elif kind == 5:
        a, n, t = r.choice(ALLIANCE), r.choice(NEURO), r.choice(THERAPY)
        title = f"The {a} in {t} after {n}: a {d}"
        body = [
            f"We examined the {a} in {t} for people with {n}.",
            f"{o.capitalize()} was measured.",
        ]
        keys = f"{a}; {n}"
    elif kind == 6:
        a, c, t = r.choice(ALLIANCE), r.choice(MSK), r.choice(THERAPY)
        title = f"The {a} in {t} for children and adolescents with {c}: a {d}"
        body = [
            f"We examined the {a} in {t} for young people aged 8 to 17 with {c}.",
            f"{o.capitalize()} was measured.",
        ]
        keys = f"{a}; paediatrics"
    elif kind == 7:
        a, c, t = r.choice(ALLIANCE), r.choice(MSK), r.choice(THERAPY)
        kind_of = r.choice(["narrative review", "editorial", "conference report", "protocol"])
        title = f"The {a} in {t} for {c}: a {kind_of}"
        body = [f"This {kind_of} discusses the {a} in {t} for adults with {c}."]
        keys = f"{a}; {c}"
    else:
        n = r.choice(NEURO)
        title = f"Occupational therapy for {n}: a {d}"
        body = [
            f"Occupational therapy was delivered to people with {n}.",
            f"{r.choice(['Participation', 'Self-care', 'Function'])} improved.",
        ]
        keys = f"occupational therapy; {n}"
    body.append(r.choice(COMMON))
    return title, " ".join(body), keys


def main() -> None:
    r = random.Random(2026)
    rows = [(*included(r), 1) for _ in range(30)] + [(*excluded(r), 0) for _ in range(570)]
    r.shuffle(rows)
    target = Path(__file__).with_name("screening.csv")
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "abstract", "keywords", "label_included"])
        for title, abstract, keys, label in rows:
            filled = abstract.format(n=r.randint(2, 40), w=r.choice([6, 8, 12, 26, 52]))
            writer.writerow([title, filled, keys, label])


if __name__ == "__main__":
    main()
