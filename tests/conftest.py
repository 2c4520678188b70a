"""Test-wide fixtures."""

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Give every test its own empty Alliance data directory."""
    folder = tmp_path / "alliance-data"
    monkeypatch.setenv("ALLIANCE_DATA_DIR", str(folder))
    return folder
