"""De-identifying a clinic's tables for research by HIPAA Safe Harbor (45 CFR 164.514(b)(2)).

Only columns on an allow-list pass; everything else (names, contact details, record numbers,
addresses, notes, any column Alliance does not know) is dropped and named in the report with
the Safe Harbor category it looks like. What passes is transformed:

- patient, episode, therapist and clinic codes are re-keyed with HMAC-SHA256 under a key the
  clinic holds (16 hex digits); the subject pseudonym is the one the clinic's own cohort export
  gives for the same key;
- every date becomes days since the episode's intake; no date, not even a year, is kept;
- ages over 89 become 90, meaning "90 or older";
- category columns keep only values shared by at least ``min_count`` episodes, others become
  "other", so a free-text entry typed into a category cannot identify anyone;
- answers must be numbers on the instrument's scale (or NA), so no text hides in them.

``identifiable`` builds the same tables without any of this. It exists for the clinic's
admin-only export; the caller must check the role and write the audit record.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alliance import instruments
from alliance.instruments.answers import read_answers
from alliance.interop.clinic_tables import KEYS, SCORE_COLUMNS, ClinicTables
from alliance.interop.research_tables import (
    CATEGORIES,
    EPISODE_COLUMNS,
    RESEARCH_KEYS,
    ResearchTables,
)

Coder = Callable[[pd.Series], pd.Series]
MIN_KEY_BYTES = 16
AGE_TOP = 90
"""Ages above 89 are reported as 90, "90 or older" (Safe Harbor)."""
OTHER = "other"
ALLOWED = {
    "patients": {"patient_id", "clinic_id", "age", "sex"},
    "episodes": {
        "episode_id", "patient_id", "clinic_id", "therapist_id", "condition", "body_region",
        "setting", "treatment", "alliance_arm", "start_date", "end_date", "planned_visits",
        "attended_visits", "discharge_reason",
    },
    "visits": {"episode_id", "visit", "date", "status"},
    "scores": set(SCORE_COLUMNS),
}  # fmt: skip
ITEM_COLUMN = re.compile(r"^q[1-9][0-9]*(_weight)?$")
SAFE_HARBOR_HINTS = [
    (r"name", "names"),
    (r"address|street|city|town|zip|post_?code|county|geo|lat|lon", "geographic subdivisions"),
    (r"birth|dob|date|_at$|time|admi|discharg|death", "dates"),
    (r"phone|tel|mobile", "telephone numbers"),
    (r"fax", "fax numbers"),
    (r"mail", "email addresses"),
    (r"ssn|social_sec|national_id", "social security numbers"),
    (r"mrn|record|chart|hospital_(no|num)", "medical record numbers"),
    (r"plan|insur|beneficiar|medicare|medicaid", "health plan beneficiary numbers"),
    (r"account|bank|iban", "account numbers"),
    (r"licen[cs]e|certificate|passport", "certificate or licence numbers"),
    (r"vehicle|plate|vin", "vehicle identifiers"),
    (r"device|serial|imei", "device identifiers"),
    (r"url|web|link", "URLs"),
    (r"(^|_)ip(_|$)|ip_?addr", "IP addresses"),
    (r"finger|voice|biometric|retina", "biometric identifiers"),
    (r"photo|image|picture|face", "photographs"),
    (r"note|comment|text|remark|free|description", "free text"),
]


@dataclass(frozen=True)
class DeidentificationReport:
    """What was removed or changed, one row per column: table, column, action, detail."""

    rows: tuple[tuple[str, str, str, str], ...]

    def summary(self) -> str:
        """One line per action taken."""
        return "\n".join(f"{t}.{c}: {action} ({detail})" for t, c, action, detail in self.rows)

    def to_frame(self) -> pd.DataFrame:
        """The report as a table."""
        return pd.DataFrame(list(self.rows), columns=["table", "column", "action", "detail"])

    def markdown(self) -> str:
        """The report as a Markdown document to ship beside the export."""
        lines = [
            "# De-identification report",
            "",
            "HIPAA Safe Harbor (45 CFR 164.514(b)(2)): identifiers removed, codes re-keyed "
            "with a keyed hash, dates replaced by days since intake, ages over 89 grouped.",
            "",
            "| table | column | action | detail |",
            "|---|---|---|---|",
        ]
        lines += [f"| {t} | {c} | {a} | {d} |" for t, c, a, d in self.rows]
        return "\n".join(lines) + "\n"


def pseudonym(key: bytes, value: str, kind: str = "") -> str:
    """A keyed hash of ``value``: 16 hex digits of HMAC-SHA256, ``kind`` separating id kinds."""
    message = f"{kind}:{value}" if kind else value
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:16]


def deidentify(
    tables: ClinicTables, key: bytes, min_count: int = 5
) -> tuple[ResearchTables, DeidentificationReport]:
    """Research tables with every Safe Harbor identifier removed, and the report of what was."""
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the pseudonym key must be at least {MIN_KEY_BYTES} bytes long")
    report: list[tuple[str, str, str, str]] = []
    _check_answers(tables)
    _report_dropped(tables, report)
    codes: dict[str, Coder] = {
        "patient_id": _rekeyer(key, ""),
        "episode_id": _rekeyer(key, "episode"),
        "therapist_id": _rekeyer(key, "therapist"),
        "clinic_id": _rekeyer(key, "clinic"),
    }
    research = _build(tables, codes, dates=False)
    for column in ("patient_id", "episode_id", "therapist_id", "clinic_id"):
        report.append(("all", column, "re-keyed", "HMAC-SHA256 with the clinic's key, 16 hex"))
    report.append(("all", "date", "replaced", "days since the episode's intake (day)"))
    report.append(("episodes", "start_date, end_date", "replaced", "length_days"))
    episodes = research.episodes.copy()
    if "age" in episodes:
        over = episodes["age"] > AGE_TOP - 1
        episodes.loc[over, "age"] = AGE_TOP
        report.append(("patients", "age", "grouped", f"{int(over.sum())} ages over 89 set to 90"))
    visits = research.visits.copy()
    for frame, name in ((episodes, "episodes"), (visits, "visits")):
        for column in CATEGORIES:
            if column in frame:
                rare = _suppress_rare(frame, column, min_count)
                if rare:
                    detail = f"{rare} value(s) shared by fewer than {min_count} episodes"
                    report.append((name, column, f"set to {OTHER!r}", detail))
    research = ResearchTables(episodes, visits, research.answers, research.scores)
    return research, DeidentificationReport(tuple(report))


def identifiable(tables: ClinicTables) -> ResearchTables:
    """The research tables with real codes, dates and ages. The caller checks role and audits."""
    _check_answers(tables)
    ids = ("patient_id", "episode_id", "therapist_id", "clinic_id")
    same: dict[str, Coder] = dict.fromkeys(ids, _text)
    return _build(tables, same, dates=True)


def _build(tables: ClinicTables, codes: dict[str, Coder], dates: bool) -> ResearchTables:
    """Rename and transform the allowed columns; ``codes`` maps id columns to their coders."""
    rename = {
        "patient_id": "subject",
        "clinic_id": "clinic",
        "therapist_id": "therapist",
        "episode_id": "episode",
    }
    intake = _intake(tables)

    def keyed(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        if "date" in out:
            start = out["episode_id"].astype("str").map(intake)
            out.insert(list(out.columns).index("date"), "day", (out["date"] - start).dt.days)
            if not dates:
                out = out.drop(columns="date")
        for column, coder in codes.items():
            if column in out:
                out[column] = coder(out[column])
        out = out.rename(columns=rename)
        first = [c for c in RESEARCH_KEYS if c in out] + (["date"] if "date" in out else [])
        return out[first + [c for c in out if c not in first]]

    answers = {}
    for instrument, frame in tables.answers.items():
        items = [item.id for item in instruments.load(instrument).items]
        extra = [c for c in frame.columns if ITEM_COLUMN.match(c) and c not in items]
        answers[instrument] = keyed(frame[KEYS + items + extra])
    scores = keyed(tables.scores[SCORE_COLUMNS])
    visits = pd.DataFrame(columns=["episode", "visit", "day", "status"])
    if len(tables.visits):
        visits = keyed(tables.visits[["episode_id", "visit", "date", "status"]])
    return ResearchTables(_episodes(tables, keyed, dates), visits, answers, scores, dates)


def _episodes(
    tables: ClinicTables, keyed: Callable[[pd.DataFrame], pd.DataFrame], dates: bool
) -> pd.DataFrame:
    if tables.episodes.empty:
        frames = [frame[KEYS[:4]] for frame in tables.answers.values()]
        base = pd.concat(frames).drop_duplicates("episode_id")
    else:
        base = tables.episodes[[c for c in tables.episodes if c in ALLOWED["episodes"]]].copy()
        if "start_date" in base:
            base["length_days"] = (base["end_date"] - base["start_date"]).dt.days
            if not dates:
                base = base.drop(columns=["start_date", "end_date"])
    if not tables.patients.empty:
        people = tables.patients[[c for c in ("patient_id", "age", "sex") if c in tables.patients]]
        base = base.merge(people, on="patient_id", how="left")
    episodes = keyed(base)
    order = [c for c in EPISODE_COLUMNS if c in episodes] + [
        c for c in ("start_date", "end_date") if c in episodes
    ]
    return episodes[order].reset_index(drop=True)


def _intake(tables: ClinicTables) -> dict[str, pd.Timestamp]:
    """Each episode's intake date: its start date, else its first dated record."""
    sources = [*tables.answers.values(), tables.visits]
    dated = [frame[["episode_id", "date"]] for frame in sources if len(frame)]
    first = pd.concat(dated).groupby("episode_id")["date"].min() if dated else pd.Series()
    intake = {str(k): v for k, v in first.items()}
    if not tables.episodes.empty and "start_date" in tables.episodes:
        starts = zip(tables.episodes["episode_id"], tables.episodes["start_date"], strict=True)
        intake |= {str(k): v for k, v in starts}
    return intake


