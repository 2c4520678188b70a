"""The demo clinic: a synthetic clinic from ``alliance.synth`` written through the domain
actions, as if three therapists had used Alliance for months.

Every row goes through the same actions a real clinic uses, so the demo's audit trail, scores
and scoping are the real thing. Names and dates of birth are invented ("Demo patient 001").
The synthetic calendar is moved so that the newest episodes are still under way today, with
visits ahead to issue check-in links for.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from alliance.synth import Cohort, SynthConfig, generate
from alliance.web import actions
from alliance.web.demo_review import seed_demo_review
from alliance.web.models import Clinic, Protocol, Role, User, VisitStatus

DEMO_CONFIG = SynthConfig(patients=60, clinics=1, therapists_per_clinic=3, seed=7)
AS_OF = dt.date(2026, 1, 1)
LIVE_DAYS = 21
"""The newest episode started this many days before the demo starts."""
REGIONAL = {"odi": "Back", "ndi": "Neck", "quickdash": "Arm", "lefs": "Leg"}
"""Each region's disability measure, and the name of the demo protocol that asks it."""


@dataclass(frozen=True)
class DemoLogins:
    """The demo accounts and their shared password (printed when the demo starts)."""

    clinic: Clinic
    usernames: dict[str, str]
    password: str


def seed_demo(cohort: Cohort | None = None) -> DemoLogins:
    """Create the demo clinic from ``cohort`` (by default, DEMO_CONFIG's) in one transaction."""
    cohort = cohort if cohort is not None else generate(DEMO_CONFIG)
    password = "demo-" + secrets.token_urlsafe(9)
    with transaction.atomic():
        clinic = actions.create_clinic("Demo clinic")
        usernames = {"admin": "demo-admin", "lead": "demo-lead", "researcher": "demo-researcher"}
        actions.create_user(None, clinic, usernames["admin"], Role.ADMIN, password)
        actions.create_user(None, clinic, usernames["lead"], Role.LEAD, password)
        researcher = actions.create_user(
            None, clinic, usernames["researcher"], Role.RESEARCHER, password
        )
        therapists: dict[str, User] = {}
        for number, synth_id in enumerate(sorted(cohort.episodes["therapist_id"].unique()), 1):
            username = f"demo-therapist-{number}"
            usernames[f"therapist {number}"] = username
            therapists[synth_id] = actions.create_user(
                None, clinic, username, Role.THERAPIST, password
            )
        protocols = {
            measure: Protocol.objects.create(
                clinic=clinic, name=f"{region} ({measure.upper()})", schedule=_schedule(measure)
            )
            for measure, region in REGIONAL.items()
        }
        _seed_patients(cohort, therapists, protocols)
        seed_demo_review(next(iter(therapists.values())), researcher)
    return DemoLogins(clinic=clinic, usernames=usernames, password=password)


def _schedule(measure: str) -> list[dict[str, Any]]:
    """The synthetic clinic's protocol: check-in and pain every visit, the regional measure at
    odd visits, the WAI-SR at visit 2, intake questionnaires at visit 1, EARS at visit 4."""
    return [
        {"instrument": "checkin", "visits": []},
        {"instrument": "nprs", "visits": []},
        {"instrument": measure, "visits": list(range(1, 31, 2))},
        {"instrument": "wai_sr", "visits": [2]},
        {"instrument": "psfs", "visits": [1]},
        {"instrument": "ieq", "visits": [1]},
        {"instrument": "pcs", "visits": [1]},
        {"instrument": "ears", "visits": [4]},
    ]


def _seed_patients(
    cohort: Cohort, therapists: dict[str, User], protocols: dict[str, Protocol]
) -> None:
    answers = _answers_by_visit(cohort)
    regional = {
        str(episode): measure
        for measure in REGIONAL
        for episode in cohort.answers[measure]["episode_id"].unique()
    }
    offset = _offset(cohort)
    today = timezone.localdate()
    visits: dict[str, list[dict[Hashable, Any]]] = {}
    for record in cohort.visits.to_dict("records"):
        visits.setdefault(str(record["episode_id"]), []).append(record)
    ages = dict(zip(cohort.patients["patient_id"], cohort.patients["age"], strict=True))
    for number, row in enumerate(cohort.episodes.to_dict("records"), 1):
        therapist = therapists[str(row["therapist_id"])]
        patient = actions.register_patient(
            therapist,
            name=f"Demo patient {number:03d}",
            date_of_birth=dt.date(AS_OF.year - int(ages[row["patient_id"]]), 7, 1),
            record_number=f"DEMO-{number:05d}",
        )
        episode = actions.open_episode(
            therapist,
            patient,
            condition=str(row["condition"]),
            body_region=str(row["body_region"]),
            setting=str(row["setting"]),
            start_date=_date(row["start_date"]) + offset,
            planned_visits=int(row["planned_visits"]),
            protocol=protocols[regional.get(str(row["episode_id"]), "odi")],
        )
        for visit_row in visits.get(str(row["episode_id"]), []):
            date = _date(visit_row["date"]) + offset
            visit = actions.schedule_visit(therapist, episode, date)
            if date > today:
                continue
            if visit_row["status"] != VisitStatus.SCHEDULED:
                actions.record_attendance(therapist, visit, VisitStatus(visit_row["status"]))
            given = answers.get((str(row["episode_id"]), int(visit_row["visit"])))
            if given:
                actions.record_assessment(visit, given, by=therapist)
        if not pd.isna(row["end_date"]) and _date(row["end_date"]) + offset <= today:
            actions.discharge_episode(
                therapist,
                episode,
                end_date=_date(row["end_date"]) + offset,
                reason=str(row["discharge_reason"]),
            )


def _offset(cohort: Cohort) -> dt.timedelta:
    """How far to move the synthetic calendar so that the newest episodes are under way
    today: their later visits lie ahead, still to be held and answered."""
    newest = _date(cohort.episodes["start_date"].max())
    return timezone.localdate() - (newest + dt.timedelta(days=LIVE_DAYS))


def _date(value: Any) -> dt.date:
    return pd.Timestamp(value).date()


def _answers_by_visit(cohort: Cohort) -> dict[tuple[str, int], dict[str, dict[str, Any]]]:
    """(episode, visit) -> instrument -> item -> answer, as a patient would have sent it."""
    by_visit: dict[tuple[str, int], dict[str, dict[str, Any]]] = {}
    for instrument, table in cohort.answers.items():
        items = [c for c in table.columns if c.startswith("q")]
        for row in table.to_dict("records"):
            key = (str(row["episode_id"]), int(row["visit"]))
            by_visit.setdefault(key, {})[instrument] = {item: _answer(row[item]) for item in items}
    return by_visit


def _answer(value: Any) -> Any:
    """A table cell as JSON: blank -> null, whole numbers as integers, "NA" kept."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
