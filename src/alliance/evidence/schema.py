"""The schema of the literature catalogue: what each kind of entry holds, as data.

The catalogue lives in YAML files under ``catalogue/``; these models validate every file when it
is loaded, so a misspelt kind or a dangling reference fails at load time naming the file and
the field. Every fact carries its provenance, and ``verified`` says whether it was checked
against the primary publication rather than a secondary account of it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from alliance.instruments.definition import Frozen, Provenance

ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class Kind(StrEnum):
    """How the scoping review classed a conceptualisation of the alliance."""

    MODEL = "model"
    FRAMEWORK = "framework"
    THEORY = "theory"
    UNCLASSIFIED = "unclassified"


class Appearance(StrEnum):
    """Where a conceptualisation appears in the review that names it.

    ``review_list``: in the review's tally of models, frameworks and theories;
    ``table_only``: named in a results table but absent from the tally as we have it;
    ``background``: discussed as the reference model, not tallied.
    """

    REVIEW_LIST = "review_list"
    TABLE_ONLY = "table_only"
    BACKGROUND = "background"


class Conceptualisation(Frozen):
    """A model, framework or theory used to think about the alliance."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=3)
    aliases: tuple[str, ...] = ()
    kind: Kind
    appears_in: Appearance
    field: str = Field(min_length=3, description="The discipline the idea comes from.")
    summary: str = Field(min_length=10, description="One sentence in our own words.")
    constructs: tuple[str, ...] = Field(description="Key constructs, in our own words.")
    listing: Provenance = Field(description="Where the name comes from.")
    kind_provenance: Provenance
    constructs_provenance: Provenance

    @model_validator(mode="after")
    def _classified_when_tallied(self) -> Self:
        if self.appears_in is Appearance.REVIEW_LIST and self.kind is Kind.UNCLASSIFIED:
            raise ValueError("an entry in the review's tally must have a kind")
        return self


class MeasureRole(StrEnum):
    ALLIANCE = "alliance"
    OUTCOME = "outcome"
    INFLUENCE = "influence"


class Measure(Frozen):
    """A measure used in alliance studies, linked to our scoring definition when we have one."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=3)
    abbreviation: str = Field(min_length=2)
    role: MeasureRole
    measures: str = Field(min_length=3, description="What it measures, in our own words.")
    respondent: str = Field(min_length=3)
    instrument: str | None = Field(
        default=None, description="Id in alliance.instruments when we score it."
    )
    provenance: Provenance


class Component(StrEnum):
    """The parts of the alliance a definition can name."""

    GOALS = "goals"
    TASKS = "tasks"
    BOND = "bond"
    TRUST = "trust"
    COMMUNICATION = "communication"
    WARMTH = "warmth"
    EMPATHY = "empathy"
    COLLABORATION = "collaboration"
    RESPECT = "respect"
    SUPPORT = "support"
    SHARED_UNDERSTANDING = "shared_understanding"
    POSITIVE_REGARD = "positive_regard"
    THERAPIST_SKILL = "therapist_skill"
    RESPONSIVENESS = "responsiveness"


class AllianceDefinition(Frozen):
    """One way the alliance is defined, the components it names and how many studies use it."""

    id: str = Field(pattern=ID_PATTERN)
    statement: str = Field(min_length=10, description="The definition in our own words.")
    components: tuple[Component, ...] = Field(min_length=1)
    review: str = Field(pattern=ID_PATTERN, description="The review that reports it.")
    studies: int | None = Field(
        default=None,
        ge=0,
        description="How many of the review's studies use it; None for the review's own.",
    )
    provenance: Provenance


class Direction(StrEnum):
    STRENGTHENS = "strengthens"
    WEAKENS = "weakens"


class Factor(Frozen):
    """Something reported to strengthen or weaken the alliance."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=3)
    direction: Direction
    description: str = Field(min_length=10)
    studies: tuple[str, ...] = ()
    provenance: Provenance


class Effect(StrEnum):
    BENEFIT = "benefit"
    LIMITED_BENEFIT = "limited_benefit"
    NO_EFFECT = "no_effect"
    HARM = "harm"


class PValue(Frozen):
    """A reported p value as printed: the relation (= or <) and the number."""

    relation: str = Field(pattern=r"^(=|<)$")
    value: float = Field(gt=0, le=1)

    def text(self) -> str:
        """The p value as a report prints it, e.g. ``p < 0.01``."""
        return f"p {self.relation} {self.value:g}"


class Inclusion(StrEnum):
    INCLUDED = "included"
    CANDIDATE = "candidate"


class ReviewMembership(Frozen):
    """That a study belongs to a review, its key there and how sure we are."""

    review: str = Field(pattern=ID_PATTERN)
    status: Inclusion
    key: str = ""
    provenance: Provenance


class Study(Frozen):
    """An empirical study or article in the alliance literature, as charted."""

    id: str = Field(pattern=ID_PATTERN)
    citation: str = Field(min_length=10)
    year: int = Field(ge=1900, le=2100)
    doi: str = ""
    pmid: str = Field(default="", pattern=r"^([0-9]+)?$")
    design: str = ""
    setting: str = ""
    condition: str = ""
    participants: int | None = Field(default=None, ge=1)
    alliance_approach: str = ""
    alliance_measures: tuple[str, ...] = ()
    outcome_measures: tuple[str, ...] = ()
    outcome: str = ""
    effect: Effect | None = None
    p_value: PValue | None = None
    conceptualisations: tuple[str, ...] = ()
    reviews: tuple[ReviewMembership, ...] = Field(min_length=1)
    provenance: Provenance


class ReportedFigure(Frozen):
    """A number a review reports about its own articles (kept as printed, never recomputed)."""

    dimension: str = Field(min_length=3)
    category: str = Field(min_length=2)
    percent: float | None = Field(default=None, ge=0, le=100)
    count: int | None = Field(default=None, ge=0)
    provenance: Provenance


class Review(Frozen):
    """A review of the alliance literature that the catalogue draws on."""

    id: str = Field(pattern=ID_PATTERN)
    citation: str = Field(min_length=10)
    kind: str = Field(pattern=r"^(scoping|systematic)$")
    doi: str = ""
    pmid: str = Field(default="", pattern=r"^([0-9]+)?$")
    databases: tuple[str, ...] = Field(min_length=1)
    searched_to: str = ""
    records_screened: int | None = Field(default=None, ge=0)
    included: tuple[ReportedFigure, ...] = Field(
        min_length=1, description="Included-article counts; conflicting versions kept side by side."
    )
    tallies: tuple[ReportedFigure, ...] = ()
    figures: tuple[ReportedFigure, ...] = ()


class ThemeCode(Frozen):
    """One code of a review's table of alliance themes, with its count and printed percent."""

    code: str = Field(min_length=3)
    studies: int = Field(ge=0)
    printed_percent: float = Field(ge=0, le=100)
    new_descriptor: bool = False


class Theme(Frozen):
    """A core theme of the alliance and its codes, as a review tabulated them."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=3)
    aliases: tuple[str, ...] = ()
    review: str = Field(pattern=ID_PATTERN)
    codes: tuple[ThemeCode, ...] = Field(min_length=1)
    provenance: Provenance
