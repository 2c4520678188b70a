"""Pages of a list answer: django-ninja's limit and offset, bounded so the database can hold them.

Unbounded, a limit or offset past the 64-bit integer range reached the database and failed
there (a server error on SQLite and PostgreSQL alike); each is now at most half that range, so
their sum still fits, and anything beyond answers 422.
"""

from __future__ import annotations

from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import LimitOffsetPagination

LARGEST = 2**62
"""The largest limit or offset: half of the largest signed 64-bit integer."""


class Pages(LimitOffsetPagination):
    """Limit and offset pagination with both numbers bounded."""

    class Input(Schema):
        limit: int = Field(settings.PAGINATION_PER_PAGE, ge=1, le=LARGEST)
        offset: int = Field(0, ge=0, le=LARGEST)
