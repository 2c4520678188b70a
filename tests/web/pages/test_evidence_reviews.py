"""The review pages: start a review, import an export, de-duplicate, screen blinded, resolve
conflicts, read agreement and the PRISMA flow, chart and pool; each only in the clinic's reviews
and the writes only by the review's own reviewers."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alliance.cli import main
from alliance.evidence.review.project_files import project_from_texts
from alliance.evidence.review.screening import Stage, Verdict
from alliance.web.actions.review import (
    chart_report,
    create_review,
    import_search_export,
    project_of,
    record_decision,
)
from alliance.web.models import AuditEvent, Review, ReviewRecord, Role, ScreeningDecision
from tests.web.conftest import World, make_user
from tests.web.pages.helpers import signed_in
from tests.web.pages.test_translations import english_and_french, notices, text, words
from tests.web.review_files import CSV, MALFORMED_RIS, RIS

pytestmark = pytest.mark.django_db

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
REASONS = ["wrong population", "no alliance measure"]


def _review(world: World) -> Review:
    review = create_review(
        world.owner, "Alliance and pain", [world.owner, world.researcher], ["adults"], REASONS
    )
    import_search_export(world.owner, review, "cinahl.ris", RIS.encode(), "CINAHL")
    import_search_export(world.owner, review, "scholar.csv", CSV.encode(), "Scholar")
    return review


def _upload(client: Client, review: Review, name: str, text: str, source: str) -> object:
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/plain")
    return client.post(f"/evidence/reviews/{review.pk}/", {"file": upload, "source": source})


def test_it_starts_a_review_with_colleagues_of_the_clinic(world: World) -> None:
    client = signed_in(world.owner)
    response = client.post(
        "/evidence/reviews/",
        {
            "name": "Neck pain",
            "reviewers": [world.owner.pk, world.colleague.pk, world.other_therapist.pk],
            "criteria": "adults\nan alliance measure\n",
            "reasons": "wrong population\n",
        },
    )
    review = Review.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/evidence/reviews/{review.pk}/"
    # the other clinic's therapist is not offered and not taken
    assert sorted(review.reviewers.values_list("username", flat=True)) == ["colleague", "owner"]
    assert review.criteria == ["adults", "an alliance measure"]
    alone = client.post("/evidence/reviews/", {"name": "Solo", "reviewers": [world.owner.pk, "x"]})
    assert alone.status_code == 400
    assert "at least two distinct reviewers" in alone.content.decode()


def test_reviews_stay_in_their_clinic_and_a_lead_has_none(world: World) -> None:
    review = _review(world)
    lead = make_user(world.clinic, "review-lead", Role.LEAD)
    assert signed_in(world.colleague).get(f"/evidence/reviews/{review.pk}/").status_code == 200
    for outsider in (world.other_therapist, world.other_admin, lead):
        assert signed_in(outsider).get(f"/evidence/reviews/{review.pk}/").status_code == 404
    assert signed_in(lead).get("/evidence/reviews/").status_code == 404
    # a colleague who is not one of the reviewers reads the review but cannot change it
    colleague = signed_in(world.colleague)
    path = f"/evidence/reviews/{review.pk}/screen/title_abstract/"
    assert colleague.get(path).status_code == 404
    assert colleague.post(path, {"record": "cinahl-1", "verdict": "include"}).status_code == 404
    assert _upload(colleague, review, "more.ris", RIS, "PubMed").status_code == 404
    duplicates = f"/evidence/reviews/{review.pk}/duplicates/"
    same = {"kind": "same", "first": "cinahl-1", "second": "cinahl-2"}
    assert colleague.post(duplicates, same).status_code == 404
    assert not ScreeningDecision.objects.exists()
    assert ReviewRecord.objects.count() == 6


def test_it_imports_an_export_and_counts_it_per_source(world: World) -> None:
    review = create_review(world.owner, "R", [world.owner, world.researcher], [], REASONS)
    client = signed_in(world.owner)
    assert _upload(client, review, "cinahl.ris", RIS, "CINAHL").status_code == 302
    assert _upload(client, review, "scholar.csv", CSV, "Scholar").status_code == 302
    html = client.get(f"/evidence/reviews/{review.pk}/").content.decode()
    assert re.search(r"<td>CINAHL</td><td>cinahl\.ris .*?</td><td class=\"num\">4</td>", html)
    assert re.search(r"<td>Scholar</td><td>scholar\.csv .*?</td><td class=\"num\">2</td>", html)
    assert "6 records, 1 duplicates removed, 5 to screen." in html


def test_a_malformed_export_is_refused_whole_with_its_line(world: World) -> None:
    review = create_review(world.owner, "R", [world.owner, world.researcher], [], REASONS)
    response = _upload(signed_in(world.owner), review, "bad.ris", MALFORMED_RIS, "CINAHL")
    assert response.status_code == 400
    assert "bad.ris: CINAHL, line 6" in response.content.decode()
    assert not ReviewRecord.objects.exists()


def test_the_duplicates_page_reports_groups_and_takes_an_override(world: World) -> None:
    review = _review(world)
    client = signed_in(world.owner)
    html = client.get(f"/evidence/reviews/{review.pk}/duplicates/").content.decode()
    assert "<td>scholar-1</td>" in html
    assert "<td>doi</td>" in html
    client.post(
        f"/evidence/reviews/{review.pk}/duplicates/",
        {"kind": "distinct", "first": "cinahl-1", "second": "scholar-1"},
    )
    html = client.get(f"/evidence/reviews/{review.pk}/").content.decode()
    assert "6 records, 0 duplicates removed, 6 to screen." in html


def test_screening_is_blinded_until_both_reviewers_decided(world: World) -> None:
    review = _review(world)
    review.reviewers.add(world.colleague)
    owner, researcher = signed_in(world.owner), signed_in(world.researcher)
    path = f"/evidence/reviews/{review.pk}/screen/title_abstract/"
    first = owner.get(path).content.decode()
    assert "cinahl-1" in first
    owner.post(path, {"record": "cinahl-1", "verdict": "include", "note": "owner-note"})
    assert "cinahl-2" in owner.get(path).content.decode()
    theirs = researcher.get(path).content.decode()
    assert "cinahl-1" in theirs  # still first in their own queue
    assert "owner" not in theirs.replace("Sign out researcher", "")
    assert "owner-note" not in theirs
    researcher.post(path, {"record": "cinahl-1", "verdict": "exclude"})
    conflicts = f"/evidence/reviews/{review.pk}/conflicts/"
    seen = owner.get(conflicts).content.decode()
    assert "<li>owner: Include</li>" in seen
    assert "<li>researcher: Exclude</li>" in seen
    blind = signed_in(world.colleague).get(conflicts).content.decode()
    assert "cinahl-1" in blind
    assert "researcher: Exclude" not in blind
    assert "Screen this record yourself to see the verdicts." in blind
    owner.post(conflicts, {"record": "cinahl-1", "stage": "title_abstract", "verdict": "include"})
    assert "cinahl-1" not in owner.get(conflicts).content.decode()


PRIORITY_CSV = (
    "title,year\n"
    "Working alliance and pain in physiotherapy,2020\n"
    "Gait speed after hip fracture surgery,2019\n"
    "Gait speed measured in hip fracture rehabilitation,2018\n"
    "Working alliance and pain in occupational therapy,2021\n"
)


def test_prioritised_order_ranks_by_the_reviewers_own_decisions(world: World) -> None:
    review = create_review(world.owner, "R", [world.owner, world.researcher], [], REASONS)
    import_search_export(world.owner, review, "s.csv", PRIORITY_CSV.encode(), "Scopus")
    client = signed_in(world.owner)
    path = f"/evidence/reviews/{review.pk}/screen/title_abstract/"
    client.post(path, {"record": "scopus-1", "verdict": "include"})
    client.post(path, {"record": "scopus-2", "verdict": "exclude"})
    shown = r'<p class="muted">(scopus-\d)</p>'
    in_file_order = re.search(shown, client.get(path).content.decode())
    ranked = re.search(shown, client.get(path, {"order": "prioritised"}).content.decode())
    assert in_file_order is not None
    assert ranked is not None
    assert in_file_order.group(1) == "scopus-3"
    assert ranked.group(1) == "scopus-4"  # shares the words of the one included record


def test_agreement_shows_cohens_kappa_worked_by_hand(world: World) -> None:
    review = _review(world)
    owner = {"cinahl-1": "include", "cinahl-2": "include", "cinahl-3": "exclude"}
    owner["cinahl-4"] = "exclude"
    researcher = {**owner, "cinahl-2": "exclude"}
    for who, votes in ((world.owner, owner), (world.researcher, researcher)):
        for record, verdict in votes.items():
            record_decision(who, review, record, TA, Verdict(verdict))
    # p_o = 3/4; owner includes 2/4, researcher 1/4: p_e = 2/4*1/4 + 2/4*3/4 = 1/2;
    # kappa = (3/4 - 1/2) / (1 - 1/2) = 0.5
    html = signed_in(world.researcher).get(f"/evidence/reviews/{review.pk}/").content.decode()
    assert '<td class="num">4</td><td class="num">75.0</td><td class="num kappa">0.500</td>' in html


def _screen_everything(world: World, review: Review) -> None:
    """Title and abstract: all in but cinahl-3 (both exclude); full text: cinahl-1, cinahl-2
    and cinahl-4 in; scholar-2 out for the first reason."""
    for who in (world.owner, world.researcher):
        for record in ("cinahl-1", "cinahl-2", "cinahl-4", "scholar-2"):
            record_decision(who, review, record, TA, Verdict.INCLUDE)
        record_decision(who, review, "cinahl-3", TA, Verdict.EXCLUDE)
    for who in (world.owner, world.researcher):
        for record in ("cinahl-1", "cinahl-2", "cinahl-4"):
            record_decision(who, review, record, FT, Verdict.INCLUDE)
        record_decision(who, review, "scholar-2", FT, Verdict.EXCLUDE, REASONS[0])


def _flow_numbers(html: str) -> dict[str, int]:
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    return {
        label.strip(): int(n) for label, n in re.findall(r">([^<>]+?) \(n = (\d+)\)</text>", svg)
    }


def test_a_report_without_its_full_text_is_counted_not_retrieved(world: World) -> None:
    review = _review(world)
    for who in (world.owner, world.researcher):
        for record in ("cinahl-1", "cinahl-2", "cinahl-3", "cinahl-4", "scholar-2"):
            record_decision(who, review, record, TA, Verdict.INCLUDE)
    client = signed_in(world.owner)
    path = f"/evidence/reviews/{review.pk}/screen/full_text/"
    client.post(path, {"record": "cinahl-4", "not_retrieved": "1"})
    review.refresh_from_db()
    assert review.not_retrieved == ["cinahl-4"]
    html = client.get(path).content.decode()
    assert "You have screened 0 of 4" in html
    excluded = client.post(path, {"record": "cinahl-1", "verdict": "exclude", "reason": "other"})
    assert excluded.status_code == 400
    assert "needs one of the reasons" in excluded.content.decode()


def test_the_prisma_diagram_on_the_page_equals_the_decisions(world: World) -> None:
    review = _review(world)
    client = signed_in(world.owner)
    pending = client.get(f"/evidence/reviews/{review.pk}/").content.decode()
    assert "title abstract screening is not finished: 5 records pending" in pending
    _screen_everything(world, review)
    decisions = ScreeningDecision.objects.filter(review=review)
    # Independent count: records per file, the one shared DOI, then the unanimous decisions.
    excluded_ta = {d.record for d in decisions.filter(stage="title_abstract", verdict="exclude")}
    included_ft = {d.record for d in decisions.filter(stage="full_text", verdict="include")}
    excluded_ft = {d.record for d in decisions.filter(stage="full_text", verdict="exclude")}
    html = client.get(f"/evidence/reviews/{review.pk}/").content.decode()
    assert _flow_numbers(html) == {
        "Databases": 6,
        "CINAHL": 4,
        "Scholar": 2,
        "Duplicate records removed": 1,
        "Records screened": 5,
        "Records excluded": len(excluded_ta),
        "Reports sought for retrieval": 5 - len(excluded_ta),
        "Reports not retrieved": 0,
        "Reports assessed for eligibility": 5 - len(excluded_ta),
        "wrong population": len(excluded_ft),
        "Studies included in review": len(included_ft),
        "Reports of included studies": len(included_ft),
    }
    svg = client.get(f"/evidence/reviews/{review.pk}/prisma.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert "Records screened (n = 5)" in svg.content.decode()
    png = client.get(f"/evidence/reviews/{review.pk}/prisma.png")
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_it_charts_included_reports_and_pools_their_effects(world: World) -> None:
    review = _review(world)
    _screen_everything(world, review)
    client = signed_in(world.researcher)
    charts = client.get(f"/evidence/reviews/{review.pk}/charts/").content.decode()
    assert charts.count("to chart") == 3
    bad = client.post(
        f"/evidence/reviews/{review.pk}/charts/cinahl-1/",
        {"study": "adams2019", "citation": "Adams A. 2019", "year": "twenty"},
    )
    assert bad.status_code == 400
    assert "Year (year): &#x27;twenty&#x27; is not a whole number" in bad.content.decode()
    for record, effect, se in (("cinahl-1", 0.30, 0.1), ("cinahl-2", 0.32, 0.2)):
        client.post(
            f"/evidence/reviews/{review.pk}/charts/{record}/",
            {
                "study": record.replace("-", "_"),
                "citation": f"Study {record}",
                "year": "2020",
                "effect_size": str(effect),
                "effect_size_type": "smd",
                "standard_error": str(se),
            },
        )
    chart_report(
        world.owner,
        review,
        "cinahl-4",
        "dunn2021",
        {
            "citation": "Dunn D. 2021",
            "year": "2021",
            "effect_size": "0.31",
            "effect_size_type": "smd",
            "standard_error": "0.1",
        },
    )
    html = client.get(f"/evidence/reviews/{review.pk}/meta/").content.decode()
    # The effects barely differ, so REML puts tau2 at 0 and pools by inverse variance:
    # weights 100, 25, 100 -> (30 + 8 + 31) / 225 = 0.30667.
    assert "<dd>3</dd>" in html
    assert "<dd>0.307 (" in html
    assert "0.0000" in html.split("τ²")[1][:40]


def test_the_meta_analysis_says_why_it_cannot_pool(world: World) -> None:
    review = _review(world)
    html = signed_in(world.owner).get(f"/evidence/reviews/{review.pk}/meta/").content.decode()
    assert "Pooling needs at least two charted studies" in html


def test_the_meta_analysis_refuses_to_pool_mixed_effect_size_types(world: World) -> None:
    review = _review(world)
    _screen_everything(world, review)
    for record, kind in (("cinahl-1", "smd"), ("cinahl-2", "r")):
        values = {"citation": f"Study {record}", "year": "2020", "effect_size_type": kind}
        values |= {"effect_size": "0.3", "standard_error": "0.1"}
        chart_report(world.owner, review, record, record.replace("-", "_"), values)
    html = signed_in(world.owner).get(f"/evidence/reviews/{review.pk}/meta/").content.decode()
    assert "The charted effect sizes mix types (r, smd): pool one type at a time." in html


def test_review_pages_cost_the_same_queries_for_few_and_many_rows(world: World) -> None:
    client = signed_in(world.owner)
    first = _review(world)
    paths = ["/evidence/reviews/", f"/evidence/reviews/{first.pk}/"]
    paths += [f"/evidence/reviews/{first.pk}/{page}/" for page in ("duplicates", "conflicts")]
    paths += [f"/evidence/reviews/{first.pk}/charts/", f"/evidence/reviews/{first.pk}/meta/"]
    small = {}
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        small[path] = len(queries)
    for _n in range(4):
        _review(world).reviewers.add(world.colleague)
    import_search_export(world.owner, first, "more.ris", RIS.encode(), "PubMed")
    for who in (world.owner, world.researcher):
        for record in ("cinahl-1", "cinahl-2", "cinahl-4"):
            record_decision(who, first, record, TA, Verdict.INCLUDE)
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert len(queries) == small[path], path
        assert len(queries) <= 15, path


def test_the_review_pages_and_their_refusals_read_in_french(world: World) -> None:
    review = _review(world)
    client = signed_in(world.owner)
    data = {"Alliance", "pain", "adults", "owner", "researcher", "admin", "colleague", "outsider"}
    data |= words(RIS.encode())  # the record on the screening page
    same = {"English", "Français", "PRISMA", "patient", "exports", "inclusions", "verdicts"}
    data |= {"cinahl"}  # the record's id
    same |= {"Note", "variance", "REML"}
    same |= {"evidence", "review"}  # the command `alliance evidence review`
    for path in (
        "/evidence/reviews/",
        f"/evidence/reviews/{review.pk}/screen/title_abstract/",
        f"/evidence/reviews/{review.pk}/conflicts/",
        f"/evidence/reviews/{review.pk}/meta/",
    ):
        english, french = english_and_french(client, path)
        assert words(english) & words(french) <= data | same, path
    english, french = english_and_french(
        client, "/evidence/reviews/", name="Solo", reviewers=str(world.owner.pk)
    )
    assert "A review needs at least two distinct reviewers." in text(notices(english))
    assert "Une revue a besoin d\u2019au moins deux évaluateurs distincts." in text(notices(french))


def test_the_review_downloads_as_a_folder_the_command_line_continues(
    world: World, tmp_path: Path
) -> None:
    review = _review(world)
    _screen_everything(world, review)
    response = signed_in(world.colleague).get(f"/evidence/reviews/{review.pk}/review.zip")
    assert response["Content-Disposition"] == f'attachment; filename="review-{review.pk}.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        archive.extractall(tmp_path)
        texts = {Path(n).name: archive.read(n).decode() for n in archive.namelist()}
    assert project_from_texts(texts) == project_of(review)
    event = AuditEvent.objects.get(action="review_exported")
    assert (event.actor, event.object_id) == (world.colleague, str(review.pk))
    folder = tmp_path / f"review-{review.pk}"
    result = CliRunner().invoke(main, ["evidence", "review", "prisma", str(folder)])
    assert result.exit_code == 0, result.output
    assert re.search(r"records screened\s+5", result.output)
    outside = signed_in(world.other_therapist).get(f"/evidence/reviews/{review.pk}/review.zip")
    assert outside.status_code == 404


def _zipped(texts: dict[str, str], folder: str = "") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in texts.items():
            archive.writestr(f"{folder}{name}", content)
    return SimpleUploadedFile("review.zip", buffer.getvalue(), content_type="application/zip")


def test_a_downloaded_review_comes_back_in_whole_through_the_list_page(world: World) -> None:
    review = _review(world)
    _screen_everything(world, review)
    download = signed_in(world.owner).get(f"/evidence/reviews/{review.pk}/review.zip")
    upload = SimpleUploadedFile("review.zip", download.content, content_type="application/zip")
    response = signed_in(world.researcher).post(
        "/evidence/reviews/", {"project": "1", "file": upload}
    )
    copy = Review.objects.exclude(pk=review.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/evidence/reviews/{copy.pk}/"
    assert project_of(copy) == project_of(review)
    assert AuditEvent.objects.filter(action="review_project_imported").count() == 1


def test_a_folder_from_the_command_line_is_imported_and_screened_on(
    world: World, tmp_path: Path
) -> None:
    runner = CliRunner()
    folder = tmp_path / "review"
    (tmp_path / "cinahl.ris").write_text(RIS)
    for args in (
        ["init", str(folder), "--name", "Neck", "--reviewer", "owner", "--reviewer", "colleague"],
        ["import", str(folder), str(tmp_path / "cinahl.ris"), "--source", "CINAHL"],
    ):
        result = runner.invoke(main, ["evidence", "review", *args])
        assert result.exit_code == 0, result.output
    texts = {p.name: p.read_text() for p in folder.iterdir()}
    client = signed_in(world.colleague)
    response = client.post(
        "/evidence/reviews/", {"project": "1", "file": _zipped(texts, "review/")}
    )
    assert response.status_code == 302, text(notices(response.content))
    review = Review.objects.get()
    assert [r.record_id for r in review.records.order_by("position")] == [
        "cinahl-1",
        "cinahl-2",
        "cinahl-3",
        "cinahl-4",
    ]
    record_decision(world.colleague, review, "cinahl-1", TA, Verdict.INCLUDE)
    assert ScreeningDecision.objects.filter(review=review).count() == 1


def test_a_bad_project_zip_is_refused_with_the_reason_and_nothing_stored(world: World) -> None:
    client = signed_in(world.owner)
    not_zip = SimpleUploadedFile("notes.zip", b"plain text", content_type="application/zip")
    response = client.post("/evidence/reviews/", {"project": "1", "file": not_zip})
    assert response.status_code == 400
    assert "notes.zip: not a zip file" in text(notices(response.content))
    stranger = {"project.json": '{"format": 1, "name": "X", "reviewers": ["owner", "nobody"], '
                '"criteria": [], "exclusion_reasons": [], "imports": []}'}  # fmt: skip
    response = client.post("/evidence/reviews/", {"project": "1", "file": _zipped(stranger)})
    assert response.status_code == 400
    assert "called nobody" in text(notices(response.content))
    assert not Review.objects.exists()
