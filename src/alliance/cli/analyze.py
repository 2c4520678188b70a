"""``alliance analyze KIND FILE``: the analyses of alliance.stats from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich.console import Console


@click.group(name="analyze")
def analyze() -> None:
    """Analyse a CSV or Parquet table: KIND FILE [options] [--json] [--report OUT.html].

    With --json the output is one JSON object; --report writes a self-contained HTML report.
    """


def _read_table(file: Path) -> pd.DataFrame:
    """A CSV or Parquet file as a table (by suffix)."""
    if file.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(file)
    return pd.read_csv(file)


def _run(
    compute: Callable[[Callable[[int], None]], Any],
    as_json: bool,
    report: Path | None,
    resamples: int | None = None,
) -> None:
    """Run one analysis the way every ``analyze`` command does.

    ``compute`` gets a callback counting bootstrap resamples done, shown as a progress bar on
    standard error when ``resamples`` is given; an ``AnalysisError`` becomes a one-line
    message; the result is printed as text or JSON, and written as an HTML report when asked.
    """
    from rich.progress import Progress

    from alliance import stats
    from alliance.reports import analysis_json, analysis_report

    with Progress(console=Console(stderr=True), transient=True, disable=resamples is None) as bar:
        task = bar.add_task("resamples", total=resamples)
        try:
            result = compute(lambda done: bar.advance(task, done))
        except stats.AnalysisError as error:
            raise click.ClickException(str(error)) from error
    click.echo(analysis_json(result) if as_json else result.summary())
    if report is not None:
        report.write_text(analysis_report(result), encoding="utf-8")
        click.echo(f"Report written to {report}", err=True)


_JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
_REPORT_OPTION = click.option(
    "--report", type=click.Path(dir_okay=False, path_type=Path), help="Write an HTML report."
)
_WORKERS_OPTION = click.option(
    "--workers", type=click.IntRange(min=1), default=1, show_default=True,
    help="Processes for the bootstrap (same results; faster on several cores).",
)  # fmt: skip


@analyze.command(name="mediation")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--x", "x", required=True, help="The predictor column (e.g. alliance).")
@click.option("--m", "m", multiple=True, required=True, help="A mediator column (repeatable).")
@click.option("--y", "y", required=True, help="The outcome column (0/1 for a logistic model).")
@click.option("--covariate", multiple=True, help="A covariate column (repeatable).")
@click.option("--serial", is_flag=True, help="Mediators act in sequence (X → M1 → M2 → Y).")
@click.option("--boot", type=click.IntRange(min=100), default=5000, show_default=True)
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Reproduce resamples.")
@click.option("--ci", type=click.Choice(["percentile", "bca"]), default="percentile")
@_WORKERS_OPTION
@_JSON_OPTION
@_REPORT_OPTION
def analyze_mediation(
    file: Path,
    x: str,
    m: tuple[str, ...],
    y: str,
    covariate: tuple[str, ...],
    serial: bool,
    boot: int,
    seed: int | None,
    ci: str,
    workers: int,
    as_json: bool,
    report: Path | None,
) -> None:
    """Indirect effects of X on Y through mediators, with bootstrap intervals (FILE: CSV)."""
    from alliance import stats

    _run(
        lambda advance: stats.mediation(
            _read_table(file),
            x=x,
            m=list(m),
            y=y,
            covariates=list(covariate),
            serial=serial,
            n_boot=boot,
            seed=seed,
            ci="bca" if ci == "bca" else "percentile",
            progress=advance,
            workers=workers,
        ),
        as_json,
        report,
        resamples=boot,
    )


@analyze.command(name="meta")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--effect", required=True, help="Column of study effects (z, g, log ratio).")
@click.option("--variance", required=True, help="Column of their sampling variances.")
@click.option("--method", type=click.Choice(["FE", "DL", "REML", "PM"]), default="REML")
@click.option("--knha", is_flag=True, help="Hartung-Knapp adjustment (t with k - 1 df).")
@click.option("--label", default=None, help="Column of study labels for the forest plot.")
@_JSON_OPTION
@_REPORT_OPTION
def analyze_meta(
    file: Path,
    effect: str,
    variance: str,
    method: str,
    knha: bool,
    label: str | None,
    as_json: bool,
    report: Path | None,
) -> None:
    """Pool study effects: fixed or random effects, heterogeneity, forest and funnel plots."""
    from alliance import stats

    _run(
        lambda _: stats.meta_analysis(
            _read_table(file),
            effect=effect,
            variance=variance,
            method=method,  # type: ignore[arg-type]
            knha=knha,
            labels=label,
        ),
        as_json,
        report,
    )


_ROBUST_OPTION = click.option(
    "--robust", type=click.Choice(["HC0", "HC1", "HC2", "HC3"]), default=None,
    help="Heteroskedasticity-consistent standard errors.",
)  # fmt: skip


@analyze.command(name="predictor")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--x", "x", multiple=True, required=True, help="A predictor column (repeatable).")
@click.option("--y", "y", required=True, help="The outcome column (0/1 for a logistic model).")
@click.option("--covariate", multiple=True, help="A covariate column (repeatable).")
@_ROBUST_OPTION
@_JSON_OPTION
@_REPORT_OPTION
def analyze_predictor(
    file: Path,
    x: tuple[str, ...],
    y: str,
    covariate: tuple[str, ...],
    robust: str | None,
    as_json: bool,
    report: Path | None,
) -> None:
    """Regress an outcome on the alliance and covariates (linear, or logistic for 0/1)."""
    from alliance import stats

    _run(
        lambda _: stats.regression(
            _read_table(file), y=y, x=list(x), covariates=list(covariate), robust=robust
        ),
        as_json,
        report,
    )


@analyze.command(name="moderation")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--x", "x", required=True, help="The predictor column (e.g. treatment).")
@click.option("--w", "w", required=True, help="The moderator column (e.g. alliance).")
@click.option("--y", "y", required=True, help="The outcome column.")
@click.option("--covariate", multiple=True, help="A covariate column (repeatable).")
@click.option("--at", "at", type=float, multiple=True, help="A moderator value to probe.")
@_ROBUST_OPTION
@_JSON_OPTION
@_REPORT_OPTION
def analyze_moderation(
    file: Path,
    x: str,
    w: str,
    y: str,
    covariate: tuple[str, ...],
    at: tuple[float, ...],
    robust: str | None,
    as_json: bool,
    report: Path | None,
) -> None:
    """Does W change the effect of X on Y? Simple slopes and the Johnson-Neyman region."""
    from alliance import stats

    _run(
        lambda _: stats.moderation(
            _read_table(file),
            x=x,
            w=w,
            y=y,
            covariates=list(covariate),
            at=list(at) or None,
            robust=robust,
        ),
        as_json,
        report,
    )


@analyze.command(name="growth")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--y", "y", required=True, help="The outcome column (one row per visit).")
@click.option("--time", "time_column", required=True, help="The visit time column.")
@click.option("--group", required=True, help="The patient identifier column.")
@click.option("--covariate", multiple=True, help="A fixed effect (repeatable; may vary by visit).")
@click.option("--by-time", multiple=True, help="A covariate that also changes the slope.")
@click.option("--ml", is_flag=True, help="Maximum likelihood instead of REML.")
@_JSON_OPTION
@_REPORT_OPTION
def analyze_growth(
    file: Path,
    y: str,
    time_column: str,
    group: str,
    covariate: tuple[str, ...],
    by_time: tuple[str, ...],
    ml: bool,
    as_json: bool,
    report: Path | None,
) -> None:
    """Trajectories over visits: a mixed model with a random intercept and slope per patient."""
    from alliance import stats

    _run(
        lambda _: stats.growth(
            _read_table(file),
            y=y,
            time=time_column,
            group=group,
            covariates=list(covariate),
            by_time=list(by_time),
            reml=not ml,
        ),
        as_json,
        report,
    )


@analyze.command(name="reliability")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--item", "items", multiple=True, required=True, help="An item column (repeatable).")
@_JSON_OPTION
@_REPORT_OPTION
def analyze_reliability(
    file: Path, items: tuple[str, ...], as_json: bool, report: Path | None
) -> None:
    """Cronbach's alpha with its interval and McDonald's omega for a set of items."""
    from alliance import stats

    table = _read_table(file)
    if missing := [item for item in items if item not in table.columns]:
        raise click.ClickException(f"item columns not in the file: {', '.join(missing)}")
    _run(lambda _: stats.scale_reliability(table[list(items)]), as_json, report)


@analyze.command(name="icc")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--targets", required=True, help="Column naming who or what was rated.")
@click.option("--raters", required=True, help="Column naming the rater (or occasion).")
@click.option("--ratings", required=True, help="Column of the ratings.")
@_JSON_OPTION
@_REPORT_OPTION
def analyze_icc(
    file: Path, targets: str, raters: str, ratings: str, as_json: bool, report: Path | None
) -> None:
    """The six intraclass correlations (Shrout & Fleiss, McGraw & Wong) from a long table."""
    from alliance import stats

    _run(
        lambda _: stats.intraclass_correlation(
            _read_table(file), targets=targets, raters=raters, ratings=ratings
        ),
        as_json,
        report,
    )


@analyze.command(name="change")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--before", required=True, help="Column of scores before treatment.")
@click.option("--after", required=True, help="Column of scores after treatment.")
@click.option("--reliability", type=click.FloatRange(0, 1, max_open=True), required=True)
@click.option("--higher-is-better/--lower-is-better", required=True)
@click.option("--sd", type=float, default=None, help="Reference SD (default: SD before).")
@click.option("--functional", type=(float, float), default=None, help="Healthy norms: MEAN SD.")
@_JSON_OPTION
@_REPORT_OPTION
def analyze_change(
    file: Path,
    before: str,
    after: str,
    reliability: float,
    higher_is_better: bool,
    sd: float | None,
    functional: tuple[float, float] | None,
    as_json: bool,
    report: Path | None,
) -> None:
    """Reliable and clinically significant change (Jacobson & Truax) for each patient."""
    from alliance import stats

    table = _read_table(file)
    if missing := [c for c in (before, after) if c not in table.columns]:
        raise click.ClickException(f"columns not in the file: {', '.join(missing)}")
    _run(
        lambda _: stats.clinical_change(
            pd.to_numeric(table[before], errors="coerce"),
            pd.to_numeric(table[after], errors="coerce"),
            reliability=reliability,
            higher_is_better=higher_is_better,
            sd=sd,
            functional=functional,
        ),
        as_json,
        report,
    )


@analyze.command(name="experiment")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--y", "y", required=True, help="The outcome (e.g. change in pain).")
@click.option("--factor", multiple=True, required=True, help="A grouping column (repeatable).")
@click.option("--covariate", multiple=True, help="A covariate for ANCOVA (repeatable).")
@click.option("--ss-type", type=click.Choice(["2", "3"]), default="2", show_default=True)
@click.option(
    "--contrasts", default=None,
    help='Planned contrasts as JSON: {"name": {"cell / cell": 1, "cell / cell": -1}}.',
)  # fmt: skip
@_JSON_OPTION
@_REPORT_OPTION
def analyze_experiment(
    file: Path,
    y: str,
    factor: tuple[str, ...],
    covariate: tuple[str, ...],
    ss_type: str,
    contrasts: str | None,
    as_json: bool,
    report: Path | None,
) -> None:
    """ANOVA / ANCOVA of a factorial experiment: effects, effect sizes, planned contrasts."""
    from alliance import stats

    try:
        planned = json.loads(contrasts) if contrasts else None
    except json.JSONDecodeError as error:
        raise click.ClickException(f"--contrasts is not valid JSON: {error}") from error
    _run(
        lambda _: stats.experiment(
            _read_table(file),
            y=y,
            factors=list(factor),
            covariates=list(covariate),
            contrasts=planned,
            ss_type=int(ss_type),
        ),
        as_json,
        report,
    )


@analyze.command(name="moderated-mediation")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--model", type=click.Choice(["7", "8", "14", "58", "59"]), required=True,
              help="The PROCESS model number.")  # fmt: skip
@click.option("--x", "x", required=True, help="The predictor column.")
@click.option("--m", "m", multiple=True, required=True, help="A mediator column (repeatable).")
@click.option("--w", "w", required=True, help="The moderator column.")
@click.option("--y", "y", required=True, help="The outcome column.")
@click.option("--covariate", multiple=True, help="A covariate column (repeatable).")
@click.option("--at", "at", type=float, multiple=True, help="A moderator value to probe.")
@click.option("--boot", type=click.IntRange(min=100), default=5000, show_default=True)
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Reproduce resamples.")
@click.option("--ci", type=click.Choice(["percentile", "bca"]), default="percentile")
@_WORKERS_OPTION
@_JSON_OPTION
@_REPORT_OPTION
def analyze_moderated_mediation(
    file: Path,
    model: str,
    x: str,
    m: tuple[str, ...],
    w: str,
    y: str,
    covariate: tuple[str, ...],
    at: tuple[float, ...],
    boot: int,
    seed: int | None,
    ci: str,
    workers: int,
    as_json: bool,
    report: Path | None,
) -> None:
    """Conditional indirect effects and the index of moderated mediation (PROCESS models)."""
    from alliance import stats

    _run(
        lambda advance: stats.moderated_mediation(
            _read_table(file),
            x=x,
            m=list(m),
            w=w,
            y=y,
            model=int(model),  # type: ignore[arg-type]
            covariates=list(covariate),
            at=list(at) or None,
            n_boot=boot,
            seed=seed,
            ci="bca" if ci == "bca" else "percentile",
            progress=advance,
            workers=workers,
        ),
        as_json,
        report,
        resamples=boot,
    )


@analyze.command(name="path")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--model", "description", required=True,
    help='lavaan-like syntax; ";" separates lines ("alliance ~ mi; pain ~ alliance").',
)  # fmt: skip
@_JSON_OPTION
@_REPORT_OPTION
def analyze_path(file: Path, description: str, as_json: bool, report: Path | None) -> None:
    """A path or structural equation model (semopy): estimates and fit indices."""
    from alliance import stats

    _run(
        lambda _: stats.path_model(_read_table(file), description.replace(";", "\n")),
        as_json,
        report,
    )
