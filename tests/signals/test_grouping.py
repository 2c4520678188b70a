"""The array grouping the signals use on small tables, against pandas' groupby as the peer."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from alliance.signals.series import Bundle, group_numbers, prepare

KEYS = st.tuples(st.sampled_from(["a", "b", "c", None]), st.sampled_from(["x", "y", "xy"]))


@given(st.lists(KEYS, max_size=40))
def test_it_numbers_groups_as_pandas_groupby_does(rows: list[tuple[str | None, str]]) -> None:
    frame = pd.DataFrame(rows, columns=["series", "scale"], dtype="str")
    expected = frame.groupby(["series", "scale"], sort=False).ngroup().fillna(-1).astype(int)
    assert group_numbers(frame, ["series", "scale"]).tolist() == expected.tolist()


@given(st.lists(st.tuples(st.sampled_from(["1", "12", "3"]), st.integers(1, 9)), max_size=40))
def test_a_bundle_finds_each_series_first_and_last_row(rows: list[tuple[str, int]]) -> None:
    frame = pd.DataFrame(rows, columns=["series", "visit"], dtype=object)
    frame = frame.sort_values(["series", "visit"], kind="stable", ignore_index=True)
    frame = frame.assign(position=np.arange(len(rows)))
    bundle = Bundle(
        np.full(len(rows), "A", dtype=object),
        frame["series"].to_numpy(dtype=object),
        frame["visit"].to_numpy(dtype=np.int64),
        np.zeros(len(rows)),
    )
    grouped = frame.groupby("series", sort=False)["position"]
    assert bundle.starts.tolist() == grouped.first().tolist()
    assert bundle.ends.tolist() == grouped.last().tolist()
    assert bundle.first.tolist() == grouped.transform("first").tolist()


def test_it_keeps_an_empty_table_empty() -> None:
    frame = pd.DataFrame({"series": pd.Series([], dtype="str")})
    assert len(group_numbers(frame, ["series"])) == 0


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
