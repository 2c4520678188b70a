"""``alliance evidence``: the literature catalogue and the review workflow, on the command line.

A thin face: every command parses its arguments, calls ``alliance.evidence`` (and
``alliance.interop.review_files`` for files) and prints the result.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeVar, cast

import click

from alliance.evidence import queries
from alliance.evidence.catalogue import bundled_catalogue
from alliance.evidence.review.agreement import agreement
from alliance.evidence.review.charting import (
    STUDY_FORM,
    ChartingError,
    PoolingError,
    chart,
    poolable_effects,
)
from alliance.evidence.review.dedup import Override
from alliance.evidence.review.prisma import FlowError, prisma_counts
from alliance.evidence.review.project import ReviewProject
from alliance.evidence.review.project_files import ProjectFileError
from alliance.evidence.review.records import RecordFormatError
from alliance.evidence.review.screening import (
    Decision,
    Resolution,
    ScreeningError,
    Stage,
    Status,
    Verdict,
    blinded_queue,
)
from alliance.interop.review_files import (
    read_export,
    read_labelled,
    read_project,
    write_flow,
    write_project,
)
from alliance.safe_csv import csv_text, frame_text, restore
from alliance.stats import AnalysisError
from alliance.stats.meta import METHODS, meta_analysis

P = ParamSpec("P")
R = TypeVar("R")
ERRORS = (
    RecordFormatError,
    ProjectFileError,
    ScreeningError,
    ChartingError,
    PoolingError,
    FlowError,
    KeyError,
    AnalysisError,
)
FOLDER = click.Path(file_okay=False, path_type=Path)
STAGE = click.option(
    "--stage",
    type=click.Choice([s.value for s in Stage]),
    default=Stage.TITLE_ABSTRACT.value,
    show_default=True,
)
SUMMARIES: dict[str, Callable[[], Any]] = {
    "kinds": lambda: queries.kind_counts(bundled_catalogue()),
    "fields": lambda: queries.field_counts(bundled_catalogue()),
    "components": lambda: queries.component_counts(bundled_catalogue(), "kinney2020"),
    "measures": lambda: queries.measure_counts(bundled_catalogue()),
    "conditions": lambda: queries.condition_counts(bundled_catalogue()),
    "themes": lambda: queries.theme_table(bundled_catalogue(), "babatunde2017"),
}


def clear_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the workflow's own errors into one-line messages instead of tracebacks."""

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ERRORS as error:
            raise click.ClickException(str(error).strip('"')) from error

    return run


@click.group(name="evidence")
def evidence() -> None:
    """The alliance literature map and the systematic-review workflow."""


@evidence.command(name="catalogue")
@click.option("--kind", type=click.Choice(["model", "framework", "theory", "unclassified"]))
@click.option("--construct", help="Only entries whose name or constructs mention this.")
@click.option("--json", "as_json", is_flag=True)
def catalogue_command(kind: str | None, construct: str | None, as_json: bool) -> None:
    """Models, frameworks and theories of the alliance, with their key constructs."""
    catalogue = bundled_catalogue()
    entries = list(catalogue.conceptualisations)
    if kind:
        entries = [e for e in entries if e in queries.by_kind(catalogue, kind)]
    if construct:
        entries = [e for e in entries if e in queries.by_construct(catalogue, construct)]
    if as_json:
        click.echo(json.dumps([e.model_dump(mode="json") for e in entries], indent=2))
        return
    for e in entries:
        mark = "" if e.listing.verified else "  [name not confirmed in the article]"
        click.echo(f"{e.name} ({e.kind.value}; {e.field}){mark}")
        click.echo(f"    {', '.join(e.constructs) or '(constructs not established)'}")


