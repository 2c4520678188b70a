"""The schema of an instrument definition: what a questionnaire is, as data.

Definitions live in YAML files under ``definitions/``; they are validated against these
models when loaded, so a wrong item id or an impossible range fails loudly at load time
rather than producing a wrong score later.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

ITEM_ID_PATTERN = r"^q[1-9][0-9]*$"
SCALE_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
INSTRUMENT_ID_PATTERN = r"^[a-z][a-z0-9_]{0,99}$"
"""At most 100 characters: an id names its definition file, and a file name has a limit."""


class Frozen(BaseModel):
    """Base for every definition part: immutable and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Provenance(Frozen):
    """Where a fact comes from and whether it was checked against a published source."""

    verified: bool
    source: str = Field(min_length=3)
    note: str = ""


class Respondent(StrEnum):
    PATIENT = "patient"
    THERAPIST = "therapist"
    OBSERVER = "observer"


class LicenceStatus(StrEnum):
    FREE = "free"
    FREE_NON_COMMERCIAL = "free_non_commercial"
    PERMISSION_REQUIRED = "permission_required"
    COMMERCIAL = "commercial"
    UNKNOWN = "unknown"
    PROJECT = "project"


class Licence(Frozen):
    status: LicenceStatus
    holder: str = ""
    provenance: Provenance


class Code(Frozen):
    system: str
    code: str
    display: str
    provenance: Provenance


class ResponseScale(Frozen):
    """The answers an item accepts: numbers from ``min`` to ``max`` in steps of ``step``."""

    min: float
    max: float
    step: float = Field(default=1.0, gt=0)
    anchors: dict[float, str] = Field(default_factory=dict)
    does_not_apply: bool = False
    provenance: Provenance

    @model_validator(mode="after")
    def _check_bounds(self) -> Self:
        if self.max <= self.min:
            raise ValueError(f"max ({self.max}) must be greater than min ({self.min})")
        steps = (self.max - self.min) / self.step
        if not math.isclose(steps, round(steps), abs_tol=1e-9):
            raise ValueError("max - min must be a whole number of steps")
        for value in self.anchors:
            if not self.min <= value <= self.max:
                raise ValueError(f"anchor {value} lies outside {self.min}..{self.max}")
        return self

    @property
    def steps(self) -> int:
        """How many steps separate ``min`` from ``max``."""
        return round((self.max - self.min) / self.step)

    @property
    def is_discrete(self) -> bool:
        """True when the scale has a short list of options (at most 21) rather than a line."""
        return (self.max - self.min) / self.step <= 20

    def options_text(self) -> str:
        """The answers of a discrete scale as written, in order: "0, 1, 2"."""
        return ", ".join(format_number(self.min + k * self.step) for k in range(self.steps + 1))

    def allowed_text(self) -> str:
        """Describe the allowed answers for an error message."""
        if self.is_discrete:
            text = self.options_text()
        else:
            text = f"{format_number(self.min)} to {format_number(self.max)}"
            if self.step != 1:
                text += f" in steps of {format_number(self.step)}"
        text += ", blank (missing)"
        if self.does_not_apply:
            text += " or NA (does not apply)"
        return text


class Item(Frozen):
    id: str = Field(pattern=ITEM_ID_PATTERN)
    label: str = Field(min_length=2, max_length=60)
    text: str | None = None
    reverse: bool = False
    response: ResponseScale | None = None
    recode: dict[float, float] | None = None


class MissingRule(Frozen):
    """How many answers a scale may lack, and what a "does not apply" answer means.

    A scale whose method allows missing answers scores from the mean of the answered items
    (prorating), which is the rule every instrument here that allows missing answers uses.
    """

    max_missing: int = Field(ge=0)
    does_not_apply: Literal["missing", "zero"] = "missing"
    provenance: Provenance


class Method(StrEnum):
    SUM = "sum"
    MEAN = "mean"
    FORMULA = "formula"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    HIGHER_IS_WORSE = "higher_is_worse"


class Band(Frozen):
    """A labelled band: scores above the previous band's ``max`` and at most this ``max``."""

    label: str
    max: float


class Cutoff(Frozen):
    label: str
    op: Literal["<", "<=", ">", ">="]
    value: float
    provenance: Provenance


class Statistic(Frozen):
    value: float = Field(gt=0)
    provenance: Provenance


class Reliability(Frozen):
    value: float = Field(gt=0, lt=1)
    kind: Literal["icc", "alpha", "kappa", "kr20", "pearson"]
    provenance: Provenance


