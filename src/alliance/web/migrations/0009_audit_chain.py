"""The audit trail's hash chain, and triggers that refuse DELETE and TRUNCATE of audit events.

Each event gets ``digest`` (computed by the application, ``alliance.web.audit_chain``) and
``chain`` (computed here, in the database, as the row is inserted): sha256 over the previous
event's chain and the event's digest. A row inserted with a chain already (a restore) keeps it.
Concurrent writers cannot fork the chain: on PostgreSQL every INSERT first takes a
transaction-level advisory lock (a statement trigger, before the row's key is drawn), so keys
follow the chain's order and each row reads the row before it as committed; on SQLite writers
are serialised by the database itself. The events already stored are chained here, in key
order. The test suite's database engine lifts the removal triggers for its own flush only
(``tests/web/backends``); nothing in the application does.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from alliance.web import audit_chain
from alliance.web.models.audit import DigestField

REFUSED = "audit events are append-only"
SQLITE_UPDATE_TRIGGER = [
    "DROP TRIGGER IF EXISTS clinic_auditevent_append_only",
    # The chain's own trigger sets a new row's chain (from empty); nothing else may change one.
    f"""CREATE TRIGGER clinic_auditevent_append_only BEFORE UPDATE ON clinic_auditevent
    WHEN OLD.chain <> '' BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""",
]
SQLITE_NO_DELETE = f"""CREATE TRIGGER clinic_auditevent_no_delete BEFORE DELETE ON clinic_auditevent
    BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"""
SQLITE_CHAIN = """CREATE TRIGGER clinic_auditevent_chain AFTER INSERT ON clinic_auditevent
    WHEN NEW.chain = '' BEGIN
    UPDATE clinic_auditevent SET chain = alliance_audit_link(
        (SELECT chain FROM clinic_auditevent WHERE id < NEW.id ORDER BY id DESC LIMIT 1),
        NEW.digest)
    WHERE id = NEW.id; END"""
SQLITE = [*SQLITE_UPDATE_TRIGGER, SQLITE_NO_DELETE, SQLITE_CHAIN]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS clinic_auditevent_chain",
    "DROP TRIGGER IF EXISTS clinic_auditevent_no_delete",
    "DROP TRIGGER IF EXISTS clinic_auditevent_append_only",
    f"""CREATE TRIGGER clinic_auditevent_append_only BEFORE UPDATE ON clinic_auditevent
    BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END""",
]

POSTGRESQL_NO_DELETE = """CREATE TRIGGER clinic_auditevent_no_delete BEFORE DELETE ON
    clinic_auditevent FOR EACH STATEMENT EXECUTE FUNCTION clinic_auditevent_refuse_update()"""
POSTGRESQL_NO_TRUNCATE = """CREATE TRIGGER clinic_auditevent_no_truncate BEFORE TRUNCATE ON
    clinic_auditevent FOR EACH STATEMENT EXECUTE FUNCTION clinic_auditevent_refuse_update()"""
POSTGRESQL = [
    POSTGRESQL_NO_DELETE,
    POSTGRESQL_NO_TRUNCATE,
    """CREATE FUNCTION clinic_auditevent_lock_chain() RETURNS trigger AS $$
    BEGIN PERFORM pg_advisory_xact_lock(hashtext('clinic_auditevent.chain')); RETURN NULL; END;
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER clinic_auditevent_chain_lock BEFORE INSERT ON clinic_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION clinic_auditevent_lock_chain()""",
    # VOLATILE (the default): under READ COMMITTED the SELECT sees what committed before the
    # lock was granted.
    """CREATE FUNCTION clinic_auditevent_link() RETURNS trigger AS $$
    DECLARE previous text;
    BEGIN
        IF NEW.chain = '' THEN
            SELECT chain INTO previous FROM clinic_auditevent WHERE id < NEW.id
                ORDER BY id DESC LIMIT 1;
            NEW.chain := encode(sha256(
                decode(COALESCE(previous, repeat('0', 64)), 'hex') || decode(NEW.digest, 'hex')
            ), 'hex');
        END IF;
        RETURN NEW;
    END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER clinic_auditevent_chain BEFORE INSERT ON clinic_auditevent
    FOR EACH ROW EXECUTE FUNCTION clinic_auditevent_link()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS clinic_auditevent_chain ON clinic_auditevent",
    "DROP FUNCTION IF EXISTS clinic_auditevent_link()",
    "DROP TRIGGER IF EXISTS clinic_auditevent_chain_lock ON clinic_auditevent",
    "DROP FUNCTION IF EXISTS clinic_auditevent_lock_chain()",
    "DROP TRIGGER IF EXISTS clinic_auditevent_no_truncate ON clinic_auditevent",
    "DROP TRIGGER IF EXISTS clinic_auditevent_no_delete ON clinic_auditevent",
]
POSTGRESQL_UPDATE_TRIGGER = "clinic_auditevent_append_only"


def _chain_stored_events(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Give every event already stored its digest and chain, in key order (the UPDATE trigger
    is lifted for this, inside the migration's transaction)."""
    connection = schema_editor.connection
    event = apps.get_model("clinic", "AuditEvent")
    rows = event.objects.using(connection.alias).order_by("pk").values("pk", *audit_chain.FIELDS)
    if connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE clinic_auditevent DISABLE TRIGGER {POSTGRESQL_UPDATE_TRIGGER}"
        )
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS clinic_auditevent_append_only")
    previous = audit_chain.GENESIS
    with connection.cursor() as cursor:
        for row in rows.iterator():
            digest = audit_chain.digest(row)
            previous = audit_chain.link(previous, digest)
            cursor.execute(
                "UPDATE clinic_auditevent SET digest = %s, chain = %s WHERE id = %s",
                [digest, previous, row["pk"]],
            )
    if connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE clinic_auditevent ENABLE TRIGGER {POSTGRESQL_UPDATE_TRIGGER}"
        )


def _run(
    statements: dict[str, list[str]],
) -> Callable[[StateApps, BaseDatabaseSchemaEditor], None]:
    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("clinic", "0008_fewer_indexes_written_by_checkins")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="digest",
            field=DigestField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(_chain_stored_events, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
