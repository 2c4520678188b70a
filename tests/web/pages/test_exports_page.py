"""The Exports page: de-identified downloads for admins and researchers, identifiable ones and
the Bundle import for admins only, each through its audited action."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.web.models import Assessment, AuditEvent, Role
from tests.web.conftest import World, make_user
from tests.web.pages.helpers import signed_in
from tests.web.test_clinic_interop import SEEDED, seed

pytestmark = pytest.mark.django_db


def test_it_offers_each_role_only_its_exports(world: World) -> None:
    admin = signed_in(world.admin).get("/manage/exports/")
    assert admin.status_code == 200
    page = admin.content.decode()
    assert "Download FHIR Bundle" in page
    assert "Import a FHIR Bundle" in page
    assert 'href="/manage/exports/" aria-current="page"' in page
    research = signed_in(world.researcher).get("/manage/exports/").content.decode()
    assert "Download research files" in research
    assert "Download FHIR Bundle" not in research
    assert "Import a FHIR Bundle" not in research
    assert signed_in(world.owner).get("/manage/exports/").status_code == 404


def test_a_researcher_downloads_de_identified_files_and_no_identifiable_ones(
    world: World,
) -> None:
    patient = seed(world)
    client = signed_in(world.researcher)
    response = client.post("/manage/exports/", {"kind": "research"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "deidentification.md" in archive.namelist()
    for name in archive.namelist():
        content = archive.read(name)
        for identifier in (SEEDED["name"], SEEDED["record_number"], patient.code, "2026-02-02"):
            assert identifier.encode() not in content, (name, identifier)
    for kind in ("fhir_bundle", "research_identifiable", "import"):
        assert client.post("/manage/exports/", {"kind": kind}).status_code == 404
    assert not AuditEvent.objects.filter(action="fhir_bundle_exported").exists()
    assert not AuditEvent.objects.filter(action="research_identifiable_exported").exists()
    assert AuditEvent.objects.filter(action="research_exported").count() == 1


def test_an_admin_downloads_a_bundle_and_another_clinic_imports_it_once(world: World) -> None:
    seed(world)
    response = signed_in(world.admin).post("/manage/exports/", {"kind": "fhir_bundle"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    bundle = json.loads(response.content)
    assert len(bundle["entry"]) == 22
    assert AuditEvent.objects.filter(action="fhir_bundle_exported", actor=world.admin).exists()
    other = signed_in(world.other_admin)
    form = {"kind": "import", "therapist": world.other_therapist.pk}
    upload = SimpleUploadedFile("b.json", response.content, content_type="application/json")
    page = other.post("/manage/exports/", form | {"bundle": upload}).content.decode()
    assert "Imported 5 new assessments" in page
    upload = SimpleUploadedFile("b.json", response.content, content_type="application/json")
    page = other.post("/manage/exports/", form | {"bundle": upload}).content.decode()
    assert "Imported 0 new assessments" in page
    assert "5 already in the clinic were skipped" in page
    assert Assessment.objects.filter(patient__clinic=world.other_clinic).count() == 5


def test_a_malformed_bundle_is_refused_with_its_reason_and_nothing_is_written(
    world: World,
) -> None:
    upload = SimpleUploadedFile("bad.json", b'{"resourceType": "Bundle", "type": "transaction",')
    admin = signed_in(world.admin)
    before = Assessment.objects.count(), AuditEvent.objects.count()
    response = admin.post(
        "/manage/exports/", {"kind": "import", "therapist": world.owner.pk, "bundle": upload}
    )
    assert response.status_code == 400
    assert "bad.json: line 1" in response.content.decode()
    assert "nothing was imported" in response.content.decode()
    assert (Assessment.objects.count(), AuditEvent.objects.count()) == before


def test_the_page_takes_the_same_number_of_queries_whatever_the_staff(world: World) -> None:
    admin = signed_in(world.admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin.get("/manage/exports/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(5):
        make_user(world.clinic, f"therapist-{n}", Role.THERAPIST)
    assert queries() == few