@evidence.command(name="studies")
@click.option("--measure", help="A catalogue measure id, e.g. watoci.")
@click.option("--condition", help="Text the condition must contain, e.g. 'back pain'.")
@click.option("--json", "as_json", is_flag=True)
@clear_errors
def studies_command(measure: str | None, condition: str | None, as_json: bool) -> None:
    """Catalogued studies, optionally by measure or condition."""
    catalogue = bundled_catalogue()
    studies = list(catalogue.studies)
    if measure:
        studies = [s for s in studies if s in queries.by_measure(catalogue, measure)]
    if condition:
        studies = [s for s in studies if s in queries.by_condition(catalogue, condition)]
    if as_json:
        click.echo(json.dumps([s.model_dump(mode="json") for s in studies], indent=2))
        return
    for s in studies:
        effect = s.effect.value.replace("_", " ") if s.effect else ""
        p = s.p_value.text() if s.p_value else ""
        measures = ", ".join(s.alliance_measures)
        click.echo(f"{s.id}: {s.citation}")
        fields = [s.condition or "-", s.alliance_approach or "-", measures or "-", f"{effect} {p}"]
        click.echo("    " + " | ".join(fields))


@evidence.command(name="summary")
@click.argument("topic", type=click.Choice(sorted(SUMMARIES)))
@click.option("--csv", "as_csv", is_flag=True, help="Print the table as CSV.")
def summary_command(topic: str, as_csv: bool) -> None:
    """Counts and percentages computed from the catalogue."""
    result = SUMMARIES[topic]()
    click.echo(frame_text(result.to_frame(), index=False) if as_csv else result.summary())


@evidence.command(name="simulate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--classifier", type=click.Choice(["logistic", "svm", "nb"]), default="logistic")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--plot", type=click.Path(dir_okay=False, path_type=Path), help="Save the recall curve (PNG)."
)
@clear_errors
def simulate_command(file: Path, classifier: str, seed: int, plot: Path | None) -> None:
    """Simulate prioritised screening of a labelled CSV (column label_included: 0 or 1)."""
    from alliance.evidence.review.simulation import simulate

    texts, labels = read_labelled(file)
    result = simulate(texts, labels, seed=seed, classifier=classifier)
    click.echo(result.summary())
    if plot:
        result.plot().savefig(plot, dpi=150)


@evidence.group(name="review")
def review() -> None:
    """A review project kept in a folder: import, de-duplicate, screen, chart, PRISMA flow."""


@review.command(name="init")
@click.argument("folder", type=FOLDER)
@click.option("--name", required=True)
@click.option("--reviewer", "reviewers", multiple=True, required=True, help="Two or more.")
@click.option("--criterion", "criteria", multiple=True, help="A written inclusion criterion.")
@click.option("--reason", "reasons", multiple=True, help="A full-text exclusion reason.")
@clear_errors
def init_command(
    folder: Path,
    name: str,
    reviewers: tuple[str, ...],
    criteria: tuple[str, ...],
    reasons: tuple[str, ...],
) -> None:
    """Start a review project in FOLDER."""
    if (folder / "project.json").exists():
        raise click.ClickException(f"{folder} already holds a review project")
    write_project(ReviewProject(name, reviewers, criteria, reasons), folder)
    click.echo(f"Review {name!r} started in {folder} with reviewers {', '.join(reviewers)}")


@review.command(name="import")
@click.argument("folder", type=FOLDER)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", required=True, help="The database, e.g. PubMed, CINAHL, Embase.")
@click.option("--format", "file_format", type=click.Choice(["ris", "nbib", "csv"]))
@click.option(
    "--variant", type=click.Choice(["auto", "generic", "cinahl", "embase"]), default="auto"
)
@clear_errors
def import_command(
    folder: Path, file: Path, source: str, file_format: str | None, variant: str
) -> None:
    """Import a search export (all records or none) and print the counts per source."""
    project = read_project(folder).add_import(read_export(file, source, file_format, variant))
    write_project(project, folder)
    counts: dict[str, int] = {}
    for result in project.imports:
        counts[result.source] = counts.get(result.source, 0) + result.count
    click.echo(f"Imported {project.imports[-1].count} records from {source}")
    for name, n in counts.items():
        click.echo(f"  {name}: {n}")


