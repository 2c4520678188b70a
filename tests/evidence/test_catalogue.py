"""The catalogue: its data files load, reproduce the reviews' counts and fail loudly when bad."""

from importlib import resources

import pytest

from alliance import instruments
from alliance.evidence.catalogue import (
    FILES,
    CatalogueError,
    bundled_catalogue,
    parse_catalogue,
    parse_entries,
)
from alliance.evidence.schema import Appearance, Conceptualisation, Kind

# The names the retrieved rows of Babatunde et al. 2017 Table 3 confirm and that the
# summary's lists also hold (reference/literature.md 1.1).
TABLE3_NAMES = {
    "five_as_framework",
    "self_determination_theory",
    "compliance_and_satisfaction_with_exercise",
    "model_of_human_occupation",
    "health_locus_of_control",
    "health_belief_model",
    "therapeutic_use_of_self",
    "intentional_relationship_model",
    "building_blocks_of_behaviour_change",
    "transtheoretical_model",
    "model_of_health_change",
}


def bundled_texts() -> dict[str, str]:
    folder = resources.files("alliance.evidence") / "catalogue"
    return {stem: (folder / f"{stem}.yaml").read_text(encoding="utf-8") for stem in FILES}


def test_it_reproduces_the_scoping_reviews_19_models_12_frameworks_and_3_theories() -> None:
    catalogue = bundled_catalogue()
    tallied = [c for c in catalogue.conceptualisations if c.appears_in is Appearance.REVIEW_LIST]
    kinds = [c.kind for c in tallied]
    assert (kinds.count(Kind.MODEL), kinds.count(Kind.FRAMEWORK), kinds.count(Kind.THEORY)) == (
        19,
        12,
        3,
    )
    reported = {t.category: t.count for t in catalogue.review("babatunde2017").tallies}
    assert reported["model"] == 19
    assert reported["framework"] == 12
    assert reported["theory"] == 3


def test_it_marks_which_names_the_article_confirms_and_that_no_kind_is_confirmed() -> None:
    tallied = [
        c for c in bundled_catalogue().conceptualisations if c.appears_in is Appearance.REVIEW_LIST
    ]
    assert {c.id for c in tallied if c.listing.verified} == TABLE3_NAMES
    assert not any(c.kind_provenance.verified for c in tallied)


def test_it_keeps_table_only_names_out_of_the_tally_as_unclassified() -> None:
    table_only = [
        c for c in bundled_catalogue().conceptualisations if c.appears_in is Appearance.TABLE_ONLY
    ]
    assert {c.name for c in table_only} == {
        "Physiotherapist psychological support",
        "CONNECT",
        "Motivational model of patient self-management",
        "Dimensions of health service delivery",
    }
    assert all(c.kind is Kind.UNCLASSIFIED for c in table_only)


def test_it_leaves_constructs_empty_where_no_source_describes_them() -> None:
    for entry in bundled_catalogue().conceptualisations:
        if not entry.constructs:
            assert not entry.constructs_provenance.verified
            assert "no source" in entry.constructs_provenance.source


def test_it_links_alliance_measures_to_the_instruments_we_score() -> None:
    catalogue = bundled_catalogue()
    linked = {m.id: m.instrument for m in catalogue.measures if m.instrument}
    assert linked["wai_sr"] == "wai_sr"
    assert linked["pi_nrs"] == "nprs"
    assert "pres_working_alliance" not in linked  # its scoring is unconfirmed
    for measure in catalogue.measures:
        if measure.instrument:
            assert instruments.load(measure.instrument).id == measure.instrument


def test_it_holds_the_systematic_reviews_results_table() -> None:
    catalogue = bundled_catalogue()
    included = {
        s.id: s
        for s in catalogue.studies
        for m in s.reviews
        if m.review == "kinney2020" and m.status.value == "included"
    }
    # Kinney et al. poster, Table 1: approach, alliance measure, pain measure, effect.
    assert set(included) == {"cheing2014", "ferreira2013", "fuentes2014"}
    assert included["cheing2014"].alliance_measures == ("pres_working_alliance",)
    assert included["ferreira2013"].alliance_measures == ("watoci",)
    assert included["fuentes2014"].outcome_measures == ("pi_nrs",)
    assert included["ferreira2013"].effect is not None
    assert included["ferreira2013"].effect.value == "limited_benefit"
    p = included["fuentes2014"].p_value
    assert p is not None
    assert p.text() == "p < 0.01"


def test_it_keeps_both_reported_counts_of_included_studies() -> None:
    counts = sorted(f.count for f in bundled_catalogue().review("kinney2020").included)
    assert counts == [7, 8]


@pytest.mark.parametrize(
    ("stem", "change", "message"),
    [
        (
            "conceptualisations",
            ("    kind: theory\n", "    kind: hypothesis\n"),
            "conceptualisations.yaml: entries[31] (self_determination_theory).kind: Input",
        ),
        (
            "measures",
            ("    respondent: patient\n", "    respondent: patient\n    colour: red\n"),
            "measures.yaml: entries[2] (wai_sr).colour: Extra inputs are not permitted",
        ),
        (
            "measures",
            ("    instrument: wai_sr\n", "    instrument: wai_zz\n"),
            "measures.yaml: wai_sr.instrument: 'wai_zz' is not in alliance.instruments",
        ),
        (
            "studies",
            ("[pres_working_alliance]", "[pres_alliance]"),
            "studies.yaml: cheing2014.alliance_measures: unknown ids ['pres_alliance']",
        ),
        (
            "factors",
            ("direction: weakens", "direction: sideways"),
            "factors.yaml: entries[3] (anger_expression).direction: Input should be",
        ),
        (
            "themes",
            ("printed_percent: 24.6", "printed_percent: 124.6"),
            "themes.yaml: entries[0] (congruence).codes.0.printed_percent: Input should be less",
        ),
    ],
)
def test_it_rejects_a_bad_file_naming_the_file_and_field(
    stem: str, change: tuple[str, str], message: str
) -> None:
    texts = bundled_texts()
    assert change[0] in texts[stem]
    texts[stem] = texts[stem].replace(change[0], change[1], 1)
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(texts)
    assert message in str(caught.value)


def test_it_rejects_duplicate_ids_and_a_tallied_entry_without_a_kind() -> None:
    entry = """
  - id: twice
    name: Twice named
    kind: {kind}
    appears_in: review_list
    field: nowhere
    summary: A test entry with a summary.
    constructs: []
    listing: {{verified: false, source: test}}
    kind_provenance: {{verified: false, source: test}}
    constructs_provenance: {{verified: false, source: test}}
"""
    with pytest.raises(CatalogueError, match=r"t.yaml: duplicate ids \['twice'\]"):
        parse_entries("entries:" + entry.format(kind="model") * 2, "t.yaml", Conceptualisation)
    with pytest.raises(CatalogueError, match="must have a kind"):
        parse_entries("entries:" + entry.format(kind="unclassified"), "t.yaml", Conceptualisation)


def test_it_names_a_missing_file() -> None:
    texts = bundled_texts()
    del texts["themes"]
    with pytest.raises(CatalogueError, match=r"missing files \['themes.yaml'\]"):
        parse_catalogue(texts)
