"""The export routes of the API: the same audited files as the Exports page, to the same roles."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from alliance.web import actions
from alliance.web.models import AuditEvent
from tests.web.conftest import World, api_client

pytestmark = pytest.mark.django_db

CHECKIN = {"checkin": {"q1": 5, "q2": 6, "q3": 7, "q4": 8}}
ODI = {"odi": {f"q{n}": 1 for n in range(1, 11)}}


def _files(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def recorded(world: World) -> World:
    actions.record_assessment(world.visit, CHECKIN | ODI, by=world.owner)
    return world


def test_a_researcher_gets_deidentified_research_files_and_an_audit_row(recorded: World) -> None:
    response = api_client(recorded.researcher).get("/api/export/research.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = _files(response.content)
    assert {"codebook.md", "deidentification.md"} <= set(files)
    everything = b"".join(files.values())
    for identifier in (b"Ada", b"MRN-1", b"1980-05-17", recorded.patient.code.encode()):
        assert identifier not in everything
    event = AuditEvent.objects.filter(action="research_exported").get()
    assert event.actor_id == recorded.researcher.pk
    assert event.patient_id is None
    assert event.detail["assessments"] == 2


def test_an_admin_gets_identifiable_research_files_with_the_patient_code(recorded: World) -> None:
    response = api_client(recorded.admin).get("/api/export/research.zip?identifiable=true")
    assert response.status_code == 200
    assert recorded.patient.code.encode() in b"".join(_files(response.content).values())
    assert AuditEvent.objects.filter(action="research_identifiable_exported").count() == 1


def test_a_redcap_project_comes_with_its_dictionary(recorded: World) -> None:
    response = api_client(recorded.researcher).get("/api/export/redcap.zip")
    assert response.status_code == 200
    files = _files(response.content)
    dictionary = files["redcap_dictionary.csv"].decode()
    assert dictionary.splitlines()[0].startswith("Variable / Field Name")
    assert AuditEvent.objects.filter(action="redcap_project_exported").count() == 1


def test_an_admin_gets_a_bundle_of_both_assessments(recorded: World) -> None:
    response = api_client(recorded.admin).get("/api/export/fhir-bundle.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "transaction"
    answered = [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    assert len(answered) == 2
    assert AuditEvent.objects.filter(action="fhir_bundle_exported").count() == 1


def test_a_refused_export_leaves_no_audit_row(recorded: World) -> None:
    response = api_client(recorded.owner).get("/api/export/research.zip")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action__endswith="_exported").exists()


def test_the_schema_describes_the_export_files() -> None:
    from alliance.web.api.app import api

    paths = api.get_openapi_schema()["paths"]
    research = paths["/api/export/research.zip"]["get"]["responses"]
    assert "application/zip" in research[200]["content"]
    assert 409 in research
    bundle = paths["/api/export/fhir-bundle.json"]["get"]["responses"]
    assert "application/fhir+json" in bundle[200]["content"]
