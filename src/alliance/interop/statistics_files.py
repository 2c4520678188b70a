"""Labelled files for statistics packages: SPSS ``.sav`` (pyreadstat) and an R labelling script.

SPSS gets variable labels, value labels (answer anchors, categories as numbered codes, age 90
as "90 or older") and "does not apply" as a declared missing value. R gets a base-R script
that reads the CSV and attaches the same labels as attributes (``label``, and a named
``labels`` vector, which is also how haven represents them), turning categories into factors.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat

from alliance.interop.variable_labels import Variable

SPSS_LABEL_BYTES = 255


def write_sav(frame: pd.DataFrame, variables: list[Variable], path: Path) -> None:
    """Write ``frame`` as an SPSS file with every label of ``variables``."""
    data = frame.copy()
    value_labels: dict[str, dict[int | float, str]] = {}
    missing: dict[str, list[float]] = {}
    for variable in variables:
        column = data[variable.name]
        if variable.kind == "category":
            codes = {level: float(code) for code, level in enumerate(variable.levels, start=1)}
            data[variable.name] = column.map(codes).astype("float64")
            value_labels[variable.name] = {code: level for level, code in codes.items()}
        elif variable.kind == "date":
            data[variable.name] = column.dt.date
        elif variable.values:
            value_labels[variable.name] = {float(k): v for k, v in variable.values.items()}
        if variable.missing:
            missing[variable.name] = list(variable.missing)
    for name in data.columns:
        if pd.api.types.is_integer_dtype(data[name]):
            data[name] = data[name].astype("float64")
    pyreadstat.write_sav(
        data,
        str(path),
        column_labels={v.name: _clip(v.label) for v in variables},
        variable_value_labels=value_labels,
        missing_ranges={
            name: [{"lo": code, "hi": code} for code in codes] for name, codes in missing.items()
        },
    )


def r_script(variables: list[Variable], csv_name: str) -> str:
    """A base-R script that reads ``csv_name`` and attaches every label."""
    name = "research"
    lines = [
        f"# Labels for {csv_name}, written by Alliance. Base R only; run from the export folder.",
        f'{name} <- read.csv("{csv_name}", stringsAsFactors = FALSE, na.strings = "")',
    ]
    for variable in variables:
        column = f"{name}[[{_r_string(variable.name)}]]"
        if variable.kind == "category":
            lines.append(f"{column} <- factor({column})")
        elif variable.values:
            pairs = ", ".join(
                f"{_r_string(label)} = {value:g}" for value, label in variable.values.items()
            )
            lines.append(f'attr({column}, "labels") <- c({pairs})')
        if variable.missing:
            codes = ", ".join(f"{code:g}" for code in variable.missing)
            lines.append(f"{column}[{column} %in% c({codes})] <- NA  # does not apply")
        lines.append(f'attr({column}, "label") <- {_r_string(variable.label)}')
    return "\n".join(lines) + "\n"


def _r_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _clip(label: str) -> str:
    encoded = label.encode("utf-8")[:SPSS_LABEL_BYTES]
    return encoded.decode("utf-8", errors="ignore")
