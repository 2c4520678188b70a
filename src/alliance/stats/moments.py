"""Sufficient statistics of linear models: cross-products of a standardised design.

Every least-squares path of a mediation, moderation or predictor model is a small solve on a
sub-block of G = Z'WZ, where Z = [1, standardised columns] and W holds case weights. One pass
over the rows gives G; a bootstrap replicate is the same pass with resampling counts as W.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Design:
    """Columns centred and scaled, with a leading constant, and their packed pairwise products.

    Centring and scaling keep the normal equations well conditioned; slopes are turned back to
    the original units with ``scale``.
    """

    names: tuple[str, ...]
    centre: Array
    scale: Array
    z: Array
    products: NDArray[np.float32]
    """Packed pairwise products, one row per pair of columns (upper triangle)."""
    moments: Array

    @classmethod
    def of(cls, names: Sequence[str], columns: Array) -> Design:
        """Standardise the columns (n x p) and compute their full-sample cross-products."""
        centre = columns.mean(axis=0)
        scale = columns.std(axis=0)
        z = np.empty((columns.shape[0], columns.shape[1] + 1))
        z[:, 0] = 1.0
        z[:, 1:] = (columns - centre) / scale
        rows, cols = np.triu_indices(z.shape[1])
        by_column = np.ascontiguousarray(z.T)
        products = np.empty((len(rows), z.shape[0]), dtype=np.float32)
        for k, (i, j) in enumerate(zip(rows, cols, strict=True)):
            np.multiply(by_column[i], by_column[j], out=products[k], casting="same_kind")
        return cls(
            names=("1", *names),
            centre=centre,
            scale=scale,
            z=z,
            products=products,
            moments=by_column @ z,
        )

    def index(self, name: str) -> int:
        """Position of a column in Z (the constant is 0)."""
        return self.names.index(name)

    def resampled(self, deviations: NDArray[np.float32]) -> Array:
        """Moment matrices (b x p x p) for b rows of resampling counts, given as counts - 1.

        Counts minus one are small integers, exact in float32, and their weighted sums are
        small next to G, so the single-precision product loses nothing that matters.
        """
        packed = (deviations @ self.products.T).astype(np.float64)
        p = self.z.shape[1]
        rows, cols = np.triu_indices(p)
        out = np.empty((packed.shape[0], p, p))
        out[:, rows, cols] = packed
        out[:, cols, rows] = packed
        return out + self.moments


def slopes(moments: Array, design: Design, predictors: Sequence[str], outcome: str) -> Array:
    """Least-squares slopes (b x len(predictors)) in original units, from moment matrices.

    The constant is always in the model; its coefficient is not returned.
    """
    where = [0, *(design.index(name) for name in predictors)]
    target = design.index(outcome)
    left = moments[:, where][:, :, where]
    right = moments[:, where, target]
    solved = np.linalg.solve(left, right[..., None])[..., 0]
    units = design.scale[target - 1] / design.scale[[i - 1 for i in where[1:]]]
    result: Array = solved[:, 1:] * units
    return result
