"""A crash test: kill -9 the server (its master and every worker) in the middle of a stream of
check-ins, restart it, and find every acknowledged submission stored once, and nothing stored
twice (SQLite, PostgreSQL). And a stop: SIGTERM or SIGINT ends every process of the server,
whose log quotes no check-in token."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import psycopg
import pytest

from alliance.web.server import redact_tokens

ROOT = Path(__file__).resolve().parents[2]
ALLIANCE = Path(sys.executable).with_name("alliance")
SUBMISSIONS = 60
KILL_AFTER = 20
BODY = json.dumps({"answers": {"checkin": {"q1": 7, "q2": 8, "q3": 9, "q4": 6}}}).encode()
POSTGRES = os.environ.get("ALLIANCE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
Server = subprocess.Popen[bytes]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _sqlite_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "DJANGO_"))}
    return env | {
        "ALLIANCE_DATA_DIR": str(folder),
        "ALLIANCE_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLIANCE_HTTPS": "false",
        "PYTHONPATH": str(ROOT),
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def server_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = _sqlite_env(tmp_path)
    if request.param == "sqlite":
        yield env
        return
    if POSTGRES == "none":
        pytest.skip("ALLIANCE_TEST_POSTGRES_URL=none")
    name = f"alliance_crash_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    env["ALLIANCE_DATABASE_URL"] = POSTGRES.rsplit("/", 1)[0] + "/" + name
    try:
        yield env
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _start(env: dict[str, str], port: int, log: int | IO[bytes] = subprocess.DEVNULL) -> Server:
    """``alliance serve`` with two workers, in its own session (its process group holds the
    master and the workers), once its port accepts connections."""
    server = subprocess.Popen(
        [str(ALLIANCE), "serve", "--port", str(port), "--workers", "2", "--threads", "4"],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    _kill(server)
    raise AssertionError("the server did not start")


def _kill(server: Server) -> None:
    """kill -9 the master and every worker at once, as a crash of the machine's server would,
    and wait until none of them is left (so none holds the port)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait()
    _wait_until_gone(server.pid)


def _living(group: int) -> list[int]:
    """The processes of a process group that have not ended (zombies have)."""
    living = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group and fields[0] != "Z":
                living.append(int(stat.parent.name))
    return living


def _wait_until_living(group: int, count: int, seconds: float = 10) -> None:
    """Wait for the master and its workers (Gunicorn forks them one by one, apart)."""
    deadline = time.monotonic() + seconds
    while len(_living(group)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_living(group)) == count


def _wait_until_gone(group: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while _living(group) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _living(group), "processes of the server outlived it"


def _submit(port: int, path: str) -> list[int] | None:
    """The assessment ids if the server acknowledged the submission, else None."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=BODY,
        headers={"Content-Type": "application/json", "Host": "localhost"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return [a["id"] for a in json.load(response)] if response.status == 201 else None
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def test_it_keeps_every_acknowledged_submission_once_across_a_kill_9(
    server_env: dict[str, str],
) -> None:
    module = [sys.executable, "-m", "tests.web.crash_setup"]
    setup = subprocess.run(
        [*module, str(SUBMISSIONS)], env=server_env, capture_output=True, text=True, check=True
    )
    paths: list[str] = json.loads(setup.stdout)
    port = _free_port()
    server = _start(server_env, port)
    acknowledged: dict[str, list[int]] = {}

    def kill_when_enough() -> None:
        while len(acknowledged) < KILL_AFTER and server.poll() is None:
            time.sleep(0.005)
        _kill(server)

    killer = threading.Thread(target=kill_when_enough)
    killer.start()
    for path in paths:
        ids = _submit(port, path)
        if ids is not None:
            acknowledged[path] = ids
    killer.join()
    assert KILL_AFTER <= len(acknowledged) < SUBMISSIONS

    server = _start(server_env, port)
    try:
        for path in paths:
            ids = _submit(port, path)
            assert ids is not None, path
            if path in acknowledged:
                assert ids == acknowledged[path]
    finally:
        _kill(server)
    count = subprocess.run(
        [*module, "--count"], env=server_env, capture_output=True, text=True, check=True
    )
    assert json.loads(count.stdout) == {"assessments": SUBMISSIONS, "links": SUBMISSIONS}


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_ends_every_process_and_no_token_reaches_the_log(
    stop: signal.Signals, tmp_path: Path
) -> None:
    port = _free_port()
    token = secrets.token_urlsafe(20)
    with (tmp_path / "server.log").open("w+b") as log:
        server = _start(_sqlite_env(tmp_path), port, log)
        try:
            assert _submit(port, f"/api/checkin/{token}") is None
            _wait_until_living(server.pid, 3)
            server.send_signal(stop)
            assert server.wait(timeout=30) == 0
            _wait_until_gone(server.pid)
        finally:
            _kill(server)
        log.seek(0)
        text = log.read().decode()
    assert "Not Found: /api/checkin/…" in text
    assert token not in text


@pytest.mark.parametrize(
    ("message", "logged"),
    [
        ("Not Found: /api/checkin/Ab-3:x_9", "Not Found: /api/checkin/…"),
        ("Not Found: /c/Ab-3:x_9/", "Not Found: /c/…/"),
        (
            "Error handling request /api/checkin/Ab-3?x=1",
            "Error handling request /api/checkin/…?x=1",
        ),
        ("Not Found: /patients/12/", "Not Found: /patients/12/"),
        ("Not Found: /checkin/thanks/", "Not Found: /checkin/thanks/"),
    ],
)
def test_the_server_log_keeps_the_line_without_the_token(message: str, logged: str) -> None:
    record = logging.LogRecord("django.request", logging.WARNING, "", 0, "%s", (message,), None)
    assert redact_tokens(record)
    assert record.getMessage() == logged
