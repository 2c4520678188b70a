"""The people of the access matrix, in two clinics, and a patient with an episode and a visit.

Clinic A: ``owner`` treats the patient, ``colleague`` has it shared, ``outsider`` is a
therapist with no share, ``researcher`` studies the clinic's data, ``lead`` sees its
clinic-level views, ``admin`` runs the clinic.
Clinic B: ``other_admin`` and ``other_therapist``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from django.test import Client

from alliance.web import actions
from alliance.web.models import Clinic, Episode, Patient, Protocol, Role, User, Visit

PASSWORD = "correct horse battery staple"
CLIENT_NUMBERS = itertools.count()


@dataclass
class World:
    clinic: Clinic
    other_clinic: Clinic
    owner: User
    colleague: User
    outsider: User
    researcher: User
    lead: User
    admin: User
    other_admin: User
    other_therapist: User
    patient: Patient
    episode: Episode
    visit: Visit
    protocol: Protocol


def make_user(clinic: Clinic, username: str, role: Role) -> User:
    return actions.create_user(None, clinic, username, role, PASSWORD)


@pytest.fixture
def world(db: None) -> World:
    clinic = actions.create_clinic("Clinic A")
    other = actions.create_clinic("Clinic B")
    owner = make_user(clinic, "owner", Role.THERAPIST)
    colleague = make_user(clinic, "colleague", Role.THERAPIST)
    patient = actions.register_patient(
        owner, name="Ada Example", date_of_birth=dt.date(1980, 5, 17), record_number="MRN-1"
    )
    actions.share_patient(owner, patient, colleague)
    protocol = Protocol.objects.create(
        clinic=clinic,
        name="Back pain",
        schedule=[{"instrument": "checkin", "visits": []}, {"instrument": "odi", "visits": [1]}],
    )
    episode = actions.open_episode(
        owner,
        patient,
        condition="low back pain",
        body_region="lumbar",
        setting="outpatient",
        start_date=dt.date(2026, 1, 5),
        planned_visits=6,
        protocol=protocol,
    )
    visit = actions.schedule_visit(owner, episode, dt.date(2026, 1, 5))
    return World(
        clinic=clinic,
        other_clinic=other,
        owner=owner,
        colleague=colleague,
        outsider=make_user(clinic, "outsider", Role.THERAPIST),
        researcher=make_user(clinic, "researcher", Role.RESEARCHER),
        lead=make_user(clinic, "lead", Role.LEAD),
        admin=make_user(clinic, "admin", Role.ADMIN),
        other_admin=make_user(other, "other-admin", Role.ADMIN),
        other_therapist=make_user(other, "other-therapist", Role.THERAPIST),
        patient=patient,
        episode=episode,
        visit=visit,
        protocol=protocol,
    )


def neck_pain_episode(by: User, name: str, start: dt.date) -> Episode:
    """A new patient of ``by`` with an open outpatient episode of neck pain."""
    patient = actions.register_patient(by, name=name)
    return actions.open_episode(
        by,
        patient,
        condition="neck pain",
        body_region="cervical",
        setting="outpatient",
        start_date=start,
    )


def api_client(user: User) -> Client:
    """A client that calls the API with a fresh bearer token of ``user``, under a client name
    of its own (a new token replaces only the same client's earlier one)."""
    token = actions.issue_api_token(user, f"test-{next(CLIENT_NUMBERS)}")
    return Client(headers={"Authorization": f"Bearer {token}"})
