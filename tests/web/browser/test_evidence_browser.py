"""The evidence pages in a real browser: two reviewers import a search, screen it blinded,
settle their disagreement, and the PRISMA diagram on the page counts what they decided; the map
and review pages pass axe-core."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from alliance.web import actions
from alliance.web.models import Clinic, Role, ScreeningDecision
from tests.web.browser.conftest import PASSWORD, serious_violations, sign_in
from tests.web.review_files import CSV, RIS

pytestmark = pytest.mark.django_db(transaction=True)

# Title-and-abstract verdicts of each reviewer; they disagree on scholar-2 only.
ANA = {
    "cinahl-1": "include",
    "cinahl-2": "exclude",
    "cinahl-3": "exclude",
    "cinahl-4": "exclude",
    "scholar-2": "include",
}
BEN = {**ANA, "scholar-2": "exclude"}
RESOLVED = {"scholar-2": "exclude"}


@pytest.fixture
def reviewers(transactional_db: None) -> Clinic:
    """A clinic with a therapist (ana) and a researcher (ben) who will review together."""
    place = actions.create_clinic("Review clinic")
    actions.create_user(None, place, "ana", Role.THERAPIST, PASSWORD)
    actions.create_user(None, place, "ben", Role.RESEARCHER, PASSWORD)
    return place


def _context(browser: Browser) -> BrowserContext:
    # bypass_csp lets the test inject axe-core; the app's own pages need no exception.
    return browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)


def _screen(page: Page, verdicts: dict[str, str]) -> list[str]:
    """Decide every record the page offers, in the order offered; returns that order."""
    seen = []
    while page.locator("#record-title").count():
        record = page.locator("article p.muted").first.inner_text()
        seen.append(record)
        page.locator(f"label.choice:has(input[value='{verdicts[record]}'])").click()
        page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status")).to_contain_text("Nothing left for you to screen")
    return seen


def _flow(page: Page) -> dict[str, int]:
    texts = page.locator(".prisma svg text").evaluate_all("all => all.map(t => t.textContent)")
    found = (re.match(r"\s*(.+?) \(n = (\d+)\)$", t) for t in texts)
    return {m.group(1): int(m.group(2)) for m in found if m}


def test_two_reviewers_screen_blinded_and_the_flow_counts_their_decisions(
    reviewers: Clinic, live_server: object, browser: Browser, tmp_path: Path
) -> None:
    base = str(live_server)
    ana_context, ben_context = _context(browser), _context(browser)
    ana, ben = ana_context.new_page(), ben_context.new_page()
    problems: list[str] = []
    for page in (ana, ben):
        page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(ana, base, "ana")
    ana.get_by_role("link", name="Evidence").click()
    expect(ana.locator("h1")).to_have_text("The alliance literature")
    assert serious_violations(ana) == []
    ana.get_by_role("link", name="Reviews").click()
    ana.fill("#r-name", "Alliance and pain")
    ana.get_by_label("ben").check()
    ana.fill("#r-criteria", "Adults in musculoskeletal care\nAn alliance measure")
    ana.fill("#r-reasons", "Wrong population\nNo alliance measure")
    ana.get_by_role("button", name="Create review").click()
    expect(ana.locator("h1")).to_have_text("Alliance and pain")
    review_url = ana.url

    (tmp_path / "cinahl.ris").write_text(RIS, encoding="utf-8")
    (tmp_path / "scholar.csv").write_text(CSV, encoding="utf-8")
    for name, source in (("cinahl.ris", "CINAHL"), ("scholar.csv", "Scholar")):
        ana.set_input_files("#i-file", str(tmp_path / name))
        ana.fill("#i-source", source)
        ana.get_by_role("button", name="Import").click()
    expect(ana.get_by_text("6 records, 1 duplicates removed, 5 to screen.")).to_be_visible()
    assert serious_violations(ana) == []

    ana.get_by_role("link", name="Screen titles and abstracts").click()
    assert serious_violations(ana) == []
    assert _screen(ana, ANA) == list(ANA)

    sign_in(ben, base, "ben")
    ben.goto(f"{review_url}screen/title_abstract/")
    expect(ben.locator("#progress")).to_contain_text("You have screened 0 of 5")
    expect(ben.locator("main")).not_to_contain_text(re.compile(r"\bana\b"))  # nor her verdicts
    assert _screen(ben, BEN) == list(BEN)

    ana.goto(f"{review_url}conflicts/")
    conflict = ana.locator("article.conflict")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text("scholar-2")
    expect(conflict).to_contain_text("ana: Include")
    expect(conflict).to_contain_text("ben: Exclude")
    assert serious_violations(ana) == []
    conflict.get_by_label("Resolution").select_option(RESOLVED["scholar-2"])
    conflict.get_by_role("button", name="Resolve").click()
    expect(ana.get_by_text("No conflicts at this stage.")).to_have_count(2)

    for page in (ana, ben):
        page.goto(f"{review_url}screen/full_text/")
        assert _screen(page, {"cinahl-1": "include"}) == ["cinahl-1"]

    ana.goto(review_url)
    expect(ana.locator(".prisma svg")).to_be_visible()
    # Counted here from the plans above, not from the app: a record is excluded at title
    # and abstract when both exclude it or the resolution does.
    settled = {r: (RESOLVED.get(r) or ANA[r]) for r in ANA if ANA[r] == BEN[r] or r in RESOLVED}
    excluded = sum(v == "exclude" for v in settled.values())
    assert _flow(ana) == {
        "Databases": 4 + 2,
        "CINAHL": 4,
        "Scholar": 2,
        "Duplicate records removed": 1,
        "Records screened": len(ANA),
        "Records excluded": excluded,
        "Reports sought for retrieval": len(ANA) - excluded,
        "Reports not retrieved": 0,
        "Reports assessed for eligibility": len(ANA) - excluded,
        "Studies included in review": 1,
        "Reports of included studies": 1,
    }
    stored = ScreeningDecision.objects.filter(stage="title_abstract")
    assert stored.count() == len(ANA) + len(BEN)
    kappa = ana.locator("td.kappa").first.inner_text()
    assert kappa == "0.545"  # 4 of 5 agree; p_e = (2*1 + 3*4) / 25 = 0.56; (0.8-0.56)/0.44
    with ana.expect_download() as download:
        ana.get_by_role("link", name="Download SVG").click()
    assert "Records screened (n = 5)" in Path(download.value.path()).read_text(encoding="utf-8")
    assert serious_violations(ana) == []
    assert problems == []
    ana_context.close()
    ben_context.close()


def test_the_map_pages_have_no_serious_accessibility_violation(
    reviewers: Clinic, live_server: object, browser: Browser
) -> None:
    context = _context(browser)
    page = context.new_page()
    sign_in(page, str(live_server), "ben")
    for path in ("measures", "definitions", "studies", "summary", "instruments/wai_sr"):
        page.goto(f"{live_server}/evidence/{path}/")
        assert serious_violations(page) == [], path
    page.goto(f"{live_server}/evidence/studies/?measure=vas_pain")
    expect(page.locator("tbody")).to_contain_text("Cheing G")
    context.close()


def test_the_evidence_pages_fit_a_phone(
    reviewers: Clinic, live_server: object, phone: BrowserContext
) -> None:
    page = phone.new_page()
    sign_in(page, str(live_server), "ana")
    for path in ("", "measures/", "studies/", "summary/", "reviews/"):
        page.goto(f"{live_server}/evidence/{path}")
        # wide tables scroll inside their own box; the page itself never scrolls sideways
        width = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert width <= 0, path
