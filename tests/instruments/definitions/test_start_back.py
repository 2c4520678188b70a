"""STarT Back golden cases, worked by hand from the Keele scoring rule.

Items 1-8: disagree = 0, agree = 1. Item 9 has five options (1 = not at all ... 5 =
extremely) and scores 1 only for the top two (4 "very much", 5 "extremely"). Total = all
nine (0-9); psychosocial = items 5-9 (0-5). Risk: psychosocial 4-5 = high; otherwise
total 0-3 = low, 4-9 = medium.
"""

import pandas as pd
import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def _risk(*rows: list[int | None]) -> list[str | None]:
    definition = instruments.load("start_back")
    scored = instruments.score(definition, answers(*rows))
    return instruments.classify(definition, scored).tolist()


def test_it_sums_agreements_and_counts_item_9_only_for_its_top_two_options() -> None:
    # q1..q8 = 1,0,1,0,1,0,1,0 -> 4 agreements; q9 = 4 ("very much") -> 1
    # total = 4 + 1 = 5; psychosocial = q5+q6+q7+q8+q9 = 1+0+1+0+1 = 3
    scored = instruments.score("start_back", answers([1, 0, 1, 0, 1, 0, 1, 0, 4]))
    row = scored.iloc[0]
    assert (row["total"], row["psychosocial"]) == (5, 3)
    assert row["status"] == "scored"


@pytest.mark.parametrize(("option", "points"), [(1, 0), (2, 0), (3, 0), (4, 1), (5, 1)])
def test_it_recodes_each_item_9_option(option: int, points: int) -> None:
    # q1..q8 all disagree, so both scores equal the recoded item 9
    scored = instruments.score("start_back", answers([0] * 8 + [option]))
    assert (scored.loc[0, "total"], scored.loc[0, "psychosocial"]) == (points, points)


def test_it_gives_the_range_ends_for_all_lowest_and_all_highest() -> None:
    # all disagree + item 9 "not at all" = 0; all agree + item 9 "extremely" = 8 + 1 = 9
    scored = instruments.score("start_back", answers([0] * 8 + [1], [1] * 8 + [5]))
    assert scored["total"].tolist() == [0, 9]
    assert scored["psychosocial"].tolist() == [0, 5]


@pytest.mark.parametrize(
    ("given", "risk"),
    [
        ([1, 1, 1, 0, 0, 0, 0, 0, 1], "low"),  # total 3, psychosocial 0
        ([1, 1, 1, 1, 0, 0, 0, 0, 1], "medium"),  # total 4, psychosocial 0
        ([1, 1, 1, 1, 1, 1, 1, 0, 3], "medium"),  # total 7, psychosocial 3
        ([0, 0, 0, 0, 1, 1, 1, 1, 1], "high"),  # total 4, psychosocial 4: high wins
        ([1, 1, 1, 1, 1, 1, 1, 1, 5], "high"),  # total 9, psychosocial 5
    ],
)
def test_it_classifies_risk_with_the_rules_in_order(given: list[int], risk: str) -> None:
    assert _risk(given) == [risk]


def test_it_neither_scores_nor_classifies_a_form_with_one_blank_answer() -> None:
    definition = instruments.load("start_back")
    scored = instruments.score(definition, answers([1] * 8 + [None]))
    assert scored.loc[0, "status"] == "not_scored"
    assert "total: 1 of 9" in scored.loc[0, "reason"]
    assert "psychosocial: 1 of 5" in scored.loc[0, "reason"]
    assert pd.isna(instruments.classify(definition, scored)[0])


def test_it_rejects_a_2_on_an_agree_disagree_item() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("start_back", answers([2] + [0] * 7 + [1]))
    assert "row 1, item q1: '2'" in str(error.value)
    assert "allowed: 0, 1," in str(error.value)


def test_it_checks_item_9_against_its_own_one_to_five_scale() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("start_back", answers([0] * 8 + [0]))
    assert "row 1, item q9: '0'" in str(error.value)
    assert "1, 2, 3, 4, 5" in str(error.value)


def test_it_rejects_does_not_apply() -> None:
    with pytest.raises(instruments.AnswerError, match="does not apply is not an allowed"):
        instruments.score("start_back", answers(["NA"] + [0] * 7 + [1]))
