"""Reading CSV search exports into records.

Columns are matched by name, ignoring case (``title`` or ``ti``; ``authors`` separated by ";";
``year``; ``journal``; ``volume``; ``issue``; ``pages``; ``doi``; ``pmid``; ``abstract``;
``keywords``). Only a title column is required. Any bad row rejects the whole file, naming its
line.
"""

from __future__ import annotations

import csv
import io

from alliance.evidence.review.records import (
    ImportResult,
    Record,
    RecordFormatError,
    find_doi,
    numbered,
)

COLUMNS = {
    "title": ("title", "ti", "primary_title"),
    "authors": ("authors", "author", "au"),
    "year": ("year", "py", "publication_year"),
    "journal": ("journal", "source_title", "journal_name", "jo"),
    "volume": ("volume", "vl"),
    "issue": ("issue", "number", "is"),
    "pages": ("pages", "pg"),
    "doi": ("doi", "do"),
    "pmid": ("pmid", "pubmed_id"),
    "abstract": ("abstract", "ab"),
    "keywords": ("keywords", "kw"),
}


def read_csv_records(text: str, source: str) -> ImportResult:
    """Parse a CSV export with a header row; every record or none."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise RecordFormatError(source, None, "the file is empty") from None
    except csv.Error as error:
        raise RecordFormatError(source, 1, f"not valid CSV: {error}") from error
    where = _columns(header, source)
    records: list[Record] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise RecordFormatError(source, reader.line_num, f"not valid CSV: {error}") from error
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise RecordFormatError(
                source, reader.line_num, f"{len(row)} fields where the header has {len(header)}"
            )
        records.append(_record(row, where, source, reader.line_num))
    if not records:
        raise RecordFormatError(source, None, "no records below the header")
    return ImportResult(source, "csv", numbered(source, records))


def _columns(header: list[str], source: str) -> dict[str, int]:
    names = [name.strip().casefold() for name in header]
    where: dict[str, int] = {}
    for field, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in names:
                where[field] = names.index(alias)
                break
    if "title" not in where:
        raise RecordFormatError(source, 1, "no title column (expected 'title')")
    return where


def _record(row: list[str], where: dict[str, int], source: str, line: int) -> Record:
    def cell(field: str) -> str:
        return row[where[field]].strip() if field in where else ""

    title = cell("title")
    if not title:
        raise RecordFormatError(source, line, "empty title")
    year = cell("year")
    if year and not (year.isdigit() and len(year) == 4):
        raise RecordFormatError(source, line, f"year {year!r} is not a four-digit year")
    pmid = cell("pmid")
    if pmid and not pmid.isdigit():
        raise RecordFormatError(source, line, f"pmid {pmid!r} is not a number")
    return Record(
        id="",
        source=source,
        title=" ".join(title.split()),
        authors=tuple(a.strip() for a in cell("authors").split(";") if a.strip()),
        year=int(year) if year else None,
        journal=cell("journal"),
        volume=cell("volume"),
        issue=cell("issue"),
        pages=cell("pages"),
        doi=find_doi(cell("doi")),
        pmid=pmid,
        abstract=cell("abstract"),
        keywords=tuple(k.strip() for k in cell("keywords").split(";") if k.strip()),
    )
