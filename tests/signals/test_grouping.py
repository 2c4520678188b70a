"""The array grouping the signals use on small tables, against pandas' groupby as the peer."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from alliance.signals.series import group_ends, group_numbers

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
