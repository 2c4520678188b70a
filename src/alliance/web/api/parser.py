"""Reading JSON request bodies, refusing any text that holds a NUL character.

PostgreSQL's text columns cannot store NUL (SQLite can), so such a name, reason or username
used to reach the database and fail there as a server error; Django's forms refuse it the same
way (``ProhibitNullCharactersValidator``). The API now answers 400 before any work is done.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.http import HttpRequest
from ninja.parser import Parser


class JsonWithoutNul(Parser):
    """The default JSON parser, refusing a body with NUL in any key or string value."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        """The parsed body; ``ValueError`` (a 400 answer) if any text in it holds NUL."""
        data = json.loads(request.body)
        if holds_nul(data):
            raise ValueError("the body holds a NUL character")
        return cast(dict[str, Any], data)


def holds_nul(value: object) -> bool:
    """Whether any string in a parsed JSON value, keys included, contains NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_nul(item) for item in value)
    return False
