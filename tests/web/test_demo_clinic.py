"""The demo clinic: a synthetic cohort written through the domain actions, nothing lost."""

from __future__ import annotations

import pytest

from alliance.synth import SynthConfig, generate
from alliance.web.demo_clinic import seed_demo
from alliance.web.models import Assessment, Episode, Identity, Patient, User, Visit
from alliance.web.scope import visible_patients

pytestmark = pytest.mark.django_db


def test_it_seeds_every_patient_visit_and_answer_of_the_cohort() -> None:
    cohort = generate(SynthConfig(patients=8, clinics=1, therapists_per_clinic=3, seed=3))
    logins = seed_demo(cohort)
    assert Patient.objects.count() == 8
    assert Identity.objects.filter(name__startswith="Demo patient").count() == 8
    assert Episode.objects.count() == len(cohort.episodes)
    assert Visit.objects.count() == len(cohort.visits)
    assert Assessment.objects.count() == sum(len(table) for table in cohort.answers.values())
    assert Episode.objects.filter(end_date__isnull=False).count() == int(
        cohort.episodes["end_date"].notna().sum()
    )
    attended = Visit.objects.filter(status="attended").count()
    assert attended == int((cohort.visits["status"] == "attended").sum())
    therapist = User.objects.get(username=logins.usernames["therapist 1"])
    assert therapist.check_password(logins.password)
    caseloads = [
        visible_patients(User.objects.get(username=logins.usernames[f"therapist {n}"])).count()
        for n in (1, 2, 3)
    ]
    assert sum(caseloads) == 8


def test_it_stores_the_synthetic_answers_verbatim_and_scored() -> None:
    cohort = generate(SynthConfig(patients=3, clinics=1, therapists_per_clinic=1, seed=5))
    seed_demo(cohort)
    first = cohort.answers["checkin"].iloc[0]
    stored = Assessment.objects.filter(instrument_id="checkin").order_by("pk").first()
    assert stored is not None
    assert stored.answers["q1"] == int(first["q1"])
    answered = [float(first[f"q{n}"]) for n in range(1, 5) if first[f"q{n}"] == first[f"q{n}"]]
    assert stored.scores["total"] == pytest.approx(sum(answered) / len(answered))
