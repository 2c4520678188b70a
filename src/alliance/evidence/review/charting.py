"""Data-charting forms for included reports, feeding the catalogue's study table and meta-analysis.

A form is a list of fields; charting a report checks every value against its field (numbers
are numbers, choices are among the choices, measures are catalogue measure ids) and names the
field that is wrong. The default form, ``STUDY_FORM``, holds what the catalogue's study table
holds plus the effect size a meta-analysis needs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from alliance.evidence.catalogue import Catalogue
from alliance.evidence.schema import Effect, Inclusion, PValue, ReviewMembership, Study
from alliance.instruments.definition import Provenance


class FieldKind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    CHOICE = "choice"
    MEASURES = "measures"


class ChartingError(ValueError):
    """Raised when a charted value does not fit its field; the message names both."""


class PoolingError(ValueError):
    """Raised when the charted effect sizes cannot be pooled; the message says why."""


class TooFewStudiesError(PoolingError):
    """Fewer than two charted studies have both an effect size and its standard error."""

    def __init__(self, count: int) -> None:
        self.count = count
        super().__init__(
            "pooling needs at least two charted studies with an effect size and its standard "
            f"error ({count} so far)"
        )


class MixedEffectTypesError(PoolingError):
    """The charted effect sizes are of more than one type (e.g. r and smd)."""

    def __init__(self, kinds: tuple[str, ...]) -> None:
        self.kinds = kinds
        super().__init__(
            f"the charted effect sizes mix types ({', '.join(kinds)}): pool one type at a time"
        )


@dataclass(frozen=True, eq=False)
class PoolableEffects:
    """The charted effect sizes a meta-analysis may pool, and their one type ("" if unstated)."""

    frame: pd.DataFrame
    kind: str


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    kind: FieldKind
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChartingForm:
    id: str
    fields: tuple[FormField, ...]

    def field(self, field_id: str) -> FormField:
        """The field with this id."""
        for field in self.fields:
            if field.id == field_id:
                return field
        raise ChartingError(f"form {self.id} has no field {field_id!r}")


STUDY_FORM = ChartingForm(
    "study",
    (
        FormField("citation", "Citation", FieldKind.TEXT, required=True),
        FormField("year", "Year", FieldKind.INTEGER, required=True),
        FormField("design", "Design", FieldKind.TEXT),
        FormField("setting", "Setting", FieldKind.TEXT),
        FormField("condition", "Condition", FieldKind.TEXT),
        FormField("participants", "Participants", FieldKind.INTEGER),
        FormField("alliance_approach", "Alliance approach", FieldKind.TEXT),
        FormField("alliance_measures", "Alliance measures", FieldKind.MEASURES),
        FormField("outcome_measures", "Outcome measures", FieldKind.MEASURES),
        FormField("outcome", "Outcome", FieldKind.TEXT),
        FormField("effect", "Effect", FieldKind.CHOICE, choices=tuple(e.value for e in Effect)),
        FormField("p_relation", "p relation", FieldKind.CHOICE, choices=("=", "<")),
        FormField("p_value", "p value", FieldKind.NUMBER),
        FormField("effect_size", "Effect size", FieldKind.NUMBER),
        FormField("effect_size_type", "Effect size type", FieldKind.CHOICE, choices=("r", "smd")),
        FormField("standard_error", "Standard error", FieldKind.NUMBER),
    ),
)


@dataclass(frozen=True)
class ChartedStudy:
    """The values charted from one included report; ``study`` groups reports of one study."""

    record: str
    study: str
    reviewer: str
    values: tuple[tuple[str, str], ...]

    def get(self, field_id: str) -> str:
        """The charted value of a field ('' when blank)."""
        return dict(self.values).get(field_id, "")


def chart(
    form: ChartingForm,
    catalogue: Catalogue,
    record: str,
    study: str,
    reviewer: str,
    values: Mapping[str, str],
) -> ChartedStudy:
    """Check ``values`` against ``form`` and return the charted study."""
    for field_id in values:
        form.field(field_id)
    for field in form.fields:
        value = values.get(field.id, "").strip()
        where = f"{record}: {field.label} ({field.id})"
        if not value:
            if field.required:
                raise ChartingError(f"{where}: required")
            continue
        _check(field, value, where, catalogue)
    kept = tuple((k, v.strip()) for k, v in values.items() if v.strip())
    return ChartedStudy(record, study, reviewer, kept)


def _check(field: FormField, value: str, where: str, catalogue: Catalogue) -> None:
    if field.kind is FieldKind.INTEGER and not value.isdigit():
        raise ChartingError(f"{where}: {value!r} is not a whole number")
    if field.kind is FieldKind.NUMBER:
        try:
            number = float(value)
        except ValueError:
            raise ChartingError(f"{where}: {value!r} is not a number") from None
        if not math.isfinite(number):
            raise ChartingError(f"{where}: {value!r} is not a finite number")
    if field.kind is FieldKind.CHOICE and value not in field.choices:
        raise ChartingError(f"{where}: {value!r} is not one of {', '.join(field.choices)}")
    if field.kind is FieldKind.MEASURES:
        known = {m.id for m in catalogue.measures}
        unknown = [m for m in _split(value) if m not in known]
        if unknown:
            raise ChartingError(f"{where}: unknown catalogue measures {unknown}")


def to_study(chart: ChartedStudy, review: str, source: str) -> Study:
    """The catalogue study entry for a charted report (validated by the catalogue schema)."""
    relation, p = chart.get("p_relation"), chart.get("p_value")
    effect = chart.get("effect")
    return Study(
        id=chart.study,
        citation=chart.get("citation"),
        year=int(chart.get("year")),
        design=chart.get("design"),
        setting=chart.get("setting"),
        condition=chart.get("condition"),
        participants=int(chart.get("participants")) if chart.get("participants") else None,
        alliance_approach=chart.get("alliance_approach"),
        alliance_measures=_split(chart.get("alliance_measures")),
        outcome_measures=_split(chart.get("outcome_measures")),
        outcome=chart.get("outcome"),
        effect=Effect(effect) if effect else None,
        p_value=PValue(relation=relation, value=float(p)) if relation and p else None,
        reviews=(
            ReviewMembership(
                review=review,
                status=Inclusion.INCLUDED,
                key=chart.record,
                provenance=Provenance(verified=True, source=source),
            ),
        ),
        provenance=Provenance(verified=True, source=f"{source}, charted by {chart.reviewer}"),
    )


def meta_analysis_frame(charts: list[ChartedStudy] | tuple[ChartedStudy, ...]) -> pd.DataFrame:
    """One row per study with an effect size and its standard error, for a meta-analysis.

    Columns: study, citation, effect_size_type, yi (the effect size), sei (its standard
    error), vi (its variance). Reports without both numbers are left out. The frame is what
    ``alliance.stats.meta_analysis(frame, effect="yi", variance="vi", labels="study")`` takes;
    correlations should be charted on an additive scale (Fisher z) before pooling.
    """
    rows = [
        {
            "study": c.study,
            "citation": c.get("citation"),
            "effect_size_type": c.get("effect_size_type"),
            "yi": float(c.get("effect_size")),
            "sei": float(c.get("standard_error")),
        }
        for c in charts
        if c.get("effect_size") and c.get("standard_error")
    ]
    frame = pd.DataFrame(rows, columns=["study", "citation", "effect_size_type", "yi", "sei"])
    frame["vi"] = frame["sei"] ** 2
    return frame


def poolable_effects(charts: list[ChartedStudy] | tuple[ChartedStudy, ...]) -> PoolableEffects:
    """The ``meta_analysis_frame`` of ``charts`` once it may be pooled: two studies or more, all
    of one effect-size type; otherwise ``TooFewStudiesError`` or ``MixedEffectTypesError``."""
    frame = meta_analysis_frame(charts)
    kinds = tuple(sorted(set(frame["effect_size_type"]) - {""}))
    if len(frame) < 2:
        raise TooFewStudiesError(len(frame))
    if len(kinds) > 1:
        raise MixedEffectTypesError(kinds)
    return PoolableEffects(frame, kinds[0] if kinds else "")


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.replace(";", ",").split(",") if part.strip())
