"""Writing a research export: long, episode and wide tables, SPSS, R labels and a codebook.

``export_research`` is the default: it de-identifies first (``deidentify``) and writes the
report of what was removed beside the data. ``export_identifiable`` writes the same files with
real codes, dates and ages; it checks nothing itself, so the clinic must call it only for an
admin and write the audit record in the same transaction. The CLI offers only the first.

Files, written into a new folder all or nothing:

- ``scores_long.csv`` / ``.parquet``: one row per patient, episode, visit, instrument, scale
- ``episodes.csv`` / ``.parquet``: one row per episode with its covariates
- ``wide.csv`` / ``.parquet`` / ``.sav``: one row per episode and visit, a column per scale and
  item (SPSS with variable and value labels)
- ``labels.R``: reads ``wide.csv`` and attaches the same labels in R
- ``codebook.md``: every variable of every file
- ``deidentification.md``: what was removed or changed (de-identified exports only)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from alliance.interop.clinic_tables import ClinicTables
from alliance.interop.codebook import codebook_markdown
from alliance.interop.deidentify import DeidentificationReport, deidentify, identifiable
from alliance.interop.output_files import new_folder
from alliance.interop.research_tables import ResearchTables, wide
from alliance.interop.statistics_files import r_script, write_sav
from alliance.interop.variable_labels import describe
from alliance.safe_csv import write_frame

Step = Callable[[str], None]
STEPS = 5
"""How many steps ``write_research`` reports through ``on_step`` (for a progress bar)."""


@dataclass(frozen=True)
class ResearchExport:
    """The files written and, for a de-identified export, the report of what was removed."""

    folder: Path
    files: tuple[str, ...]
    report: DeidentificationReport | None

    def summary(self) -> str:
        """Where the export is and what it holds."""
        kind = "identifiable" if self.report is None else "de-identified"
        return f"{kind} research export in {self.folder}: {', '.join(self.files)}"


def export_research(
    tables: ClinicTables,
    folder: Path,
    key: bytes,
    min_count: int = 5,
    on_step: Step | None = None,
) -> ResearchExport:
    """De-identify ``tables`` with the clinic's ``key`` and write every research file."""
    research, report = deidentify(tables, key, min_count)
    files = write_research(research, folder, report, on_step)
    return ResearchExport(folder, files, report)


def export_identifiable(
    tables: ClinicTables, folder: Path, on_step: Step | None = None
) -> ResearchExport:
    """Write the research files with real codes, dates and ages.

    Identifiable: the clinic calls this only for an admin, and audits it.
    """
    files = write_research(identifiable(tables), folder, None, on_step)
    return ResearchExport(folder, files, None)


def write_research(
    research: ResearchTables,
    folder: Path,
    report: DeidentificationReport | None,
    on_step: Step | None = None,
) -> tuple[str, ...]:
    """Write the research files of ``research`` into the new ``folder``; return their names."""
    step = on_step or (lambda _: None)
    tables = {
        "scores_long": research.scores,
        "episodes": research.episodes,
        "wide": wide(research),
    }
    with new_folder(folder) as out:
        for name, frame in tables.items():
            step(f"{name}.csv and .parquet")
            write_frame(frame, out / f"{name}.csv", index=False, date_format="%Y-%m-%d")
            _parquet(frame, out / f"{name}.parquet")
        variables = {f"{name}.csv": describe(frame) for name, frame in tables.items()}
        step("wide.sav")
        write_sav(tables["wide"], variables["wide.csv"], out / "wide.sav")
        step("labels.R and codebook.md")
        (out / "labels.R").write_text(r_script(variables["wide.csv"], "wide.csv"), "utf-8")
        described = {
            "scores_long.csv, .parquet": variables["scores_long.csv"],
            "episodes.csv, .parquet": variables["episodes.csv"],
            "wide.csv, .parquet, .sav": variables["wide.csv"],
        }
        codebook = codebook_markdown(described, research.identifiable)
        (out / "codebook.md").write_text(codebook, "utf-8")
        if report is not None:
            (out / "deidentification.md").write_text(report.markdown(), "utf-8")
        names = tuple(sorted(path.name for path in out.iterdir()))
    return names


def _parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False)
