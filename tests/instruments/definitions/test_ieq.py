"""IEQ golden cases, worked by hand from Sullivan et al.'s (2008) rule.

Twelve items scored 0-4 and summed (0-48); no item is reversed; higher = more perceived
injustice. Only the total is scored: the blame / severity item map is unconfirmed.
No published missing-data rule, so every item must be answered.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_sums_the_twelve_answers() -> None:
    # 0+1+2+3+4 + 0+1+2+3+4 + 0+1 = 10 + 10 + 1 = 21
    scored = instruments.score("ieq", answers([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1]))
    assert scored.loc[0, "total"] == 21
    assert scored.loc[0, "status"] == "scored"


def test_it_gives_the_range_ends_for_all_lowest_and_all_highest() -> None:
    # 12 x 0 = 0; 12 x 4 = 48
    scored = instruments.score("ieq", answers([0] * 12, [4] * 12))
    assert scored["total"].tolist() == [0, 48]


def test_it_scores_only_the_total_because_the_subscale_map_is_unconfirmed() -> None:
    assert [scale.id for scale in instruments.load("ieq").scales] == ["total"]


def test_it_does_not_score_a_form_with_one_blank_answer() -> None:
    scored = instruments.score("ieq", answers([2] * 11 + [None]))
    assert scored.loc[0, "status"] == "not_scored"
    assert "total: 1 of 12 answers missing" in scored.loc[0, "reason"]


def test_it_rejects_does_not_apply_because_the_form_has_no_such_option() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("ieq", answers([2] * 11 + ["NA"]))
    assert "row 1, item q12" in str(error.value)
    assert "does not apply is not an allowed answer" in str(error.value)


def test_it_rejects_an_answer_off_the_scale_naming_row_and_item() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("ieq", answers([2] * 12, [2, 2, 5] + [2] * 9))
    assert "row 2, item q3: '5'" in str(error.value)
    assert "0, 1, 2, 3, 4" in str(error.value)


@pytest.mark.parametrize(
    ("total", "high", "post_treatment"),
    [(18, False, False), (19, False, True), (29, False, True), (30, True, True)],
)
def test_it_flags_both_published_cut_offs_at_their_edges(
    total: int, high: bool, post_treatment: bool
) -> None:
    # manual reference value >= 30 (unverified); Scott et al. 2013 post-treatment >= 19
    flags = instruments.cutoff_flags(instruments.load("ieq"), "total", [total])
    assert bool(flags.loc[0, "high perceived injustice (manual reference value)"]) is high
    assert (
        bool(flags.loc[0, "post-treatment score linked to unemployment at 1 year"])
        is post_treatment
    )


def test_it_refuses_a_reliable_change_index_without_an_sd_or_sem() -> None:
    # only a test-retest r is published; the RCI needs an SEM, or an SD with the r
    with pytest.raises(instruments.InterpretationError):
        instruments.reliable_change(instruments.load("ieq"), 30, 20)
