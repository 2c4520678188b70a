"""Finding, loading and checking the bundled instrument definitions."""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from alliance.instruments.definition import Definition, Method
from alliance.instruments.formulas import FORMULAS
from alliance.instruments.scoring import item_bounds, scale_bounds


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


@cache
def load(instrument_id: str) -> Definition:
    """Load one bundled definition by id, e.g. ``load("wai_sr")``."""
    path = definitions_dir() / f"{instrument_id}.yaml"
    if not path.is_file():
        known = ", ".join(ids())
        raise KeyError(f"unknown instrument {instrument_id!r} (known: {known})")
    return parse_definition(path.read_text(encoding="utf-8"), path.name)


def ids() -> list[str]:
    """The ids of every bundled definition, sorted."""
    return sorted(path.stem for path in definitions_dir().glob("*.yaml"))


def catalog() -> list[Definition]:
    """Every bundled definition, sorted by id."""
    return [load(instrument_id) for instrument_id in ids()]


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
