"""SQLite drops the trigger that refuses DELETE, empties the tables, and creates it again."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.management.color import Style

# isort: off
from alliance.web.sqlite import base  # first: Django's sqlite3 operations import its base
from django.db.backends.sqlite3.operations import DatabaseOperations as SQLiteOperations

# isort: on
from tests.web.backends import AUDIT_TABLE, audit_chain_migration


class DatabaseOperations(SQLiteOperations):
    def sql_flush(
        self,
        style: Style,
        tables: Sequence[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        statements = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if AUDIT_TABLE not in tables:
            return statements
        migration = audit_chain_migration()
        return [
            "DROP TRIGGER IF EXISTS clinic_auditevent_no_delete",
            *statements,
            migration.SQLITE_NO_DELETE,
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
