"""Exports of the clinic's assessments for other systems, each checked and audited.

- ``export_research_files``: the research files (long, wide, SPSS, R labels, codebook),
  de-identified with the clinic's own key by default; identifiable only for an admin.
- ``export_redcap_files``: a de-identified longitudinal REDCap project.
- ``export_fhir_bundle``: a FHIR transaction Bundle, which carries patient codes and dates, so
  only for an admin.

Who may export what is decided by ``scope.may_export``. The audit row is written first, inside
the same transaction as the reading and the writing: an export that fails leaves no row, and
no export leaves without one. The row says what was exported (kind, counts, file names), never
whose data.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from alliance.interop.clinic_tables import ClinicTables
from alliance.interop.deidentify import deidentify
from alliance.interop.fhir_bundle import assessments_bundle, entry_count
from alliance.interop.output_files import new_folder
from alliance.interop.redcap_records import redcap_project
from alliance.interop.research_files import ResearchExport, export_identifiable, export_research
from alliance.web.actions.errors import ConflictError, NotAllowedError
from alliance.web.audit import record
from alliance.web.clinic_export import clinic_tables
from alliance.web.models import ClinicKey, User
from alliance.web.scope import exportable_patients, may_export

Step = Callable[[str], None]
Progress = Callable[[int], None]


def clinic_key(clinic_id: int) -> bytes:
    """The clinic's pseudonym key, made on first use for a clinic created before keys were."""
    key, _created = ClinicKey.objects.get_or_create(clinic_id=clinic_id)
    return key.key_bytes


def export_research_files(
    by: User,
    folder: Path,
    *,
    identifiable: bool = False,
    min_count: int = 5,
    on_step: Step | None = None,
    request: HttpRequest | None = None,
) -> ResearchExport:
    """Write the clinic's research files into the new ``folder``: de-identified unless asked."""
    _allowed(by, identifiable=identifiable)
    with transaction.atomic():
        tables = _tables(by, identifiable)
        action = "research_identifiable_exported" if identifiable else "research_exported"
        record(action, actor=by, request=request, detail=_counts(tables))
        if identifiable:
            return export_identifiable(tables, folder, on_step)
        assert by.clinic_id is not None  # checked by _allowed
        return export_research(tables, folder, clinic_key(by.clinic_id), min_count, on_step)


def export_redcap_files(
    by: User, folder: Path, *, request: HttpRequest | None = None
) -> tuple[str, ...]:
    """Write a de-identified REDCap project (dictionary, events, mapping, records, report)."""
    _allowed(by, identifiable=False)
    assert by.clinic_id is not None  # checked by _allowed
    with transaction.atomic():
        tables = _tables(by, identifiable=False)
        record("redcap_project_exported", actor=by, request=request, detail=_counts(tables))
        research, report = deidentify(tables, clinic_key(by.clinic_id))
        with new_folder(folder) as out:
            for name, text in redcap_project(research).files().items():
                (out / name).write_text(text, encoding="utf-8")
            (out / "deidentification.md").write_text(report.markdown(), encoding="utf-8")
            return tuple(sorted(path.name for path in out.iterdir()))


def export_fhir_bundle(
    by: User,
    *,
    on_total: Callable[[int], None] | None = None,
    on_progress: Progress | None = None,
    request: HttpRequest | None = None,
) -> dict[str, Any]:
    """The clinic's assessments as a FHIR transaction Bundle (identifiable: admins only)."""
    _allowed(by, identifiable=True)
    with transaction.atomic():
        tables = _tables(by, identifiable=True, empty_allowed=True)
        if on_total is not None:
            on_total(entry_count(tables.answers, tables.scores))
        record("fhir_bundle_exported", actor=by, request=request, detail=_counts(tables))
        return assessments_bundle(tables.answers, tables.scores, on_progress)


def _allowed(by: User, *, identifiable: bool) -> None:
    if not may_export(by, identifiable=identifiable):
        if identifiable:
            raise NotAllowedError(_("Your role may not make an identifiable export."))
        raise NotAllowedError(_("Your role may not make a research export."))


def _tables(by: User, identifiable: bool, *, empty_allowed: bool = False) -> ClinicTables:
    patients = exportable_patients(by, identifiable=identifiable)
    tables = clinic_tables(patients, with_age=identifiable)
    if not tables.answers and not empty_allowed:
        raise ConflictError(_("The clinic has no assessments to export yet."))
    return tables


def _counts(tables: ClinicTables) -> dict[str, int]:
    return {
        "patients": len(tables.patients),
        "episodes": len(tables.episodes),
        "assessments": sum(len(frame) for frame in tables.answers.values()),
        "scores": len(tables.scores),
    }
