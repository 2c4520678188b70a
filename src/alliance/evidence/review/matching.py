"""Deciding whether two records are the same article, from normalised identifiers and text.

The rules, strongest first:

1. Both have a DOI: the same DOI is a duplicate, different DOIs are different articles.
2. Both have a PubMed id: likewise.
3. Otherwise the normalised titles must be near-identical (similarity >= ``TITLE_THRESHOLD``)
   and nothing known may disagree: the first author's surname (allowing for compound names
   and transliteration), the start page, the year (one year apart is allowed, for online-first
   versus print, only when the titles are all but identical). A start page of 1 is not
   compared: online-only journals number each article's pages from 1.
4. A title cut at its colon (some indexes drop subtitles) matches the full title when the first
   author, the year and the start page all agree.
   A title that announces an erratum, a comment, a reply or a protocol never matches a title
   that does not.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property

from alliance.evidence.review.records import Record

TITLE_THRESHOLD = 0.93
ONLINE_FIRST_THRESHOLD = 0.98
SURNAME_THRESHOLD = 0.8
MARKERS = (
    "erratum",
    "correction",
    "corrigendum",
    "retraction",
    "retracted",
    "comment on",
    "commentary on",
    "response to",
    "reply to",
    "letter to",
    "protocol",
)
STOPWORDS = {"the", "a", "an", "of", "in", "and", "for", "with", "on", "to", "at", "by"}


def normalise_doi(doi: str) -> str:
    """Lower-case the DOI and strip link prefixes and trailing punctuation."""
    text = doi.strip().casefold()
    text = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", text)
    # PubMed keeps some DOIs with a doubled slash after the prefix ("10.1037//0022-...").
    text = re.sub(r"^(10\.\d+)/+", r"\1/", text)
    return text.rstrip(".,;")


def normalise_text(text: str) -> str:
    """Fold accents and case, drop markup and punctuation, collapse spaces."""
    text = re.sub(r"<[^>]+>", " ", text)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded.casefold()).split())


def surname(author: str) -> str:
    """The surname in "Ferreira, Paulo H", "Ferreira PH", "Ferreira P.H." or "Paulo Ferreira"."""
    if "," in author:
        return normalise_text(author.split(",")[0]).replace(" ", "")
    parts = author.replace(".", ". ").split()
    if len(parts) > 1 and all(_is_initials(p) for p in parts[1:]):
        return normalise_text(parts[0]).replace(" ", "")
    return normalise_text(parts[-1]).replace(" ", "") if parts else ""


def start_page(pages: str) -> str:
    """The first page, as written ("470-8" -> "470", "e1234" -> "e1234")."""
    match = re.match(r"\s*([A-Za-z]*\d+)", pages)
    return match.group(1).casefold() if match else ""


@dataclass(frozen=True)
class Keys:
    """The normalised parts of a record that matching compares."""

    record: Record

    @cached_property
    def doi(self) -> str:
        return normalise_doi(self.record.doi)

    @cached_property
    def title(self) -> str:
        return normalise_text(self.record.title)

    @cached_property
    def first_author(self) -> str:
        return surname(self.record.authors[0]) if self.record.authors else ""

    @cached_property
    def page(self) -> str:
        return start_page(self.record.pages)

    @cached_property
    def marker(self) -> str:
        return next((m for m in MARKERS if m in self.title), "")

    def blocks(self) -> list[tuple[str, str]]:
        """Keys under which this record is compared with others (cheap candidate search)."""
        words = [w for w in self.title.split() if w not in STOPWORDS]
        keys = [("head", " ".join(words[:3])), ("tail", " ".join(words[-3:]))]
        if self.doi:
            keys.append(("doi", self.doi))
        if self.record.pmid:
            keys.append(("pmid", self.record.pmid))
        if self.first_author and self.record.year is not None:
            keys.append(("author-year", f"{self.first_author} {self.record.year}"))
        return keys


def match(a: Keys, b: Keys) -> str | None:
    """Why ``a`` and ``b`` are the same article ("doi", "pmid", "title"), or None."""
    if a.doi and b.doi:
        return "doi" if a.doi == b.doi else None
    pa, pb = a.record.pmid, b.record.pmid
    if pa and pb:
        return "pmid" if pa == pb else None
    if a.marker != b.marker:
        return None
    if not same_surname(a.first_author, b.first_author):
        return None
    if title_similarity(a.title, b.title) < TITLE_THRESHOLD:
        return "title" if _subtitle_dropped(a, b) else None
    if a.page and b.page and a.page != b.page and "1" not in (a.page, b.page):
        return None
    ya, yb = a.record.year, b.record.year
    years_differ = ya is not None and yb is not None and ya != yb
    if years_differ and (
        abs((ya or 0) - (yb or 0)) > 1
        or title_similarity(a.title, b.title) < ONLINE_FIRST_THRESHOLD
    ):
        return None
    return "title"


def same_surname(a: str, b: str) -> bool:
    """Whether two normalised surnames can name one person (or either is unknown).

    Compound surnames are cut differently by databases ("taccolinimanzoni" / "manzoni") and
    umlauts are folded or spelt out ("fluckiger" / "flueckiger").
    """
    if not a or not b or a == b:
        return True
    if len(a) >= 4 and len(b) >= 4 and (a in b or b in a):
        return True
    return SequenceMatcher(None, a, b).ratio() >= SURNAME_THRESHOLD


def _subtitle_dropped(a: Keys, b: Keys) -> bool:
    """One title is the other cut at its colon, and year and start page both agree."""
    short, long = sorted((a, b), key=lambda k: len(k.record.title))
    head = normalise_text(long.record.title.split(":")[0])
    return (
        ":" in long.record.title
        and short.title == head
        and bool(short.page)
        and short.page == long.page
        and short.record.year is not None
        and short.record.year == long.record.year
    )


def title_similarity(a: str, b: str) -> float:
    """Similarity of two normalised titles in [0, 1] (1 = identical)."""
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _is_initials(part: str) -> bool:
    letters = part.replace(".", "").replace("-", "")
    return 0 < len(letters) <= 3 and letters.isalpha() and letters.isupper()
