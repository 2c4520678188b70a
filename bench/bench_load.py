"""Load benchmark: 50 simulated patients submitting check-ins to `alliance serve`, against
minimal insert endpoints under the same load, on SQLite and on PostgreSQL.

For each database: a fresh data directory (and, for PostgreSQL, a throw-away database created
and dropped here) is migrated and seeded with one clinic and one therapist. The load has 50
places, like tablets in a waiting room: whenever a place's patient is done, the next patient
waiting takes it (``--episodes`` patients per place are seeded), and each patient posts
through the ``--visits`` visits of their episode in order, every visit with its own check-in
link. (Places are not served equally fast, so a fixed set of patients per place would run
out on the fastest.) Episodes are as long as a clinic's
(the synthetic clinics' have 4 to 14 visits): a check-in reads its episode's history for the
signals, so one endless episode per place would measure a history no clinic has. Then three
servers take the same load in turn:

- check-in: ``alliance serve`` (production settings, ``ALLIANCE_HTTPS=false``, 127.0.0.1):
  Gunicorn, ``--workers`` processes of ``--threads`` threads;
  each place posts the brief alliance check-in through its next link
  (``POST /api/checkin/{token}``): validation, scoring, storage, the audit row and the
  feedback signals, all in the request;
- minimal view (the baseline): served by the same ``serve()`` with the same workers and
  threads, the same Django settings, middleware and database connection, with the bench's
  own URLconf (never the production URLs) holding one view that
  parses the same JSON body and inserts it as one row in one transaction: what any endpoint
  of this stack costs before it does any work of its own;
- minimal WSGI: no framework, a WSGI function that parses the body and commits it as one row
  with the same durability (SQLite in WAL with ``synchronous=FULL``; PostgreSQL through
  psycopg), one connection per thread, on Waitress (one process, as many threads as the
  others have in all): the floor for "an HTTP request that durably stores a submission" in
  one Python process on this machine.

Two loads per server, each for ``--seconds``: closed (every place posts again as soon as it
has its answer: the throughput is the server's capacity, and the latency includes queueing
behind the other 49; the servers take it in ``--rounds`` turns, since a shared machine's speed
drifts by as much as half within a run) and paced (every place posts once every
``--interval`` seconds, staggered, latency counted from when the post was due: what a patient
waits at that rate).
Each place keeps one HTTP connection; its first post warms up and is not counted. The client
runs in this process, on the same cores as the server; ``cpu ms/req`` is the CPU time of the
server's processes (master and workers) per post, the figure least disturbed by other work on
the machine.

With ``--history N`` the clinic first gets N patients of synthetic history (the demo clinic's
making), so that the server fits its expected-recovery and dropout models and every check-in
runs them, as in a clinic with months of use; by default it has none.

Run: .venv/bin/python bench/bench_load.py [--seconds 15] [--rounds 5] [--episodes 16] [--visits 12]
[--databases sqlite,postgresql] [--workers N] [--threads N] [--history N]
The last line is the ratio of check-in throughput to the baselines', per database.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from alliance.web.server import DEFAULT_THREADS, default_workers

ROOT = Path(__file__).resolve().parents[1]
ME = [sys.executable, str(Path(__file__).resolve())]
ALLIANCE = Path(sys.executable).with_name("alliance")
POSTGRES = os.environ.get("ALLIANCE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
PLACES = 50
BODY = json.dumps({"answers": {"checkin": {"q1": 8, "q2": 7, "q3": 9, "q4": 8}}}).encode()
HEADERS = {"Content-Type": "application/json", "Host": "localhost"}
INSERT_PATH = "/insert"


@dataclass(frozen=True)
class Run:
    """What one server did under one load: every counted request's latency and outcome."""

    database: str
    endpoint: str
    load: str
    seconds: float
    latencies: np.ndarray
    errors: int
    cpu_ms: float = float("nan")

    def row(self) -> str:
        """One line of the results table."""
        p50, p99 = (np.percentile(self.latencies, [50, 99]) * 1000).tolist()
        return (
            f"{self.database:<11} {self.endpoint:<15} {self.load:<8} {len(self.latencies):>8} "
            f"{self.throughput:>12.1f} {p50:>8.1f} {p99:>8.1f} {self.errors:>7} "
            f"{self.cpu_ms:>11.1f}"
        )

    @property
    def throughput(self) -> float:
        """Successful requests per second."""
        return (len(self.latencies) - self.errors) / self.seconds


# The load


