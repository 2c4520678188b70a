"""Alliance check-in golden cases, worked by hand from the project's own rule.

Four answers 0-10: q1 goals, q2 tasks, q3 bond, q4 the session overall. goal, task and bond
are the single answers q1, q2, q3 (no missing allowed, optional for the form's status);
total = mean of q1-q4 (0-10), one blank allowed and prorated (mean of the three answered).
"""

import math

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_reports_each_answer_as_its_scale_and_the_mean_as_total() -> None:
    # goal = 8, task = 7, bond = 9; total = (8 + 7 + 9 + 6) / 4 = 30 / 4 = 7.5
    row = instruments.score("checkin", answers([8, 7, 9, 6])).iloc[0]
    assert (row["goal"], row["task"], row["bond"], row["total"]) == (8, 7, 9, 7.5)
    assert row["status"] == "scored"


def test_it_gives_the_range_ends_for_all_lowest_and_all_highest() -> None:
    scored = instruments.score("checkin", answers([0] * 4, [10] * 4))
    assert scored["total"].tolist() == [0, 10]
    assert scored["bond"].tolist() == [0, 10]


def test_it_prorates_the_total_over_three_answers_when_one_is_blank() -> None:
    # q4 blank: total = (8 + 7 + 9) / 3 = 24 / 3 = 8
    row = instruments.score("checkin", answers([8, 7, 9, None])).iloc[0]
    assert row["total"] == pytest.approx(8.0)
    assert row["status"] == "scored"
    assert row["reason"] == ""


def test_it_leaves_a_blank_questions_own_scale_empty_but_still_scores_the_check_in() -> None:
    # q1 blank: goal has no answer; total = (7 + 9 + 6) / 3 = 22 / 3 = 7.333...
    row = instruments.score("checkin", answers([None, 7, 9, 6])).iloc[0]
    assert math.isnan(row["goal"])
    assert (row["task"], row["bond"]) == (7, 9)
    assert row["total"] == pytest.approx(22 / 3)
    assert row["status"] == "scored"


def test_it_does_not_score_a_check_in_with_two_blank_answers() -> None:
    row = instruments.score("checkin", answers([8, None, 9, None])).iloc[0]
    assert math.isnan(row["total"])
    assert row["status"] == "not_scored"
    assert "total: 2 of 4 answers missing or not applicable, at most 1 allowed" in row["reason"]


@pytest.mark.parametrize("bad", [11, -1, 7.5])
def test_it_rejects_an_answer_off_the_0_to_10_scale(bad: float) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("checkin", answers([8, 7, 9, 6], [8, bad, 9, 6]))
    assert "row 2, item q2" in str(error.value)
    assert "0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10" in str(error.value)


def test_it_rejects_does_not_apply_because_the_check_in_has_no_such_option() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("checkin", answers([8, 7, "NA", 6]))
    assert "does not apply is not an allowed answer here" in str(error.value)


@pytest.mark.parametrize(("total", "flagged"), [(6.75, True), (7.0, False), (7.25, False)])
def test_it_flags_the_provisional_cut_off_below_7_only(total: float, flagged: bool) -> None:
    # 6.75 = 27 / 4 and 7.25 = 29 / 4 are totals four answers can give; 7 itself is not flagged
    flags = instruments.cutoff_flags(instruments.load("checkin"), "total", [total])
    assert flags["talk about how sessions are going"].tolist() == [flagged]


def test_it_marks_the_provisional_cut_off_and_every_scoring_rule_unverified() -> None:
    checkin = instruments.load("checkin")
    assert not checkin.validated
    assert checkin.licence.status == "project"
    assert not checkin.verified
    (cutoff,) = checkin.scale("total").interpretation.cutoffs
    assert not cutoff.provenance.verified
    assert "provisional" in cutoff.provenance.source


def test_it_carries_the_projects_own_text_for_every_question() -> None:
    checkin = instruments.load("checkin")
    assert all(item.text for item in checkin.items)
    assert [item.label for item in checkin.items] == [
        "Agreement on goals",
        "Agreement on tasks",
        "Bond",
        "How the session went",
    ]


def test_it_refuses_a_reliable_change_index_without_an_sem() -> None:
    with pytest.raises(instruments.InterpretationError):
        instruments.reliable_change(instruments.load("checkin"), 5, 9)
