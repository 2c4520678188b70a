"""Loading definitions: every bundled file is valid, and a bad one fails naming file and field."""

from pathlib import Path

import pytest

from alliance import instruments
from alliance.instruments.library import (
    INSTALLED_ENV,
    DefinitionError,
    definitions_dir,
    ids,
    parse_definition,
)
from tests.instruments.toy import TOY_YAML


def test_it_loads_every_bundled_definition() -> None:
    loaded = instruments.catalog()
    assert [d.id for d in loaded] == ids()
    assert len(loaded) == len(list(definitions_dir().glob("*.yaml")))


def test_it_names_an_unknown_instrument_and_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match=r"unknown instrument 'nope'.*wai_sr"):
        instruments.load("nope")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("range: [4, 20]", "range: [4, 21]"), "scales[0] (total).range: declared [4.0, 21.0] but"),
        (("respondent: patient", "respondent: robot"), "respondent: Input should be"),
        (("{id: q3, label: Third}", "{id: q30, label: Third}"), "items must be numbered q1..q5"),
        (("items: [q1, q3]", "items: [q1, q9]"), "names unknown items ['q9']"),
        (("id: total", "id: overall"), "the overall score must be a scale with id 'total'"),
        (("method: mean", "method: median"), "scales[1] (average).method: Input should be"),
        (
            ("- {id: q1, label: First}", "- {id: q1, label: First, colour: red}"),
            "items[0] (q1).colour: Extra inputs are not permitted",
        ),
        (
            ("{max_missing: 1, provenance: *p}", "{max_missing: 4, provenance: *p}"),
            "max_missing must leave at least one answered item",
        ),
    ],
)
def test_it_rejects_a_bad_definition_naming_the_file_and_field(
    change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in TOY_YAML
    with pytest.raises(instruments.DefinitionError) as error:
        instruments.parse_definition(TOY_YAML.replace(old, new, 1), "toy.yaml")
    assert str(error.value).startswith("toy.yaml: ")
    assert message in str(error.value)


def test_it_rejects_an_unknown_formula() -> None:
    bad = TOY_YAML.replace("method: mean", "method: formula\n    formula: astrology", 1)
    with pytest.raises(
        instruments.DefinitionError, match=r"\(average\)\.formula: unknown 'astrology'"
    ):
        instruments.parse_definition(bad, "toy.yaml")


def test_it_rejects_a_file_whose_id_differs_from_its_name() -> None:
    with pytest.raises(instruments.DefinitionError, match="does not match the file name"):
        instruments.parse_definition(TOY_YAML, "other.yaml")


def test_it_rejects_text_that_is_not_yaml() -> None:
    with pytest.raises(instruments.DefinitionError, match=r"toy\.yaml: not valid YAML"):
        instruments.parse_definition("id: [unclosed", "toy.yaml")


def test_every_definition_declares_provenance_for_each_scoring_fact() -> None:
    for definition in instruments.catalog():
        for fact in definition.scoring_facts():
            assert len(fact.source) > 10, definition.id


@pytest.mark.parametrize("instrument_id", ["a" * 100_000, "a" * 101, "wai_sr\n", "../wai_sr"])
def test_it_calls_what_is_not_an_instrument_id_unknown_without_asking_the_folder(
    instrument_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 100,000-character id reached the installed folder and failed there as a file name
    too long (a server error at the check-in)."""
    monkeypatch.setenv(INSTALLED_ENV, str(tmp_path))
    with pytest.raises(KeyError, match="unknown instrument"):
        instruments.load(instrument_id)


def test_it_refuses_a_definition_whose_id_is_longer_than_100_characters() -> None:
    long = TOY_YAML.replace("id: toy\n", f"id: {'t' * 101}\n", 1)
    assert long != TOY_YAML
    with pytest.raises(DefinitionError, match="id: String should match pattern"):
        parse_definition(long, "long")
    parse_definition(TOY_YAML.replace("id: toy\n", f"id: {'t' * 100}\n", 1), "long")