def _check_answers(tables: ClinicTables) -> None:
    """Every answer must be on its instrument's scale, so no text can travel in an item."""
    for instrument, frame in tables.answers.items():
        read_answers(instruments.load(instrument), frame)


def _report_dropped(tables: ClinicTables, report: list[tuple[str, str, str, str]]) -> None:
    named = tables.tables()
    for name, frame in named.items():
        allowed = ALLOWED.get(name, set(KEYS))
        for column in frame.columns:
            if column in allowed or (name.startswith("answers_") and ITEM_COLUMN.match(column)):
                continue
            report.append((name, str(column), "removed", _category(str(column))))


def _category(column: str) -> str:
    lowered = column.lower()
    for pattern, category in SAFE_HARBOR_HINTS:
        if re.search(pattern, lowered):
            return f"Safe Harbor: {category}"
    return "not on the research allow-list (possible identifier or free text)"


def _rekeyer(key: bytes, kind: str) -> Coder:
    def rekey(series: pd.Series) -> pd.Series:
        codes = {value: pseudonym(key, str(value), kind) for value in series.dropna().unique()}
        return series.map(codes).astype("str")

    return rekey


def _text(series: pd.Series) -> pd.Series:
    return series.astype("str")


def _suppress_rare(frame: pd.DataFrame, column: str, min_count: int) -> int:
    """Replace values shared by fewer than ``min_count`` episodes with "other"; count them."""
    counts = frame.groupby(column)["episode"].nunique()
    rare = counts[counts < min_count].index
    hit = frame[column].isin(rare).to_numpy()
    frame.loc[hit, column] = OTHER
    return len(rare) if np.any(hit) else 0
