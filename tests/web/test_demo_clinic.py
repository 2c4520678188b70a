"""The demo clinic: a synthetic cohort written through the domain actions, nothing lost."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from django.utils import timezone

from alliance.synth import SynthConfig, generate
from alliance.web.demo_clinic import seed_demo
from alliance.web.models import Assessment, Episode, Identity, Patient, User, Visit
from alliance.web.scope import visible_patients

pytestmark = pytest.mark.django_db


def test_it_seeds_every_patient_visit_and_answer_of_the_cohort_up_to_today() -> None:
    cohort = generate(SynthConfig(patients=8, clinics=1, therapists_per_clinic=3, seed=3))
    logins = seed_demo(cohort)
    today = timezone.localdate()
    newest = pd.Timestamp(cohort.episodes["start_date"].max()).date()
    offset = today - newest - dt.timedelta(days=21)
    shifted = pd.to_datetime(cohort.visits["date"]).dt.date + offset
    past = cohort.visits[shifted <= today]
    held = set(zip(past["episode_id"].astype(str), past["visit"], strict=True))
    answered = sum(
        sum((str(e), v) in held for e, v in zip(t["episode_id"], t["visit"], strict=True))
        for t in cohort.answers.values()
    )
    assert Patient.objects.count() == 8
    assert Identity.objects.filter(name__startswith="Demo patient").count() == 8
    assert Episode.objects.count() == len(cohort.episodes)
    assert Visit.objects.count() == len(cohort.visits)
    assert Visit.objects.filter(date__gt=today, status="scheduled").count() == len(
        cohort.visits
    ) - len(past)
    assert Assessment.objects.count() == answered
    ended = pd.to_datetime(cohort.episodes["end_date"]).dt.date + offset <= today
    assert Episode.objects.filter(end_date__isnull=False).count() == int(ended.sum())
    assert Episode.objects.filter(end_date__isnull=True).count() >= 1
    attended = Visit.objects.filter(status="attended").count()
    assert attended == int((past["status"] == "attended").sum())
    therapist = User.objects.get(username=logins.usernames["therapist 1"])
    assert therapist.check_password(logins.password)
    lead = User.objects.get(username=logins.usernames["lead"])
    assert (lead.role, lead.clinic_id) == ("lead", logins.clinic.pk)
    assert lead.check_password(logins.password)
    assert visible_patients(lead).count() == 0
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
