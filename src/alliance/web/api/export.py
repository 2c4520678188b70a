"""The de-identified cohort export, as CSV."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from alliance.web import actions
from alliance.web.api.auth import caller

router = Router(tags=["export"])
CSV = {"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}}
"""How the schema describes an answer that is a CSV file."""


@router.get("/cohort.csv", response={200: None}, openapi_extra=CSV)
def export_cohort_csv(request: HttpRequest) -> HttpResponse:
    """One row per patient pseudonym, episode, visit, instrument and scale."""
    table = actions.export_cohort(caller(request))
    response = HttpResponse(table.to_csv(index=False), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="cohort.csv"'
    return response
