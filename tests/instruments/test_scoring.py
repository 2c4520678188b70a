"""The scoring engine's mechanics, on a made-up instrument and on published ones, by hand."""

import numpy as np
import pandas as pd
import pytest

from alliance import instruments
from tests.instruments.conftest import answers
from tests.instruments.toy import TOY_YAML

TOY = instruments.parse_definition(TOY_YAML, "toy.yaml")


def test_it_reverses_an_item_as_min_plus_max_minus_answer() -> None:
    # q2 = 1 reversed = 1 + 5 - 1 = 5; total = 2 + 5 + 3 + 4 = 14
    scored = instruments.score(TOY, answers([2, 1, 3, 4, 0]))
    assert scored.loc[0, "total"] == 14


def test_it_prorates_one_missing_answer_from_the_mean_of_the_rest() -> None:
    # q3 missing: answered (2, 5, 4) mean 11/3, x 4 items = 14.666...
    scored = instruments.score(TOY, answers([2, 1, None, 4, 0]))
    assert scored.loc[0, "total"] == pytest.approx(44 / 3)
    assert scored.loc[0, "status"] == "not_scored"  # 'average' needs q3
    assert scored.loc[0, "reason"] == (
        "average: 1 of 2 answers missing or not applicable, at most 0 allowed"
    )


def test_it_counts_does_not_apply_as_missing_or_zero_as_the_scale_says() -> None:
    # total: NA is missing -> (2 + 5 + 4) / 3 x 4 = 14.666...; average: NA is zero -> (2 + 0) / 2
    scored = instruments.score(TOY, answers([2, 1, "NA", 4, 0]))
    assert scored.loc[0, "total"] == pytest.approx(44 / 3)
    assert scored.loc[0, "average"] == 1.0
    assert scored.loc[0, "status"] == "scored"


def test_it_recodes_an_item_before_scoring() -> None:
    scored = instruments.score(TOY, answers(*[[1, 1, 1, 1, v] for v in range(5)]))
    assert scored["flag"].tolist() == [0, 0, 0, 1, 1]


def test_it_keeps_the_row_scored_when_only_an_optional_scale_is_missing() -> None:
    scored = instruments.score(TOY, answers([3, 3, 3, 3, None]))
    assert scored.loc[0, "status"] == "scored"
    assert np.isnan(scored.loc[0, "flag"])


def test_it_never_scores_a_row_with_no_answers() -> None:
    scored = instruments.score(TOY, answers([None] * 5))
    assert scored.loc[0, "status"] == "not_scored"
    assert scored[["total", "average", "flag"]].isna().all(axis=None)


def test_it_returns_the_input_columns_then_scales_status_and_reason() -> None:
    frame = answers([3, 3, 3, 3, 1]).assign(patient="P1")
    scored = instruments.score(TOY, frame)
    assert list(scored.columns) == [
        *frame.columns,
        "total",
        "average",
        "flag",
        "status",
        "reason",
    ]
    assert scored.loc[0, "patient"] == "P1"


def test_it_accepts_numbers_written_as_text_with_spaces() -> None:
    frame = pd.DataFrame({"q1": [" 2"], "q2": ["1.0"], "q3": ["3"], "q4": ["4 "], "q5": [""]})
    assert instruments.score(TOY, frame).loc[0, "total"] == 14


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (6, "row 1, item q1: '6' is not an allowed answer (allowed: 1, 2, 3, 4, 5, blank"),
        (2.5, "row 1, item q1: '2.5' is not an allowed answer"),
        ("often", "row 1, item q1: 'often' is not an allowed answer"),
        (float("inf"), "row 1, item q1: 'inf' is not an allowed answer"),
    ],
)
def test_it_rejects_a_bad_answer_naming_row_item_and_allowed_values(
    cell: object, expected: str
) -> None:
    with pytest.raises(instruments.AnswerError, match="nothing was scored") as error:
        instruments.score(TOY, answers([cell, 3, 3, 3, 0]))
    assert expected in str(error.value)


def test_it_rejects_does_not_apply_where_the_item_has_no_such_option() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score(TOY, answers([3, 3, 3, 3, 0], [3, 3, 3, 3, "NA"]))
    assert "row 2, item q5: 'NA' does not apply is not an allowed answer here" in str(error.value)


