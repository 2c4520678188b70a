"""Matplotlib figures as data URIs, so that a report is one file with nothing beside it."""

from __future__ import annotations

import base64
import io

from matplotlib.figure import Figure


def data_uri(figure: Figure, dpi: int = 110) -> str:
    """The figure as a base64 PNG data URI."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"data:image/png;base64,{encoded}"
