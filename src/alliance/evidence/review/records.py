"""Bibliographic records as a review sees them, whatever database or format they came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace

import pandas as pd

RECORD_COLUMNS = (
    "id",
    "source",
    "title",
    "authors",
    "year",
    "journal",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "abstract",
    "keywords",
)
DOI_PATTERN = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)


class RecordFormatError(ValueError):
    """Raised when a search export is malformed; the message names the line and the reason."""

    def __init__(self, source: str, line: int | None, reason: str) -> None:
        where = f"{source}, line {line}" if line is not None else source
        super().__init__(f"{where}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Record:
    """One bibliographic record from one search export.

    ``id`` is unique within a review project (``<source>-<n>``, numbered in file order);
    ``source`` names the database the export came from.
    """

    id: str
    source: str
    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    journal: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pmid: str = ""
    abstract: str = ""
    keywords: tuple[str, ...] = field(default=())

    def text(self) -> str:
        """Title, abstract and keywords: what a screener (or a screening model) reads."""
        return " ".join([self.title, self.abstract, *self.keywords])

    def as_row(self) -> dict[str, str]:
        """A flat row of strings (authors and keywords joined by "; ") for tables and CSV."""
        row: dict[str, str] = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, tuple):
                row[spec.name] = "; ".join(value)
            else:
                row[spec.name] = "" if value is None else str(value)
        return row

    @classmethod
    def from_row(cls, row: dict[str, str]) -> Record:
        """The inverse of ``as_row``."""
        year = row.get("year", "")
        return cls(
            id=row["id"],
            source=row["source"],
            title=row["title"],
            authors=_split(row.get("authors", "")),
            year=int(year) if year else None,
            journal=row.get("journal", ""),
            volume=row.get("volume", ""),
            issue=row.get("issue", ""),
            pages=row.get("pages", ""),
            doi=row.get("doi", ""),
            pmid=row.get("pmid", ""),
            abstract=row.get("abstract", ""),
            keywords=_split(row.get("keywords", "")),
        )


@dataclass(frozen=True)
class ImportResult:
    """The records read from one search export, and where they came from."""

    source: str
    format: str
    records: tuple[Record, ...]

    @property
    def count(self) -> int:
        """How many records the export held."""
        return len(self.records)

    def summary(self) -> str:
        """One line: how many records from which source."""
        return f"{self.count} records from {self.source} ({self.format})"

    def to_frame(self) -> pd.DataFrame:
        """One row per record."""
        return records_frame(self.records)


def records_frame(records: tuple[Record, ...] | list[Record]) -> pd.DataFrame:
    """A table of records, one row each, with the columns of ``RECORD_COLUMNS``."""
    return pd.DataFrame([r.as_row() for r in records], columns=list(RECORD_COLUMNS))


def numbered(source: str, records: list[Record]) -> tuple[Record, ...]:
    """Give each record its id in file order: ``<source>-1``, ``<source>-2`` ..."""
    prefix = re.sub(r"[^a-z0-9]+", "_", source.casefold()).strip("_") or "source"
    return tuple(replace(r, id=f"{prefix}-{n}") for n, r in enumerate(records, start=1))


def find_doi(*texts: str) -> str:
    """The first DOI in any of ``texts`` (a bare DOI, a doi.org link, a "[doi]" field)."""
    for text in texts:
        match = DOI_PATTERN.search(text)
        if match:
            return match.group(0).rstrip(".,;)]")
    return ""


def parse_year(text: str) -> int | None:
    """The four-digit year at the start of a date field ("2014///", "2013 Apr", "2014-05")."""
    match = re.search(r"(1[89]\d\d|20\d\d)", text)
    return int(match.group(1)) if match else None


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(";") if part.strip())
