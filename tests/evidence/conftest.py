"""Shared helpers for the evidence tests: the hand-written data files."""

from pathlib import Path

DATA = Path(__file__).parent / "data"


def data_text(name: str) -> str:
    """The text of a file in tests/evidence/data."""
    return (DATA / name).read_text(encoding="utf-8")
