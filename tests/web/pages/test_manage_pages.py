"""The admin's pages: staff and roles, shares, protocols, licensed wording and the audit log,
each change made through its audited action and only within the admin's own clinic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.web import actions
from alliance.web.models import AuditEvent, Protocol, Role, Share, User
from tests.web.conftest import PASSWORD, World
from tests.web.pages.helpers import signed_in

pytestmark = pytest.mark.django_db


def test_it_adds_staff_changes_a_role_and_suspends_an_account(world: World) -> None:
    admin = signed_in(world.admin)
    admin.post(
        "/manage/staff/",
        {
            "form": "new",
            "username": "newcomer",
            "role": "therapist",
            "password": "a long enough pw",
        },
    )
    newcomer = User.objects.get(username="newcomer")
    assert (newcomer.role, newcomer.clinic) == ("therapist", world.clinic)
    admin.post("/manage/staff/", {"form": "role", "user": newcomer.pk, "role": "researcher"})
    newcomer.refresh_from_db()
    assert (newcomer.role, newcomer.is_active) == ("researcher", False)
    assert AuditEvent.objects.filter(action="user_changed", actor=world.admin).count() == 1
    other = signed_in(world.other_admin)
    response = other.post(
        "/manage/staff/", {"form": "role", "user": newcomer.pk, "role": "admin", "active": "on"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("taken", ["colleague", "other-therapist"])
def test_it_says_only_that_a_username_is_taken_in_this_clinic_or_another(
    world: World, taken: str
) -> None:
    """A username of another clinic was a server error (the unique constraint), telling the
    admin that the name exists elsewhere."""
    admin = signed_in(world.admin)
    before = User.objects.count()
    new = {"form": "new", "username": taken, "role": "therapist", "password": "a long enough pw"}
    response = admin.post("/manage/staff/", new)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This username is taken: please choose another." in html
    assert "Clinic B" not in html
    assert User.objects.count() == before
    fresh = admin.post("/manage/staff/", {**new, "username": f"{taken}-2"})
    assert fresh.status_code == 302
    assert User.objects.get(username=f"{taken}-2").clinic == world.clinic


def test_it_makes_a_clinic_lead_who_lands_on_the_clinic_overview(world: World) -> None:
    admin = signed_in(world.admin)
    page = admin.get("/manage/staff/").content.decode()
    assert '<option value="lead">Clinic lead</option>' in page
    admin.post(
        "/manage/staff/",
        {"form": "new", "username": "head", "role": "lead", "password": "a long enough pw"},
    )
    head = User.objects.get(username="head")
    assert (head.role, head.clinic) == ("lead", world.clinic)
    admin.post("/manage/staff/", {"form": "role", "user": world.owner.pk, "role": "lead"})
    world.owner.refresh_from_db()
    assert world.owner.role == "lead"
    lead = signed_in(head)
    assert lead.get("/")["Location"] == "/clinic/"
    nav = lead.get("/clinic/").content.decode()
    assert 'href="/clinic/"' in nav
    assert 'href="/caseload/"' not in nav
    assert lead.get(f"/patients/{world.patient.pk}/").status_code == 404


def test_it_keeps_an_admin_from_locking_themselves_out(world: World) -> None:
    response = signed_in(world.admin).post(
        "/manage/staff/", {"form": "role", "user": world.admin.pk, "role": "therapist"}
    )
    assert response.status_code == 400
    world.admin.refresh_from_db()
    assert world.admin.role == "admin"


def test_it_lists_shares_by_code_and_withdraws_one(world: World) -> None:
    admin = signed_in(world.admin)
    page = admin.get("/manage/shares/").content.decode()
    assert world.patient.code in page
    assert "Ada" not in page
    share = Share.objects.get()
    admin.post("/manage/shares/", {"share": share.pk})
    assert not Share.objects.exists()
    assert signed_in(world.colleague).get(f"/patients/{world.patient.pk}/").status_code == 404


def test_it_lists_shares_in_the_same_number_of_queries_for_one_and_seven(world: World) -> None:
    admin = signed_in(world.admin)
    with CaptureQueriesContext(connection) as small:
        assert admin.get("/manage/shares/").status_code == 200
    for number in range(6):
        patient = actions.register_patient(world.owner, name=f"Shared {number}")
        actions.share_patient(world.owner, patient, world.outsider)
    with CaptureQueriesContext(connection) as large:
        page = admin.get("/manage/shares/").content.decode()
    assert page.count('name="share"') == 7
    assert len(large) == len(small)


def test_it_shows_an_admin_only_their_own_clinics_shares(world: World) -> None:
    page = signed_in(world.other_admin).get("/manage/shares/").content.decode()
    assert world.patient.code not in page
    share = Share.objects.get()
    response = signed_in(world.other_admin).post("/manage/shares/", {"share": share.pk})
    assert response.status_code == 404
    assert Share.objects.filter(pk=share.pk).exists()


def test_it_creates_a_protocol_and_refuses_an_unknown_instrument(world: World) -> None:
    admin = signed_in(world.admin)
    admin.post("/manage/protocols/", {"name": "Neck", "schedule": "checkin\nndi: 1, 4, 8"})
    protocol = Protocol.objects.get(name="Neck")
    assert protocol.schedule == [
        {"instrument": "checkin", "visits": []},
        {"instrument": "ndi", "visits": [1, 4, 8]},
    ]
    bad = admin.post("/manage/protocols/", {"name": "Bad", "schedule": "no_such_thing"})
    assert bad.status_code == 400
    assert "no_such_thing is not a known instrument" in bad.content.decode()


def test_it_installs_licensed_wording_from_a_csv(world: World, data_dir: Path) -> None:
    rows = "item,text\n" + "".join(f"q{n},Licensed text {n}\n" for n in range(1, 11))
    upload = SimpleUploadedFile("ndi.csv", rows.encode(), content_type="text/csv")
    admin = signed_in(world.admin)
    response = admin.post("/manage/wording/", {"instrument": "ndi", "file": upload})
    assert response.status_code == 302
    installed = json.loads((data_dir / "wording" / "ndi.json").read_text(encoding="utf-8"))
    assert installed["texts"]["q10"] == "Licensed text 10"
    assert "installed" in admin.get("/manage/wording/").content.decode()
    short = SimpleUploadedFile("ndi.csv", b"item,text\nq1,Only one\n", content_type="text/csv")
    refused = admin.post("/manage/wording/", {"instrument": "ndi", "file": short})
    assert refused.status_code == 400
    assert "The wording file was refused and nothing was installed: ndi: no text for items" in (
        refused.content.decode()
    )


def test_it_shows_the_clinics_own_audit_log(world: World) -> None:
    signed_in(world.owner).get(f"/patients/{world.patient.pk}/")
    page = signed_in(world.admin).get("/manage/audit/", {"action": "identity_read"})
    html = page.content.decode()
    assert html.count("<td>Patient&#x27;s details read</td>") == 1
    assert '<option value="identity_read" selected>' in html
    assert "<td>owner</td>" in html
    other = signed_in(world.other_admin).get("/manage/audit/", {"action": "identity_read"})
    assert "<td>Patient&#x27;s details read</td>" not in other.content.decode()


def test_it_shows_the_audit_log_in_the_same_number_of_queries_for_few_and_many(
    world: World,
) -> None:
    admin = signed_in(world.admin)
    with CaptureQueriesContext(connection) as few:
        assert admin.get("/manage/audit/").status_code == 200
    for _read in range(30):
        actions.read_identity(world.owner, world.patient)
    with CaptureQueriesContext(connection) as many:
        page = admin.get("/manage/audit/").content.decode()
    assert page.count("<td>Patient&#x27;s details read</td>") == 30
    assert len(many) == len(few)


def test_it_lists_the_staff_in_the_same_number_of_queries_for_few_and_many(world: World) -> None:
    admin = signed_in(world.admin)
    with CaptureQueriesContext(connection) as few:
        assert admin.get("/manage/staff/").status_code == 200
    for number in range(10):
        actions.create_user(None, world.clinic, f"lead-{number}", Role.LEAD, PASSWORD)
    with CaptureQueriesContext(connection) as many:
        page = admin.get("/manage/staff/").content.decode()
    assert page.count('<option value="lead" selected>') == 11  # the conftest's lead and ten
    assert len(many) == len(few)
