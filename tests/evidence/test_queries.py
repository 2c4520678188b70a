"""Queries and summaries of the catalogue, checked against counts worked out by hand."""

import pytest

from alliance.evidence import queries
from alliance.evidence.catalogue import bundled_catalogue


def test_it_summarises_kinds_with_shares_of_the_34_tallied_entries() -> None:
    kinds = queries.kind_counts(bundled_catalogue())
    assert kinds.labels == ("model", "framework", "theory")
    assert kinds.counts == (19, 12, 3)
    assert kinds.percent("model") == pytest.approx(100 * 19 / 34)
    assert "model        19  (55.9%)" in kinds.summary()


def test_it_counts_definition_components_once_per_study_using_them() -> None:
    # Kinney poster Table 2: 4 studies goals/tasks/bond; 1 trust + communication; 1 connection
    # (bond, collaboration, warmth, ...); 1 warmth/trust/shared goals; 1 empathy/regard/goals.
    components = queries.component_counts(bundled_catalogue(), "kinney2020")
    assert components.denominator == 8
    assert components.count("goals") == 4 + 1 + 1
    assert components.count("tasks") == 4
    assert components.count("trust") == 2
    assert components.percent("goals") == 75.0


def test_it_finds_studies_by_measure_and_by_condition() -> None:
    catalogue = bundled_catalogue()
    pres = queries.by_measure(catalogue, "pres_working_alliance")
    assert [s.id for s in pres] == ["cheing2014", "fuentes2014"]
    assert [s.id for s in queries.by_measure(catalogue, "vas_pain")] == [
        "cheing2014",
        "ferreira2013",
    ]
    lbp = queries.by_condition(catalogue, "Low back pain")
    assert [s.id for s in lbp] == ["ferreira2013", "fuentes2014", "bunzli2016"]
    with pytest.raises(KeyError, match="unknown measure 'nope'"):
        queries.by_measure(catalogue, "nope")


def test_it_finds_conceptualisations_by_kind_and_construct() -> None:
    catalogue = bundled_catalogue()
    assert {c.id for c in queries.by_kind(catalogue, "theory")} == {
        "self_determination_theory",
        "self_efficacy_theory",
        "social_learning_theory",
    }
    relatedness = queries.by_construct(catalogue, "RELATEDNESS")
    assert [c.id for c in relatedness] == ["self_determination_theory"]
    bond = queries.definitions_naming(catalogue, "bond")
    assert {d.id for d in bond} == {
        "kinney_goals_tasks_bond",
        "kinney_social_connection",
        "babatunde_working_definition",
    }


def test_it_recomputes_theme_percentages_and_flags_the_printed_ones_that_disagree() -> None:
    table = queries.theme_table(bundled_catalogue(), "babatunde2017")
    frame = table.to_frame()
    assert table.articles == 130
    goals = frame[frame["code"] == "agreement on goals"].iloc[0]
    assert goals["computed_percent"] == round(100 * 32 / 130, 1)
    # By hand: printed values more than 0.1 away from n / 130.
    assert set(table.mismatches()["code"]) == {
        "perceived good relationship",  # 14 -> 10.8, printed 8.7
        "friendliness",  # 21 -> 16.2, printed 20.3
        "empathy",  # 16 -> 12.3, printed 9.7
        "caring",  # 15 -> 11.5, printed 15.5
        "therapist faith or belief in patient",  # 8 -> 6.2, printed 7.7
        "holistic practice",  # 8 -> 6.2, printed 7.7
        "respect",  # 19 -> 14.6, printed 14
    }
    assert "<- printed % differs" in table.summary()


def test_it_plots_a_tally_as_one_bar_per_category() -> None:
    figure = queries.condition_counts(bundled_catalogue()).plot()
    assert len(figure.axes[0].patches) == 3
