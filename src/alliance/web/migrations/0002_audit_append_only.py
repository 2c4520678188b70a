"""A database trigger that refuses any UPDATE of an audit event, whoever sends it.

Deletes are refused by the application (``AuditEvent.delete`` and its queryset); they are not
blocked in the database so that the test suite can still empty its tables between tests.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SQLITE = [
    """CREATE TRIGGER clinic_auditevent_append_only BEFORE UPDATE ON clinic_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS clinic_auditevent_append_only"]
POSTGRESQL = [
    """CREATE FUNCTION clinic_auditevent_refuse_update() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER clinic_auditevent_append_only BEFORE UPDATE ON clinic_auditevent
    FOR EACH ROW EXECUTE FUNCTION clinic_auditevent_refuse_update()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS clinic_auditevent_append_only ON clinic_auditevent",
    "DROP FUNCTION IF EXISTS clinic_auditevent_refuse_update()",
]


def _run(
    statements: dict[str, list[str]],
) -> Callable[[StateApps, BaseDatabaseSchemaEditor], None]:
    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
