"""Bands, cut-offs, classification and the Jacobson-Truax reliable change index."""

import math

import numpy as np
import pandas as pd
import pytest

from alliance import instruments
from tests.instruments.toy import TOY_YAML

TOY = instruments.parse_definition(TOY_YAML, "toy.yaml")


def test_it_derives_the_sem_from_sd_and_reliability() -> None:
    # SEM = 4 x sqrt(1 - 0.84) = 1.6; SE of difference = 1.6 x sqrt(2) = 2.2627
    # RCI = (15 - 10) / 2.2627 = 2.2097 > 1.96 -> improved (higher is better)
    result = instruments.reliable_change(TOY, 10, 15)
    assert result.sem == pytest.approx(1.6)
    assert result.se_difference == pytest.approx(1.6 * math.sqrt(2))
    assert result.rci == pytest.approx(5 / (1.6 * math.sqrt(2)))
    assert result.change is instruments.Change.IMPROVED
    assert result.reliable


def test_it_calls_a_change_within_the_threshold_unchanged_and_a_fall_deteriorated() -> None:
    # 1.96 x 2.2627 = 4.435 points: a smaller change is not reliable
    assert instruments.reliable_change(TOY, 10, 14.4).change is instruments.Change.UNCHANGED
    assert instruments.reliable_change(TOY, 15, 10).change is instruments.Change.DETERIORATED


def test_it_refuses_rci_without_sem_or_sd_and_reliability() -> None:
    with pytest.raises(instruments.InterpretationError, match="neither an SEM nor an SD"):
        instruments.reliable_change(TOY, 2, 3, scale_id="average")


def test_it_refuses_rci_for_a_score_outside_the_range() -> None:
    with pytest.raises(
        instruments.InterpretationError, match="after = 25 lies outside total range 4-20"
    ):
        instruments.reliable_change(TOY, 10, 25)


def test_it_flags_cutoffs_with_their_own_operator() -> None:
    definition = instruments.parse_definition(
        TOY_YAML.replace(
            "      sd: {value: 4",
            "      cutoffs:\n        - {label: low, op: '<', value: 8, provenance: *p}\n"
            "        - {label: high, op: '>=', value: 16, provenance: *p}\n      sd: {value: 4",
        ),
        "toy.yaml",
    )
    flags = instruments.cutoff_flags(definition, "total", [7.9, 8, 15.9, 16, np.nan])
    assert flags["low"].tolist() == [True, False, False, False, False]
    assert flags["high"].tolist() == [False, False, False, True, False]


def test_it_classifies_by_the_first_matching_rule_and_leaves_unscored_rows_blank() -> None:
    definition = instruments.parse_definition(
        TOY_YAML
        + """classification:
  name: risk
  provenance: *p
  rules:
    - {label: high, when: [{scale: average, op: '>=', value: 4}]}
    - {label: medium, when: [{scale: total, op: '>=', value: 12}]}
    - {label: low}
""",
        "toy.yaml",
    )
    scores = pd.DataFrame({"total": [20, 12, 11.9, 20], "average": [4, 3, 1, np.nan]})
    assert instruments.classify(definition, scores).tolist() == ["high", "medium", "low", None]


def test_it_gives_no_band_where_the_scale_has_none() -> None:
    assert instruments.band(TOY, "total", [10]).tolist() == [None]


def test_it_takes_a_clinics_own_sd_with_the_definitions_reliability() -> None:
    # SEM = 10 x sqrt(1 - 0.84) = 4; SE of difference = 5.657; RCI = (12 - 4) / 5.657 = 1.414
    result = instruments.reliable_change(TOY, 4, 12, sd=10)
    assert result.sem == pytest.approx(4.0)
    assert result.rci == pytest.approx(8 / (4 * math.sqrt(2)))
    assert result.change is instruments.Change.UNCHANGED


def test_it_refuses_a_clinic_sd_where_no_reliability_is_known() -> None:
    with pytest.raises(instruments.InterpretationError, match="no reliability coefficient"):
        instruments.reliable_change(TOY, 2, 3, scale_id="average", sd=1)
