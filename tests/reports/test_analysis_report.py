"""Analysis reports: one self-contained HTML file, and strict JSON."""

import base64
import json
import re

import numpy as np
import pandas as pd

from alliance.reports import analysis_json, analysis_report
from alliance.stats import mediation


def small_mediation() -> object:
    rng = np.random.default_rng(1)
    x = rng.normal(size=120)
    m = 0.5 * x + rng.normal(size=120)
    y = 0.4 * m + rng.normal(size=120)
    frame = pd.DataFrame({"alliance": x, "adherence": m, "function": y})
    return mediation(frame, x="alliance", m="adherence", y="function", n_boot=200, seed=1)


def test_it_embeds_every_figure_as_a_png_and_links_nothing_outside() -> None:
    html = analysis_report(small_mediation())  # type: ignore[arg-type]
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert images
    assert all(base64.b64decode(image).startswith(b"\x89PNG") for image in images)
    assert not re.search(r'(src|href)="(?!data:)', html)


def test_it_explains_the_analysis_and_shows_its_numbers() -> None:
    result = small_mediation()
    html = analysis_report(result, title="Does adherence carry the alliance?")  # type: ignore[arg-type]
    assert "<title>Does adherence carry the alliance?</title>" in html
    assert "How to read this" in html
    assert "does not prove one" in html
    assert "alliance → adherence → function" in html


def test_it_writes_json_with_null_for_numbers_that_are_not_finite() -> None:
    class Odd:
        def to_dict(self) -> dict[str, object]:
            return {"estimate": float("nan"), "values": [1.0, float("inf")], "n": np.int64(3)}

    assert json.loads(analysis_json(Odd())) == {  # type: ignore[arg-type]
        "estimate": None,
        "values": [1.0, None],
        "n": 3,
    }
