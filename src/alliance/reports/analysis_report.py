"""One analysis as a self-contained HTML report (and as JSON), for a clinician-researcher."""

from __future__ import annotations

import json
import math
from typing import Any, Protocol

import jinja2
import pandas as pd
from matplotlib.figure import Figure

from alliance.reports.figures import data_uri


class AnalysisResult(Protocol):
    """What every result object of ``alliance.stats`` offers."""

    def summary(self) -> str: ...

    def to_frame(self) -> pd.DataFrame: ...

    def to_dict(self) -> dict[str, Any]: ...

    def plot(self) -> Figure: ...


READING: dict[str, str] = {
    "mediation": (
        "A mediation model asks how much of the link between X and the outcome runs through "
        "the mediator(s). The indirect effect is the product of the path from X to the mediator "
        "(a) and the path from the mediator to the outcome holding X constant (b). Its interval "
        "comes from resampling whole patients many times: when the interval excludes zero, the "
        "data support an indirect effect. The direct effect is what remains of X's link with "
        "the outcome once the mediators are held constant; the total effect is the plain link. "
        "Mediation in observational data shows a pattern consistent with a causal chain; it "
        "does not prove one."
    ),
    "predictor": (
        "A regression shows how the outcome differs between patients whose alliance differs, "
        "holding the covariates (such as the baseline score) constant. The estimate is the "
        "change in the outcome per unit of the predictor; the standardised coefficient (beta) "
        "is the change in outcome SDs per SD of the predictor, comparable across measures. "
        "For a yes/no outcome the model is logistic and the odds ratio is the multiplier of "
        "the odds per unit of the predictor. An association is not proof of cause."
    ),
    "moderation": (
        "A moderation model asks whether the effect of X on the outcome depends on W: the "
        "interaction term is how much X's effect changes for each unit of W. The simple slopes "
        "give X's effect at chosen values of W. The Johnson-Neyman analysis finds the values of "
        "W at which X's effect starts or stops being statistically significant; the figure "
        "shades where it is, with the data's W values marked along the bottom."
    ),
    "growth": (
        "A growth model follows each patient's outcome over visits. The fixed effects describe "
        "the average trajectory: the starting level, the change per visit and how a covariate "
        "(such as the alliance) shifts the level or, through its interaction with time, the "
        "rate of change. Patients differ around the average in where they start and how fast "
        "they change; the model estimates how much, and the figure shows the average next to "
        "a sample of individual fitted trajectories."
    ),
    "reliability": (
        "Reliability says how consistently the items measure one thing. Cronbach's alpha "
        "assumes every item measures it equally well; McDonald's omega lets items differ "
        "(their loadings on one common factor) and is usually the better estimate. Values "
        "above about 0.7 are often taken as acceptable for research and above 0.9 for "
        "decisions about individual patients."
    ),
    "icc": (
        "Intraclass correlations say how far ratings of the same patients agree. Absolute "
        "agreement (A) counts a rater who scores everyone higher as disagreement; consistency "
        "(C) does not. Single-rater forms describe one rating; the k forms describe the mean "
        "of all raters. The one-way form (1) is for designs where each patient has different "
        "raters."
    ),
    "clinical_change": (
        "Each patient's change is compared with the measurement error of the instrument: "
        "a change larger than the minimal detectable change is reliable. A patient who "
        "changed reliably for the better and ended on the healthy side of the cut-off has "
        "recovered; reliably better without crossing it, improved; reliably worse, "
        "deteriorated. The figure plots each patient's score after against before, with the "
        "band of change that measurement error alone could produce."
    ),
    "experiment": (
        "The analysis of variance asks whether the groups' mean outcomes differ more than "
        "chance would make them, for each factor and for their combination (an interaction "
        "means one factor's effect depends on the other). Partial eta squared is the share "
        "of outcome variance an effect explains, leaving the other effects aside. Cohen's d "
        "compares two groups in standard deviations (about 0.2 small, 0.5 medium, 0.8 large). "
        "With covariates (ANCOVA), group means are adjusted to the same baseline."
    ),
    "moderated_mediation": (
        "Moderated mediation asks whether an indirect effect (X to the mediator to the "
        "outcome) is stronger for some patients than for others, depending on the moderator "
        "W. The conditional indirect effects give its size at chosen values of W; the index "
        "of moderated mediation is how much it changes per unit of W, and an interval that "
        "excludes zero is evidence that it depends on W. The figure draws the indirect effect "
        "across the observed range of W with its bootstrap interval."
    ),
    "path_model": (
        "A path model tests a whole set of relations at once, such as a chain from treatment "
        "through the alliance and expectations to pain and function. Each arrow has a "
        "coefficient (standardised ones are comparable across variables). The fit indices "
        "say whether the paths left out are consistent with the data: a non-significant "
        "chi-square, CFI and TLI near 1 and RMSEA below about 0.06 suggest good fit."
    ),
    "meta": (
        "A meta-analysis pools the studies' effects, giving more weight to more precise "
        "studies. The confidence interval says where the average effect probably lies; the "
        "prediction interval says where the effect of a new, similar study would probably "
        "fall, so it is the better guide to what to expect in one clinic. tau^2 and I^2 "
        "describe how much the studies disagree beyond chance. In the funnel plot, small "
        "studies scattered to one side only (and a small Egger p-value) suggest that small "
        "studies with null results may be missing."
    ),
}

