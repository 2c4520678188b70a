"""Instrument text in the page's language: names, topic labels, our own item text and anchors.

The definitions hold English; their French lives in its own gettext catalogue
(``locale/<language>/LC_MESSAGES/instruments.po``), apart from the pages' catalogue because
these strings come from data files, not from code. Licensed wording is never translated
here: a clinic installs it in the language it holds a licence for.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

from django.utils.translation import get_language

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "instruments"


@lru_cache(maxsize=8)
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def instrument_text(text: str) -> str:
    """``text`` from an instrument definition, in the active language when translated."""
    language = (get_language() or "en").split("-")[0]
    if language == "en" or not text:
        return text
    return _catalogue(language).gettext(text)
