"""Importing licensed item wording from a FHIR Questionnaire or a CSV, and keeping it installed.

Installed wording lives in the user's data directory (``wording/<instrument>.json``), never in
the repository, so a clinic's licence stays with the clinic.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path

from alliance.datadir import data_dir
from alliance.instruments import Definition
from alliance.instruments.wording import Wording, WordingError, check_wording
from alliance.interop.import_errors import ImportFileError
from alliance.interop.questionnaire_import import question_texts, read_questionnaire


def read_wording(definition: Definition, path: Path) -> Wording:
    """Read item texts from ``path`` (``.json`` FHIR Questionnaire, or ``.csv``) and check them."""
    if path.suffix.lower() == ".json":
        texts = _read_fhir(path)
    elif path.suffix.lower() == ".csv":
        texts = _read_csv(path)
    else:
        raise WordingError(f"{path.name}: expected a .json FHIR Questionnaire or a .csv file")
    wording = Wording(definition.id, texts, path.name)
    check_wording(definition, wording)
    return wording


def install_wording(wording: Wording) -> Path:
    """Write the wording to the data directory atomically; return where it went."""
    folder = data_dir() / "wording"
    folder.mkdir(exist_ok=True)
    target = folder / f"{wording.instrument}.json"
    payload = {"instrument": wording.instrument, "source": wording.source, "texts": wording.texts}
    with tempfile.NamedTemporaryFile("w", dir=folder, delete=False, encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    Path(handle.name).replace(target)
    return target


def installed_wording(definition: Definition) -> Wording | None:
    """The wording installed for this instrument, or None."""
    path = data_dir() / "wording" / f"{definition.id}.json"
    if not path.is_file():
        return None
    payload = json.loads(path.read_text(encoding="utf-8"))
    wording = Wording(definition.id, dict(payload["texts"]), str(payload["source"]))
    check_wording(definition, wording)
    return wording


def _read_fhir(path: Path) -> dict[str, str]:
    """Item texts by linkId, read by the same Questionnaire reader as definition imports."""
    try:
        return question_texts(read_questionnaire(path))
    except ImportFileError as error:
        raise WordingError(f"{path.name}: not a valid FHIR Questionnaire: {error}") from error


def _read_csv(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or {"item", "text"} - set(reader.fieldnames):
            raise WordingError(f"{path.name}: the header must name the columns 'item' and 'text'")
        texts: dict[str, str] = {}
        for line, row in enumerate(reader, start=2):
            item = (row["item"] or "").strip()
            if item in texts:
                raise WordingError(f"{path.name}: line {line}: item {item} appears twice")
            texts[item] = (row["text"] or "").strip()
    return texts
