"""Where Alliance keeps a user's files: ``ALLIANCE_DATA_DIR`` or the platform's data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """The data directory, created on first use."""
    configured = os.environ.get("ALLIANCE_DATA_DIR", "").strip()
    path = Path(configured) if configured else Path(platformdirs.user_data_dir("alliance"))
    path.mkdir(parents=True, exist_ok=True)
    return path
