"""Reading PubMed/MEDLINE exports (``.nbib``, "PubMed format") into records.

Each line is a tag of up to four letters padded to four characters, a hyphen and a space, then
the value (``PMID- 23139428``, ``TI  - ...``); a line starting with six spaces continues the
previous field; a blank line ends a record. No library in the lock parses this format, so it
is read here, rejecting the whole file at the first malformed line.
"""

from __future__ import annotations

import re

from alliance.evidence.review.records import (
    ImportResult,
    Record,
    RecordFormatError,
    find_doi,
    numbered,
    parse_year,
)

TAG_LINE = re.compile(r"^([A-Z]{1,4}) {0,3}- (.*)$")
CONTINUATION = "      "


def read_nbib(text: str, source: str = "PubMed") -> ImportResult:
    """Parse a MEDLINE-format export; every record or none."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    records = [_record(fields, source, line) for line, fields in _blocks(text, source)]
    if not records:
        raise RecordFormatError(source, None, "no records (a MEDLINE record starts with 'PMID- ')")
    return ImportResult(source, "nbib", numbered(source, records))


def _blocks(text: str, source: str) -> list[tuple[int, list[tuple[str, str]]]]:
    """Split the text into records: (line of the first tag, [(tag, value), ...])."""
    blocks: list[tuple[int, list[tuple[str, str]]]] = []
    current: list[tuple[str, str]] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            if current:
                blocks.append((start, current))
                current = []
            continue
        if line.startswith(CONTINUATION):
            if not current:
                raise RecordFormatError(source, number, "continuation line outside a record")
            tag, value = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}")
            continue
        match = TAG_LINE.match(line.rstrip())
        if match is None or len(line) < 6 or line[4:6] != "- ":
            raise RecordFormatError(
                source, number, f"expected a tag such as 'TI  - ', found {line.strip()[:40]!r}"
            )
        if not current:
            start = number
            if match.group(1) != "PMID":
                raise RecordFormatError(
                    source, number, f"a record must start with 'PMID- ', found {match.group(1)!r}"
                )
        current.append((match.group(1), match.group(2).strip()))
    if current:
        blocks.append((start, current))
    return blocks


def _record(fields: list[tuple[str, str]], source: str, line: int) -> Record:
    values: dict[str, list[str]] = {}
    for tag, value in fields:
        values.setdefault(tag, []).append(value)

    def first(tag: str) -> str:
        return values.get(tag, [""])[0]

    pmid = first("PMID")
    if not pmid.isdigit():
        raise RecordFormatError(source, line, f"PMID {pmid!r} is not a number")
    title = first("TI") or first("BTI")
    if not title:
        raise RecordFormatError(source, line, f"record PMID {pmid} has no title (TI)")
    ids = [v for v in values.get("LID", []) + values.get("AID", []) if v.endswith("[doi]")]
    return Record(
        id="",
        source=source,
        title=title,
        authors=tuple(values.get("FAU") or values.get("AU") or []),
        year=parse_year(first("DP")),
        journal=first("JT") or first("TA"),
        volume=first("VI"),
        issue=first("IP"),
        pages=first("PG"),
        doi=find_doi(*ids),
        pmid=pmid,
        abstract=first("AB"),
        keywords=tuple(values.get("OT", []) + values.get("MH", [])),
    )
