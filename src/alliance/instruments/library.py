"""Finding, loading and checking instrument definitions: the bundled ones, then a clinic's own.

A clinic's own instruments (imported from a FHIR Questionnaire or a REDCap dictionary) live in
one extra folder of definition files: ``ALLIANCE_INSTRUMENTS_DIR`` when set, else the folder a
face registered with ``use_installed_definitions`` (the command line and the clinic server
register the data directory's ``instruments`` folder). A bundled id always wins: an installed
file can never shadow a bundled definition.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from alliance.instruments.definition import INSTRUMENT_ID_PATTERN, Definition, Method
from alliance.instruments.formulas import FORMULAS
from alliance.instruments.plan import item_bounds
from alliance.instruments.scoring import scale_bounds


class DefinitionError(ValueError):
    """Raised when a definition file is malformed; the message names the file and field."""


def definitions_dir() -> Path:
    """The folder that holds the bundled definition files."""
    return Path(str(resources.files("alliance.instruments") / "definitions"))


def parse_definition(text: str, source: str) -> Definition:
    """Validate the YAML ``text`` of a definition; ``source`` names it in errors."""
    try:
        raw: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise DefinitionError(f"{source}: not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise DefinitionError(f"{source}: expected a mapping at the top level")
    try:
        definition = Definition.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        field = _field_path(raw, first["loc"])
        raise DefinitionError(f"{source}: {field}: {first['msg']}") from error
    check_consistency(definition, source)
    return definition


def check_consistency(definition: Definition, source: str) -> None:
    """Check what the schema alone cannot: formulas exist and declared ranges are right."""
    for index, scale in enumerate(definition.scales):
        where = f"{source}: scales[{index}] ({scale.id})"
        if scale.method is Method.FORMULA and scale.formula not in FORMULAS:
            known = ", ".join(sorted(FORMULAS))
            raise DefinitionError(f"{where}.formula: unknown {scale.formula!r} (known: {known})")
        bounds = {item_bounds(definition, item) for item in scale.items}
        if scale.missing.max_missing > 0 and len(bounds) > 1:
            raise DefinitionError(f"{where}.missing: prorating needs items of one range")
        if scale.method is Method.FORMULA and len(bounds) > 1:
            raise DefinitionError(f"{where}.formula: items must share one range")
        low, high = scale_bounds(definition, scale)
        declared = scale.range
        if not all(
            math.isclose(a, b, abs_tol=0.01) for a, b in zip(declared, (low, high), strict=True)
        ):
            raise DefinitionError(
                f"{where}.range: declared {list(declared)} but the items give [{low:g}, {high:g}]"
            )
    if definition.id != Path(source).stem and source.endswith(".yaml"):
        raise DefinitionError(f"{source}: id: {definition.id!r} does not match the file name")


INSTALLED_ENV = "ALLIANCE_INSTRUMENTS_DIR"
_ID = re.compile(INSTRUMENT_ID_PATTERN)
_installed_folder: Callable[[], Path] | None = None


def use_installed_definitions(folder: Callable[[], Path] | None) -> None:
    """Look up installed definitions in ``folder()`` too (asked at each lookup), or stop."""
    global _installed_folder
    _installed_folder = folder


def installed_dir() -> Path | None:
    """The folder of installed definitions, if one is configured."""
    configured = os.environ.get(INSTALLED_ENV, "").strip()
    if configured:
        return Path(configured)
    return _installed_folder() if _installed_folder is not None else None


def load(instrument_id: str) -> Definition:
    """Load one definition by id, e.g. ``load("wai_sr")``: bundled first, then installed.
    Anything that is not an instrument id (the whole of it matching the pattern) is unknown
    without a look at the folder: a 100,000-character id failed there as a file name too long."""
    if _ID.fullmatch(instrument_id):
        if instrument_id in _bundled_ids():
            return _bundled(instrument_id)
        path = _installed_path(instrument_id)
        if path is not None:
            return _installed(str(path), path.stat().st_mtime_ns)
    known = ", ".join(ids())
    raise KeyError(f"unknown instrument {instrument_id!r} (known: {known})")


def ids() -> list[str]:
    """The ids of every bundled and installed definition, sorted."""
    found = set(_bundled_ids())
    folder = installed_dir()
    if folder is not None and folder.is_dir():
        found |= {path.stem for path in folder.glob("*.yaml") if _ID.fullmatch(path.stem)}
    return sorted(found)


def bundled_ids() -> list[str]:
    """The ids of the definitions that ship with Alliance, sorted."""
    return sorted(_bundled_ids())


@cache
def _bundled_ids() -> frozenset[str]:
    return frozenset(path.stem for path in definitions_dir().glob("*.yaml"))


def catalog() -> list[Definition]:
    """Every definition, bundled and installed, sorted by id."""
    return [load(instrument_id) for instrument_id in ids()]


@cache
def _bundled(instrument_id: str) -> Definition:
    path = definitions_dir() / f"{instrument_id}.yaml"
    return parse_definition(path.read_text(encoding="utf-8"), path.name)


@cache
def _installed(path: str, modified: int) -> Definition:
    """An installed file, parsed once per version of it (``modified`` keys the cache)."""
    return parse_definition(Path(path).read_text(encoding="utf-8"), Path(path).name)


def _installed_path(instrument_id: str) -> Path | None:
    folder = installed_dir()
    path = folder / f"{instrument_id}.yaml" if folder is not None else None
    return path if path is not None and path.is_file() else None


def _field_path(raw: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """Render a pydantic error location, naming list entries by their id when they have one."""
    parts: list[str] = []
    node: Any = raw
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            entry = node[key]
            label = entry.get("id") if isinstance(entry, dict) else None
            parts[-1] += f"[{key}]" + (f" ({label})" if label else "")
            node = entry
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"
