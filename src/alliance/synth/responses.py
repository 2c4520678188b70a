"""Item answers that add up to an intended score.

A latent value becomes a target share of a group's range; the target is rounded to a whole
number of answer steps and spread over the group's items at random, so the items vary while
their (reverse-scored) sum is exactly the target. Scoring the answers therefore gives back
the intended score.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from alliance.instruments import Definition


def spread(
    rng: np.random.Generator, shares: NDArray[np.float64], items: int, steps: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Split round(share x items x steps) into ``items`` whole steps of 0..``steps`` each.

    Returns the per-item steps (rows x items) and the target totals.
    """
    rows = len(shares)
    target = np.round(np.clip(shares, 0, 1) * items * steps).astype(np.int64)
    base, extra = np.divmod(target, items)
    rank = rng.random((rows, items)).argsort(axis=1).argsort(axis=1)
    values = base[:, None] + (rank < extra[:, None])
    for _ in range(items):
        give, take = rng.integers(0, items, rows), rng.integers(0, items, rows)
        rows_index = np.arange(rows)
        movable = (
            (values[rows_index, give] > 0) & (values[rows_index, take] < steps) & (give != take)
        )
        values[rows_index[movable], give[movable]] -= 1
        values[rows_index[movable], take[movable]] += 1
    return values, target


def answers_for_group(
    rng: np.random.Generator,
    definition: Definition,
    item_ids: list[str],
    shares: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Raw answers for a group of items sharing a response scale, and the target step totals.

    ``shares`` (0-1) say how far up the scored range each administration should land; reverse
    items are written as the respondent would tick them, so scoring reverses them back.
    """
    scale = definition.response_for(item_ids[0])
    steps = scale.steps
    values, target = spread(rng, shares, len(item_ids), steps)
    answers = scale.min + values * scale.step
    for j, item_id in enumerate(item_ids):
        item = definition.item(item_id)
        if item.recode is not None:
            raise ValueError(f"{definition.id} {item_id}: recoded items cannot be generated")
        if item.reverse:
            answers[:, j] = scale.min + scale.max - answers[:, j]
    return answers.astype(float), target
