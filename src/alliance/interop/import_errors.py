"""The one error every file import raises: which file, where in it, and why nothing was imported."""

from __future__ import annotations


class ImportFileError(ValueError):
    """A file was rejected; ``where`` is a line, a resource or a field, ``reason`` says why.

    Imports check the whole file before returning anything, so this error always means that
    nothing was imported.
    """

    def __init__(self, source: str, where: str, reason: str) -> None:
        self.source = source
        self.where = where
        self.reason = reason
        location = f"{source}: {where}" if where else source
        super().__init__(f"{location}: {reason} (nothing was imported)")
