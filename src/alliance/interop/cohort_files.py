"""Writing a synthetic cohort to a folder of CSV or Parquet files, chunk by chunk.

Each table of ``Cohort.tables()`` becomes ``<name>.csv`` or ``<name>.parquet``. Chunks are
appended as they are generated, so a million episodes never sit in memory at once. Files are
written under a temporary name and renamed when complete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from alliance.safe_csv import write_frame
from alliance.synth import Cohort

Format = Literal["csv", "parquet"]


class _Sink:
    """One output file that chunks are appended to."""

    def __init__(self, path: Path, file_format: Format) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self.format = file_format
        self.writer: pq.ParquetWriter | None = None
        self.started = False

    def append(self, frame: pd.DataFrame) -> None:
        if self.format == "csv":
            write_frame(
                frame, self.partial, mode="a" if self.started else "w", header=not self.started,
                index=False, date_format="%Y-%m-%d",
            )  # fmt: skip
        else:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if self.writer is None:
                self.writer = pq.ParquetWriter(self.partial, table.schema)
            self.writer.write_table(table.cast(self.writer.schema))
        self.started = True

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.partial.replace(self.path)


def write_cohort(
    chunks: Iterable[Cohort],
    folder: Path,
    file_format: Format = "parquet",
    on_chunk: Callable[[int], None] | None = None,
) -> list[Path]:
    """Write every table of every chunk into ``folder``; return the files written.

    ``on_chunk`` is called with the number of episodes in each chunk once it is written
    (the command line uses it for its progress bar).
    """
    folder.mkdir(parents=True, exist_ok=True)
    sinks: dict[str, _Sink] = {}
    for chunk in chunks:
        for name, frame in chunk.tables().items():
            if name not in sinks:
                sinks[name] = _Sink(folder / f"{name}.{file_format}", file_format)
            sinks[name].append(frame)
        if on_chunk is not None:
            on_chunk(len(chunk.episodes))
    for sink in sinks.values():
        sink.close()
    return [sink.path for sink in sinks.values()]
