"""The clinic's exports as downloads: one response per kind, shared by the Exports page and
the API, so both answer with the same files, names and audit rows.

The actions decide who may export what and write the audit row; this module only packs what
they write (a folder becomes a zip file, the Bundle a JSON file) and names the download.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from alliance.web.actions.interop_export import (
    export_fhir_bundle,
    export_redcap_files,
    export_research_files,
)
from alliance.web.models import User

KINDS = ("research", "redcap", "research_identifiable", "fhir_bundle")
"""What can be downloaded: de-identified research files, a REDCap project, identifiable
research files and the FHIR Bundle."""


def download(user: User, kind: str, request: HttpRequest | None = None) -> HttpResponse:
    """The export ``kind`` (one of ``KINDS``) as an attachment, through its audited action."""
    if kind not in KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    stamp = timezone.localdate().isoformat()
    if kind == "fhir_bundle":
        bundle = export_fhir_bundle(user, request=request)
        body = json.dumps(bundle, ensure_ascii=False).encode()
        return _attachment(body, "application/fhir+json", f"alliance-bundle-{stamp}.json")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "export"
        if kind == "redcap":
            export_redcap_files(user, folder, request=request)
        else:
            identifiable = kind == "research_identifiable"
            export_research_files(user, folder, identifiable=identifiable, request=request)
        name = kind.replace("_", "-")
        return _attachment(_zipped(folder), "application/zip", f"alliance-{name}-{stamp}.zip")


def _zipped(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return buffer.getvalue()


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
