"""Alliance ruptures: a scale below its concern cut-off, or a sudden fall.

The rules are the table ``rupture_rules.RUPTURE_RULES``, each checked on every watched scale
(total, goal, task, bond): ``below_cutoff``, ``drop_from_previous``, ``drop_from_baseline``
and ``any_drop`` (for scales watched that way: visual-analogue ratings). Two executors read
it: whole arrays over every series (``rupture_alerts``), and plain Python over the few rows
of one visit (a check-in's).

The drop threshold is the reliable-change size, z x sqrt(2) x SEM, when the definition gives
an SEM (or an SD and a reliability); otherwise the watched scale's ``drop``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliance import instruments
from alliance.instruments.definition import Cutoff
from alliance.instruments.interpretation import InterpretationError
from alliance.instruments.interpretation import standard_error_of_measurement as sem_of
from alliance.signals.alerts import Alert
from alliance.signals.parameters import SignalParameters, Watched, derived
from alliance.signals.rupture_rules import RUPTURE_RULES, Reference, RuptureRule, ThresholdSource
from alliance.signals.series import Bundle, Split, by_scale

SIGNAL = "rupture"


def drop_threshold(watched: Watched, parameters: SignalParameters) -> float:
    """The fall that counts as a rupture on this scale (see the module docstring)."""
    scale = instruments.load(watched.instrument).scale(watched.scale)
    try:
        return parameters.reliable_z * math.sqrt(2) * sem_of(scale)
    except InterpretationError:
        if watched.drop is None:
            raise ValueError(
                f"{watched.instrument}.{watched.scale} has no SEM: give it a drop threshold"
            ) from None
        return watched.drop


def ruptures(table: pd.DataFrame, parameters: SignalParameters) -> list[Alert]:
    """Every rupture alert in a prepared table (see ``series.prepare``)."""
    return rupture_alerts(by_scale(table), parameters)


def rupture_alerts(
    scales: Split, parameters: SignalParameters, at_visit: int | None = None
) -> list[Alert]:
    """Every rupture alert in scores split by scale (only those at ``at_visit``, if given).

    The watched scales are checked together, on their rows laid end to end: an episode has
    a few rows per scale, and each array operation costs the same for one row as for ten.
    At one visit (a check-in's), the few rows there are checked in plain Python instead.
    """
    watched = [
        (rule, scales[key])
        for rule in derived(parameters, _watched_rules)
        if (key := (rule.watched.instrument, rule.watched.scale)) in scales
    ]
    if not watched:
        return []
    if at_visit is not None:
        return _alerts_at(watched, parameters, at_visit)
    bundles = [bundle for _, bundle in watched]
    lengths = [len(bundle.score) for bundle in bundles]
    score = np.concatenate([bundle.score for bundle in bundles])
    visit = np.concatenate([bundle.visit for bundle in bundles])
    rows = np.arange(len(visit))
    segment = np.repeat(np.arange(len(bundles)), lengths)
    names = np.concatenate([bundle.series for bundle in bundles])
    # A run of one series within one bundle gets its own number.
    opens = np.ones(len(names), dtype=bool)
    opens[1:] = names[1:] != names[:-1]
    opens[np.cumsum(lengths[:-1], dtype=np.intp)] = True
    series = np.cumsum(opens)
    threshold = np.asarray(_thresholds(watched, parameters))[segment]
    current = score
    earlier = _earlier(score, series, rows, parameters.baseline_visits)
    known = ~np.isnan(earlier)
    counted = known.sum(axis=0)
    with np.errstate(invalid="ignore"):
        baseline = np.where(
            counted >= 2, np.where(known, earlier, 0.0).sum(axis=0) / np.maximum(counted, 1), np.nan
        )
    references = {Reference.PREVIOUS: earlier[0], Reference.BASELINE: baseline}
    any_drop = np.asarray([rule.watched.any_drop for rule, _ in watched])[segment]
    checks = []
    with np.errstate(invalid="ignore"):
        for rupture in RUPTURE_RULES:
            if rupture.threshold is ThresholdSource.CUTOFF:
                for number, (rule, _) in enumerate(watched):
                    for cutoff in rule.cutoffs:
                        limit = np.full(len(rows), cutoff.value)
                        met = np.asarray(rupture.holds(current, limit, limit, cutoff.op), bool)
                        checks.append((rupture, met & (segment == number), limit, limit))
                continue
            reference = references[rupture.reference]
            if rupture.threshold is ThresholdSource.DROP:
                checks.append(
                    (rupture, rupture.holds(current, reference, threshold), reference, threshold)
                )
            elif any_drop.any():
                zero = np.zeros(len(rows))
                met = any_drop & rupture.holds(current, reference, zero)
                checks.append((rupture, met, reference, zero))
    ranks, fired_rows = np.nonzero(np.stack([met for _, met, _, _ in checks]))
    fired = sorted(
        zip(segment[fired_rows].tolist(), ranks.tolist(), fired_rows.tolist(), strict=True)
    )
    if not fired:
        return []
    patients = np.concatenate([bundle.patient for bundle in bundles])
    found = []
    for number, rank, i in fired:
        rupture, _, reference, limit = checks[rank]
        bundle_watched, row = watched[number][0].watched, rows[i]
        found.append(
            _alert(
                rupture,
                bundle_watched,
                str(patients[row]),
                str(names[row]),
                int(visit[row]),
                float(current[i]),
                float(reference[i]),
                float(limit[i]),
            )
        )
    return found


def _alerts_at(
    watched: list[tuple[_WatchedRule, Bundle]], parameters: SignalParameters, at_visit: int
) -> list[Alert]:
    """``rupture_alerts`` at one visit, by the same rules in the same order (by watched
    scale, then rule, then row), in plain Python: there are a handful of rows to check."""
    at = [
        [i for i, visit in enumerate(bundle.visit.tolist()) if visit == at_visit]
        for _, bundle in watched
    ]
    if not any(at):
        return []
    found = []
    thresholds = _thresholds(watched, parameters)
    for (rule, bundle), rows, threshold in zip(watched, at, thresholds, strict=True):
        scores, names = bundle.score.tolist(), bundle.series.tolist()
        checked = []
        for i in rows:
            before = _scores_before(scores, names, i, parameters.baseline_visits)
            references = {
                Reference.PREVIOUS: before[0] if before else math.nan,
                Reference.BASELINE: sum(before) / len(before) if len(before) >= 2 else math.nan,
            }
            checked.append((i, scores[i], references))
        for rupture in RUPTURE_RULES:
            for limit, operator in _limits(rupture, rule, threshold):
                for i, current, references in checked:
                    reference = references.get(rupture.reference, limit)
                    if rupture.holds(current, reference, limit, operator):
                        found.append(
                            _alert(
                                rupture,
                                rule.watched,
                                str(bundle.patient[i]),
                                str(names[i]),
                                at_visit,
                                current,
                                reference,
                                float(limit),
                            )
                        )
    return found


def _limits(rupture: RuptureRule, rule: _WatchedRule, threshold: float) -> list[tuple[float, str]]:
    """The thresholds a rupture rule compares with on one watched scale, each with its
    cut-off's operator (none: the rule does not apply there)."""
    if rupture.threshold is ThresholdSource.CUTOFF:
        return [(cutoff.value, cutoff.op) for cutoff in rule.cutoffs]
    if rupture.threshold is ThresholdSource.ZERO:
        return [(0.0, "<")] if rule.watched.any_drop else []
    return [(threshold, "<")]


def _alert(
    rupture: RuptureRule,
    watched: Watched,
    patient: str,
    series: str,
    visit: int,
    value: float,
    reference: float,
    limit: float,
) -> Alert:
    return Alert(
        patient=patient,
        series=series,
        visit=visit,
        signal=SIGNAL,
        rule=rupture.name,
        instrument=watched.instrument,
        scale=watched.scale,
        value=value,
        threshold=limit,
        detail=rupture.describe(value, reference, limit),
    )


def _thresholds(
    watched: list[tuple[_WatchedRule, Bundle]], parameters: SignalParameters
) -> list[float]:
    """Each watched scale's drop threshold (an error for one that has none)."""
    return [
        drop_threshold(rule.watched, parameters) if rule.threshold is None else rule.threshold
        for rule, _ in watched
    ]


def _scores_before(scores: list[float], names: list[object], row: int, count: int) -> list[float]:
    """Up to ``count`` scores before ``row`` within its series, the nearest first (rows
    sorted by series and visit): ``_earlier`` for one row."""
    before = []
    for j in range(row - 1, max(row - count, 0) - 1, -1):
        if names[j] != names[row]:
            break
        before.append(scores[j])
    return before


@dataclass(frozen=True)
class _WatchedRule:
    """A watched scale with its drop threshold and its concern cut-offs, looked up once
    (``threshold`` None: the scale has neither an SEM nor a drop, an error once it has
    scores)."""

    watched: Watched
    threshold: float | None
    cutoffs: tuple[Cutoff, ...]


def _watched_rules(parameters: SignalParameters) -> tuple[_WatchedRule, ...]:
    return tuple(
        _WatchedRule(
            watched,
            _threshold_or_none(watched, parameters),
            tuple(
                cutoff
                for cutoff in instruments.load(watched.instrument)
                .scale(watched.scale)
                .interpretation.cutoffs
                if cutoff.op in ("<", "<=")
            ),
        )
        for watched in parameters.watched
    )


def _threshold_or_none(watched: Watched, parameters: SignalParameters) -> float | None:
    try:
        return drop_threshold(watched, parameters)
    except ValueError:
        return None


def _earlier(values: np.ndarray, series: np.ndarray, rows: np.ndarray, count: int) -> np.ndarray:
    """The values 1, 2, ... ``count`` rows before each of ``rows`` within the same series
    (rows sorted by series and visit), one line per distance; NaN where there is none."""
    before = rows - np.arange(1, count + 1)[:, None]
    kept = np.maximum(before, 0)
    return np.where((before >= 0) & (series[kept] == series[rows]), values[kept], np.nan)