@review.command(name="dedup")
@click.argument("folder", type=FOLDER)
@click.option("--same", nargs=2, multiple=True, help="Mark two record ids as one article.")
@click.option(
    "--distinct", nargs=2, multiple=True, help="Mark two record ids as different articles."
)
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Groups as CSV.")
@clear_errors
def dedup_command(
    folder: Path,
    same: tuple[tuple[str, str], ...],
    distinct: tuple[tuple[str, str], ...],
    report: Path | None,
) -> None:
    """Report duplicate groups; --same / --distinct record overrides first."""
    project = read_project(folder)
    for a, b in same:
        project = project.add_override(Override("same", a, b))
    for a, b in distinct:
        project = project.add_override(Override("distinct", a, b))
    if same or distinct:
        write_project(project, folder)
    result = project.deduplication()
    click.echo(result.summary())
    if report:
        report.write_text(frame_text(result.to_frame(), index=False), encoding="utf-8")


@review.command(name="queue")
@click.argument("folder", type=FOLDER)
@click.option("--reviewer", required=True)
@STAGE
@click.option(
    "--prioritise", is_flag=True, help="Most likely inclusions first (TF-IDF + logistic)."
)
@clear_errors
def queue_command(folder: Path, reviewer: str, stage: str, prioritise: bool) -> None:
    """Print, as CSV, the records REVIEWER still has to screen (only their own decisions count)."""
    project = read_project(folder)
    if reviewer not in project.reviewers:
        raise click.ClickException(f"{reviewer!r} is not a reviewer of this project")
    step = Stage(stage)
    candidates = project.unique_ids() if step is Stage.TITLE_ABSTRACT else project.retrieved()
    queue = blinded_queue(candidates, project.decisions, reviewer, step)
    if prioritise:
        from alliance.evidence.review.prioritise import prioritised_queue

        # Learn only from the reviewer's own decisions, so the order leaks nothing of others'.
        own = {
            d.record: d.verdict is not Verdict.EXCLUDE
            for d in project.decisions
            if d.reviewer == reviewer and d.stage is step
        }
        queue = prioritised_queue(project.records(), own, queue)
    by_id = {r.id: r for r in project.records()}
    header = ["record", "title", "abstract", "verdict", "reason", "note"]
    rows = [[r, by_id[r].title, by_id[r].abstract, "", "", ""] for r in queue]
    click.echo(csv_text(header, rows), nl=False)


@review.command(name="decide")
@click.argument("folder", type=FOLDER)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reviewer", required=True)
@STAGE
@clear_errors
def decide_command(folder: Path, file: Path, reviewer: str, stage: str) -> None:
    """Record REVIEWER's decisions from a CSV (record, verdict[, reason, note]); all or none."""
    project = read_project(folder)
    reader = csv.DictReader(io.StringIO(file.read_text(encoding="utf-8-sig")))
    count = 0
    for row in reader:
        verdict = (row.get("verdict") or "").strip()
        if not verdict:
            continue
        if verdict not in {v.value for v in Verdict}:
            raise click.ClickException(
                f"{file.name}, line {reader.line_num}: verdict {verdict!r} "
                "is not include, exclude or maybe"
            )
        decision = Decision(
            restore(row["record"]).strip(),
            reviewer,
            Stage(stage),
            Verdict(verdict),
            restore(row.get("reason") or "").strip(),
            restore(row.get("note") or "").strip(),
        )
        try:
            project = project.decide(decision)
        except ScreeningError as error:
            raise click.ClickException(f"{file.name}, line {reader.line_num}: {error}") from error
        count += 1
    write_project(project, folder)
    click.echo(f"Recorded {count} decisions by {reviewer}")


