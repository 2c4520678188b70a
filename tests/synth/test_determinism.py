"""The same seed and config give the same bytes; another seed gives other data."""

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from alliance.cli import main
from alliance.interop.cohort_files import Format, write_cohort
from alliance.synth import SynthConfig, generate, stream


def files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_it_writes_byte_identical_files_for_the_same_seed(
    tmp_path: Path, file_format: Format
) -> None:
    config = SynthConfig(patients=450, seed=9, chunk_episodes=200)
    write_cohort(stream(config), tmp_path / "a", file_format)
    write_cohort(stream(config), tmp_path / "b", file_format)
    first, second = files(tmp_path / "a"), files(tmp_path / "b")
    assert first.keys() == second.keys()
    assert "scores." + file_format in first
    assert first == second


def test_another_seed_gives_other_data() -> None:
    one = generate(SynthConfig(patients=200, seed=1))
    two = generate(SynthConfig(patients=200, seed=2))
    assert not one.scores["score"].equals(two.scores["score"])
    assert not one.truth_episodes["alliance"].equals(two.truth_episodes["alliance"])


def test_streamed_chunks_add_up_to_the_whole_cohort(tmp_path: Path) -> None:
    config = SynthConfig(patients=450, seed=9, chunk_episodes=200)
    write_cohort(stream(config), tmp_path, "parquet")
    whole = generate(config)
    written = pd.read_parquet(tmp_path / "scores.parquet")
    pd.testing.assert_frame_equal(written, whole.scores, check_dtype=False)
    assert len(pd.read_parquet(tmp_path / "episodes.parquet")) == 450


def test_the_command_writes_csv_tables_a_spreadsheet_can_open(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["synth", "--patients", "120", "--seed", "4", "-o", str(tmp_path), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert "120 episodes" in result.output
    episodes = pd.read_csv(tmp_path / "episodes.csv")
    assert len(episodes) == 120
    assert set(episodes["discharge_reason"]) <= {"goals met", "mutual agreement", "dropout"}
    answers = pd.read_csv(tmp_path / "answers_wai_sr.csv")
    assert list(answers.columns[-12:]) == [f"q{n}" for n in range(1, 13)]
    assert not list(tmp_path.glob("*.partial"))
