"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Browsers cannot be downloaded here, so Playwright launches ``/usr/bin/chromium`` (installed by
``scripts/setup``). Without it the tests are skipped on a developer's machine and fail in CI.
Playwright's sync API keeps an event loop running in the main thread from the first browser
test to the end of the session, so Django's guard against ORM calls from async code is lifted
for the whole run once this file is imported (the ORM calls are synchronous all the same;
lifting it only around each browser test is not enough, since database set-up and later
tests run in that thread too).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from alliance.web import actions
from alliance.web.models import Clinic, Patient, Protocol, Role, User, Visit, VisitStatus

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}
AXE = Path(__file__).parent / "axe" / "axe.min.js"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: scripts/setup installs it")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield context
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    yield context
    context.close()


@dataclass
class Clinic1:
    clinic: Clinic
    therapist: User
    outsider: User
    patient: Patient
    visit: Visit


@pytest.fixture
def clinic(transactional_db: None) -> Clinic1:
    """One clinic: a therapist whose patient has three steady visits answered and a fourth
    ahead today, and a colleague without a share."""
    place = actions.create_clinic("Browser clinic")
    therapist = actions.create_user(None, place, "therapist", Role.THERAPIST, PASSWORD)
    outsider = actions.create_user(None, place, "outsider", Role.THERAPIST, PASSWORD)
    protocol = Protocol.objects.create(
        clinic=place,
        name="Back",
        schedule=[
            {"instrument": "checkin", "visits": []},
            {"instrument": "nprs", "visits": []},
            {"instrument": "vas_pain", "visits": [4]},
        ],
    )
    patient = actions.register_patient(therapist, name="Zoë Example", record_number="MRN-77")
    today = dt.date.today()
    episode = actions.open_episode(
        therapist,
        patient,
        condition="low back pain",
        body_region="lumbar spine",
        setting="outpatient",
        start_date=today - dt.timedelta(days=21),
        protocol=protocol,
    )
    for week, (alliance, pain) in enumerate([(9, 7), (9, 6), (9, 5)]):
        visit = actions.schedule_visit(therapist, episode, today - dt.timedelta(days=21 - 7 * week))
        actions.record_attendance(therapist, visit, VisitStatus.ATTENDED)
        checkin = {f"q{n}": alliance for n in range(1, 5)}
        actions.record_assessment(visit, {"checkin": checkin, "nprs": {"q1": pain}}, by=therapist)
    ahead = actions.schedule_visit(therapist, episode, today)
    return Clinic1(place, therapist, outsider, patient, ahead)


def sign_in(page: Page, base: str, username: str) -> None:
    """Sign in through the login form."""
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the current page."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return list(found)
