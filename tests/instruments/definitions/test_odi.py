"""ODI 2.1a golden cases from Fairbank & Pynsent's rule: sum / (5 x sections answered) x 100."""

import pytest

from alliance import instruments
from tests.instruments.conftest import answers


def test_it_doubles_the_sum_when_every_section_is_answered() -> None:
    # sum = 3+2+4+3+3+1+3+3+2+3 = 27 -> 27 / 50 x 100 = 54 %
    scored = instruments.score("odi", answers([3, 2, 4, 3, 3, 1, 3, 3, 2, 3]))
    assert scored.loc[0, "total"] == pytest.approx(54.0)


def test_it_shrinks_the_denominator_for_one_skipped_section() -> None:
    # section 6 skipped: sum = 26 over 9 sections -> 26 / 45 x 100 = 57.777...
    scored = instruments.score("odi", answers([3, 2, 4, 3, 3, None, 3, 3, 2, 3]))
    assert scored.loc[0, "total"] == pytest.approx(2600 / 45)
    assert scored.loc[0, "status"] == "scored"


def test_it_does_not_score_two_skipped_sections() -> None:
    scored = instruments.score("odi", answers([3, 2, None, 3, 3, None, 3, 3, 2, 3]))
    assert scored.loc[0, "status"] == "not_scored"
    assert "2 of 10" in scored.loc[0, "reason"]


@pytest.mark.parametrize(
    ("percent", "band"),
    [
        (20, "minimal disability"),
        (22, "moderate disability"),
        (60, "severe disability"),
        (62, "crippled"),
        (100, "bed-bound or exaggerating"),
    ],
)
def test_it_places_scores_in_fairbanks_bands(percent: float, band: str) -> None:
    assert instruments.band(instruments.load("odi"), "total", [percent])[0] == band


def test_it_calls_a_change_reliable_only_beyond_1_96_standard_errors() -> None:
    odi = instruments.load("odi")
    # SEM 4.3 -> SE of difference = 4.3 x sqrt(2) = 6.081; 1.96 x 6.081 = 11.92 points
    assert instruments.reliable_change(odi, 50, 38.5).change is instruments.Change.UNCHANGED
    assert instruments.reliable_change(odi, 50, 38).change is instruments.Change.IMPROVED
    assert instruments.reliable_change(odi, 30, 42).change is instruments.Change.DETERIORATED
