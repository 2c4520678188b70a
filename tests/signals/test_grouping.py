"""The array grouping the signals use on small tables, against pandas' groupby as the peer."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from alliance.signals.series import group_ends, group_numbers, prepare

KEYS = st.tuples(st.sampled_from(["a", "b", "c", None]), st.sampled_from(["x", "y", "xy"]))


@given(st.lists(KEYS, max_size=40))
def test_it_numbers_groups_as_pandas_groupby_does(rows: list[tuple[str | None, str]]) -> None:
    frame = pd.DataFrame(rows, columns=["series", "scale"], dtype="str")
    expected = frame.groupby(["series", "scale"], sort=False).ngroup().fillna(-1).astype(int)
    assert group_numbers(frame, ["series", "scale"]).tolist() == expected.tolist()


@given(st.lists(KEYS, max_size=40))
def test_it_finds_each_groups_first_and_last_row(rows: list[tuple[str | None, str]]) -> None:
    frame = pd.DataFrame(rows, columns=["series", "scale"], dtype="str").assign(
        position=np.arange(len(rows))
    )
    grouped = frame.groupby(["series", "scale"], sort=False)["position"]
    first, last = group_ends(group_numbers(frame, ["series", "scale"]))
    assert first.tolist() == grouped.first().tolist()
    assert last.tolist() == grouped.last().tolist()


def test_it_keeps_an_empty_table_empty() -> None:
    frame = pd.DataFrame({"series": pd.Series([], dtype="str")})
    numbers = group_numbers(frame, ["series"])
    first, last = group_ends(numbers)
    assert (len(numbers), len(first), len(last)) == (0, 0, 0)


SCORES = st.tuples(
    st.sampled_from(["p1", "p2", "p10"]),
    st.sampled_from([3, 12, 100]),
    st.integers(1, 12),
    st.sampled_from(["checkin", "nprs", "wai_sr", None]),
    st.sampled_from(["total", "bond", "goal"]),
    st.floats(0, 40, allow_nan=False),
)


@given(st.lists(SCORES, max_size=40))
def test_it_orders_a_table_as_a_stable_pandas_sort_does(rows: list[tuple[object, ...]]) -> None:
    """Series are compared as text (episode 12 before episode 3), ties keep their order."""
    columns = ["patient", "episode_id", "visit", "instrument", "scale", "score"]
    frame = pd.DataFrame(rows, columns=columns).assign(note=np.arange(len(rows)))
    expected = (
        frame.assign(series=frame["episode_id"].astype(str))
        .sort_values(["series", "instrument", "scale", "visit"], kind="stable")
        .reset_index(drop=True)
    )
    prepared = prepare(frame)
    assert prepared["note"].tolist() == expected["note"].tolist()
    assert prepared["series"].tolist() == expected["series"].tolist()
