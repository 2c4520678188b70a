"""The clinic lead and the admin's pages in a real browser: the admin makes a lead, who sees the
clinic overview and no patient; the audit log reads in French; no serious accessibility
violation on the overview, the staff page or the audit log."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from alliance.web import actions
from alliance.web.models import Role, User
from tests.web.browser.conftest import PASSWORD, Clinic1, serious_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_lets_the_admin_make_a_lead_who_sees_the_clinic_and_no_patient(
    clinic: Clinic1, live_server: object, desktop: BrowserContext
) -> None:
    actions.create_user(None, clinic.clinic, "boss", Role.ADMIN, PASSWORD)
    page = desktop.new_page()
    sign_in(page, str(live_server), "boss")
    expect(page).to_have_url(f"{live_server}/manage/staff/")
    page.fill("#new-username", "head")
    page.select_option("#new-role", label="Clinic lead")
    page.fill("#new-password", PASSWORD)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("tbody")).to_contain_text("head")
    assert User.objects.get(username="head").role == "lead"
    page.get_by_role("button", name="Sign out boss").click()

    sign_in(page, str(live_server), "head")
    expect(page).to_have_url(f"{live_server}/clinic/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_count(2)  # the overview and the evidence map
    expect(nav.get_by_role("link", name="Clinic overview")).to_be_visible()
    assert "Zoë" not in page.content()
    assert clinic.patient.code not in page.content()
    for path in ("/caseload/", f"/patients/{clinic.patient.pk}/", "/manage/audit/"):
        response = page.goto(f"{live_server}{path}")
        assert response is not None
        assert response.status == 404, path


def test_it_shows_the_audit_log_in_french(
    clinic: Clinic1, live_server: object, desktop: BrowserContext
) -> None:
    actions.create_user(None, clinic.clinic, "boss", Role.ADMIN, PASSWORD)
    actions.read_identity(clinic.therapist, clinic.patient)
    page = desktop.new_page()
    sign_in(page, str(live_server), "boss")
    page.goto(f"{live_server}/manage/audit/")
    page.get_by_role("button", name="Français").click()
    expect(page.locator("h1")).to_have_text("Journal d\u2019audit")
    page.select_option("#action", label="Coordonnées d\u2019un patient consultées")
    page.get_by_role("button", name="Filtrer").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Coordonnées d\u2019un patient consultées")
    expect(rows.first).to_contain_text("therapist")
    assert "identity_read" in page.url  # the filter names the action by its code


def test_it_has_no_serious_accessibility_violation_on_the_lead_and_admin_pages(
    clinic: Clinic1, live_server: object, browser: Browser
) -> None:
    actions.create_user(None, clinic.clinic, "head", Role.LEAD, PASSWORD)
    actions.create_user(None, clinic.clinic, "boss", Role.ADMIN, PASSWORD)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, str(live_server), "head")
    expect(page).to_have_url(f"{live_server}/clinic/")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Sign out head").click()
    sign_in(page, str(live_server), "boss")
    assert serious_violations(page) == []
    page.goto(f"{live_server}/manage/audit/")
    assert serious_violations(page) == []
    page.goto(f"{live_server}/manage/shares/")
    assert serious_violations(page) == []
    context.close()
