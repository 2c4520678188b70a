"""The clinic's exports: the de-identified cohort table as CSV, and the files of the Exports
page (research files, a REDCap project, the FHIR Bundle), each through its audited action."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from alliance.safe_csv import frame_text
from alliance.web import actions
from alliance.web.api.auth import caller
from alliance.web.export_downloads import download

router = Router(tags=["export"])


def _file(content_type: str, schema: dict[str, str], *, empty: bool = False) -> dict[str, Any]:
    """How the schema describes an answer that is a file of ``content_type`` (``empty``: or
    409 when the clinic has nothing to export yet)."""
    responses: dict[int, Any] = {200: {"content": {content_type: {"schema": schema}}}}
    if empty:
        message = {"$ref": "#/components/schemas/Message"}
        responses[409] = {
            "description": "The clinic has no assessments to export yet",
            "content": {"application/json": {"schema": message}},
        }
    return {"responses": responses}


CSV = _file("text/csv", {"type": "string"})
ZIP = _file("application/zip", {"type": "string", "format": "binary"}, empty=True)
BUNDLE = _file("application/fhir+json", {"type": "object"})


@router.get("/cohort.csv", response={200: None}, openapi_extra=CSV)
def export_cohort_csv(request: HttpRequest) -> HttpResponse:
    """One row per patient pseudonym, episode, visit, instrument and scale."""
    table = actions.export_cohort(caller(request))
    response = HttpResponse(frame_text(table, index=False), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="cohort.csv"'
    return response


@router.get("/research.zip", response={200: None}, openapi_extra=ZIP)
def export_research_zip(request: HttpRequest, identifiable: bool = False) -> HttpResponse:
    """The research files (long, wide, SPSS, R, codebook): de-identified with the clinic's key,
    or identifiable for an admin who asks."""
    kind = "research_identifiable" if identifiable else "research"
    return download(caller(request), kind, request)


@router.get("/redcap.zip", response={200: None}, openapi_extra=ZIP)
def export_redcap_zip(request: HttpRequest) -> HttpResponse:
    """A de-identified longitudinal REDCap project."""
    return download(caller(request), "redcap", request)


@router.get("/fhir-bundle.json", response={200: None}, openapi_extra=BUNDLE)
def export_fhir_bundle_json(request: HttpRequest) -> HttpResponse:
    """The clinic's assessments as a FHIR R4 transaction Bundle (identifiable: admins only)."""
    return download(caller(request), "fhir_bundle", request)
