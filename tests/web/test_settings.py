"""Settings: typed readers refuse bad values; production refuses to start without a key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler

from alliance.web.database import POSTGRES_OPTIONS, database_from_url, sqlite_database
from alliance.web.env import SettingError, env_bool, env_choice, env_int


def test_it_refuses_a_yes_no_setting_it_cannot_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCE_X", "maybe")
    with pytest.raises(SettingError, match="ALLIANCE_X='maybe'"):
        env_bool("ALLIANCE_X", False)
    monkeypatch.setenv("ALLIANCE_X", "Off")
    assert env_bool("ALLIANCE_X", True) is False


def test_it_refuses_a_number_out_of_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCE_X", "0")
    with pytest.raises(SettingError, match="from 1 to 10"):
        env_int("ALLIANCE_X", 5, minimum=1, maximum=10)
    monkeypatch.setenv("ALLIANCE_X", "ten")
    with pytest.raises(SettingError, match="whole number"):
        env_int("ALLIANCE_X", 5, minimum=1, maximum=10)


def test_it_refuses_an_unknown_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCE_MODE", "debug")
    with pytest.raises(SettingError, match="demo, production, test"):
        env_choice("ALLIANCE_MODE", "production", {"production", "demo", "test"})


def test_it_reads_a_postgres_url() -> None:
    config = database_from_url("postgres://al:s%40cret@db.example:5433/clinic?sslmode=require")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["PASSWORD"]) == ("al", "s@cret")
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", "5433", "clinic")
    assert config["OPTIONS"] == {"sslmode": "require", **POSTGRES_OPTIONS}


def test_it_refuses_a_database_url_it_does_not_support() -> None:
    with pytest.raises(SettingError, match="mysql"):
        database_from_url("mysql://root@localhost/clinic")


def _settings_process(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "DJANGO_"))}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='alliance.web.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.PASSWORD_HASHERS[0], s.SESSION_COOKIE_SECURE)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "ALLIANCE_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
    )


def test_it_refuses_to_start_production_without_a_secret_key(tmp_path: Path) -> None:
    result = _settings_process({}, tmp_path)
    assert result.returncode != 0
    assert "ALLIANCE_SECRET_KEY must be set" in result.stderr


def test_it_starts_production_with_argon2_secure_cookies_and_no_debug(tmp_path: Path) -> None:
    result = _settings_process({"ALLIANCE_SECRET_KEY": "k" * 20 + "abcdefghij" * 4}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "True",
    ]


def test_it_turns_debug_on_only_in_the_demo(tmp_path: Path) -> None:
    assert _settings_process({"ALLIANCE_MODE": "demo"}, tmp_path).stdout.split()[0] == "True"
    assert _settings_process({"ALLIANCE_MODE": "test"}, tmp_path).stdout.split()[0] == "False"


@pytest.mark.django_db
def test_it_runs_sqlite_in_wal_mode_with_full_synchronous_commits(tmp_path: Path) -> None:
    handler = ConnectionHandler({"default": sqlite_database(tmp_path / "probe.sqlite3")})
    probe = handler["default"]
    try:
        with probe.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 2  # FULL
    finally:
        probe.close()
