"""The database a clinic server uses: SQLite in the data directory, or PostgreSQL from a URL.

SQLite runs in WAL mode with ``synchronous=FULL``: a commit reported to a user has reached the
disk, and readers never block the writer. Writes take the lock at ``BEGIN`` (``IMMEDIATE``), so
two concurrent writers queue rather than fail half-way with "database is locked", and they
queue on a file lock that lets the next one in as soon as one ends (``alliance.web.sqlite``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from alliance.web.env import SettingError

SQLITE_PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
SQLITE_BUSY_SECONDS = 20
POSTGRES_SCHEMES = frozenset({"postgres", "postgresql"})
POSTGRES_OPTIONS = {"server_side_binding": True, "prepare_threshold": 5}
"""Values are bound on the server, and psycopg prepares a statement once it has run five times
on a connection: planning the check-in link lookup's joins costs PostgreSQL several times
what running it costs. Behind PgBouncer in transaction mode, give it
``max_prepared_statements`` (1.21 and later)."""
CONNECTION_SECONDS = 60
"""Each server thread keeps its connection this long: opening one per request costs more
than a check-in's own work (and closing SQLite's last connection checkpoints its log)."""


def sqlite_database(path: Path) -> dict[str, Any]:
    """Django's settings for a SQLite file at ``path``."""
    return {
        "ENGINE": "alliance.web.sqlite",
        "NAME": str(path),
        "OPTIONS": {
            "init_command": SQLITE_PRAGMAS,
            "transaction_mode": "IMMEDIATE",
            "timeout": SQLITE_BUSY_SECONDS,
        },
        "CONN_MAX_AGE": CONNECTION_SECONDS,
        "TEST": {"NAME": None},
    }


def database_from_url(url: str) -> dict[str, Any]:
    """Django's settings for ``postgres://user:password@host:port/name?sslmode=…`` or
    ``sqlite:///absolute/path.sqlite3``; anything else is refused."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        if not parts.path or parts.path == "/":
            raise SettingError("ALLIANCE_DATABASE_URL: a sqlite URL needs a file path")
        return sqlite_database(Path(unquote(parts.path)))
    if parts.scheme not in POSTGRES_SCHEMES:
        raise SettingError(
            f"ALLIANCE_DATABASE_URL: scheme {parts.scheme!r} is not supported "
            "(use postgres:// or sqlite:///)"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise SettingError("ALLIANCE_DATABASE_URL: the URL names no database")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": {**dict(parse_qsl(parts.query)), **POSTGRES_OPTIONS},
        "CONN_MAX_AGE": CONNECTION_SECONDS,
        "CONN_HEALTH_CHECKS": True,
    }
