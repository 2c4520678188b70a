"""Blinded screening, conflicts and resolutions, and Cohen's kappa against a hand-worked case."""

import re
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from alliance.evidence.review.agreement import agreement, cohen_kappa
from alliance.evidence.review.screening import (
    Decision,
    Resolution,
    ScreeningError,
    Stage,
    Status,
    Verdict,
    blinded_queue,
    check_decision,
    stage_outcome,
)

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
INC, EXC, MAYBE = Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE
REASONS = ["wrong population", "wrong outcome"]


def two_reviewers(pairs: list[tuple[Verdict, Verdict]], stage: Stage = TA) -> list[Decision]:
    decisions = []
    for n, (a, b) in enumerate(pairs):
        decisions.append(Decision(f"r{n}", "ana", stage, a))
        decisions.append(Decision(f"r{n}", "ben", stage, b))
    return decisions


def test_it_computes_kappa_as_worked_by_hand() -> None:
    # 100 records: both include 20, both exclude 60, Ana include / Ben exclude 5, the reverse 15.
    # p_o = 0.80; Ana includes 25%, Ben 35%: p_e = .25 * .35 + .75 * .65 = 0.575;
    # kappa = (0.80 - 0.575) / (1 - 0.575) = 0.225 / 0.425 = 9 / 17.
    pairs = [(INC, INC)] * 20 + [(EXC, EXC)] * 60 + [(INC, EXC)] * 5 + [(EXC, INC)] * 15
    result = agreement(two_reviewers(pairs), TA)
    (pair,) = result.pairs
    assert pair.records == 100
    assert pair.agreement == pytest.approx(0.80)
    assert pair.kappa == pytest.approx(9 / 17)
    assert "kappa 0.529" in result.summary()


@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("abc")), min_size=2, max_size=60))
def test_it_agrees_with_sklearn_on_any_labels(pairs: list[tuple[str, str]]) -> None:
    first, second = [a for a, _ in pairs], [b for _, b in pairs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = cohen_kappa_score(first, second)
    ours = cohen_kappa(first, second)
    if expected != expected:  # sklearn's NaN when expected agreement is 1
        assert ours != ours
    else:
        assert ours == pytest.approx(expected)


def test_it_counts_maybe_as_include_unless_asked_not_to() -> None:
    decisions = two_reviewers([(MAYBE, INC), (EXC, EXC), (INC, INC), (EXC, INC)])
    assert agreement(decisions, TA).pairs[0].agreement == 0.75
    assert agreement(decisions, TA, maybe_as_include=False).pairs[0].agreement == 0.5


def test_it_shows_a_reviewer_only_their_own_queue() -> None:
    records = ["r0", "r1", "r2"]
    decisions = [Decision("r0", "ana", TA, INC)]
    before = blinded_queue(records, decisions, "ana", TA)
    decisions += [Decision("r1", "ben", TA, EXC), Decision("r2", "ben", TA, INC)]
    assert blinded_queue(records, decisions, "ana", TA) == before == ["r1", "r2"]
    assert blinded_queue(records, decisions, "ben", TA) == ["r0"]


def test_it_settles_agreement_flags_conflicts_and_applies_resolutions() -> None:
    decisions = two_reviewers([(INC, MAYBE), (EXC, EXC), (INC, EXC), (EXC, INC)])
    decisions.append(Decision("r4", "ana", TA, INC))  # only one reviewer so far
    resolutions = [Resolution("r2", TA, EXC, "cara", note="adults only")]
    outcome = stage_outcome(["r0", "r1", "r2", "r3", "r4"], decisions, resolutions, TA)
    assert outcome.ids(Status.INCLUDED) == ["r0"]
    assert outcome.ids(Status.EXCLUDED) == ["r1", "r2"]
    assert outcome.ids(Status.CONFLICT) == ["r3"]
    assert outcome.ids(Status.PENDING) == ["r4"]
    assert outcome.summary().endswith("(1 conflicts resolved)")


def test_it_lets_a_reviewer_change_their_mind_before_the_outcome() -> None:
    decisions = [*two_reviewers([(INC, EXC)]), Decision("r0", "ben", TA, INC)]
    assert stage_outcome(["r0"], decisions, [], TA).ids(Status.INCLUDED) == ["r0"]


def test_it_needs_one_shared_reason_to_exclude_a_full_text() -> None:
    decisions = [
        Decision("r0", "ana", FT, EXC, "wrong population"),
        Decision("r0", "ben", FT, EXC, "wrong population"),
        Decision("r1", "ana", FT, EXC, "wrong population"),
        Decision("r1", "ben", FT, EXC, "wrong outcome"),
    ]
    outcome = stage_outcome(["r0", "r1"], decisions, [], FT)
    assert outcome.exclusion_reasons() == {"wrong population": 1}
    assert outcome.ids(Status.CONFLICT) == ["r1"]


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (Decision("r0", "zed", TA, INC), "'zed' is not a reviewer of this project (ana, ben)"),
        (Decision("r0", "ana", FT, MAYBE), "r0: full-text screening is include or exclude"),
        (Decision("r0", "ana", FT, EXC), "r0: a full-text exclusion needs one of the reasons"),
        (Decision("r0", "ana", FT, EXC, "too long"), "needs one of the reasons"),
    ],
)
def test_it_refuses_decisions_the_stage_does_not_allow(decision: Decision, message: str) -> None:
    with pytest.raises(ScreeningError, match=re.escape(message)):
        check_decision(decision, ["ana", "ben"], REASONS)
