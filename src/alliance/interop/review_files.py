"""Review projects and search exports on disk: the file side of ``alliance.evidence.review``.

A project is a folder of small JSON and CSV files (see ``evidence.review.project_files``); each
file is replaced atomically, so an interrupted save leaves every file either old or new.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from alliance.evidence.review.nbib import read_nbib
from alliance.evidence.review.prisma import PrismaCounts
from alliance.evidence.review.project import ReviewProject
from alliance.evidence.review.project_files import (
    COLUMNS,
    ProjectFileError,
    project_from_texts,
    project_to_texts,
)
from alliance.evidence.review.records import ImportResult, RecordFormatError
from alliance.evidence.review.ris import read_ris
from alliance.evidence.review.table_import import read_csv_records

FORMATS = ("ris", "nbib", "csv")
PROJECT_FILES = frozenset({"project.json", "records.csv", *COLUMNS})
MAX_ZIPPED_BYTES = 50 * 1024 * 1024
"""The most a zipped project may unpack to (a guard against a zip bomb)."""
SUFFIXES = {".ris": "ris", ".nbib": "nbib", ".txt": "nbib", ".csv": "csv"}


def write_project(project: ReviewProject, folder: Path) -> None:
    """Save the project into ``folder`` (created if needed), one file at a time, atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in project_to_texts(project).items():
        _write_atomic(folder / name, text)


def read_project(folder: Path) -> ReviewProject:
    """Load the project saved in ``folder``."""
    if not (folder / "project.json").is_file():
        raise ProjectFileError(f"{folder}: no project.json (start one with `review init`)")
    texts = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.is_file()}
    return project_from_texts(texts)


def project_texts_from_zip(data: bytes) -> dict[str, str]:
    """The project files of a zipped project folder (flat, or inside one folder), by name;
    anything else in the archive (a macOS resource fork, a read-me) is left alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [
                m
                for m in archive.infolist()
                if PurePosixPath(m.filename).name in PROJECT_FILES
                and "__MACOSX" not in PurePosixPath(m.filename).parts
            ]
            names = [PurePosixPath(m.filename).name for m in members]
            if len(set(names)) != len(names):
                raise ProjectFileError("the zip file holds more than one review project")
            if sum(m.file_size for m in members) > MAX_ZIPPED_BYTES:
                raise ProjectFileError("the project files unpack to more than 50 MB")
            return {
                name: archive.read(m).decode("utf-8-sig")
                for name, m in zip(names, members, strict=True)
            }
    except zipfile.BadZipFile as error:
        raise ProjectFileError(f"not a zip file ({error})") from None
    except UnicodeDecodeError as error:
        raise ProjectFileError(f"a project file is not UTF-8 text ({error.reason})") from None


def read_export(
    path: Path, source: str, file_format: str | None = None, variant: str = "auto"
) -> ImportResult:
    """Read a search export; the format comes from the suffix unless given."""
    kind = file_format or SUFFIXES.get(path.suffix.casefold())
    if kind not in FORMATS:
        raise RecordFormatError(path.name, None, f"unknown format; use one of {', '.join(FORMATS)}")
    text = _text(path)
    if kind == "ris":
        return read_ris(text, source, variant)
    if kind == "nbib":
        return read_nbib(text, source)
    return read_csv_records(text, source)


def read_labelled(path: Path, label_column: str = "label_included") -> tuple[list[str], list[int]]:
    """Texts (title, abstract, keywords) and 0/1 labels of a labelled CSV for simulation."""
    records = read_csv_records(_text(path), path.stem)
    reader = csv.DictReader(io.StringIO(_text(path)))
    if label_column not in (reader.fieldnames or []):
        raise RecordFormatError(path.name, 1, f"no {label_column!r} column")
    labels = []
    for row in reader:
        if not any((value or "").strip() for value in row.values()):
            continue
        value = (row[label_column] or "").strip()
        if value not in ("0", "1"):
            raise RecordFormatError(path.name, reader.line_num, f"label {value!r} is not 0 or 1")
        labels.append(int(value))
    return [r.text() for r in records.records], labels


def write_flow(counts: PrismaCounts, path: Path) -> None:
    """Write the PRISMA flow diagram as SVG or PNG, by the file's suffix."""
    suffix = path.suffix.casefold()
    if suffix == ".svg":
        _write_atomic(path, counts.to_svg())
    elif suffix == ".png":
        counts.plot().savefig(path, dpi=200)
    else:
        raise ValueError(f"{path.name}: the flow diagram is written as .svg or .png")


def _text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RecordFormatError(path.name, None, f"not UTF-8 text ({error.reason})") from error


def _write_atomic(target: Path, text: str) -> None:
    with tempfile.NamedTemporaryFile(
        "w", dir=target.parent, delete=False, encoding="utf-8", newline=""
    ) as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    Path(handle.name).replace(target)
