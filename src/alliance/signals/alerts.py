"""An alert: which rule fired, on which scale, with the values and the threshold."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from alliance.signals.suggestions import suggestion

COLUMNS = [
    "patient", "series", "visit", "signal", "rule", "instrument", "scale", "value",
    "threshold", "detail", "suggestion",
]  # fmt: skip


@dataclass(frozen=True)
class Alert:
    """One fired rule for one patient at one visit."""

    patient: str
    series: str
    visit: int
    signal: str
    rule: str
    instrument: str
    scale: str
    value: float
    threshold: float
    detail: str

    @property
    def suggestion(self) -> str:
        """A practical prompt keyed to what moved (never a prescription)."""
        return suggestion(self.signal, self.instrument, self.scale)

    def to_dict(self) -> dict[str, object]:
        """The alert as plain data, with its suggestion."""
        return {**asdict(self), "suggestion": self.suggestion}


def alerts_frame(alerts: list[Alert]) -> pd.DataFrame:
    """A table of alerts in a fixed column order (empty with the columns when none fired)."""
    return pd.DataFrame([alert.to_dict() for alert in alerts], columns=COLUMNS)
