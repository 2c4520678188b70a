"""The therapist's side in a real browser: sign in, find the patient the alert is about, read
the chart, download it, acknowledge the alert; a colleague without a share finds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from alliance.web import actions
from alliance.web.models import Alert, AuditEvent
from tests.web.browser.conftest import Clinic1, serious_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _low_check_in(clinic: Clinic1, base: str, phone: BrowserContext) -> None:
    """The patient answers today's check-in on a phone: the alliance has fallen to 2."""
    _, token = actions.issue_checkin_link(clinic.therapist, clinic.visit)
    page = phone.new_page()
    page.goto(f"{base}/c/{token}/")
    for item in range(1, 5):
        page.locator(f"label.choice:has(input[name='checkin-q{item}'][value='2'])").tap()
    page.locator("[data-next]").tap()
    page.locator("label.choice:has(input[name='nprs-q1'][value='6'])").tap()
    page.locator("[data-next]").tap()
    page.locator("[role=slider]").focus()
    page.keyboard.press("End")
    page.locator("[data-send]").tap()
    expect(page).to_have_url(f"{base}/checkin/thanks/")


def test_it_takes_the_therapist_from_sign_in_to_an_acknowledged_alert(
    clinic: Clinic1, live_server: object, desktop: BrowserContext, phone: BrowserContext
) -> None:
    assert not Alert.objects.exists()
    _low_check_in(clinic, str(live_server), phone)
    raised = Alert.objects.filter(kind="rupture", acknowledged_at__isnull=True)
    assert raised.exists()
    page = desktop.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    sign_in(page, str(live_server), "therapist")
    expect(page).to_have_url(f"{live_server}/caseload/")
    first = page.locator("tbody tr").first
    expect(first).to_contain_text("Zoë Example")
    expect(first).to_contain_text(f"{raised.count()} alerts")
    first.get_by_role("link").click()
    expect(page).to_have_title("Patient · Alliance")
    assert "Zo" not in page.url
    assert clinic.patient.code not in page.url
    expect(page.locator(".alert-item").first).to_contain_text("Alliance rupture")
    chart = page.locator("#chart svg")
    expect(chart).to_be_visible()
    assert chart.locator("path").count() == 5  # total, goal, task, bond and pain
    box = chart.bounding_box()
    assert box is not None
    chart.hover(position={"x": box["width"] - 20, "y": box["height"] / 2})
    tooltip = page.locator(".chart-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("Visit 4")
    expect(tooltip).to_contain_text("Check-in (mean of the four answers): 2")
    expect(tooltip).to_contain_text("NPRS: 6")
    page.locator("#chart").focus()
    page.keyboard.press("Home")
    expect(page.locator("#chart-live")).to_contain_text("Visit 1")
    expect(page.locator("#chart-live")).to_contain_text("NPRS: 7")
    with page.expect_download() as svg_download:
        page.get_by_role("button", name="Download SVG").click()
    svg = svg_download.value
    assert svg.suggested_filename == "alliance-chart.svg"
    assert Path(svg.path()).read_text(encoding="utf-8").startswith("<svg")
    with page.expect_download() as png_download:
        page.get_by_role("button", name="Download PNG").click()
    png = png_download.value
    assert png.suggested_filename == "alliance-chart.png"
    assert Path(png.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    first_alert = page.locator(".alert-item").first
    alert_id = int((first_alert.get_attribute("id") or "alert-0").split("-")[1])
    first_alert.get_by_label("What was done").fill("Talked through the home exercises together.")
    first_alert.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".messages")).to_contain_text("Alert acknowledged.")
    expect(page.locator(f"#alert-{alert_id}")).to_have_count(0)
    alert = Alert.objects.get(pk=alert_id)
    assert alert.action_taken == "Talked through the home exercises together."
    assert alert.acknowledged_by_id == clinic.therapist.pk
    assert AuditEvent.objects.filter(action="identity_read", patient=clinic.patient).exists()
    assert problems == []


def test_it_shows_a_colleague_without_a_share_nothing(
    clinic: Clinic1, live_server: object, desktop: BrowserContext
) -> None:
    page = desktop.new_page()
    sign_in(page, str(live_server), "outsider")
    expect(page.locator("tbody")).to_contain_text("No patients yet")
    response = page.goto(f"{live_server}/patients/{clinic.patient.pk}/")
    assert response is not None
    assert response.status == 404
    assert "Zoë" not in page.content()


def test_it_signs_out_to_the_sign_in_page_with_a_notice(
    clinic: Clinic1, live_server: object, desktop: BrowserContext
) -> None:
    page = desktop.new_page()
    sign_in(page, str(live_server), "therapist")
    expect(page).to_have_url(f"{live_server}/caseload/")
    page.get_by_role("button", name="Sign out therapist").click()
    expect(page).to_have_url(f"{live_server}/accounts/login/")
    expect(page.locator(".messages")).to_have_text("You have signed out.")
    expect(page.locator("h1")).to_have_text("Sign in")
    page.goto(f"{live_server}/caseload/")
    expect(page).to_have_url(f"{live_server}/accounts/login/?next=/caseload/")


def test_it_switches_the_staff_pages_to_french(
    clinic: Clinic1, live_server: object, desktop: BrowserContext
) -> None:
    page = desktop.new_page()
    sign_in(page, str(live_server), "therapist")
    page.get_by_role("button", name="Français").click()
    expect(page.locator("h1")).to_have_text("Patientèle")
    expect(page.locator("tbody tr").first).to_contain_text("À jour")
    page.locator("tbody tr").first.get_by_role("link").click()
    expect(page.locator("#alerts-title")).to_have_text("Alertes")
    expect(page.locator("#alerts-title + p")).to_have_text("Aucune alerte ouverte.")
    expect(page.locator("#chart-title")).to_have_text("Au fil des séances")
    expect(page.get_by_role("button", name="Télécharger en PNG")).to_be_visible()


def test_it_has_no_serious_accessibility_violation_on_the_therapists_pages(
    clinic: Clinic1, live_server: object, browser: Browser
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, str(live_server), "therapist")
    assert serious_violations(page) == []
    page.goto(f"{live_server}/patients/{clinic.patient.pk}/")
    assert serious_violations(page) == []
    context.close()
