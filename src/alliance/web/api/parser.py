"""Reading JSON request bodies, refusing any text a database cannot store: text holding a NUL
character or a lone surrogate.

PostgreSQL's text columns cannot store NUL (SQLite can), so such a name, reason or username
used to reach the database and fail there as a server error; Django's forms refuse it the same
way (``ProhibitNullCharactersValidator``). JSON may also escape half of a surrogate pair
(``"\\ud800"``): that is not text at all, and it failed as a server error wherever it went
(scoring an answer, storing a name). The API now answers 400 before any work is done.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.http import HttpRequest
from ninja.parser import Parser


class JsonWithoutNul(Parser):
    """The default JSON parser, refusing a body with NUL or a lone surrogate in any key or
    string value."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        """The parsed body; ``ValueError`` (a 400 answer) if any text in it cannot be stored."""
        data = json.loads(request.body)
        if holds_unstorable_text(data):
            raise ValueError("the body holds a NUL character or a lone surrogate")
        return cast(dict[str, Any], data)


def holds_unstorable_text(value: object) -> bool:
    """Whether any string in a parsed JSON value, keys included, contains NUL or a lone
    surrogate (a string UTF-8 cannot encode)."""
    if isinstance(value, str):
        return "\x00" in value or not is_text(value)
    if isinstance(value, dict):
        return any(holds_unstorable_text(k) or holds_unstorable_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_unstorable_text(item) for item in value)
    return False


def is_text(value: str) -> bool:
    """Whether ``value`` is text UTF-8 can encode (no lone surrogate)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
