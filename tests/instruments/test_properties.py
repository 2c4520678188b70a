"""Properties every bundled instrument must keep, whatever the answers."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from alliance import instruments
from alliance.instruments.answers import read_answers, record_numbers
from alliance.instruments.definition import Definition, ResponseScale
from tests.instruments.toy import TOY_YAML

CATALOG = instruments.catalog()
TOY = instruments.parse_definition(TOY_YAML, "toy.yaml")


def _on_scale(scale: ResponseScale) -> st.SearchStrategy[float]:
    steps = round((scale.max - scale.min) / scale.step)
    return st.integers(0, steps).map(lambda k: scale.min + k * scale.step)


def _answer(scale: ResponseScale) -> st.SearchStrategy[object]:
    on_scale = _on_scale(scale)
    options: list[st.SearchStrategy[object]] = [on_scale, on_scale, st.none()]
    if scale.does_not_apply:
        options.append(st.just(instruments.DOES_NOT_APPLY))
    return st.one_of(*options)


def score_or_reject(definition: Definition, frame: pd.DataFrame) -> pd.DataFrame:
    """Score, discarding the example if its answers contradict each other (attendance)."""
    try:
        return instruments.score(definition, frame)
    except instruments.AnswerError as error:
        message = str(error)
        only_contradictions = all(problem.value == "" for problem in error.problems)
    assert only_contradictions, f"an on-scale answer was rejected: {message}"
    reject()


@st.composite
def administered(
    draw: st.DrawFn, definitions: list[Definition] = CATALOG
) -> tuple[Definition, pd.DataFrame]:
    definition = draw(st.sampled_from(definitions))
    rows = draw(st.integers(1, 8))
    columns = {
        item.id: draw(
            st.lists(_answer(definition.response_for(item.id)), min_size=rows, max_size=rows)
        )
        for item in definition.items
    }
    return definition, pd.DataFrame(columns, dtype=object)


@settings(max_examples=300, deadline=None)
@given(administered())
def test_every_score_lies_in_its_range_even_when_prorated(
    case: tuple[Definition, pd.DataFrame],
) -> None:
    definition, frame = case
    scored = score_or_reject(definition, frame)
    for scale in definition.scales:
        values = scored[scale.id].to_numpy(dtype=float)
        present = values[~np.isnan(values)]
        low, high = scale.range
        assert ((present >= low - 1e-6) & (present <= high + 1e-6)).all(), (definition.id, scale.id)


@settings(max_examples=200, deadline=None)
@given(administered())
def test_a_row_is_scored_exactly_when_every_required_scale_has_a_value(
    case: tuple[Definition, pd.DataFrame],
) -> None:
    definition, frame = case
    scored = score_or_reject(definition, frame)
    required = [s.id for s in definition.scales if not s.optional]
    complete = scored[required].notna().all(axis=1)
    assert ((scored["status"] == instruments.SCORED) == complete).all()
    assert (scored.loc[~complete, "reason"] != "").all()


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(CATALOG), st.integers(1, 5))
def test_an_all_missing_row_is_never_scored(definition: Definition, rows: int) -> None:
    frame = pd.DataFrame({item.id: [None] * rows for item in definition.items}, dtype=object)
    scored = instruments.score(definition, frame)
    assert (scored["status"] == instruments.NOT_SCORED).all()
    assert scored[[s.id for s in definition.scales]].isna().all(axis=None)


def _record_or_rejection(
    definition: Definition, record: dict[str, object], *, as_table: bool
) -> object:
    """The score of one administration, by the table path or the record path, or the
    (item, reason) of each rejected answer."""
    try:
        if as_table:
            return instruments.score(definition, pd.DataFrame([record], dtype=object)).iloc[0]
        return instruments.score_record(definition, record)
    except instruments.AnswerError as error:
        return [(p.item, p.reason) for p in error.problems]


@settings(max_examples=300, deadline=None)
@given(administered([*CATALOG, TOY]), st.data())
def test_one_record_scores_as_its_row_of_a_table(
    case: tuple[Definition, pd.DataFrame], data: st.DataObject
) -> None:
    """The check-in's single-administration path gives what the table path gives, including
    answers off the scale, which both reject naming the same item and reason."""
    definition, frame = case
    record = frame.iloc[0].to_dict()
    if data.draw(st.booleans()):
        item = data.draw(st.sampled_from(definition.items))
        response = definition.response_for(item.id)
        off_scale = [response.max + 1, -7.5, response.min + response.step / 2]
        record[item.id] = data.draw(st.sampled_from(off_scale))
    _assert_scored_as_its_row(definition, record)


def _assert_scored_as_its_row(definition: Definition, record: dict[str, object]) -> None:
    row = _record_or_rejection(definition, record, as_table=True)
    result = _record_or_rejection(definition, record, as_table=False)
    if not isinstance(row, pd.Series):
        assert result == row
        return
    assert isinstance(result, instruments.RecordScore)
    for scale in definition.scales:
        expected = None if pd.isna(row[scale.id]) else float(row[scale.id])
        assert result.scores[scale.id] == expected, (definition.id, scale.id)
    assert (result.status, result.reason) == (str(row["status"]), row["reason"] or "")


@pytest.mark.parametrize(
    "definition", [d for d in [*CATALOG, TOY] if d.weights == "none"], ids=lambda d: d.id
)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_record_of_numbers_is_read_and_scored_as_its_table_row(
    definition: Definition, data: st.DataObject
) -> None:
    """Numbers and blanks on their scales are read in plain Python (``record_numbers``) to
    the values the table path reads, and scored to its scores (in plain Python too, where
    every scale is a sum or a mean); a number off its scale is left to the table path, which
    names it."""
    ids = [item.id for item in definition.items]
    record: dict[str, object] = {
        item: data.draw(_on_scale(definition.response_for(item))) for item in ids
    }
    record |= dict.fromkeys(data.draw(st.sets(st.sampled_from(ids), max_size=len(ids))))
    if data.draw(st.booleans()):
        off = data.draw(st.sampled_from(ids))
        response = definition.response_for(off)
        record[off] = data.draw(st.sampled_from([response.max + response.step / 2, -0.5]))
    numbers = record_numbers(definition, record)
    table = pd.DataFrame([record], dtype=object)
    try:
        read = read_answers(definition, table).values[:, 0]
    except instruments.AnswerError:
        assert numbers is None
        return
    assert numbers is not None
    np.testing.assert_array_equal(numbers, read)
    _assert_scored_as_its_row(definition, record)


@settings(max_examples=200, deadline=None)
@given(administered())
def test_the_unscored_scales_are_those_the_reason_names(
    case: tuple[Definition, pd.DataFrame],
) -> None:
    """A record is unscored exactly when some required scale is, and the English reason
    names each such scale with its missing count and limit."""
    definition, frame = case
    record = frame.iloc[0].to_dict()
    try:
        result = instruments.score_record(definition, record)
    except instruments.AnswerError:
        reject()
    found = instruments.unscored(definition, record)
    assert (result.status == instruments.NOT_SCORED) == bool(found)
    for scale in found:
        assert scale.items == len(definition.scale(scale.scale).items)
        if scale.missing > scale.allowed:
            assert f"{scale.scale}: {scale.missing} of {scale.items} answers" in result.reason
        else:
            assert f"{scale.scale}: cannot be computed" in result.reason
