"""NDI golden cases from Vernon's rule: raw total 0-50 (sum of ten 0-5 sections), percent =
raw x 2; for one unanswered section add the mean of the answered sections."""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_sums_the_sections_and_doubles_for_the_percentage() -> None:
    # 3+2+4+3+3+1+3+2+2+3 = 26 raw -> 52 %
    row = instruments.score("ndi", answers([3, 2, 4, 3, 3, 1, 3, 2, 2, 3])).iloc[0]
    assert row["total"] == pytest.approx(26)
    assert row["percent"] == pytest.approx(52)
    assert row["status"] == "scored"


def test_it_gives_the_range_ends_for_all_lowest_and_all_highest() -> None:
    scored = instruments.score("ndi", answers([0] * 10, [5] * 10))
    assert scored["total"].tolist() == pytest.approx([0, 50])
    assert scored["percent"].tolist() == pytest.approx([0, 100])


def test_it_adds_the_mean_of_the_answered_sections_for_one_blank_section() -> None:
    # driving (q8) blank: answered sum = 3+2+4+3+3+1+3+2+3 = 24 over 9 sections
    # Vernon: 24 + 24/9 = 26.667 raw; sheet: 24 / 45 x 100 = 53.33 % (= 26.667 x 2)
    row = instruments.score("ndi", answers([3, 2, 4, 3, 3, 1, 3, None, 2, 3])).iloc[0]
    assert row["total"] == pytest.approx(24 + 24 / 9)
    assert row["percent"] == pytest.approx(2400 / 45)
    assert row["status"] == "scored"


def test_it_does_not_score_two_blank_sections() -> None:
    row = instruments.score("ndi", answers([3, 2, 4, None, 3, 1, 3, None, 2, 3])).iloc[0]
    assert row["status"] == "not_scored"
    assert "total: 2 of 10" in row["reason"]
    assert "percent: 2 of 10" in row["reason"]


def test_it_rejects_an_answer_off_the_scale_naming_row_and_item() -> None:
    with pytest.raises(instruments.AnswerError) as error:
        instruments.score("ndi", answers([1] * 10, [1] * 4 + [6] + [1] * 5))
    assert "row 2, item q5: '6'" in str(error.value)
    assert "0, 1, 2, 3, 4, 5" in str(error.value)


def test_it_rejects_does_not_apply_which_the_form_lacks() -> None:
    with pytest.raises(instruments.AnswerError, match="does not apply is not an allowed"):
        instruments.score("ndi", answers([1] * 7 + ["NA"] + [1] * 2))


@pytest.mark.parametrize(
    ("raw", "band"),
    [
        (0, "no disability"),
        (4, "no disability"),
        (5, "mild disability"),
        (14, "mild disability"),
        (15, "moderate disability"),
        (24, "moderate disability"),
        (25, "severe disability"),
        (34, "severe disability"),
        (35, "complete disability"),
        (50, "complete disability"),
    ],
)
def test_it_places_raw_scores_in_vernons_bands(raw: float, band: str) -> None:
    assert instruments.band(instruments.load("ndi"), "total", [raw])[0] == band


def test_it_calls_a_raw_change_reliable_only_beyond_1_96_standard_errors() -> None:
    ndi = instruments.load("ndi")
    # SEM 2 -> SE of difference = 2 x sqrt(2) = 2.828; 1.96 x 2.828 = 5.54 raw points
    assert instruments.reliable_change(ndi, 20, 15).change is instruments.Change.UNCHANGED
    assert instruments.reliable_change(ndi, 20, 14).change is instruments.Change.IMPROVED
    assert instruments.reliable_change(ndi, 10, 16).change is instruments.Change.DETERIORATED


def test_it_uses_the_doubled_error_on_the_percentage() -> None:
    ndi = instruments.load("ndi")
    # SEM 4 % -> SE of difference = 5.657; 1.96 x 5.657 = 11.09 percentage points
    result = instruments.reliable_change(ndi, 40, 29, "percent")
    assert result.se_difference == pytest.approx(4 * 2**0.5)
    assert result.change is instruments.Change.UNCHANGED
    assert instruments.reliable_change(ndi, 40, 28, "percent").reliable
