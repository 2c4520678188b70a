"""PostgreSQL disables the triggers that refuse TRUNCATE and DELETE around the flush's
TRUNCATE, in its transaction."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.management.color import Style
from django.db.backends.postgresql import base, operations

from tests.web.backends import AUDIT_TABLE

REMOVAL_TRIGGERS = ("clinic_auditevent_no_delete", "clinic_auditevent_no_truncate")


class DatabaseOperations(operations.DatabaseOperations):
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
        return [
            *[f"ALTER TABLE {AUDIT_TABLE} DISABLE TRIGGER {name}" for name in REMOVAL_TRIGGERS],
            *statements,
            *[f"ALTER TABLE {AUDIT_TABLE} ENABLE TRIGGER {name}" for name in REMOVAL_TRIGGERS],
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
