"""Questions asked of the catalogue: by kind, construct, measure and condition, and summaries.

Every count and percentage here is computed from the catalogue's entries; none is typed in.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from alliance.evidence.catalogue import Catalogue
from alliance.evidence.schema import (
    AllianceDefinition,
    Appearance,
    Component,
    Conceptualisation,
    Kind,
    Study,
)
from alliance.evidence.tally import Tally, tally


def by_kind(catalogue: Catalogue, kind: Kind | str) -> list[Conceptualisation]:
    """The models, frameworks or theories (or unclassified names) of one kind."""
    wanted = Kind(kind)
    return [c for c in catalogue.conceptualisations if c.kind is wanted]


def by_construct(catalogue: Catalogue, term: str) -> list[Conceptualisation]:
    """Conceptualisations whose name, aliases or key constructs mention ``term``."""
    needle = term.casefold()
    return [
        c
        for c in catalogue.conceptualisations
        if any(needle in text.casefold() for text in (c.name, *c.aliases, *c.constructs))
    ]


def definitions_naming(
    catalogue: Catalogue, component: Component | str
) -> list[AllianceDefinition]:
    """The definitions of the alliance that name ``component`` (goals, trust, empathy ...)."""
    wanted = Component(component)
    return [d for d in catalogue.definitions if wanted in d.components]


def by_measure(catalogue: Catalogue, measure_id: str) -> list[Study]:
    """The studies that used a measure, as an alliance or an outcome measure."""
    catalogue.measure(measure_id)
    return [
        s
        for s in catalogue.studies
        if measure_id in s.alliance_measures or measure_id in s.outcome_measures
    ]


def by_condition(catalogue: Catalogue, condition: str) -> list[Study]:
    """The studies whose condition mentions ``condition`` (e.g. "low back pain")."""
    needle = condition.casefold()
    return [s for s in catalogue.studies if needle in s.condition.casefold()]


def kind_counts(catalogue: Catalogue) -> Tally:
    """Models, frameworks and theories in the scoping review's tally, with their shares."""
    tallied = [c for c in catalogue.conceptualisations if c.appears_in is Appearance.REVIEW_LIST]
    counts = Counter(c.kind.value for c in tallied)
    return tally("Conceptualisations by kind", dict(counts), len(tallied))


def field_counts(catalogue: Catalogue) -> Tally:
    """The fields the tallied models, frameworks and theories come from."""
    tallied = [c for c in catalogue.conceptualisations if c.appears_in is Appearance.REVIEW_LIST]
    counts = Counter(c.field for c in tallied)
    return tally("Conceptualisations by field of origin", dict(counts), len(tallied))


def component_counts(catalogue: Catalogue, review: str) -> Tally:
    """How many of a review's studies use a definition naming each component.

    Each definition counts once per study that uses it; a definition names several
    components, so the shares add to more than 100.
    """
    catalogue.review(review)
    used = [d for d in catalogue.definitions if d.review == review and d.studies is not None]
    counts: Counter[str] = Counter()
    for definition in used:
        for component in definition.components:
            counts[component.value] += definition.studies or 0
    total = sum(d.studies or 0 for d in used)
    return tally(
        f"Alliance components named by the definitions in {review}", counts, total, "studies"
    )


def measure_counts(catalogue: Catalogue) -> Tally:
    """How many catalogued studies used each measure (alliance and outcome measures)."""
    counts: Counter[str] = Counter()
    for study in catalogue.studies:
        for measure_id in {*study.alliance_measures, *study.outcome_measures}:
            counts[catalogue.measure(measure_id).abbreviation] += 1
    return tally(
        "Measures used by the catalogued studies", dict(counts), len(catalogue.studies), "studies"
    )


def condition_counts(catalogue: Catalogue) -> Tally:
    """Catalogued studies by condition, leaving out studies whose condition we do not hold."""
    known = [s for s in catalogue.studies if s.condition]
    counts = Counter(s.condition for s in known)
    return tally("Studies by condition", dict(counts), len(known), "studies")


def review_study_counts(catalogue: Catalogue, review: str) -> Tally:
    """A review's catalogued studies by membership status (included, candidate)."""
    catalogue.review(review)
    statuses = [m.status.value for s in catalogue.studies for m in s.reviews if m.review == review]
    return tally(
        f"Catalogued studies of {review}", dict(Counter(statuses)), len(statuses), "studies"
    )


@dataclass(frozen=True)
class ThemeTable:
    """A review's table of alliance themes, with percentages recomputed from the counts."""

    review: str
    articles: int
    frame: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """theme, code, n, printed_percent, computed_percent, mismatch, new_descriptor."""
        return self.frame.copy()

    def mismatches(self) -> pd.DataFrame:
        """The rows whose printed percent is neither n / articles rounded nor truncated."""
        return self.frame[self.frame["mismatch"]].reset_index(drop=True)

    def summary(self) -> str:
        """The table as text, marking printed percents that disagree with n / articles."""
        lines = [f"Core themes in {self.review} (n of {self.articles} articles)"]
        for theme, rows in self.frame.groupby("theme", sort=False):
            lines.append(f"{theme}")
            for row in rows.itertuples():
                flag = "  <- printed % differs" if row.mismatch else ""
                lines.append(
                    f"  {row.code:<40} {row.n:>3}  printed {row.printed_percent:>5.1f}%"
                    f"  computed {row.computed_percent:>5.1f}%{flag}"
                )
        return "\n".join(lines)


def theme_table(catalogue: Catalogue, review: str) -> ThemeTable:
    """A review's theme table with n / articles beside each printed percent."""
    articles = _included_articles(catalogue, review)
    rows = [
        {
            "theme": theme.name,
            "code": code.code,
            "n": code.studies,
            "printed_percent": code.printed_percent,
            "computed_percent": round(100.0 * code.studies / articles, 1),
            "new_descriptor": code.new_descriptor,
        }
        for theme in catalogue.themes
        if theme.review == review
        for code in theme.codes
    ]
    frame = pd.DataFrame(rows)
    exact = 100.0 * frame["n"] / articles
    # A printed percent within 0.1 of n / articles is that value rounded or truncated.
    frame["mismatch"] = (frame["printed_percent"] - exact).abs() >= 0.1
    return ThemeTable(review, articles, frame)


def _included_articles(catalogue: Catalogue, review: str) -> int:
    counts = [f.count for f in catalogue.review(review).included if f.count is not None]
    if len(set(counts)) != 1:
        raise ValueError(f"{review} reports conflicting included counts {counts}")
    return counts[0]
