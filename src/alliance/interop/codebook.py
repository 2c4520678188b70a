"""The codebook of a research export: every file and variable, and the instruments behind them."""

from __future__ import annotations

from alliance import instruments
from alliance.interop.answer_options import number_code
from alliance.interop.variable_labels import Variable


def codebook_markdown(files: dict[str, list[Variable]], identifiable: bool) -> str:
    """A Markdown codebook describing each file's variables, and the instruments used."""
    lines = ["# Codebook", ""]
    if identifiable:
        lines += [
            "**This export is identifiable**: real patient codes, dates and ages. Keep it "
            "where the clinic's policy for identifiable data allows.",
            "",
        ]
    else:
        lines += [
            "De-identified (HIPAA Safe Harbor): patients, episodes, therapists and clinics "
            "appear under keyed-hash pseudonyms, dates as days since intake, ages over 89 as "
            "90; see deidentification.md for everything removed.",
            "",
        ]
    used: dict[str, None] = {}
    for file_name, variables in files.items():
        lines += [
            f"## {file_name}",
            "",
            "| variable | label | type | values |",
            "|---|---|---|---|",
        ]
        for variable in variables:
            lines.append(
                f"| `{variable.name}` | {_cell(variable.label)} | {variable.kind} | "
                f"{_cell(_values(variable))} |"
            )
            if variable.instrument:
                used.setdefault(variable.instrument)
        lines.append("")
    if used:
        lines += ["## Instruments", ""]
        for instrument in used:
            definition = instruments.load(instrument)
            lines.append(
                f"- **{definition.abbreviation}** (`{definition.id}`, definition "
                f"{definition.version}): {definition.name}. {_cell(definition.citation.text)}"
                + ("" if definition.validated else " Not a validated instrument.")
            )
        lines.append("")
    return "\n".join(lines)


def _values(variable: Variable) -> str:
    shown = [f"{number_code(value)} = {label}" for value, label in variable.values.items()]
    if variable.missing:
        shown.append("declared missing: " + ", ".join(number_code(m) for m in variable.missing))
    if variable.kind == "category":
        shown.append("categories: " + ", ".join(variable.levels) + " (numbered in the .sav file)")
    return "; ".join(shown)


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "/").split())
