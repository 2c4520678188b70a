"""Paired case resampling in seeded blocks, run chunk by chunk.

A replicate draws n rows with replacement: its counts are multinomial. Up to 65,536 rows, a
block of replicates is drawn and counted at once. Beyond that, rows are cut into segments of
65,536; the n draws are first split between segments (a multinomial over the segment
sizes), then each segment's draws are spread uniformly over its rows. The result is exactly
the one-level multinomial, but every count lands in a cache-sized segment, and a full
segment's row numbers are plain 16-bit random words.

Replicate r uses the random stream of block r // BLOCK, derived from the seed and the block
number, so the replicates depend only on the seed and n: not on chunk size or on how many
replicates were asked for.
"""

from __future__ import annotations

import itertools
import multiprocessing
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from numpy.typing import NDArray

from alliance.stats._data import AnalysisError

BLOCK = 16
"""Replicates per random stream."""

SEGMENT = 1 << 16
"""Rows per segment: a full segment's row numbers are uniform 16-bit words."""

LITTLE_ENDIAN = sys.byteorder == "little"

CHUNK_CELLS = 4_000_000
"""Replicates x rows held in memory per chunk (16 MB of float32 counts)."""

PARALLEL_CELLS = 100_000_000
"""Replicates x rows below which worker processes cost more to start than they save."""

Statistic = Callable[[NDArray[np.float32]], NDArray[np.float64]]


def entropy(seed: int | None) -> int:
    """The seed itself, or fresh entropy to report so that the run can be repeated."""
    if seed is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    if seed < 0:
        raise AnalysisError(f"seed must be a non-negative integer, got {seed}")
    return seed