def load(port: int, paths: Sequence[Iterator[str]], seconds: float, interval: float) -> Run:
    """Each place posts its next path on its own connection, back to back (``interval``
    0) or once every ``interval`` seconds; the first post of each warms up and is not
    counted. Returns the window's outcomes (database and endpoint left blank)."""
    window: dict[str, float] = {}

    def open_window() -> None:
        window["start"] = time.perf_counter()
        window["end"] = window["start"] + seconds

    ready = threading.Barrier(len(paths), action=open_window)
    outcomes: list[list[tuple[float, bool]]] = [[] for _ in paths]
    exhausted: list[int] = []

    def place(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        _post(connection, next(paths[n]))
        ready.wait()
        due = window["start"] + interval * n / len(paths)
        for path in paths[n]:
            if interval:
                if due >= window["end"]:
                    break
                time.sleep(max(0.0, due - time.perf_counter()))
                start, due = due, due + interval
            else:
                start = time.perf_counter()
                if start >= window["end"]:
                    break
            ok = _post(connection, path)
            outcomes[n].append((time.perf_counter() - start, ok))
        else:
            exhausted.append(n)
        connection.close()

    threads = [threading.Thread(target=place, args=(n,)) for n in range(len(paths))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if exhausted:
        raise RuntimeError(f"{len(exhausted)} places ran out of links: give --episodes more")
    elapsed = max(time.perf_counter() - window["start"], seconds)
    latencies = np.array([latency for each in outcomes for latency, _ in each])
    errors = sum(1 for each in outcomes for _, ok in each if not ok)
    name = "closed" if not interval else f"{len(paths) / interval:g}/s"
    return Run("", "", name, elapsed, latencies, errors)


def _post(connection: http.client.HTTPConnection, path: str) -> bool:
    """Post the check-in; True for a 201. A broken connection is reopened at the next post
    and counts as an error."""
    try:
        connection.request("POST", path, body=BODY, headers=HEADERS)
        response = connection.getresponse()
        response.read()
        return response.status == 201
    except (OSError, http.client.HTTPException):
        connection.close()
        return False


# The servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a process and its living descendants (a server's
    workers) have used so far (Linux)."""
    parents, ticks = {}, {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = entry.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        process = int(entry.parent.name)
        parents[process], ticks[process] = int(fields[1]), int(fields[11]) + int(fields[12])
    tree = [pid]
    for process in tree:
        tree += [child for child, parent in parents.items() if parent == process]
    return sum(ticks.get(process, 0) for process in tree) / os.sysconf("SC_CLK_TCK")


@contextmanager
def running(command: list[str], env: dict[str, str], port: int) -> Iterator[int]:
    """A server process (in its own session, with its workers), ready once its port accepts
    connections; stopped afterwards, none of its processes left. Its output goes to a file
    (a pipe nobody reads would fill up and stall it)."""
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise RuntimeError(f"{command} did not start:\n{log.read()}") from None
                    time.sleep(0.1)
            yield server.pid
        finally:
            server.terminate()
            server.wait(timeout=30)
            with suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)


def serve_view(port: int, workers: int, threads: int) -> None:
    """Serve the minimal Django view with the clinic's settings (run in its own process)."""
    from alliance.web.server import serve, setup

    setup(None)
    from django.conf import settings
    from django.db import connection, transaction
    from django.http import HttpRequest, JsonResponse
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    key = "BIGSERIAL" if connection.vendor == "postgresql" else "INTEGER"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS bench_view (id {key} PRIMARY KEY, at REAL, body TEXT)"
        )

    @csrf_exempt
    def insert(request: HttpRequest) -> JsonResponse:
        body = json.loads(request.body)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_view (at, body) VALUES (%s, %s)", [time.time(), json.dumps(body)]
            )
        return JsonResponse({"stored": True}, status=201)

    urls = types.ModuleType("bench_urls")
    urls.urlpatterns = [path(INSERT_PATH.lstrip("/"), insert)]  # type: ignore[attr-defined]
    settings.ROOT_URLCONF = urls
    serve("127.0.0.1", port, workers, threads)


def serve_wsgi(port: int, workers: int, threads: int) -> None:
    """Serve the minimal WSGI insert on the environment's database (in its own process, with
    as many threads as ``workers`` of ``threads`` have)."""
    import waitress

    url = os.environ.get("ALLIANCE_DATABASE_URL")
    if url:
        import psycopg

        with psycopg.connect(url, autocommit=True) as setup:
            setup.execute(
                "CREATE TABLE IF NOT EXISTS bench_wsgi "
                "(id BIGSERIAL PRIMARY KEY, at REAL, body TEXT)"
            )

        def store_pg(connection: Any, values: tuple[float, str]) -> None:
            with connection.transaction():
                connection.execute("INSERT INTO bench_wsgi (at, body) VALUES (%s, %s)", values)

        app = wsgi_insert(lambda: psycopg.connect(url), store_pg)
    else:
        file = Path(os.environ["ALLIANCE_DATA_DIR"]) / "alliance.sqlite3"

        def connect() -> Any:
            connection = sqlite3.connect(file, timeout=20, isolation_level="IMMEDIATE")
            connection.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
            return connection

        with connect() as setup:
            setup.execute(
                "CREATE TABLE IF NOT EXISTS bench_wsgi (id INTEGER PRIMARY KEY, at REAL, body TEXT)"
            )

        def store_sqlite(connection: Any, values: tuple[float, str]) -> None:
            with connection:
                connection.execute("INSERT INTO bench_wsgi (at, body) VALUES (?, ?)", values)

        app = wsgi_insert(connect, store_sqlite)
    waitress.serve(app, host="127.0.0.1", port=port, threads=workers * threads, ident="wsgi")


