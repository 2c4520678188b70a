"""Starting Django outside ``manage.py``: choosing the settings, migrating, serving with Gunicorn.

The command line calls these; each sets the environment before Django reads its settings, so
one process runs one configuration.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import signal
from typing import Any

import django
from django.core.management import call_command
from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.workers.base import Worker

SETTINGS = "alliance.web.settings"
DEFAULT_THREADS = 1
"""Threads per worker. A check-in is mostly Python, and a process runs one thread of Python
at a time: with more, a thread holding SQLite's write lock waits for the others' turns
while every writer waits for it (on SQLite the load bench serves a quarter more check-ins
with one)."""
KEEPALIVE_SECONDS = 75
"""How long an idle connection stays open: longer than a paced client's pause between posts
(and than common proxies' idle timeouts), so a kept connection is not closed under it."""
TOKEN_PATH = re.compile(r"/(c|api/checkin)/[^/\s'\"?]+")


def setup(mode: str | None = None) -> None:
    """Configure Django from the environment; ``mode`` overrides ``ALLIANCE_MODE``."""
    if mode is not None:
        os.environ["ALLIANCE_MODE"] = mode
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    django.setup()


def migrate() -> None:
    """Bring the database's tables up to date (safe to repeat)."""
    call_command("migrate", interactive=False, verbosity=0)


def default_workers() -> int:
    """Two worker processes per core: each runs Python past the others' GIL, and one can run
    while another waits for the database or a slow client."""
    return 2 * (os.cpu_count() or 1)


def serve(host: str, port: int, workers: int | None = None, threads: int | None = None) -> None:
    """Serve the clinic with Gunicorn until SIGTERM or SIGINT (both let requests under way
    finish): a master process fits each clinic's signal models, so that no check-in waits
    for a fit, then forks ``workers`` processes of ``threads`` threads each."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    for name in ("gunicorn.error", "django.request"):
        logging.getLogger(name).addFilter(redact_tokens)
    _Server(
        {
            "bind": bind,
            "workers": workers or default_workers(),
            "worker_class": "gthread",
            "threads": threads or DEFAULT_THREADS,
            "keepalive": KEEPALIVE_SECONDS,
            "preload_app": True,
            # No access log: a check-in's path holds its token.
            "accesslog": None,
            # Trust no proxy's scheme headers here: Django's SECURE_PROXY_SSL_HEADER decides
            # (ALLIANCE_BEHIND_PROXY).
            "forwarded_allow_ips": "",
            "control_socket_disable": True,
            "proc_name": "alliance",
            "post_worker_init": _stop_gracefully_on_sigint,
        }
    ).run()


class _Server(BaseApplication):
    """Gunicorn configured from a dict, serving Django's application."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        """Run once in the master before it forks (``preload_app``): the workers share the
        URLconf with every module it imports and the fitted models, no database connection
        opened here is inherited by them, and the objects made so far are frozen out of the
        garbage collector's passes (so that a worker neither copies their memory pages nor
        spends seconds on them at exit)."""
        from django.db import connections
        from django.urls import get_resolver

        from alliance.web.signal_models import warm_up
        from alliance.web.wsgi import application

        get_resolver().url_patterns  # noqa: B018 (imports the URLconf: each worker would)
        warm_up()
        connections.close_all()
        gc.freeze()
        return application

    def run(self) -> None:
        _Master(self).run()


class _Master(Arbiter):
    """Gunicorn's master, stopping on SIGINT (Ctrl-C) as gracefully as on SIGTERM."""

    def handle_int(self) -> None:
        self.handle_term()


def _stop_gracefully_on_sigint(worker: Worker) -> None:
    """A worker given SIGINT (Ctrl-C reaches the whole process group) finishes its requests
    under way, as on SIGTERM, instead of dropping them."""
    signal.signal(signal.SIGINT, worker.handle_exit)


def redact_tokens(record: logging.LogRecord) -> bool:
    """Keep a log line but not the check-in token in a path it quotes (a token is a key)."""
    message = record.getMessage()
    redacted = TOKEN_PATH.sub(r"/\1/…", message)
    if redacted != message:
        record.msg, record.args = redacted, None
    return True