def deviations(
    n: int, first: int, count: int, seed: int, out: NDArray[np.float32] | None = None
) -> NDArray[np.float32]:
    """Resampling counts minus one (count x n) for replicates first .. first + count - 1.

    ``out`` (count x n) is filled instead of a new array, so chunks can reuse one buffer.
    """
    if out is None:
        out = np.empty((count, n), dtype=np.float32)
    if n <= SEGMENT:
        _whole_blocks(n, first, count, seed, out)
        return out
    starts = np.arange(0, n, SEGMENT)
    sizes = np.minimum(SEGMENT, n - starts)
    shares = sizes / n
    generator = _block_generator(seed, first // BLOCK)
    for _ in range(first % BLOCK):
        _draw(generator, n, starts, sizes, shares, out[0])
    for row, replicate in enumerate(range(first, first + count)):
        if row and replicate % BLOCK == 0:
            generator = _block_generator(seed, replicate // BLOCK)
        _draw(generator, n, starts, sizes, shares, out[row])
    return out


def _whole_blocks(n: int, first: int, count: int, seed: int, out: NDArray[np.float32]) -> None:
    """Counts minus one for data of one segment, a whole block of replicates per draw.

    The block's BLOCK x n rows come from one stream and are counted in one pass (each
    replicate's rows offset into its own stretch of the counts).
    """
    offsets = (np.arange(BLOCK) * n)[:, None]
    row, replicate = 0, first
    while row < count:
        generator = _block_generator(seed, replicate // BLOCK)
        rows = _uniform_rows(generator.bit_generator, n, BLOCK * n).reshape(BLOCK, n)
        rows += offsets
        counts = np.bincount(rows.ravel(), minlength=BLOCK * n).reshape(BLOCK, n)
        skip = replicate % BLOCK
        take = min(BLOCK - skip, count - row)
        np.subtract(counts[skip : skip + take], 1, out=out[row : row + take], casting="unsafe")
        row += take
        replicate += take


def _draw(
    generator: np.random.Generator,
    n: int,
    starts: NDArray[np.int64],
    sizes: NDArray[np.int64],
    shares: NDArray[np.float64],
    out: NDArray[np.float32],
) -> None:
    """One replicate's counts minus one, written into ``out``."""
    split = generator.multinomial(n, shares) if len(sizes) > 1 else np.array([n])
    for start, size, draws in zip(starts, sizes, split, strict=True):
        if size == SEGMENT:
            words = generator.bit_generator.random_raw((draws + 3) // 4)
            rows = words.view(np.uint16)[:draws].astype(np.intp)
        else:
            rows = _uniform_rows(generator.bit_generator, size, draws)
        counts = np.bincount(rows, minlength=size)
        np.subtract(counts, 1, out=out[start : start + size], casting="unsafe")


def _uniform_rows(bits: np.random.BitGenerator, size: int, draws: int) -> NDArray[np.intp]:
    """Exactly uniform integers below ``size`` from 32-bit words (Lemire 2019, with rejection).

    The row is the high half of word x size; the rare word whose low half falls below
    2**32 mod size is drawn again, which removes the bias of a plain multiply-shift.
    """
    words = bits.random_raw((draws + 1) // 2).view(np.uint32)[:draws]
    halves = np.multiply(words, np.uint64(size), dtype=np.uint64).view(np.uint32)
    low, high = (halves[0::2], halves[1::2]) if LITTLE_ENDIAN else (halves[1::2], halves[0::2])
    rows = high.astype(np.intp)
    threshold = (1 << 32) % size
    if draws == 0 or int(low.min()) >= threshold:  # the usual case: nothing to draw again
        return rows
    for i in np.flatnonzero(low < threshold):
        while True:
            redrawn = (int(bits.random_raw()) & 0xFFFFFFFF) * size
            if redrawn & 0xFFFFFFFF >= threshold:
                rows[i] = redrawn >> 32
                break
    return rows


def bootstrap(
    n: int,
    n_boot: int,
    seed: int,
    statistic: Statistic,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> NDArray[np.float64]:
    """Apply ``statistic`` to every replicate's counts minus one; rows are replicates.

    With ``workers`` > 1 (and a platform that can fork), chunks of a large job run in that
    many worker processes; the replicates, and so the results, are the same as with one.
    """
    if n_boot < 1:
        raise AnalysisError(f"the number of bootstrap resamples must be at least 1, got {n_boot}")
    if workers < 1:
        raise AnalysisError(f"workers must be at least 1, got {workers}")
    per_chunk = min(max(BLOCK, (CHUNK_CELLS // max(n, 1)) // BLOCK * BLOCK), n_boot)
    starts = range(0, n_boot, per_chunk)
    counts = [min(per_chunk, n_boot - start) for start in starts]
    parallel = workers > 1 and n * n_boot >= PARALLEL_CELLS and len(starts) > 1
    if parallel and "fork" in multiprocessing.get_all_start_methods():
        return _in_processes(n, seed, statistic, starts, counts, progress, workers)
    buffer = np.empty((per_chunk, n), dtype=np.float32)
    results = []
    for start, count in zip(starts, counts, strict=True):
        results.append(statistic(deviations(n, start, count, seed, buffer[:count])))
        if progress is not None:
            progress(count)
    return np.concatenate(results, axis=0)


_JOBS: dict[int, tuple[Statistic, int, int]] = {}
"""Statistics being bootstrapped in worker processes, which inherit this table when forked."""


def _in_processes(
    n: int,
    seed: int,
    statistic: Statistic,
    starts: range,
    counts: list[int],
    progress: Callable[[int], None] | None,
    workers: int,
) -> NDArray[np.float64]:
    token = next(_TOKENS)
    _JOBS[token] = (statistic, n, seed)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [
                pool.submit(_chunk, token, start, count)
                for start, count in zip(starts, counts, strict=True)
            ]
            results = []
            for future, count in zip(futures, counts, strict=True):
                results.append(future.result())
                if progress is not None:
                    progress(count)
    finally:
        del _JOBS[token]
    return np.concatenate(results, axis=0)


def _chunk(token: int, start: int, count: int) -> NDArray[np.float64]:
    """One chunk of replicates, run in a worker process."""
    statistic, n, seed = _JOBS[token]
    return statistic(deviations(n, start, count, seed))


_TOKENS = itertools.count()


def _block_generator(seed: int, block: int) -> np.random.Generator:
    sequence = np.random.SeedSequence(seed, spawn_key=(block,))
    return np.random.Generator(np.random.PCG64DXSM(sequence))
