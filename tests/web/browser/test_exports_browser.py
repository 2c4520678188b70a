"""The Exports page in a real browser: an admin downloads the FHIR Bundle and the de-identified
research files and imports the Bundle back (nothing new); a researcher on a phone sees only the
de-identified downloads."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from alliance.web import actions
from alliance.web.models import Assessment, AuditEvent, Role
from tests.web.browser.conftest import PASSWORD, Clinic1, serious_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def audited(browser: Browser) -> Iterator[BrowserContext]:
    """A desktop context that accepts downloads; bypass_csp only lets the test inject axe-core."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True, bypass_csp=True
    )
    yield context
    context.close()


def test_an_admin_downloads_both_exports_and_imports_the_bundle_back(
    clinic: Clinic1, live_server: object, audited: BrowserContext, tmp_path: Path
) -> None:
    actions.create_user(None, clinic.clinic, "admin", Role.ADMIN, PASSWORD)
    base = str(live_server)
    page = audited.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, base, "admin")
    page.get_by_role("link", name="Exports").click()
    expect(page).to_have_url(f"{base}/manage/exports/")
    assert serious_violations(page) == []
    with page.expect_download() as bundle_download:
        page.get_by_role("button", name="Download FHIR Bundle (.json)").click()
    bundle = tmp_path / "bundle.json"
    bundle_download.value.save_as(bundle)
    entries = json.loads(bundle.read_text())["entry"]
    # Three visits answered, each a check-in (4 scales) and an NPRS (1 scale).
    assert len(entries) == 3 + 6 + 3 * 5
    with page.expect_download() as research_download:
        page.get_by_role("button", name="Download research files (.zip)").click()
    archive = tmp_path / "research.zip"
    research_download.value.save_as(archive)
    with zipfile.ZipFile(archive) as files:
        assert "deidentification.md" in files.namelist()
        for name in files.namelist():
            content = files.read(name)
            for identifier in ("Zoë Example", "Zo\\u00eb", "MRN-77", clinic.patient.code):
                assert identifier.encode() not in content, (name, identifier)
    before = Assessment.objects.count()
    page.set_input_files("#b-file", str(bundle))
    page.select_option("#b-therapist", label="therapist")
    page.get_by_role("button", name="Import the Bundle").click()
    expect(page.get_by_role("status")).to_contain_text("Imported 0 new assessments")
    expect(page.get_by_role("status")).to_contain_text("6 already in the clinic were skipped")
    assert Assessment.objects.count() == before
    actions_done = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"fhir_bundle_exported", "research_exported", "fhir_bundle_imported"} <= actions_done
    assert problems == []


def test_a_researcher_on_a_phone_sees_only_de_identified_downloads(
    clinic: Clinic1, live_server: object, phone: BrowserContext
) -> None:
    actions.create_user(None, clinic.clinic, "researcher", Role.RESEARCHER, PASSWORD)
    page = phone.new_page()
    sign_in(page, str(live_server), "researcher")
    page.goto(f"{live_server}/manage/exports/")
    expect(page.get_by_role("button", name="Download research files (.zip)")).to_be_visible()
    expect(page.get_by_role("button", name="Download REDCap project (.zip)")).to_be_visible()
    assert page.get_by_role("button", name="Download FHIR Bundle (.json)").count() == 0
    assert page.locator("#b-file").count() == 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