@review.command(name="resolve")
@click.argument("folder", type=FOLDER)
@click.argument("record")
@click.option("--verdict", type=click.Choice([v.value for v in Verdict]), required=True)
@click.option("--by", "resolver", required=True)
@click.option("--reason", default="")
@STAGE
@clear_errors
def resolve_command(
    folder: Path, record: str, verdict: str, resolver: str, reason: str, stage: str
) -> None:
    """Settle a conflict on RECORD."""
    project = read_project(folder).resolve(
        Resolution(record, Stage(stage), Verdict(verdict), resolver, reason)
    )
    write_project(project, folder)
    click.echo(f"{record}: {verdict} (resolved by {resolver})")


@review.command(name="not-retrieved")
@click.argument("folder", type=FOLDER)
@click.argument("record")
@clear_errors
def not_retrieved_command(folder: Path, record: str) -> None:
    """Record that the full text of RECORD could not be obtained."""
    write_project(read_project(folder).mark_not_retrieved(record), folder)
    click.echo(f"{record}: full text not retrieved")


@review.command(name="status")
@click.argument("folder", type=FOLDER)
@clear_errors
def status_command(folder: Path) -> None:
    """Where screening stands: counts per stage, conflicts, and agreement."""
    project = read_project(folder)
    click.echo(
        f"{project.name}: {len(project.records())} records, {len(project.unique_ids())} unique"
    )
    for number, criterion in enumerate(project.criteria, start=1):
        click.echo(f"criterion {number}: {criterion}")
    click.echo(project.title_abstract().summary())
    click.echo(project.full_text().summary())
    for stage in Stage:
        conflicts = (
            project.title_abstract() if stage is Stage.TITLE_ABSTRACT else project.full_text()
        ).ids(Status.CONFLICT)
        if conflicts:
            click.echo(f"conflicts at {stage.value}: {', '.join(conflicts)}")
        result = agreement(project.decisions, stage)
        if result.pairs:
            click.echo(result.summary())


@review.command(name="chart")
@click.argument("folder", type=FOLDER)
@click.argument("record")
@click.option("--study", required=True, help="Study id; reports of one study share it.")
@click.option("--reviewer", required=True)
@click.argument("values", nargs=-1)
@clear_errors
def chart_command(
    folder: Path, record: str, study: str, reviewer: str, values: tuple[str, ...]
) -> None:
    """Chart an included report: FIELD=VALUE pairs of the study form."""
    pairs = dict(v.split("=", 1) for v in values if "=" in v)
    if len(pairs) != len(values):
        raise click.ClickException("values are FIELD=VALUE pairs, e.g. year=2014")
    project = read_project(folder)
    charted = chart(STUDY_FORM, bundled_catalogue(), record, study, reviewer, pairs)
    write_project(project.add_chart(charted), folder)
    click.echo(f"Charted {record} as study {study}")


@review.command(name="prisma")
@click.argument("folder", type=FOLDER)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help=".svg or .png"
)
@clear_errors
def prisma_command(folder: Path, output: Path | None) -> None:
    """The PRISMA 2020 flow counts; with -o, the diagram as SVG or PNG."""
    counts = prisma_counts(read_project(folder))
    click.echo(counts.summary())
    if output:
        write_flow(counts, output)
        click.echo(f"Flow diagram written to {output}")


@review.command(name="meta")
@click.argument("folder", type=FOLDER)
@click.option("--method", type=click.Choice(METHODS), default="REML", show_default=True)
@clear_errors
def meta_command(folder: Path, method: str) -> None:
    """Pool the charted effect sizes (with their standard errors) in a meta-analysis."""
    effects = poolable_effects(read_project(folder).charts)
    pooled = cast(Literal["FE", "DL", "REML", "PM"], method)
    result = meta_analysis(effects.frame, effect="yi", variance="vi", labels="study", method=pooled)
    click.echo(result.summary())