def wsgi_insert(
    connect: Callable[[], Any], store: Callable[[Any, tuple[float, str]], None]
) -> Callable[..., Iterable[bytes]]:
    """A WSGI application that parses the JSON body and commits it as one row (``store``,
    on this thread's own connection)."""
    local = threading.local()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(size))
        if not hasattr(local, "connection"):
            local.connection = connect()
        store(local.connection, (time.time(), json.dumps(body)))
        start_response("201 Created", [("Content-Type", "application/json")])
        return [b'{"stored": true}']

    return app


# The clinic


def seed(places: int, episodes: int, visits: int, history: int) -> None:
    """Migrate and seed the clinic with ``episodes`` patients per place; print each patient's
    check-in paths, through the ``visits`` visits of their episode in order, as JSON (run in
    its own process, with the server's environment). With ``history`` patients, the clinic is
    first the demo clinic made from a synthetic cohort of that size, so that the server fits
    its expected-recovery and dropout models and each check-in runs them."""
    import datetime as dt

    from alliance.web.server import migrate, setup

    setup(None)
    migrate()
    from django.db import transaction

    from alliance.synth import SynthConfig, generate
    from alliance.web import actions
    from alliance.web.demo_clinic import seed_demo
    from alliance.web.models import Role

    if history:
        cohort = generate(SynthConfig(patients=history, clinics=1, seed=7))
        clinic = seed_demo(cohort).clinic
    else:
        clinic = actions.create_clinic("Load clinic")
    therapist = actions.create_user(None, clinic, "load", Role.THERAPIST, "a long load password")
    patients: list[list[str]] = []
    with transaction.atomic():
        for n in range(places * episodes):
            patient = actions.register_patient(therapist, name=f"Load patient {n}")
            episode = actions.open_episode(
                therapist,
                patient,
                condition="low back pain",
                body_region="lumbar",
                setting="outpatient",
                start_date=dt.date(2026, 1, 5),
            )
            patients.append([])
            for week in range(visits):
                visit = actions.schedule_visit(
                    therapist, episode, dt.date(2026, 1, 5) + dt.timedelta(weeks=week)
                )
                token = actions.issue_checkin_link(therapist, visit)[1]
                patients[-1].append(f"/api/checkin/{token}")
    print(json.dumps(patients))


def waiting_room(patients: list[list[str]], places: int) -> list[Iterator[str]]:
    """The paths each place posts: its patient's visits in order, then the next waiting
    patient's (the places' threads share the queue)."""
    queue = iter(patients)
    turn = threading.Lock()

    def place() -> Iterator[str]:
        while True:
            with turn:
                patient = next(queue, None)
            if patient is None:
                return
            yield from patient

    return [place() for _ in range(places)]


