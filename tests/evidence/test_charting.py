"""Charting forms: values checked field by field, feeding the study table and meta-analysis."""

import re

import pytest

from alliance.evidence.catalogue import bundled_catalogue
from alliance.evidence.review.charting import (
    STUDY_FORM,
    ChartedStudy,
    ChartingError,
    MixedEffectTypesError,
    TooFewStudiesError,
    chart,
    meta_analysis_frame,
    poolable_effects,
    to_study,
)

FERREIRA = {
    "citation": "Ferreira PH, et al. Phys Ther 2013;93(4):470-478",
    "year": "2013",
    "condition": "chronic low back pain",
    "participants": "182",
    "alliance_measures": "watoci",
    "outcome_measures": "vas_pain",
    "effect": "limited_benefit",
    "p_relation": "=",
    "p_value": "0.001",
    "effect_size": "0.30",
    "effect_size_type": "r",
    "standard_error": "0.07",
}


def test_it_turns_a_charted_report_into_a_catalogue_study() -> None:
    charted = chart(STUDY_FORM, bundled_catalogue(), "pubmed-1", "ferreira2013", "ana", FERREIRA)
    study = to_study(charted, "our_review", "our review, full text")
    assert study.alliance_measures == ("watoci",)
    assert study.participants == 182
    assert study.p_value is not None
    assert study.p_value.text() == "p = 0.001"
    assert study.reviews[0].key == "pubmed-1"


def test_it_feeds_the_meta_analysis_only_studies_with_an_effect_and_its_error() -> None:
    catalogue = bundled_catalogue()
    with_effect = chart(STUDY_FORM, catalogue, "pubmed-1", "ferreira2013", "ana", FERREIRA)
    without = chart(
        STUDY_FORM,
        catalogue,
        "pubmed-2",
        "fuentes2014",
        "ana",
        {"citation": "Fuentes J, et al. 2014", "year": "2014"},
    )
    frame = meta_analysis_frame([with_effect, without])
    assert frame["study"].tolist() == ["ferreira2013"]
    assert frame.loc[0, "vi"] == pytest.approx(0.07**2)


def _charted(study: str, kind: str, effect: str = "0.3") -> ChartedStudy:
    values = (("effect_size", effect), ("standard_error", "0.1"), ("effect_size_type", kind))
    return ChartedStudy(f"db-{study}", study, "ana", values)


def test_it_pools_two_or_more_studies_of_one_effect_size_type() -> None:
    effects = poolable_effects([_charted("a2019", "smd"), _charted("b2020", "smd")])
    assert effects.kind == "smd"
    assert effects.frame["study"].tolist() == ["a2019", "b2020"]
    unstated = poolable_effects([_charted("a2019", ""), _charted("b2020", "")])
    assert unstated.kind == ""


def test_it_refuses_to_pool_fewer_than_two_studies_with_both_numbers() -> None:
    no_error = ChartedStudy("db-c", "c2021", "ana", (("effect_size", "0.2"),))
    with pytest.raises(TooFewStudiesError, match=r"\(1 so far\)") as caught:
        poolable_effects([_charted("a2019", "smd"), no_error])
    assert caught.value.count == 1


def test_it_refuses_to_pool_mixed_effect_size_types_naming_them_in_order() -> None:
    charts = [_charted("a2019", "smd"), _charted("b2020", "r"), _charted("c2021", "smd")]
    with pytest.raises(MixedEffectTypesError, match=re.escape("mix types (r, smd)")) as caught:
        poolable_effects(charts)
    assert caught.value.kinds == ("r", "smd")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("year", "", "pubmed-1: Year (year): required"),
        ("participants", "18x", "Participants (participants): '18x' is not a whole number"),
        ("p_value", "small", "p value (p_value): 'small' is not a number"),
        ("effect", "helpful", "Effect (effect): 'helpful' is not one of benefit"),
        ("alliance_measures", "watoci, wai_xx", "unknown catalogue measures ['wai_xx']"),
        ("colour", "red", "form study has no field 'colour'"),
    ],
)
def test_it_names_the_field_a_bad_value_breaks(field: str, value: str, message: str) -> None:
    values = {**FERREIRA, field: value}
    with pytest.raises(ChartingError, match=re.escape(message)):
        chart(STUDY_FORM, bundled_catalogue(), "pubmed-1", "ferreira2013", "ana", values)


def test_it_feeds_the_stats_meta_analysis_an_inverse_variance_pool() -> None:
    from alliance.stats import meta_analysis

    catalogue = bundled_catalogue()
    charts = [
        chart(
            STUDY_FORM,
            catalogue,
            f"r{n}",
            f"s{n}",
            "ana",
            {**FERREIRA, "effect_size": y, "standard_error": se},
        )
        for n, (y, se) in enumerate([("0.30", "0.10"), ("0.10", "0.20")])
    ]
    frame = meta_analysis_frame(charts)
    pooled = meta_analysis(frame, effect="yi", variance="vi", method="FE", labels="study")
    # By hand: weights 1/0.01 = 100 and 1/0.04 = 25; (100 * 0.3 + 25 * 0.1) / 125 = 0.26.
    assert pooled.estimate == pytest.approx(0.26)
