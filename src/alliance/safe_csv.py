"""Every CSV the product writes, written so that a spreadsheet opens it as data, never as formulas.

Names, episode fields, literature titles and notes are typed by people, so a cell may read
``=HYPERLINK(...)``. Excel, LibreOffice and Google Sheets evaluate a cell that begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and a bare carriage return inside a
field ends the row for many readers. The rules, OWASP's for CSV injection:

- Only text (``str``) is ever changed. Numbers, dates, booleans and missing values are written
  as they are, so -3.5 from a numeric column stays the number -3.5.
- Text that begins with one of those six characters is prefixed with a single quote
  (``'=1+1``, ``'-3+2``), which every spreadsheet shows as text.
- Text that is wholly a plain decimal number (``-3.5``, ``+2``, ``-1e-3``) is left alone: every
  spreadsheet reads it as that number, not a formula, and all-text tables (REDCap records,
  charted values) carry their numbers this way.
- Text that already begins with quotes before one of those characters gains one quote more,
  so that ``restore`` (drop one quote from such a cell) gives back exactly what was written:
  the importers of our own files (review projects, REDCap files, clinic tables) use it.
- A row holding a carriage return is written with every field quoted (Python's csv module
  quotes a line feed but not a bare carriage return when rows end in a line feed).

This module imports nothing of Alliance, so every layer, the core's evidence included, may use it.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_WRITTEN_QUOTED = re.compile(r"'+[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
Value = TypeVar("Value")


def neutralise(value: Value) -> Value | str:
    """``value`` as a spreadsheet must show it: text that would start a formula gains a quote."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def restore(cell: str) -> str:
    """The text that ``neutralise`` turned into ``cell`` (any other cell comes back unchanged)."""
    return cell[1:] if _WRITTEN_QUOTED.match(cell) else cell


def csv_text(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, lineterminator: str = "\n"
) -> str:
    """A CSV text of ``header`` and ``rows``, every cell neutralised."""
    out = io.StringIO()
    minimal = csv.writer(out, lineterminator=lineterminator)
    every_field = csv.writer(out, lineterminator=lineterminator, quoting=csv.QUOTE_ALL)
    for row in itertools.chain([header], rows):
        cells = [neutralise(cell) for cell in row]
        writer = every_field if _holds_carriage_return(cells, lineterminator) else minimal
        writer.writerow(cells)
    return out.getvalue()


def frame_text(frame: pd.DataFrame, **options: Any) -> str:
    """``frame.to_csv(**options)`` as text, every text cell and column name neutralised."""
    safe, quoting = _neutralised(frame, options)
    return str(safe.to_csv(**options, **quoting))


def write_frame(frame: pd.DataFrame, path: Path, **options: Any) -> None:
    """``frame.to_csv(path, **options)``, every text cell and column name neutralised."""
    safe, quoting = _neutralised(frame, options)
    safe.to_csv(path, **options, **quoting)


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A table read back from a file written here, every text cell and column name restored."""
    restored = frame.rename(columns=lambda name: restore(name) if isinstance(name, str) else name)
    for position in range(restored.shape[1]):
        values = restored.iloc[:, position]
        if _is_text(values):
            restored.isetitem(
                position,
                values.map(lambda cell: restore(cell) if isinstance(cell, str) else cell).array,
            )
    return restored


def _holds_carriage_return(cells: Iterable[object], lineterminator: str) -> bool:
    return "\r" not in lineterminator and any(
        isinstance(cell, str) and "\r" in cell for cell in cells
    )


def _is_text(column: pd.Series) -> bool:
    return (
        pd.api.types.is_object_dtype(column.dtype)
        or pd.api.types.is_string_dtype(column.dtype)
        or isinstance(column.dtype, pd.CategoricalDtype)
    )


def _neutralised(
    frame: pd.DataFrame, options: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A neutralised copy of ``frame``, and the quoting its CSV needs (every field quoted if a
    text cell holds a carriage return the line ending would not quote)."""
    safe = frame.rename(columns=lambda name: neutralise(name))
    lineterminator = str(options.get("lineterminator", "\n"))
    carriage_return = False
    for position in range(safe.shape[1]):
        values = safe.iloc[:, position]
        if _is_text(values):
            values = values.map(neutralise)
            safe.isetitem(position, values.array)
            carriage_return = carriage_return or _holds_carriage_return(values, lineterminator)
    return safe, {"quoting": csv.QUOTE_ALL} if carriage_return else {}
