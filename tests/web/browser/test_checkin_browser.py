"""A patient's check-in in a real browser: touch on a phone, keyboard only, French, a link
that has expired, a double submission, and an accessibility check of the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from alliance.web import actions
from alliance.web.models import Assessment, CheckinLink
from tests.web.browser.conftest import PHONE, Clinic1, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


def _link(clinic: Clinic1, base: str) -> str:
    _, token = actions.issue_checkin_link(clinic.therapist, clinic.visit)
    return f"{base}/c/{token}/"


def _watch(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    return problems


def _stored(clinic: Clinic1) -> dict[str, dict[str, object]]:
    return {a.instrument_id: a.answers for a in Assessment.objects.filter(visit=clinic.visit)}


def test_it_takes_a_check_in_by_touch_on_a_phone(
    clinic: Clinic1, live_server: object, phone: BrowserContext
) -> None:
    page = phone.new_page()
    problems = _watch(page)
    page.goto(_link(clinic, str(live_server)))
    expect(page).to_have_title("Check-in · Alliance")
    assert "Zoë" not in page.content()
    assert clinic.patient.code not in page.content()
    expect(page.locator("#progress-text")).to_have_text("Part 1 of 3")
    page.locator("[data-next]").tap()
    expect(page.locator("#send-status")).to_contain_text("Please answer every question")
    for item, answer in zip(range(1, 5), ["8", "7", "9", "6"], strict=True):
        page.locator(f"label.choice:has(input[name='checkin-q{item}'][value='{answer}'])").tap()
    page.locator("[data-next]").tap()
    expect(page.locator("#progress-text")).to_have_text("Part 2 of 3")
    page.locator("label.choice:has(input[name='nprs-q1'][value='3'])").tap()
    page.locator("[data-next]").tap()
    track = page.locator("[role=slider]")
    box = track.bounding_box()
    assert box is not None
    page.touchscreen.tap(box["x"] + box["width"] * 0.25, box["y"] + box["height"] / 2)
    value = int(track.get_attribute("aria-valuenow") or "-1")
    assert 20 <= value <= 30
    expect(page.locator(".vas-value")).to_have_text(str(value))
    page.locator("[data-send]").tap()
    expect(page).to_have_url(f"{live_server}/checkin/thanks/")
    expect(page.locator("h1")).to_have_text("Thank you, your answers have been sent")
    assert _stored(clinic) == {
        "checkin": {"q1": 8, "q2": 7, "q3": 9, "q4": 6},
        "nprs": {"q1": 3},
        "vas_pain": {"q1": value},
    }
    assert page.viewport_size == PHONE
    assert problems == []


def test_it_takes_a_check_in_from_the_keyboard_alone(
    clinic: Clinic1, live_server: object, desktop: BrowserContext
) -> None:
    page = desktop.new_page()
    problems = _watch(page)
    page.goto(_link(clinic, str(live_server)))
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # language: English
    page.keyboard.press("Tab")  # language: French
    for _question in range(4):
        page.keyboard.press("Tab")  # into the radio group, on its first answer (0)
        page.keyboard.press("ArrowRight")  # 1
        page.keyboard.press("ArrowRight")  # 2
    page.keyboard.press("Tab")  # Next
    page.keyboard.press("Enter")
    expect(page.locator("#progress-text")).to_have_text("Part 2 of 3")
    page.keyboard.press("Tab")  # into the pain rating, on its first answer (0)
    page.keyboard.press("ArrowLeft")  # wraps round to the last answer: 10
    page.keyboard.press("Tab")  # Back
    page.keyboard.press("Tab")  # Next
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the visual-analogue line
    slider = page.locator("[role=slider]")
    expect(slider).to_be_focused()
    expect(slider).to_have_attribute("aria-valuetext", "not answered yet")
    page.keyboard.press("Home")
    for _step in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("PageUp")
    expect(slider).to_have_attribute("aria-valuenow", "13")
    page.keyboard.press("Tab")  # Back
    page.keyboard.press("Tab")  # Send
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/checkin/thanks/")
    assert _stored(clinic) == {
        "checkin": {f"q{n}": 2 for n in range(1, 5)},
        "nprs": {"q1": 10},
        "vas_pain": {"q1": 13},
    }
    assert problems == []


def test_it_speaks_french_when_the_patient_switches(
    clinic: Clinic1, live_server: object, phone: BrowserContext
) -> None:
    page = phone.new_page()
    page.goto(_link(clinic, str(live_server)))
    english = page.locator("main").inner_text()
    page.get_by_role("button", name="Français").tap()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Comment ça se passe ?")
    expect(page.locator("#progress-text")).to_have_text("Partie 1 sur 3")
    french = page.locator("main").inner_text()
    assert "Suivi de l\u2019alliance" in french
    assert "Mon thérapeute et moi sommes d\u2019accord" in french
    shared = set(english.split()) & set(french.split())
    words = {w for w in shared if w.isalpha() and len(w) > 3}
    assert words <= {"Alliance", "questions"}, words  # the same word in both languages
    date = clinic.visit.date
    assert f"{date.day} " in french
    assert str(date.year) in french


def test_it_says_kindly_that_a_link_has_expired(
    clinic: Clinic1, live_server: object, phone: BrowserContext
) -> None:
    url = _link(clinic, str(live_server))
    CheckinLink.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = phone.new_page()
    response = page.goto(url)
    assert response is not None
    assert response.status == 410
    expect(page.locator("h1")).to_have_text("This check-in link has expired")
    expect(page.locator("main")).to_contain_text("ask your therapist")
    assert page.locator("form#checkin-form").count() == 0


def _answer_all(page: Page, value: str) -> None:
    page.evaluate(
        """value => {
        for (const name of ['checkin-q1', 'checkin-q2', 'checkin-q3', 'checkin-q4', 'nprs-q1'])
            document.querySelector(`input[name='${name}'][value='${value}']`).checked = true;
    }""",
        value,
    )


def test_it_sends_a_double_tap_once(
    clinic: Clinic1, live_server: object, desktop: BrowserContext
) -> None:
    page = desktop.new_page()
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(_link(clinic, str(live_server)))
    _answer_all(page, "5")
    page.locator("[data-next]").click()
    page.locator("[data-next]").click()
    page.locator("[role=slider]").focus()
    page.keyboard.press("Home")
    page.locator("[data-send]").dblclick()
    expect(page).to_have_url(f"{live_server}/checkin/thanks/")
    assert len(posts) == 1
    assert Assessment.objects.filter(visit=clinic.visit).count() == 3


def test_it_sends_two_activations_of_send_on_a_phone_once(
    clinic: Clinic1, live_server: object, phone: BrowserContext
) -> None:
    page = phone.new_page()
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.goto(_link(clinic, str(live_server)))
    _answer_all(page, "5")
    page.locator("[data-next]").tap()
    page.locator("[data-next]").tap()
    page.locator("[role=slider]").focus()
    page.keyboard.press("Home")
    # two activations of Send in the same instant, wherever the first one moves the button
    page.evaluate(
        "() => { const send = document.querySelector('[data-send]'); send.click(); send.click(); }"
    )
    expect(page).to_have_url(f"{live_server}/checkin/thanks/")
    assert len(posts) == 1
    assert Assessment.objects.filter(visit=clinic.visit).count() == 3


def test_it_answers_a_repeated_submission_with_the_same_thanks_and_stores_it_once(
    clinic: Clinic1, live_server: object, desktop: BrowserContext
) -> None:
    page = desktop.new_page()
    url = _link(clinic, str(live_server))
    page.goto(url)
    _answer_all(page, "4")
    page.evaluate("() => { document.querySelector(\"input[name='vas_pain-q1']\").value = '40'; }")
    # Two requests at once where the database takes them at once (PostgreSQL); one after the
    # other on the test's in-memory SQLite, whose one connection the live server shares.
    together = connection.vendor == "postgresql"
    statuses = page.evaluate(
        """async together => {
        const form = document.getElementById('checkin-form');
        const send = () => fetch(location.href, {method: 'POST', body: new FormData(form)});
        const answers = together ? await Promise.all([send(), send()])
                                 : [await send(), await send()];
        return answers.map(r => r.status + ' ' + r.url);
    }""",
        together,
    )
    assert statuses == [f"200 {live_server}/checkin/thanks/"] * 2
    assert Assessment.objects.filter(visit=clinic.visit).count() == 3
    again = page.goto(url)
    assert again is not None
    assert again.status == 410
    expect(page.locator("h1")).to_have_text("These answers have already been sent")


def test_it_keeps_the_answers_when_the_connection_drops(
    clinic: Clinic1, live_server: object, desktop: BrowserContext
) -> None:
    page = desktop.new_page()
    page.goto(_link(clinic, str(live_server)))
    _answer_all(page, "6")
    page.locator("[data-next]").click()
    page.locator("[data-next]").click()
    page.locator("[role=slider]").focus()
    page.keyboard.press("End")
    desktop.set_offline(True)
    page.locator("[data-send]").click()
    expect(page.locator("#send-status")).to_contain_text("We could not reach the clinic")
    assert Assessment.objects.filter(visit=clinic.visit).count() == 0
    desktop.set_offline(False)
    page.locator("[data-send]").click()
    expect(page).to_have_url(f"{live_server}/checkin/thanks/")
    assert _stored(clinic)["vas_pain"] == {"q1": 100}


def test_it_restores_the_answers_on_screen_after_a_reload(
    clinic: Clinic1, live_server: object, phone: BrowserContext
) -> None:
    page = phone.new_page()
    problems = _watch(page)
    url = _link(clinic, str(live_server))
    page.goto(url)
    checkin = dict(zip(range(1, 5), ["8", "7", "9", "6"], strict=True))
    for item, answer in checkin.items():
        page.locator(f"label.choice:has(input[name='checkin-q{item}'][value='{answer}'])").tap()
    page.locator("[data-next]").tap()
    page.locator("label.choice:has(input[name='nprs-q1'][value='3'])").tap()
    page.reload()
    expect(page.locator("#progress-text")).to_have_text("Part 2 of 3")
    expect(page.locator("input[name='nprs-q1'][value='3']")).to_be_checked()
    for item, answer in checkin.items():
        expect(page.locator(f"input[name='checkin-q{item}'][value='{answer}']")).to_be_checked()
    assert page.url == url
    path = url.removeprefix(str(live_server))
    assert page.evaluate("() => Object.keys(sessionStorage)") == [f"alliance-checkin:{path}"]
    page.locator("[data-next]").tap()
    track = page.locator("[role=slider]")
    track.focus()
    page.keyboard.press("End")
    # the connection drops as the patient sends; they reload once it is back
    phone.set_offline(True)
    page.locator("[data-send]").tap()
    expect(page.locator("#send-status")).to_contain_text("We could not reach the clinic")
    phone.set_offline(False)
    page.reload()
    expect(page.locator("#progress-text")).to_have_text("Part 3 of 3")
    expect(page.locator("[role=slider]")).to_have_attribute("aria-valuenow", "100")
    assert Assessment.objects.filter(visit=clinic.visit).count() == 0
    page.locator("[data-send]").tap()
    expect(page).to_have_url(f"{live_server}/checkin/thanks/")
    assert page.evaluate("() => sessionStorage.length") == 0
    assert Assessment.objects.filter(visit=clinic.visit).count() == 3
    assert _stored(clinic) == {
        "checkin": {f"q{n}": int(v) for n, v in checkin.items()},
        "nprs": {"q1": 3},
        "vas_pain": {"q1": 100},
    }
    page.goto(url)
    expect(page.locator("h1")).to_have_text("These answers have already been sent")
    assert Assessment.objects.filter(visit=clinic.visit).count() == 3
    # the only console errors: the send that failed offline, and the 410 of the used link
    assert [p for p in problems if not p.startswith("Failed to load resource")] == []


def test_it_forgets_the_kept_answers_on_the_thank_you_page(
    clinic: Clinic1, live_server: object, desktop: BrowserContext
) -> None:
    page = desktop.new_page()
    page.goto(_link(clinic, str(live_server)))
    page.locator("label.choice:has(input[name='checkin-q1'][value='5'])").click()
    assert page.evaluate("() => sessionStorage.length") == 1
    page.goto(f"{live_server}/checkin/thanks/")
    assert page.evaluate("() => sessionStorage.length") == 0


def test_it_has_no_serious_accessibility_violation_on_the_patient_pages(
    clinic: Clinic1, live_server: object, browser: Browser
) -> None:
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(_link(clinic, str(live_server)))
    assert serious_violations(page) == []
    page.locator("[data-next]").click()
    assert serious_violations(page) == []
    page.goto(f"{live_server}/checkin/thanks/")
    assert serious_violations(page) == []
    context.close()
