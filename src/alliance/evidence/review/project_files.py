"""A review project as a set of small text files (JSON and CSV), and back.

The texts are keyed by file name; ``alliance.interop.review_files`` writes them into a folder.
Plain files keep a review readable without Alliance and easy to put under version control:

- ``project.json``: name, reviewers, criteria, exclusion reasons, the imports (source,
  format, count, in order) and the reports not retrieved;
- ``records.csv``: every imported record, in import order;
- ``overrides.csv``, ``decisions.csv``, ``resolutions.csv``: one row each, in the order made;
- ``charts.csv``: charted values, one row per report and field.

The CSV files are written by ``alliance.safe_csv`` (text that would start a spreadsheet formula
gains a leading quote) and restored cell by cell when read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from alliance.evidence.review.charting import ChartedStudy
from alliance.evidence.review.dedup import Override
from alliance.evidence.review.project import ReviewProject
from alliance.evidence.review.records import RECORD_COLUMNS, ImportResult, Record
from alliance.evidence.review.screening import Decision, Resolution, Stage, Verdict
from alliance.safe_csv import csv_text, restore

FORMAT_VERSION = 1
COLUMNS = {
    "overrides.csv": ("kind", "first", "second", "note"),
    "decisions.csv": ("record", "reviewer", "stage", "verdict", "reason", "note"),
    "resolutions.csv": ("record", "stage", "verdict", "resolver", "reason", "note"),
    "charts.csv": ("record", "study", "reviewer", "field", "value"),
}
Row = TypeVar("Row")


class ProjectFileError(ValueError):
    """Raised when a project file is missing or malformed; the message names file and line."""


def project_to_texts(project: ReviewProject) -> dict[str, str]:
    """Every file of the project, by name."""
    meta = {
        "format": FORMAT_VERSION,
        "name": project.name,
        "reviewers": list(project.reviewers),
        "criteria": list(project.criteria),
        "exclusion_reasons": list(project.exclusion_reasons),
        "imports": [
            {"source": r.source, "format": r.format, "count": r.count} for r in project.imports
        ],
        "not_retrieved": list(project.not_retrieved),
    }
    charts = [
        (c.record, c.study, c.reviewer, field, value)
        for c in project.charts
        for field, value in c.values
    ]
    return {
        "project.json": json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
        "records.csv": _csv(RECORD_COLUMNS, [list(r.as_row().values()) for r in project.records()]),
        "overrides.csv": _csv(
            COLUMNS["overrides.csv"],
            [(o.kind, o.first, o.second, o.note) for o in project.overrides],
        ),
        "decisions.csv": _csv(
            COLUMNS["decisions.csv"],
            [
                (d.record, d.reviewer, d.stage, d.verdict, d.reason, d.note)
                for d in project.decisions
            ],
        ),
        "resolutions.csv": _csv(
            COLUMNS["resolutions.csv"],
            [
                (r.record, r.stage, r.verdict, r.resolver, r.reason, r.note)
                for r in project.resolutions
            ],
        ),
        "charts.csv": _csv(COLUMNS["charts.csv"], charts),
    }


def project_from_texts(texts: Mapping[str, str]) -> ReviewProject:
    """Rebuild a project from its files, naming the file and line of anything malformed."""
    meta = _meta(texts)
    records = _rows(texts, "records.csv", RECORD_COLUMNS, Record.from_row)
    imports, start = [], 0
    for entry in meta["imports"]:
        batch = tuple(records[start : start + int(entry["count"])])
        if len(batch) != int(entry["count"]):
            raise ProjectFileError("records.csv: fewer records than project.json's imports list")
        imports.append(ImportResult(str(entry["source"]), str(entry["format"]), batch))
        start += len(batch)
    if start != len(records):
        raise ProjectFileError("records.csv: more records than project.json's imports list")
    return ReviewProject(
        name=str(meta["name"]),
        reviewers=tuple(meta["reviewers"]),
        criteria=tuple(meta["criteria"]),
        exclusion_reasons=tuple(meta["exclusion_reasons"]),
        imports=tuple(imports),
        overrides=tuple(_rows(texts, "overrides.csv", COLUMNS["overrides.csv"], _override)),
        decisions=tuple(_rows(texts, "decisions.csv", COLUMNS["decisions.csv"], _decision)),
        resolutions=tuple(_rows(texts, "resolutions.csv", COLUMNS["resolutions.csv"], _resolution)),
        not_retrieved=tuple(meta["not_retrieved"]),
        charts=_charts(_rows(texts, "charts.csv", COLUMNS["charts.csv"], dict)),
    )


def _meta(texts: Mapping[str, str]) -> dict[str, Any]:
    if "project.json" not in texts:
        raise ProjectFileError("project.json: missing (is this a review project folder?)")
    try:
        meta = json.loads(texts["project.json"])
    except json.JSONDecodeError as error:
        raise ProjectFileError(f"project.json, line {error.lineno}: {error.msg}") from error
    needed = {"format", "name", "reviewers", "criteria", "exclusion_reasons", "imports"}
    missing = sorted(needed - set(meta))
    if missing:
        raise ProjectFileError(f"project.json: missing keys {missing}")
    if meta["format"] != FORMAT_VERSION:
        raise ProjectFileError(f"project.json: format {meta['format']} is not {FORMAT_VERSION}")
    meta.setdefault("not_retrieved", [])
    return dict(meta)


def _rows(
    texts: Mapping[str, str],
    name: str,
    columns: tuple[str, ...],
    build: Callable[[dict[str, str]], Row],
) -> list[Row]:
    reader = csv.DictReader(io.StringIO(texts.get(name, ",".join(columns) + "\n")))
    if tuple(reader.fieldnames or ()) != columns:
        raise ProjectFileError(f"{name}, line 1: expected columns {', '.join(columns)}")
    rows = []
    for row in reader:
        try:
            rows.append(build({key: _restored(value) for key, value in row.items()}))
        except (ValueError, KeyError) as error:
            raise ProjectFileError(f"{name}, line {reader.line_num}: {error}") from error
    return rows


def _restored(value: Any) -> Any:
    """A cell as it was before ``csv_text`` neutralised it (short and long rows left as read)."""
    return restore(value) if isinstance(value, str) else value


def _override(row: dict[str, str]) -> Override:
    if row["kind"] not in ("same", "distinct"):
        raise ValueError(f"kind {row['kind']!r} is not same or distinct")
    kind: Any = row["kind"]
    return Override(kind, row["first"], row["second"], row["note"])


def _decision(row: dict[str, str]) -> Decision:
    return Decision(
        row["record"],
        row["reviewer"],
        Stage(row["stage"]),
        Verdict(row["verdict"]),
        row["reason"],
        row["note"],
    )


def _resolution(row: dict[str, str]) -> Resolution:
    return Resolution(
        row["record"],
        Stage(row["stage"]),
        Verdict(row["verdict"]),
        row["resolver"],
        row["reason"],
        row["note"],
    )


def _charts(rows: list[dict[str, str]]) -> tuple[ChartedStudy, ...]:
    grouped: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for row in rows:
        grouped.setdefault((row["record"], row["study"], row["reviewer"]), []).append(
            (row["field"], row["value"])
        )
    return tuple(
        ChartedStudy(record, study, reviewer, tuple(values))
        for (record, study, reviewer), values in grouped.items()
    )


def _csv(columns: tuple[str, ...], rows: list[Any]) -> str:
    return csv_text(columns, [[str(cell) for cell in row] for row in rows])
