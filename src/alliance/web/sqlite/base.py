"""Django's SQLite backend, with write transactions queued on a file lock.

Django starts each transaction with ``BEGIN IMMEDIATE`` (see ``database``), so a second
writer waits for the first. SQLite's own wait polls: the waiter sleeps 1, 2, 5, 10… ms
between tries, and the database sits idle while writers sleep. Here each connection first
takes an exclusive ``flock`` on a file beside the database, which the kernel hands to the next
writer the moment the last one commits or rolls back (or its process dies). An in-memory
database (the tests') has one process and no file to lock.

The log is copied into the database file (a passive checkpoint) by each connection every
``CHECKPOINT_COMMITS`` of its commits, after its turn has ended. SQLite's own checkpoint (after
the commit that brings the log to 1,000 pages) runs inside that commit, so the writer held
the queue while it copied pages and every other writer waited (a check-in writes nine pages:
in the load bench, checkpointing out of the turn took check-ins from 41-43% to 47% of the
minimal view's throughput).
"""

from __future__ import annotations

import fcntl
import logging
import sqlite3
from typing import IO, Any

from django.db.backends.sqlite3 import base

from alliance.web import audit_chain

CHECKPOINT_COMMITS = 100
"""A connection's commits between its checkpoints (with four server workers, one about every
25 commits: a few hundred pages of log at a time)."""
logger = logging.getLogger(__name__)


class DatabaseWrapper(base.DatabaseWrapper):
    """A SQLite connection whose write transactions take turns in the order they ask.

    (The type stubs do not declare the backend's private hooks overridden here.)"""

    _queue: IO[bytes] | None = None
    _in_turn = False
    _commits = 0

    def get_new_connection(self, conn_params: dict[str, Any]) -> sqlite3.Connection:
        """Django's connection, with SQLite's own checkpoints off (see the module docstring;
        a write outside a transaction is not counted, and the next checkpoint copies it), and
        the audit chain's link function, which its trigger calls (migration 0009)."""
        connection: sqlite3.Connection = super().get_new_connection(conn_params)
        connection.create_function("alliance_audit_link", 2, audit_chain.link, deterministic=True)
        if not self.is_in_memory_db():
            connection.execute("PRAGMA wal_autocheckpoint=0")
        return connection

    def _start_transaction_under_autocommit(self) -> None:
        if not self.is_in_memory_db():
            if self._queue is None:
                self._queue = open(f"{self.settings_dict['NAME']}-writers", "ab")  # noqa: SIM115
            fcntl.flock(self._queue, fcntl.LOCK_EX)
            self._in_turn = True
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._end_turn()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._end_turn()
        self._commits += 1
        if self._commits >= CHECKPOINT_COMMITS and not self.is_in_memory_db():
            self._commits = 0
            self._checkpoint()

    def _checkpoint(self) -> None:
        """Copy the log's committed pages into the database file, without waiting for
        readers or another checkpoint (the next one will catch up). The commit before it
        stands: a failure here is logged, not raised."""
        try:
            self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.DatabaseError as error:
            logger.warning("SQLite checkpoint failed (retried after later commits): %s", error)

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._end_turn()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._end_turn()
            if self._queue is not None:
                self._queue.close()
                self._queue = None

    def _end_turn(self) -> None:
        if self._in_turn and self._queue is not None:
            fcntl.flock(self._queue, fcntl.LOCK_UN)
            self._in_turn = False
