"""Starting Django outside ``manage.py``: choosing the settings, migrating, serving with Waitress.

The command line calls these; each sets the environment before Django reads its settings, so
one process runs one configuration.
"""

from __future__ import annotations

import os

import django
from django.core.management import call_command

SETTINGS = "alliance.web.settings"
DEFAULT_THREADS = 8


def setup(mode: str | None = None) -> None:
    """Configure Django from the environment; ``mode`` overrides ``ALLIANCE_MODE``."""
    if mode is not None:
        os.environ["ALLIANCE_MODE"] = mode
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    django.setup()


def migrate() -> None:
    """Bring the database's tables up to date (safe to repeat)."""
    call_command("migrate", interactive=False, verbosity=0)


def serve(host: str, port: int, threads: int = DEFAULT_THREADS) -> None:
    """Serve the clinic with Waitress until interrupted, each clinic's signal models fitted
    first so that no check-in waits for a fit."""
    import waitress

    from alliance.web.signal_models import warm_up
    from alliance.web.wsgi import application

    warm_up()

    waitress.serve(application, host=host, port=port, threads=threads, ident="alliance")
