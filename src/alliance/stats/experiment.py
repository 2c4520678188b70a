"""Experiments such as enhanced vs limited alliance x active vs sham treatment (Fuentes 2014).

A factorial ANOVA, or ANCOVA when covariates (a baseline score) are given, on effect-coded
factors: type II or III sums of squares by comparing nested least-squares fits, partial eta
squared, cell means adjusted to the covariates' means, Cohen's d for every pair of cells,
and planned contrasts between cells tested with the model's error term.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations, product

import numpy as np
import pandas as pd
from scipy import stats

from alliance.stats._data import AnalysisError, column, names, numeric_frame
from alliance.stats.experiment_result import ExperimentResult
from alliance.stats.linear import LinearFit, ols

Term = tuple[str, ...]


def experiment(
    data: pd.DataFrame,
    *,
    y: str,
    factors: str | Sequence[str],
    covariates: str | Sequence[str] | None = None,
    contrasts: Mapping[str, Mapping[str, float]] | None = None,
    ss_type: int = 2,
    level: float = 0.95,
) -> ExperimentResult:
    """ANOVA / ANCOVA of a (change) score on one or more crossed factors.

    Parameters
    ----------
    y : the outcome, for example the change in pain from before to after the session.
    factors : grouping columns (any values); all their interactions are modelled.
    covariates : numeric columns adjusted for (ANCOVA), such as the baseline score.
    contrasts : named planned contrasts, each a weight per cell; a cell is named by its
        factor levels joined with " / " in the order of ``factors``
        (e.g. {"enhanced vs limited, active": {"active / enhanced": 1, "active / limited": -1}}).
    ss_type : 2 (each effect after the others at its level; R's car default) or 3 (each
        effect after all others; SPSS's default).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(4)
    >>> frame = pd.DataFrame({"arm": np.repeat(["enhanced", "limited"], 40)})
    >>> frame["change"] = np.where(frame["arm"] == "enhanced", -3.0, -1.8) + rng.normal(size=80)
    >>> result = experiment(frame, y="change", factors="arm")
    >>> round(float(result.anova.set_index("term").loc["arm", "partial_eta2"]), 3)
    0.293
    """
    grouping = names(factors, "factors")
    extra = names(covariates, "covariates")
    if not grouping:
        raise AnalysisError("factors: name at least one grouping column")
    if ss_type not in (2, 3):
        raise AnalysisError(f"ss_type must be 2 or 3, got {ss_type}")
    for factor in grouping:
        if factor not in data.columns:
            raise AnalysisError(f"factors column {factor!r} is not in the data")
    present = data.dropna(subset=list(grouping))
    frame, dropped = numeric_frame(present, {"y": (y,), "covariates": extra}, minimum_rows=4)
    dropped += len(data) - len(present)
    levels = {f: sorted(present.loc[frame.index, f].astype(str).unique()) for f in grouping}
    for factor, values in levels.items():
        if len(values) < 2:
            raise AnalysisError(f"factor {factor!r} has only one level in the complete rows")
    labels = {f: present.loc[frame.index, f].astype(str).to_numpy() for f in grouping}
    terms = [t for size in range(1, len(grouping) + 1) for t in combinations(grouping, size)]
    coded = {f: _effect_codes(labels[f], levels[f]) for f in grouping}
    centred = {c: column(frame, c) - column(frame, c).mean() for c in extra}
    blocks = {t: _term_columns(t, coded) for t in terms}
    outcome = column(frame, y)
    full = _design(blocks, terms, centred)
    fit = ols(full, outcome)
    anova = _anova(blocks, terms, centred, outcome, ss_type)
    cells = _cells(grouping, levels, labels, outcome, blocks, terms, centred, fit)
    return ExperimentResult(
        y=y,
        factors=grouping,
        covariates=extra,
        ss_type=ss_type,
        level=level,
        n=len(frame),
        n_dropped=dropped,
        anova=anova,
        cells=cells,
        pairs=_pairs(cells, level),
        contrasts=_contrasts(contrasts or {}, cells, blocks, terms, centred, fit, level),
    )


def _effect_codes(values: np.ndarray, levels: list[str]) -> np.ndarray:
    """Sum-to-zero coding: one column per level but the last, which is -1 throughout."""
    codes = np.zeros((len(values), len(levels) - 1))
    for j, level in enumerate(levels[:-1]):
        codes[values == level, j] = 1.0
    codes[values == levels[-1], :] = -1.0
    return codes


def _term_columns(term: Term, coded: Mapping[str, np.ndarray]) -> np.ndarray:
    """A main effect's codes, or the row-wise products of its factors' codes."""
    block = coded[term[0]]
    for factor in term[1:]:
        other = coded[factor]
        block = (block[:, :, None] * other[:, None, :]).reshape(len(block), -1)
    return block


def _design(
    blocks: Mapping[Term, np.ndarray], terms: Sequence[Term], centred: Mapping[str, np.ndarray]
) -> np.ndarray:
    n = len(next(iter(blocks.values())))
    parts = [np.ones((n, 1)), *(blocks[t] for t in terms), *(c[:, None] for c in centred.values())]
    return np.hstack(parts)


def _rss(design: np.ndarray, outcome: np.ndarray) -> float:
    coef, *_ = np.linalg.lstsq(design, outcome, rcond=None)
    residual = outcome - design @ coef
    return float(residual @ residual)


def _anova(
    blocks: Mapping[Term, np.ndarray],
    terms: list[Term],
    centred: Mapping[str, np.ndarray],
    outcome: np.ndarray,
    ss_type: int,
) -> pd.DataFrame:
    """Sums of squares by nested comparisons, F tests and partial eta squared."""
    full = _design(blocks, terms, centred)
    error = _rss(full, outcome)
    df_error = len(outcome) - np.linalg.matrix_rank(full)
    rows = []
    for term in terms:
        if ss_type == 3:
            others = [t for t in terms if t != term]
            with_term = error
        else:
            others = [t for t in terms if not set(term) <= set(t)]
            with_term = _rss(_design(blocks, [*others, term], centred), outcome)
        ss = _rss(_design(blocks, others, centred), outcome) - with_term
        rows.append(("terms", term, ss, blocks[term].shape[1]))
    for name in centred:
        reduced = _design(blocks, terms, {k: v for k, v in centred.items() if k != name})
        rows.append(("covariate", (name,), _rss(reduced, outcome) - error, 1))
    table = pd.DataFrame(
        {
            "term": [":".join(t) for _, t, _, _ in rows],
            "kind": ["covariate" if k == "covariate" else "effect" for k, _, _, _ in rows],
            "ss": [ss for _, _, ss, _ in rows],
            "df": [df for _, _, _, df in rows],
        }
    )
    table["ms"] = table["ss"] / table["df"]
    table["f"] = table["ms"] / (error / df_error)
    table["p"] = stats.f.sf(table["f"], table["df"], df_error)
    table["partial_eta2"] = table["ss"] / (table["ss"] + error)
    residual_row = pd.DataFrame(
        {"term": ["residual"], "kind": ["residual"], "ss": [error], "df": [df_error],
         "ms": [error / df_error], "f": [np.nan], "p": [np.nan], "partial_eta2": [np.nan]}
    )  # fmt: skip
    return pd.concat([table, residual_row], ignore_index=True)


def _cell_row(
    cell: tuple[str, ...],
    grouping: Sequence[str],
    levels: Mapping[str, list[str]],
    terms: Sequence[Term],
    centred: Mapping[str, np.ndarray],
) -> np.ndarray:
    """The design row of a cell with every covariate at its mean (zero once centred)."""
    coded = {
        f: _effect_codes(np.array([value]), levels[f])
        for f, value in zip(grouping, cell, strict=True)
    }
    parts = [
        np.ones((1, 1)),
        *(_term_columns(t, coded) for t in terms),
        np.zeros((1, len(centred))),
    ]
    row: np.ndarray = np.hstack(parts)[0]
    return row


def _cells(
    grouping: Sequence[str],
    levels: Mapping[str, list[str]],
    labels: Mapping[str, np.ndarray],
    outcome: np.ndarray,
    blocks: Mapping[Term, np.ndarray],
    terms: Sequence[Term],
    centred: Mapping[str, np.ndarray],
    fit: LinearFit,
) -> pd.DataFrame:
    """Per cell: size, raw mean and SD, mean adjusted to the covariates' means, its SE."""
    rows = []
    coef, cov = fit.coef, fit.cov
    for cell in product(*(levels[f] for f in grouping)):
        mask = np.ones(len(outcome), dtype=bool)
        for factor, value in zip(grouping, cell, strict=True):
            mask &= labels[factor] == value
        values = outcome[mask]
        row = _cell_row(cell, grouping, levels, terms, centred)
        rows.append(
            {
                "cell": " / ".join(cell),
                **dict(zip(grouping, cell, strict=True)),
                "n": int(mask.sum()),
                "mean": float(values.mean()) if len(values) else np.nan,
                "sd": float(values.std(ddof=1)) if len(values) > 1 else np.nan,
                "adjusted_mean": float(row @ coef),
                "adjusted_se": float(np.sqrt(row @ cov @ row)),
                "_row": row,
            }
        )
    return pd.DataFrame(rows)


def _pairs(cells: pd.DataFrame, level: float) -> pd.DataFrame:
    """Cohen's d (pooled SD of the two cells) for every pair, with R effsize's interval."""
    rows = []
    for (_, first), (_, second) in combinations(cells.iterrows(), 2):
        n1, n2 = first["n"], second["n"]
        if n1 < 2 or n2 < 2:
            continue
        pooled = np.sqrt(
            ((n1 - 1) * first["sd"] ** 2 + (n2 - 1) * second["sd"] ** 2) / (n1 + n2 - 2)
        )
        d = (first["mean"] - second["mean"]) / pooled
        se = np.sqrt((n1 + n2) / (n1 * n2) + d**2 / (2 * (n1 + n2)))
        critical = stats.t.ppf((1 + level) / 2, n1 + n2 - 2)
        rows.append(
            {"first": first["cell"], "second": second["cell"], "difference":
             first["mean"] - second["mean"], "d": d, "ci_low": d - critical * se,
             "ci_high": d + critical * se}
        )  # fmt: skip
    return pd.DataFrame(rows)


def _contrasts(
    requested: Mapping[str, Mapping[str, float]],
    cells: pd.DataFrame,
    blocks: Mapping[Term, np.ndarray],
    terms: Sequence[Term],
    centred: Mapping[str, np.ndarray],
    fit: LinearFit,
    level: float,
) -> pd.DataFrame:
    """Each planned contrast of adjusted cell means, with its t test on the residual df."""
    coef, cov, df = fit.coef, fit.cov, fit.df if fit.df is not None else 0
    by_cell = dict(zip(cells["cell"], cells["_row"], strict=True))
    rows = []
    for name, weights in requested.items():
        if unknown := [c for c in weights if c not in by_cell]:
            raise AnalysisError(
                f"contrast {name!r}: no cell named {unknown}; cells are {list(by_cell)}"
            )
        if abs(sum(weights.values())) > 1e-9:
            raise AnalysisError(f"contrast {name!r}: weights must sum to zero")
        vector = sum(w * by_cell[c] for c, w in weights.items())
        estimate = float(vector @ coef)
        se = float(np.sqrt(vector @ cov @ vector))
        critical = stats.t.ppf((1 + level) / 2, df)
        rows.append(
            {"contrast": name, "estimate": estimate, "se": se, "t": estimate / se, "df": df,
             "p": 2 * stats.t.sf(abs(estimate / se), df), "ci_low": estimate - critical * se,
             "ci_high": estimate + critical * se}
        )  # fmt: skip
    return pd.DataFrame(
        rows, columns=["contrast", "estimate", "se", "t", "df", "p", "ci_low", "ci_high"]
    )