class Interpretation(Frozen):
    bands: list[Band] = Field(default_factory=list)
    bands_provenance: Provenance | None = None
    cutoffs: list[Cutoff] = Field(default_factory=list)
    sd: Statistic | None = None
    sem: Statistic | None = None
    reliability: Reliability | None = None
    mdc: Statistic | None = None
    mcid: Statistic | None = None

    @model_validator(mode="after")
    def _check_bands(self) -> Self:
        maxima = [band.max for band in self.bands]
        if maxima != sorted(set(maxima)):
            raise ValueError("band maxima must rise strictly")
        if self.bands and self.bands_provenance is None:
            raise ValueError("bands need bands_provenance")
        return self


class Scale(Frozen):
    id: str = Field(pattern=SCALE_ID_PATTERN)
    name: str
    items: list[str] = Field(min_length=1)
    method: Method
    formula: str | None = None
    range: tuple[float, float]
    direction: Direction
    optional: bool = False
    missing: MissingRule
    interpretation: Interpretation = Field(default_factory=Interpretation)
    provenance: Provenance

    @model_validator(mode="after")
    def _check_formula(self) -> Self:
        if (self.method is Method.FORMULA) != (self.formula is not None):
            raise ValueError("a formula is named exactly when method is 'formula'")
        if len(set(self.items)) != len(self.items):
            raise ValueError("an item is listed twice")
        if self.missing.max_missing >= len(self.items):
            raise ValueError("max_missing must leave at least one answered item")
        return self


class Condition(Frozen):
    scale: str
    op: Literal["<", "<=", ">", ">="]
    value: float


class ClassRule(Frozen):
    """One row of a classification: the first rule whose conditions all hold gives the label."""

    label: str
    when: list[Condition] = Field(default_factory=list)


class Classification(Frozen):
    name: str
    rules: list[ClassRule] = Field(min_length=1)
    provenance: Provenance


class Citation(Frozen):
    text: str
    doi: str = ""
    provenance: Provenance


class Definition(Frozen):
    """A complete instrument: identity, items, scales and how to read the scores."""

    id: str = Field(pattern=INSTRUMENT_ID_PATTERN)
    name: str
    abbreviation: str
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    description: str
    citation: Citation
    respondent: Respondent
    validated: bool
    licence: Licence
    codes: list[Code] = Field(default_factory=list)
    response: ResponseScale
    items: list[Item] = Field(min_length=1)
    scales: list[Scale] = Field(min_length=1)
    classification: Classification | None = None
    weights: Literal["none", "optional"] = "none"

    @model_validator(mode="after")
    def _check_references(self) -> Self:
        item_ids = [item.id for item in self.items]
        expected = [f"q{n}" for n in range(1, len(item_ids) + 1)]
        if item_ids != expected:
            raise ValueError(f"items must be numbered q1..q{len(item_ids)} in order")
        scale_ids = [scale.id for scale in self.scales]
        if len(set(scale_ids)) != len(scale_ids):
            raise ValueError("two scales share an id")
        if "total" not in scale_ids:
            raise ValueError("the overall score must be a scale with id 'total'")
        known = set(item_ids)
        for scale in self.scales:
            unknown = [item for item in scale.items if item not in known]
            if unknown:
                raise ValueError(f"scale {scale.id!r} names unknown items {unknown}")
        if self.classification is not None:
            for rule in self.classification.rules:
                for condition in rule.when:
                    if condition.scale not in scale_ids:
                        raise ValueError(f"classification names unknown scale {condition.scale!r}")
        return self

    def item(self, item_id: str) -> Item:
        """Return the item with this id."""
        return self.items[int(item_id[1:]) - 1]

    def scale(self, scale_id: str) -> Scale:
        """Return the scale with this id, or raise KeyError naming the known ones."""
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        known = ", ".join(s.id for s in self.scales)
        raise KeyError(f"{self.id} has no scale {scale_id!r} (scales: {known})")

    def response_for(self, item_id: str) -> ResponseScale:
        """The response scale of one item: its own, or the instrument's."""
        return self.item(item_id).response or self.response

    @property
    def verified(self) -> bool:
        """True when every fact the scores depend on is marked verified."""
        return all(fact.verified for fact in self.scoring_facts())

    def scoring_facts(self) -> list[Provenance]:
        """The provenance of every fact that changes a score."""
        facts = [self.response.provenance]
        facts += [item.response.provenance for item in self.items if item.response]
        for scale in self.scales:
            facts += [scale.provenance, scale.missing.provenance]
        if self.classification is not None:
            facts.append(self.classification.provenance)
        return facts


def format_number(value: float) -> str:
    """A number as an answer is written: 3, not 3.0; 0.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