@contextmanager
def fresh_database(database: str) -> Iterator[dict[str, str]]:
    """The environment of a server on a new, empty database (dropped afterwards)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "DJANGO_"))}
    with tempfile.TemporaryDirectory(prefix="alliance-load-") as folder:
        env |= {
            "ALLIANCE_DATA_DIR": folder,
            "ALLIANCE_SECRET_KEY": secrets.token_urlsafe(50),
            "ALLIANCE_HTTPS": "false",
            "PYTHONPATH": str(ROOT),
        }
        if database == "sqlite":
            yield env
            return
        import psycopg

        name = f"alliance_load_{secrets.token_hex(4)}"
        with psycopg.connect(POSTGRES, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        try:
            yield env | {"ALLIANCE_DATABASE_URL": POSTGRES.rsplit("/", 1)[0] + "/" + name}
        finally:
            with psycopg.connect(POSTGRES, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def bench_database(database: str, args: argparse.Namespace) -> list[Run]:
    """Seed, start the three servers, then put them under the closed load in turns and under
    the paced load one after the other."""
    with fresh_database(database) as env, ExitStack() as stack:
        seeded = subprocess.run(
            [*ME, "--seed", str(args.episodes), str(args.visits), str(args.history)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        links = waiting_room(json.loads(seeded.stdout), PLACES)
        sizes = ["--workers", str(args.workers), "--threads", str(args.threads)]
        commands = {
            "check-in": ([str(ALLIANCE), "serve"], links),
            "minimal view": ([*ME, "--serve-view"], None),
            "minimal WSGI": ([*ME, "--serve-wsgi"], None),
        }
        servers = []
        for endpoint, (command, paths) in commands.items():
            port = free_port()
            pid = stack.enter_context(running([*command, "--port", str(port), *sizes], env, port))
            todo = paths or [itertools.repeat(INSERT_PATH) for _ in range(PLACES)]
            servers.append(Server(database, endpoint, port, pid, todo))
        runs = closed_in_turns(servers, args.seconds, args.rounds)
        runs += [measured(server, args.seconds, args.interval) for server in servers]
    return runs


@dataclass(frozen=True)
class Server:
    """A running server of one endpoint, and the paths its places post to."""

    database: str
    endpoint: str
    port: int
    pid: int
    paths: list[Iterator[str]]


def closed_in_turns(servers: list[Server], seconds: float, rounds: int) -> list[Run]:
    """The closed load on each server for ``seconds`` in all, in ``rounds`` turns: the speed
    of a shared machine drifts within a run, and taking turns exposes the servers to the same
    drift (the ratios compare like with like)."""
    turns: dict[str, list[Run]] = {server.endpoint: [] for server in servers}
    for _ in range(rounds):
        for server in servers:
            turns[server.endpoint].append(measured(server, seconds / rounds, 0.0))
    runs = []
    for server in servers:
        each = turns[server.endpoint]
        posts = sum(len(run.latencies) + PLACES for run in each)
        cpu_ms = sum(run.cpu_ms * (len(run.latencies) + PLACES) for run in each) / posts
        runs.append(Run(server.database, server.endpoint, "closed", sum(r.seconds for r in each),
                        np.concatenate([r.latencies for r in each]), sum(r.errors for r in each),
                        cpu_ms))  # fmt: skip
        print(runs[-1].row(), flush=True)
    return runs


def measured(server: Server, seconds: float, interval: float) -> Run:
    """One load on ``server`` (closed for ``interval`` 0), with its servers' CPU per post."""
    used = cpu_seconds(server.pid)
    run = load(server.port, server.paths, seconds, interval)
    cpu_ms = (cpu_seconds(server.pid) - used) / (len(run.latencies) + PLACES) * 1000
    result = Run(server.database, server.endpoint, run.load, run.seconds, run.latencies,
                 run.errors, cpu_ms)  # fmt: skip
    if interval:
        print(result.row(), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each load")
    parser.add_argument("--interval", type=float, default=2.0, help="paced: s between posts")
    parser.add_argument("--rounds", type=int, default=5, help="closed: turns per server")
    parser.add_argument("--episodes", type=int, default=16, help="patients per place in turn")
    parser.add_argument("--visits", type=int, default=12, help="visits per patient's episode")
    parser.add_argument("--workers", type=int, default=default_workers(), help="serve's")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS, help="per worker")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--history", type=int, default=0, help="patients of synthetic history (fitted models)"
    )
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--serve-view", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve-wsgi", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed is not None:
        seed(PLACES, *args.seed)
        return
    if args.serve_view or args.serve_wsgi:
        (serve_view if args.serve_view else serve_wsgi)(args.port, args.workers, args.threads)
        return
    print(
        f"{PLACES} patients at a time for {args.seconds:g} s per load on 127.0.0.1; Gunicorn with "
        f"{args.workers} workers x {args.threads} threads (minimal WSGI: Waitress, one process of "
        f"{args.workers * args.threads} threads); {os.cpu_count()} cores for server and client"
        + (f"; the clinic has {args.history} patients of history" if args.history else "")
    )
    print(f"{'database':<11} {'endpoint':<15} {'load':<8} {'requests':>8} {'throughput/s':>12} "
          f"{'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'cpu ms/req':>11}")  # fmt: skip
    runs = [run for database in args.databases.split(",") for run in bench_database(database, args)]
    closed = {(r.database, r.endpoint): r.throughput for r in runs if r.load == "closed"}
    ratios = []
    for database in args.databases.split(","):
        view = closed[database, "check-in"] / closed[database, "minimal view"]
        floor = closed[database, "check-in"] / closed[database, "minimal WSGI"]
        ratios.append(f"{database} {view:.0%} of the minimal view, {floor:.0%} of minimal WSGI")
    print("check-in throughput (closed load): " + "; ".join(ratios))


if __name__ == "__main__":
    main()
