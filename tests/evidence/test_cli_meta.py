"""``alliance evidence review meta``: the charted effect sizes of a review, pooled."""

from pathlib import Path

import numpy as np
from click.testing import CliRunner

from alliance.cli import main
from alliance.evidence.review.charting import ChartedStudy
from alliance.evidence.review.project import ReviewProject
from alliance.interop.review_files import write_project

EFFECTS = {"a2019": (0.10, 0.10), "b2020": (0.60, 0.15), "c2021": (0.35, 0.08)}


def _folder(tmp_path: Path, kinds: tuple[str, ...] = ("smd", "smd", "smd")) -> Path:
    charts = tuple(
        ChartedStudy(
            f"db-{n}",
            study,
            "ana",
            (("effect_size", str(y)), ("standard_error", str(se)), ("effect_size_type", kind)),
        )
        for n, ((study, (y, se)), kind) in enumerate(zip(EFFECTS.items(), kinds, strict=True))
    )
    project = ReviewProject("r", ("ana", "ben"), (), (), charts=charts)
    write_project(project, tmp_path / "review")
    return tmp_path / "review"


def test_it_pools_the_charted_effects_as_dersimonian_and_laird_by_hand(tmp_path: Path) -> None:
    y = np.array([v[0] for v in EFFECTS.values()])
    v = np.array([v[1] for v in EFFECTS.values()]) ** 2
    w = 1 / v
    fixed = np.sum(w * y) / np.sum(w)
    q = np.sum(w * (y - fixed) ** 2)
    tau2 = max(0.0, (q - 2) / (np.sum(w) - np.sum(w**2) / np.sum(w)))
    pooled = np.sum(y / (v + tau2)) / np.sum(1 / (v + tau2))
    assert tau2 > 0  # the effects differ enough for the random effect to matter
    result = CliRunner().invoke(
        main, ["evidence", "review", "meta", str(_folder(tmp_path)), "--method", "DL"]
    )
    assert result.exit_code == 0, result.output
    assert f"Pooled estimate {pooled:.4f}" in result.output
    assert f"tau^2 {tau2:.4f}" in result.output


def test_it_refuses_to_pool_mixed_effect_size_types(tmp_path: Path) -> None:
    folder = _folder(tmp_path, ("smd", "r", "smd"))
    result = CliRunner().invoke(main, ["evidence", "review", "meta", str(folder)])
    assert result.exit_code == 1
    assert "mix types (r, smd)" in result.output


def test_it_says_why_one_charted_study_cannot_be_pooled(tmp_path: Path) -> None:
    project = ReviewProject("r", ("ana", "ben"), (), (), charts=())
    write_project(project, tmp_path / "review")
    result = CliRunner().invoke(main, ["evidence", "review", "meta", str(tmp_path / "review")])
    assert result.exit_code == 1
    assert "pooling needs at least two charted studies" in result.output
    assert "(0 so far)" in result.output
