"""The instrument library: questionnaire definitions as data, and exact vectorised scoring.

>>> from collections.abc import Mapping

import pandas as pd
>>> from alliance import instruments
>>> answers = pd.DataFrame({f"q{n}": [4] for n in range(1, 13)})
>>> instruments.score("wai_sr", answers)[["total", "goal", "status"]].to_dict("records")
[{'total': 48.0, 'goal': 16.0, 'status': 'scored'}]
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from alliance.instruments.answers import DOES_NOT_APPLY, AnswerError, Problem, Reason
from alliance.instruments.definition import Definition
from alliance.instruments.interpretation import (
    Change,
    InterpretationError,
    ReliableChange,
    band,
    classify,
    cutoff_flags,
    interpret,
    reliable_change,
)
from alliance.instruments.library import DefinitionError, catalog, load, parse_definition
from alliance.instruments.scoring import NOT_SCORED, SCORED, RecordScore, Unscored, unscored
from alliance.instruments.scoring import score as score_definition
from alliance.instruments.scoring import score_record as score_definition_record

__all__ = [
    "DOES_NOT_APPLY",
    "NOT_SCORED",
    "SCORED",
    "AnswerError",
    "Change",
    "Definition",
    "DefinitionError",
    "InterpretationError",
    "Problem",
    "Reason",
    "RecordScore",
    "ReliableChange",
    "Unscored",
    "band",
    "catalog",
    "classify",
    "cutoff_flags",
    "interpret",
    "load",
    "parse_definition",
    "reliable_change",
    "score",
    "score_record",
    "unscored",
]


def score(instrument: str | Definition, frame: pd.DataFrame) -> pd.DataFrame:
    """Score a table of administrations (one row each, one column per item id).

    Returns the input columns plus one column per scale, ``status`` and ``reason``.
    Raises ``AnswerError`` and scores nothing if any answer is not allowed.
    """
    definition = load(instrument) if isinstance(instrument, str) else instrument
    return score_definition(definition, frame)


def score_record(instrument: str | Definition, record: Mapping[str, object]) -> RecordScore:
    """Score one administration given as item id -> answer (a check-in), by the same rules
    as ``score``; raises ``AnswerError`` naming the item when an answer is not allowed."""
    definition = load(instrument) if isinstance(instrument, str) else instrument
    return score_definition_record(definition, record)
