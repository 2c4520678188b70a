"""What the command modules share: starting Django and loading a definition, each failure as
a one-line error instead of a traceback."""

from __future__ import annotations

import click

from alliance import instruments
from alliance.instruments.definition import Definition


def start_django(mode: str | None = None) -> None:
    """Configure Django (once) with the settings of ``mode`` (default: the environment's)."""
    from django.apps import apps

    if apps.ready:
        return
    from alliance.web.env import SettingError
    from alliance.web.server import setup

    try:
        setup(mode)
    except SettingError as error:
        raise click.ClickException(str(error)) from error


def load_definition(instrument_id: str) -> Definition:
    """The definition of ``instrument_id``; an unknown id is a one-line error."""
    try:
        return instruments.load(instrument_id)
    except KeyError as error:
        raise click.ClickException(str(error).strip('"')) from error
