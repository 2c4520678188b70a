"""Resampling counts: exactly multinomial, seeded per block, split into cache-sized segments."""

import os

import numpy as np
import pytest
from scipy import stats

from alliance.stats.resample import SEGMENT, bootstrap, deviations

N = SEGMENT + 4464  # one full segment and one partial


@pytest.fixture(scope="module")
def counts() -> np.ndarray:
    return deviations(N, 0, 300, seed=7).astype(np.int64) + 1


def test_every_resample_draws_exactly_n_rows(counts: np.ndarray) -> None:
    assert counts.min() >= 0
    np.testing.assert_array_equal(counts.sum(axis=1), np.full(len(counts), N))


def test_the_partial_segment_gets_its_binomial_share_of_draws(counts: np.ndarray) -> None:
    share = (N - SEGMENT) / N
    in_partial = counts[:, SEGMENT:].sum(axis=1)
    expected_sd = np.sqrt(N * share * (1 - share))
    assert abs(in_partial.mean() - N * share) < 4 * expected_sd / np.sqrt(len(counts))
    assert in_partial.std(ddof=1) == pytest.approx(expected_sd, rel=0.25)


def test_every_row_is_equally_likely(counts: np.ndarray) -> None:
    pooled = counts.sum(axis=0)
    result = stats.chisquare(pooled)
    assert result.pvalue > 1e-3


def test_a_row_count_varies_as_a_binomial(counts: np.ndarray) -> None:
    # each row's count is Binomial(N, 1/N): variance (1 - 1/N), pooled over rows and resamples
    assert counts.var() == pytest.approx(1 - 1 / N, rel=0.01)


def test_a_resample_depends_only_on_the_seed_and_its_number() -> None:
    whole = deviations(1000, 0, 40, seed=3)
    np.testing.assert_array_equal(deviations(1000, 21, 7, seed=3), whole[21:28])
    assert not np.array_equal(deviations(1000, 0, 40, seed=4), whole)


def test_it_reports_progress_by_chunk_and_keeps_replicate_order() -> None:
    seen: list[int] = []
    first_counts = bootstrap(500, 20_000, 2, lambda d: d[:, :1].astype(float), seen.append)
    assert sum(seen) == 20_000
    assert len(seen) > 1
    np.testing.assert_array_equal(first_counts[:, 0], deviations(500, 0, 20_000, 2)[:, 0])


def test_rows_stay_uniform_when_many_words_are_rejected() -> None:
    from alliance.stats.resample import _uniform_rows

    size = 2**31 + 1  # 2**32 mod size = 2**31 - 1: almost half the words are drawn again
    rows = _uniform_rows(np.random.PCG64DXSM(5), size, 20_000)
    assert rows.min() >= 0
    assert rows.max() < size
    observed = np.bincount(rows * 10 // size, minlength=10)
    assert stats.chisquare(observed).pvalue > 1e-3


def test_worker_processes_give_the_same_replicates_in_the_same_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from alliance.stats import resample

    seen: list[int] = []

    def first_two(deviation: np.ndarray) -> np.ndarray:
        process = np.full((len(deviation), 1), os.getpid(), dtype=float)
        return np.hstack([deviation[:, :2].astype(float), process])

    monkeypatch.setattr(resample, "PARALLEL_CELLS", 0)
    alone = bootstrap(300, 40_000, 5, first_two)
    together = bootstrap(300, 40_000, 5, first_two, seen.append, workers=2)
    np.testing.assert_array_equal(alone[:, :2], together[:, :2])
    assert os.getpid() not in set(together[:, 2])
    assert sum(seen) == 40_000


def test_small_data_resamples_are_multinomial_too() -> None:
    counts = deviations(1000, 3, 400, seed=2).astype(np.int64) + 1
    np.testing.assert_array_equal(counts.sum(axis=1), np.full(400, 1000))
    assert stats.chisquare(counts.sum(axis=0)).pvalue > 1e-3
    assert counts.var() == pytest.approx(1 - 1 / 1000, rel=0.02)