TEMPLATE = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #1a1a1a; line-height: 1.5; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 0.5rem 0; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
pre { background: #f5f5f5; padding: 0.8rem; overflow-x: auto; font-size: 0.8rem; }
img { max-width: 100%; }
.reading { background: #eef4fb; padding: 0.8rem 1rem; border-left: 4px solid #3b6ea8; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p>{{ headline }}</p>
{% if reading %}<h2>How to read this</h2><p class="reading">{{ reading }}</p>{% endif %}
{% for caption, uri in figures %}
<figure><img src="{{ uri }}" alt="{{ caption }}"><figcaption>{{ caption }}</figcaption></figure>
{% endfor %}
{% for heading, table in tables %}
<h2>{{ heading }}</h2>
{{ table | safe }}
{% endfor %}
<h2>Full output</h2>
<pre>{{ summary }}</pre>
<p><small>Generated by Alliance. Every number above can be reproduced from the same data with
the options shown in the full output.</small></p>
</body>
</html>
"""
)


def analysis_report(result: AnalysisResult, title: str | None = None) -> str:
    """The report as one HTML string: headline, how to read it, figures, tables, full output."""
    payload = result.to_dict()
    kind = str(payload.get("analysis", "analysis"))
    summary = result.summary()
    tables = [("Results", _html_table(result.to_frame()))]
    coefficients = getattr(result, "coefficients", None)
    if isinstance(coefficients, pd.DataFrame):
        tables.append(("Model coefficients (normal-theory tests)", _html_table(coefficients)))
    figures = [(caption, data_uri(figure)) for caption, figure in _figures(result)]
    return TEMPLATE.render(
        title=title or f"Alliance analysis: {kind}",
        headline=summary.splitlines()[0],
        reading=READING.get(kind, ""),
        figures=figures,
        tables=tables,
        summary=summary,
    )


def analysis_json(result: AnalysisResult) -> str:
    """The result's plain data as strict JSON (a value that is not finite becomes null)."""
    return json.dumps(_finite(result.to_dict()), indent=2, ensure_ascii=False, allow_nan=False)


def _figures(result: AnalysisResult) -> list[tuple[str, Figure]]:
    extra = getattr(result, "report_figures", None)
    if callable(extra):
        found: list[tuple[str, Figure]] = extra()
        return found
    return [("", result.plot())]


def _html_table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, float_format=lambda v: f"{v:.4g}", border=0, na_rep="")


def _finite(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        return _finite(value.item())
    return value
