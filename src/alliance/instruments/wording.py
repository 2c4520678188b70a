"""Licensed item wording: checking it against a definition and choosing what a form shows.

The project never ships another author's item text. A clinic that holds a licence imports it;
until then a form shows the project's own topic labels and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from alliance.instruments.definition import Definition


class WordingError(ValueError):
    """Raised when imported wording does not fit the instrument's items."""


@dataclass(frozen=True)
class Wording:
    """Item texts for one instrument, keyed by item id, with where they came from."""

    instrument: str
    texts: dict[str, str]
    source: str


@dataclass(frozen=True)
class DisplayItem:
    """What a form shows for one item, and whether it is the licensed wording."""

    id: str
    text: str
    licensed: bool


def check_wording(definition: Definition, wording: Wording) -> None:
    """Accept wording only if it names exactly the instrument's items, each with some text."""
    known = {item.id for item in definition.items}
    unknown = sorted(set(wording.texts) - known, key=_item_order)
    if unknown:
        raise WordingError(f"{definition.id}: unknown item ids {', '.join(unknown)}")
    absent = sorted(known - set(wording.texts), key=_item_order)
    if absent:
        raise WordingError(f"{definition.id}: no text for items {', '.join(absent)}")
    empty = sorted((k for k, v in wording.texts.items() if not v.strip()), key=_item_order)
    if empty:
        raise WordingError(f"{definition.id}: empty text for items {', '.join(empty)}")


def display_items(definition: Definition, wording: Wording | None) -> list[DisplayItem]:
    """Licensed text when installed; else the project's own text or topic label."""
    if wording is not None:
        return [DisplayItem(item.id, wording.texts[item.id], True) for item in definition.items]
    return [DisplayItem(item.id, item.text or item.label, False) for item in definition.items]


def fallback_notice(definition: Definition, wording: Wording | None) -> str | None:
    """The sentence a form shows when licensed wording is needed but not installed."""
    if wording is not None or all(item.text for item in definition.items):
        return None
    return (
        f"The licensed wording of the {definition.abbreviation} is not installed; "
        "each question is shown by its topic."
    )


def _item_order(item_id: str) -> int:
    return int(item_id[1:]) if item_id[1:].isdigit() else 0
