"""A crash test: kill -9 the server in the middle of a stream of check-ins, restart it, and
find every acknowledged submission stored once, and nothing stored twice (SQLite, PostgreSQL)."""

from __future__ import annotations

import json
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

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
ALLIANCE = Path(sys.executable).with_name("alliance")
SUBMISSIONS = 60
KILL_AFTER = 20
BODY = json.dumps({"answers": {"checkin": {"q1": 7, "q2": 8, "q3": 9, "q4": 6}}}).encode()
POSTGRES = os.environ.get("ALLIANCE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(params=["sqlite", "postgresql"])
def server_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "DJANGO_"))}
    env |= {
        "ALLIANCE_DATA_DIR": str(tmp_path),
        "ALLIANCE_SECRET_KEY": secrets.token_urlsafe(50),
        "ALLIANCE_HTTPS": "false",
        "PYTHONPATH": str(ROOT),
    }
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


def _start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(ALLIANCE), "serve", "--port", str(port), "--threads", "4"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError("the server did not start")


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
        os.kill(server.pid, signal.SIGKILL)

    killer = threading.Thread(target=kill_when_enough)
    killer.start()
    for path in paths:
        ids = _submit(port, path)
        if ids is not None:
            acknowledged[path] = ids
    killer.join()
    server.wait()
    assert KILL_AFTER <= len(acknowledged) < SUBMISSIONS

    server = _start(server_env, port)
    try:
        for path in paths:
            ids = _submit(port, path)
            assert ids is not None, path
            if path in acknowledged:
                assert ids == acknowledged[path]
    finally:
        server.kill()
        server.wait()
    count = subprocess.run(
        [*module, "--count"], env=server_env, capture_output=True, text=True, check=True
    )
    assert json.loads(count.stdout) == {"assessments": SUBMISSIONS, "links": SUBMISSIONS}
