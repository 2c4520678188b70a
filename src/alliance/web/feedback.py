"""The hook where feedback signals will run after each assessment (issue: signals).

It is called inside ``record_assessment``'s transaction, so alerts raised from a new
assessment commit with it or not at all. It does nothing yet.
"""

from __future__ import annotations

from collections.abc import Sequence

from alliance.web.models import Assessment


def after_assessment(assessments: Sequence[Assessment]) -> None:
    """Recompute the episode's signals and raise or clear alerts (not implemented yet)."""