def test_it_reports_every_bad_cell_in_the_count_but_lists_only_the_first_ten() -> None:
    frame = answers(*[[9, 3, 3, 3, 0]] * 25)
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score(TOY, frame)
    message = str(error.value)
    assert message.startswith("toy: 25 answer(s) rejected")
    assert "row 10, item q1" in message
    assert "row 11, item q1" not in message
    assert "... and 15 more" in message


def test_it_names_absent_item_columns() -> None:
    with pytest.raises(instruments.AnswerError, match="item q5: column is absent"):
        instruments.score(TOY, answers([3, 3, 3, 3]))


def test_it_scores_an_empty_table_to_an_empty_table() -> None:
    scored = instruments.score(TOY, answers([3, 3, 3, 3, 0]).iloc[:0])
    assert len(scored) == 0
    assert "total" in scored.columns


def test_it_leaves_the_callers_frame_untouched() -> None:
    frame = answers([3, 3, 3, 3, 0])
    before = frame.copy()
    instruments.score(TOY, frame)
    pd.testing.assert_frame_equal(frame, before)


def test_it_rounds_away_binary_noise_in_sums_of_decimal_answers() -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in binary floating point; the score must be 0.3
    definition = instruments.parse_definition(
        TOY_YAML.replace("response: {min: 1, max: 5,", "response: {min: 0, max: 5, step: 0.1,")
        .replace("range: [4, 20]", "range: [0, 20]")
        .replace("range: [1, 5]", "range: [0, 5]"),
        "toy.yaml",
    )
    scored = instruments.score(definition, answers([0.1, 5, 0.2, 0, 0]))
    assert scored.loc[0, "total"] == 0.3


def test_one_record_is_scored_and_checked_without_a_table() -> None:
    """WAI-SR: twelve answers of 4 sum to 48 (goal: four items, 16); an answer of 6 on a
    1-5 scale is rejected naming its item, and an absent item counts as blank."""
    answers = {f"q{n}": 4 for n in range(1, 13)}
    result = instruments.score_record("wai_sr", answers)
    assert (result.scores["total"], result.scores["goal"], result.status) == (48.0, 16.0, "scored")
    with pytest.raises(instruments.AnswerError) as rejected:
        instruments.score_record("wai_sr", answers | {"q7": 6})
    assert [(p.item, p.value) for p in rejected.value.problems] == [("q7", "6")]
    blank = instruments.score_record("wai_sr", {f"q{n}": 4 for n in range(1, 12)})
    assert blank.status == "not_scored"
    assert blank.scores["total"] is None


def _record(*answers: float | None) -> dict[str, object]:
    return {f"q{n}": answer for n, answer in enumerate(answers, 1)}


@pytest.mark.parametrize(
    ("instrument", "record", "expected", "reason"),
    [
        # reversed q4 = 8 - 2 = 6, q10 = 8 - 3 = 5: task 6+5+5+6, bond 7+6+7+7, goal 6+5+6+5
        (
            "wai_s",
            _record(6, 5, 7, 2, 6, 5, 7, 6, 7, 3, 5, 6),
            {"task": 22, "bond": 27, "goal": 22, "total": 71},
            "",
        ),
        # q1 and q6 blank: answered 2+3+3+2+3+2+3+2 = 20 over 8 -> 20 + 2 x 2.5 = 25
        ("care", _record(None, 2, 3, 3, 2, None, 3, 2, 3, 2), {"total": 25}, ""),
        # q1 blank: goal has no answer; total = (7 + 9 + 6) / 3
        (
            "checkin",
            _record(None, 7, 9, 6),
            {"goal": None, "task": 7, "bond": 9, "total": 22 / 3},
            "",
        ),
        # two of four blank, one allowed: the total has no score, and the check-in none
        (
            "checkin",
            _record(8, None, 9, None),
            {"goal": 8, "task": None, "bond": 9, "total": None},
            "total: 2 of 4 answers missing or not applicable, at most 1 allowed",
        ),
    ],
)
def test_one_record_is_scored_as_worked_by_hand(
    instrument: str, record: dict[str, object], expected: dict[str, float | None], reason: str
) -> None:
    """The definitions' hand-worked cases (see tests/instruments/definitions), one record at
    a time: reversed items, a prorated sum, a prorated mean, too many blanks."""
    result = instruments.score_record(instrument, record)
    assert result.scores == pytest.approx(expected)
    assert (result.status, result.reason) == ("not_scored" if reason else "scored", reason)
