"""The test suite's database engines: the server's own, whose flush (the cleanup after each
``transaction=True`` test) lifts the triggers that refuse to remove audit events, for that
flush only and inside its transaction. The application's engines have no such door; lifting a
trigger needs the right to alter the table, which could drop it anyway, and the audit chain
shows any removal (migration 0009)."""

from __future__ import annotations

import importlib
from types import ModuleType

AUDIT_TABLE = "clinic_auditevent"


def audit_chain_migration() -> ModuleType:
    """Migration 0009, which holds the triggers' SQL (its name is not an identifier)."""
    return importlib.import_module("alliance.web.migrations.0009_audit_chain")
