"""Loading the literature catalogue: YAML data files validated against the schema.

Each file under ``catalogue/`` holds ``sources`` (named provenance, shared through YAML anchors)
and ``entries``. A bad file fails naming the file and the field; a reference to an id that
does not exist (a study's measure, a measure's instrument) fails naming both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from alliance import instruments
from alliance.evidence.schema import (
    AllianceDefinition,
    Conceptualisation,
    Factor,
    Measure,
    Review,
    Study,
    Theme,
)

Entry = TypeVar("Entry", bound=BaseModel)

FILES: dict[str, type[BaseModel]] = {
    "conceptualisations": Conceptualisation,
    "measures": Measure,
    "definitions": AllianceDefinition,
    "factors": Factor,
    "studies": Study,
    "reviews": Review,
    "themes": Theme,
}


class CatalogueError(ValueError):
    """Raised when a catalogue file is malformed; the message names the file and field."""


@dataclass(frozen=True)
class Catalogue:
    """The whole literature map: every entry of every catalogue file, validated."""

    conceptualisations: tuple[Conceptualisation, ...]
    measures: tuple[Measure, ...]
    definitions: tuple[AllianceDefinition, ...]
    factors: tuple[Factor, ...]
    studies: tuple[Study, ...]
    reviews: tuple[Review, ...]
    themes: tuple[Theme, ...]

    def measure(self, measure_id: str) -> Measure:
        """The measure with this id; KeyError naming the known ids otherwise."""
        return _by_id(self.measures, measure_id, "measure")

    def study(self, study_id: str) -> Study:
        """The study with this id; KeyError naming the known ids otherwise."""
        return _by_id(self.studies, study_id, "study")

    def review(self, review_id: str) -> Review:
        """The review with this id; KeyError naming the known ids otherwise."""
        return _by_id(self.reviews, review_id, "review")

    def conceptualisation(self, entry_id: str) -> Conceptualisation:
        """The model, framework or theory with this id; KeyError otherwise."""
        return _by_id(self.conceptualisations, entry_id, "conceptualisation")


def parse_entries(text: str, source: str, model: type[Entry]) -> tuple[Entry, ...]:
    """Validate the YAML ``text`` of one catalogue file; ``source`` names it in errors."""
    try:
        raw: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CatalogueError(f"{source}: not valid YAML: {error}") from error
    if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
        raise CatalogueError(f"{source}: expected a mapping with a list under 'entries'")
    unknown = set(raw) - {"sources", "entries"}
    if unknown:
        raise CatalogueError(f"{source}: unknown top-level keys {sorted(unknown)}")
    entries: list[Entry] = []
    for index, item in enumerate(raw["entries"]):
        label = item.get("id") if isinstance(item, dict) else None
        where = f"entries[{index}]" + (f" ({label})" if label else "")
        try:
            entries.append(model.model_validate(item))
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "(entry)"
            raise CatalogueError(f"{source}: {where}.{field}: {first['msg']}") from error
    ids = [getattr(entry, "id", None) for entry in entries]
    duplicates = sorted({i for i in ids if i is not None and ids.count(i) > 1})
    if duplicates:
        raise CatalogueError(f"{source}: duplicate ids {duplicates}")
    return tuple(entries)


def parse_catalogue(texts: Mapping[str, str]) -> Catalogue:
    """Build a catalogue from the text of each file, keyed by file stem, and cross-check it."""
    missing = sorted(set(FILES) - set(texts))
    if missing:
        raise CatalogueError(f"catalogue: missing files {[f'{m}.yaml' for m in missing]}")
    parts = {
        stem: parse_entries(texts[stem], f"{stem}.yaml", model) for stem, model in FILES.items()
    }
    catalogue = Catalogue(**parts)  # type: ignore[arg-type]
    check_references(catalogue)
    return catalogue


def check_references(catalogue: Catalogue) -> None:
    """Check what the schema alone cannot: every id a catalogue entry names exists."""
    known_instruments = set(instruments.library.ids())
    for measure in catalogue.measures:
        if measure.instrument is not None and measure.instrument not in known_instruments:
            raise CatalogueError(
                f"measures.yaml: {measure.id}.instrument: {measure.instrument!r} "
                "is not in alliance.instruments"
            )
    measures = {m.id for m in catalogue.measures}
    concepts = {c.id for c in catalogue.conceptualisations}
    reviews = {r.id for r in catalogue.reviews}
    studies = {s.id for s in catalogue.studies}
    for study in catalogue.studies:
        where = f"studies.yaml: {study.id}"
        _check_known(where, "alliance_measures", study.alliance_measures, measures)
        _check_known(where, "outcome_measures", study.outcome_measures, measures)
        _check_known(where, "conceptualisations", study.conceptualisations, concepts)
        _check_known(where, "reviews", [m.review for m in study.reviews], reviews)
    for factor in catalogue.factors:
        _check_known(f"factors.yaml: {factor.id}", "studies", factor.studies, studies)
    for definition in catalogue.definitions:
        _check_known(f"definitions.yaml: {definition.id}", "review", [definition.review], reviews)
    for theme in catalogue.themes:
        _check_known(f"themes.yaml: {theme.id}", "review", [theme.review], reviews)


@cache
def bundled_catalogue() -> Catalogue:
    """The catalogue shipped with Alliance (package data, read once)."""
    folder = resources.files("alliance.evidence") / "catalogue"
    texts = {stem: (folder / f"{stem}.yaml").read_text(encoding="utf-8") for stem in FILES}
    return parse_catalogue(texts)


def _check_known(where: str, field: str, names: Any, known: set[str]) -> None:
    unknown = [name for name in names if name not in known]
    if unknown:
        raise CatalogueError(f"{where}.{field}: unknown ids {unknown}")


def _by_id(entries: tuple[Entry, ...], entry_id: str, what: str) -> Entry:
    for entry in entries:
        if getattr(entry, "id", None) == entry_id:
            return entry
    known = ", ".join(str(getattr(e, "id", "")) for e in entries)
    raise KeyError(f"unknown {what} {entry_id!r} (known: {known})")
