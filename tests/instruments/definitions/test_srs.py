"""SRS 3.0 golden cases, worked by hand from Duncan et al.'s scoring rule.

Four 10 cm lines, each measured from the left end in cm to the millimetre (0-10 in steps of
0.1); total = sum, 0-40; no subscales. A total below 36 flags a possible alliance concern (the
direction of the cut-off is disputed; this definition uses "< 36"). All four lines are needed.
"""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers

CONCERN = "possible alliance concern"


def test_it_sums_the_four_lines_read_to_the_millimetre() -> None:
    # 8.5 + 9.0 + 7.6 + 9.2 = 34.3
    scored = instruments.score("srs", answers([8.5, 9.0, 7.6, 9.2]))
    assert scored.loc[0, "total"] == pytest.approx(34.3)
    assert scored.loc[0, "status"] == "scored"


def test_it_reads_measurements_given_as_text_as_in_a_csv() -> None:
    # "9.4" + "10" + "8.8" + "9.1" = 37.3
    scored = instruments.score("srs", answers(["9.4", "10", "8.8", "9.1"]))
    assert scored.loc[0, "total"] == pytest.approx(37.3)


def test_it_gives_the_range_ends_for_marks_at_the_left_and_right_ends() -> None:
    scored = instruments.score("srs", answers([0, 0, 0, 0], [10, 10, 10, 10]))
    assert scored["total"].tolist() == [0, 40]


@pytest.mark.parametrize("value", [7.25, 10.1, -0.1])
def test_it_rejects_a_mark_off_the_line_or_finer_than_a_millimetre(value: float) -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("srs", answers([9, 9, 9, 9], [9, value, 9, 9]))
    assert "row 2, item q2" in str(error.value)
    assert "0 to 10 in steps of 0.1" in str(error.value)


def test_it_does_not_score_a_form_with_one_line_unmarked() -> None:
    scored = instruments.score("srs", answers([9.5, None, 9.0, 8.7]))
    assert scored.loc[0, "status"] == "not_scored"
    assert scored.loc[0, "reason"] == (
        "total: 1 of 4 answers missing or not applicable, at most 0 allowed"
    )


def test_it_rejects_does_not_apply() -> None:
    with pytest.raises(instruments.AnswerError, match="does not apply is not an allowed"):
        instruments.score("srs", answers([9, 9, "NA", 9]))


@pytest.mark.parametrize(
    ("total", "flagged"),
    [(0, True), (35.9, True), (36, False), (36.1, False), (40, False)],
)
def test_it_flags_a_total_below_36_but_not_36_itself(total: float, flagged: bool) -> None:
    flags = instruments.cutoff_flags(instruments.load("srs"), "total", [total])
    assert bool(flags.loc[0, CONCERN]) is flagged


def test_it_flags_scored_forms_on_either_side_of_the_cut_off() -> None:
    # 9 + 9 + 9 + 8.9 = 35.9 -> flagged; 9 + 9 + 9 + 9 = 36 -> not flagged
    scored = instruments.score("srs", answers([9, 9, 9, 8.9], [9, 9, 9, 9]))
    flags = instruments.cutoff_flags(instruments.load("srs"), "total", scored["total"])
    assert flags[CONCERN].tolist() == [True, False]


def test_it_does_not_flag_marks_that_add_up_to_exactly_36() -> None:
    # 8.6 + 9.7 + 9.9 + 7.8 = 36.0 by hand
    scored = instruments.score("srs", answers([8.6, 9.7, 9.9, 7.8]))
    assert scored.loc[0, "total"] == 36
    flags = instruments.cutoff_flags(instruments.load("srs"), "total", scored["total"])
    assert not flags.loc[0, CONCERN]
