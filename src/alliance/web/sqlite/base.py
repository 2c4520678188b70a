"""Django's SQLite backend, with write transactions queued on a file lock.

Django starts each transaction with ``BEGIN IMMEDIATE`` (see ``database``), so a second
writer waits for the first. SQLite's own wait polls: the waiter sleeps 1, 2, 5, 10… ms
between tries, and the database sits idle while writers sleep. Here each connection first
takes an exclusive ``flock`` on a file beside the database, which the kernel hands to the next
writer the moment the last one commits or rolls back (or its process dies). An in-memory
database (the tests') has one process and no file to lock.
"""

from __future__ import annotations

import fcntl
from typing import IO

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    """A SQLite connection whose write transactions take turns in the order they ask.

    (The type stubs do not declare the backend's private hooks overridden here.)"""

    _queue: IO[bytes] | None = None
    _in_turn = False

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
