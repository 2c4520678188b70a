"""Reading RIS search exports (generic, CINAHL via EBSCOhost, Embase) into records.

rispy parses the tags; before it runs, every line is checked so that a malformed file is
rejected whole, naming the line and the reason (rispy alone silently drops text outside a
record and a last record without its end tag). The variants differ in where they put the
PubMed id and the journal name:

- CINAHL (EBSCOhost, ``DP - EBSCOhost`` or ``DB - cin20``): ``AN`` is CINAHL's own accession
  number, never a PubMed id; the PubMed id, when present, is in a note ("PMID: 123").
- Embase (``DB - Embase``): authors under ``A1``; ``C5`` holds the MEDLINE PubMed id; the DOI
  may appear only as a link (``L2``/``UR``).
- PubMed/MEDLINE exported as RIS (``DB - MEDLINE`` or ``PubMed``): ``AN`` is the PubMed id.
"""

from __future__ import annotations

import re
from typing import Any

import rispy  # type: ignore[import-untyped]

from alliance.evidence.review.records import (
    ImportResult,
    Record,
    RecordFormatError,
    find_doi,
    numbered,
    parse_year,
)

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  -( (.*))?$")
VARIANTS = ("auto", "generic", "cinahl", "embase")
PMID_NOTE = re.compile(r"PMID:?\s*(\d{1,9})", re.IGNORECASE)


def read_ris(text: str, source: str, variant: str = "auto") -> ImportResult:
    """Parse a RIS export; every record or none. ``source`` names the database."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown RIS variant {variant!r} (known: {', '.join(VARIANTS)})")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    starts = check_structure(text, source)
    entries = rispy.loads(text)
    if len(entries) != len(starts):
        raise RecordFormatError(source, None, f"read {len(entries)} of {len(starts)} records")
    records = [
        _record(entry, source, line, _variant(entry) if variant == "auto" else variant)
        for entry, line in zip(entries, starts, strict=True)
    ]
    return ImportResult(source, f"ris:{variant}", numbered(source, records))


def check_structure(text: str, source: str) -> list[int]:
    """Check every line of a RIS file and return the line number where each record starts.

    Inside a record, a line that is not a tag continues the previous field (long abstracts
    are wrapped that way); outside a record only blank lines are allowed.
    """
    starts: list[int] = []
    inside = False
    for number, line in enumerate(text.split("\n"), start=1):
        match = TAG_LINE.match(line.rstrip())
        if not inside:
            if not line.strip():
                continue
            if match is None or match.group(1) != "TY":
                shown = line.strip()[:40]
                raise RecordFormatError(
                    source, number, f"expected 'TY  - ' to start a record, found {shown!r}"
                )
            if not (match.group(3) or "").strip():
                raise RecordFormatError(source, number, "TY has no reference type")
            starts.append(number)
            inside = True
        elif match is not None and match.group(1) == "TY":
            raise RecordFormatError(
                source, number, f"new record starts before the record at line {starts[-1]} ended"
            )
        elif match is not None and match.group(1) == "ER":
            inside = False
    if inside:
        raise RecordFormatError(
            source, starts[-1], "the record starting here has no end tag 'ER  - '"
        )
    if not starts:
        raise RecordFormatError(source, None, "no records (a RIS record starts with 'TY  - ')")
    return starts


def _variant(entry: dict[str, Any]) -> str:
    provider = " ".join(
        [str(entry.get("database_provider", "")), str(entry.get("name_of_database", ""))]
    ).casefold()
    if any(mark in provider for mark in ("ebsco", "cinahl", "cin20")):
        return "cinahl"
    if "embase" in provider:
        return "embase"
    return "generic"


def _record(entry: dict[str, Any], source: str, line: int, variant: str) -> Record:
    title = _first(entry, "title", "primary_title", "translated_title")
    if not title:
        raise RecordFormatError(source, line, "the record starting here has no title (TI or T1)")
    authors = tuple(_list(entry, "authors") or _list(entry, "first_authors"))
    notes = " ".join([*_list(entry, "notes"), _first(entry, "note")])
    links = [*_list(entry, "urls"), _first(entry, "file_attachments2")]
    database = str(entry.get("name_of_database", "")).casefold()
    pmid = ""
    if variant == "embase":
        pmid = _first(entry, "custom5")
    elif variant == "generic" and ("medline" in database or "pubmed" in database):
        pmid = _first(entry, "accession_number")
    if not pmid:
        match = PMID_NOTE.search(notes)
        pmid = match.group(1) if match else ""
    start, end = _first(entry, "start_page"), _first(entry, "end_page")
    return Record(
        id="",
        source=source,
        title=_clean(title),
        authors=authors,
        year=parse_year(_first(entry, "year", "publication_year", "date")),
        journal=_first(
            entry, "journal_name", "alternate_title3", "secondary_title", "alternate_title1"
        ),
        volume=_first(entry, "volume"),
        issue=_first(entry, "number"),
        pages=f"{start}-{end}" if start and end else start,
        doi=find_doi(_first(entry, "doi"), *links),
        pmid=pmid if pmid.isdigit() else "",
        abstract=_clean(_first(entry, "abstract", "notes_abstract")),
        keywords=tuple(_list(entry, "keywords")),
    )


def _first(entry: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value:
            return str(value).strip()
    return ""


def _list(entry: dict[str, Any], key: str) -> list[str]:
    value = entry.get(key) or []
    items = value if isinstance(value, list) else [value]
    return [str(item).strip() for item in items if str(item).strip()]


def _clean(text: str) -> str:
    return " ".join(text.split())
