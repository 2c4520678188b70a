"""SQLite's write transactions queue on a file lock: held from ``BEGIN`` to the commit, the
rollback or the connection's close, and handed to a waiting writer as soon as it is let go.
The log is copied into the database file by the connections themselves, every so many
commits, after their turn."""

from __future__ import annotations

import fcntl
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from django.db import IntegrityError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler

from alliance.web.database import sqlite_database
from alliance.web.sqlite.base import CHECKPOINT_COMMITS

pytestmark = pytest.mark.django_db


@pytest.fixture
def database(tmp_path: Path) -> Iterator[ConnectionHandler]:
    """Connections to a SQLite file (each thread gets its own), with one table."""
    handler = ConnectionHandler({"default": sqlite_database(tmp_path / "probe.sqlite3")})
    with handler["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    yield handler
    handler.close_all()


def _queue_is_held(path: Path) -> bool:
    """Whether some connection holds the writers' lock (asked through a file of our own)."""
    with open(f"{path}-writers", "ab") as probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(probe, fcntl.LOCK_UN)
        return False


def _begin(connection: BaseDatabaseWrapper) -> None:
    """Start a write transaction the way ``transaction.atomic`` starts one on SQLite."""
    connection.ensure_connection()
    connection._start_transaction_under_autocommit()


def test_a_write_transaction_holds_the_queue_until_it_commits(
    database: ConnectionHandler, tmp_path: Path
) -> None:
    connection = database["default"]
    _begin(connection)
    assert _queue_is_held(tmp_path / "probe.sqlite3")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO note (body) VALUES ('kept')")
    connection.commit()
    assert not _queue_is_held(tmp_path / "probe.sqlite3")
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM note")
        assert cursor.fetchall() == [("kept",)]


def test_a_rollback_and_a_close_let_the_queue_go(
    database: ConnectionHandler, tmp_path: Path
) -> None:
    connection = database["default"]
    _begin(connection)
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute("INSERT INTO note (body) VALUES (NULL)")
    connection.rollback()
    assert not _queue_is_held(tmp_path / "probe.sqlite3")
    _begin(connection)
    connection.close()
    assert not _queue_is_held(tmp_path / "probe.sqlite3")


def test_a_second_writer_waits_for_the_first_and_then_goes_ahead(
    database: ConnectionHandler, tmp_path: Path
) -> None:
    first = database["default"]
    _begin(first)
    second_began, second_done = threading.Event(), threading.Event()

    def second_writer() -> None:
        connection = database["default"]
        _begin(connection)
        second_began.set()
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO note (body) VALUES ('second')")
        connection.commit()
        connection.close()
        second_done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    assert not second_began.wait(0.3)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO note (body) VALUES ('first')")
    first.commit()
    assert second_done.wait(10)
    thread.join()
    with first.cursor() as cursor:
        cursor.execute("SELECT body FROM note ORDER BY id")
        assert cursor.fetchall() == [("first",), ("second",)]
    assert not _queue_is_held(tmp_path / "probe.sqlite3")


def test_an_in_memory_database_has_no_queue_file() -> None:
    handler = ConnectionHandler({"default": sqlite_database(Path(":memory:"))})
    connection = handler["default"]
    try:
        _begin(connection)
        connection.commit()
        assert not Path(":memory:-writers").exists()
    finally:
        connection.close()


def _notes_in_the_database_file(path: Path) -> int:
    """The notes the database file itself holds, its log left unread (``immutable``)."""
    with closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as reader:
        table = reader.execute("SELECT count(*) FROM sqlite_master WHERE name = 'note'")
        if not table.fetchone()[0]:
            return 0
        return int(reader.execute("SELECT count(*) FROM note").fetchone()[0])


def test_a_connection_copies_the_log_into_the_file_every_so_many_commits(
    database: ConnectionHandler, tmp_path: Path
) -> None:
    connection, path = database["default"], tmp_path / "probe.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone() == (0,)
    for commits in range(1, 2 * CHECKPOINT_COMMITS + 1):
        _begin(connection)
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO note (body) VALUES ('logged')")
        connection.commit()
        expected = commits // CHECKPOINT_COMMITS * CHECKPOINT_COMMITS
        assert _notes_in_the_database_file(path) == expected, commits
