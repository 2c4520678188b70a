"""De-identification: keyed pseudonyms, days since intake, grouped ages, no identifier left."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from alliance import instruments
from alliance.interop.clinic_tables import ClinicTables
from alliance.interop.deidentify import deidentify
from alliance.interop.output_files import write_text
from alliance.interop.redcap_records import redcap_project
from alliance.interop.research_files import export_research
from alliance.synth import SynthConfig, generate

KEY = b"the clinic keeps this key safe!!"
PATIENTS = 40


def _planted(index: int) -> dict[str, str]:
    """One made-up person's identifiers, one of each HIPAA Safe Harbor kind."""
    return {
        "full_name": f"Margaret Okonkwo-Hale {index:03d}",
        "date_of_birth": f"19{31 + index % 60:02d}-07-{1 + index % 28:02d}",
        "record_number": f"MRN-884{index:05d}",
        "phone": f"+44 7700 9{index:05d}",
        "fax": f"+44 20 79{index:05d}",
        "email": f"m.okonkwo{index}@example.net",
        "postcode": f"SW{index % 9 + 1}A {index % 9}AA",
        "street_address": f"{index + 12} Larkspur Row",
        "ssn": f"078-05-{1000 + index}",
        "health_plan_number": f"HPB-553{index:05d}",
        "account_number": f"ACCT-4412{index:05d}",
        "licence_number": f"DL-OKONK{index:05d}",
        "vehicle_plate": f"KX19 Z{index:03d}",
        "device_serial": f"SN-PT-{index:07d}",
        "home_page": f"https://example.net/people/okonkwo{index}",
        "ip_address": f"203.0.113.{index % 250}",
        "fingerprint_ref": f"fp-7f3a9-{index:04d}",
        "photo_file": f"okonkwo_face_{index:03d}.jpg",
        "clinician_notes": f"Daughter Aisha{index:03d} drives her in on Tuesdays",
    }


@pytest.fixture(scope="module")
def seeded() -> tuple[ClinicTables, list[str]]:
    """A synthetic clinic with identifiers planted everywhere a real one might hold them."""
    cohort = generate(SynthConfig(patients=PATIENTS, seed=8))
    people = pd.DataFrame([_planted(k) for k in range(PATIENTS)])
    mrn = {old: f"MRN-{770000 + k}" for k, old in enumerate(cohort.patients["patient_id"])}
    encounter = {old: f"ENC-{990000 + k}" for k, old in enumerate(cohort.episodes["episode_id"])}

    def recode(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.copy()
        if "patient_id" in out:
            out["patient_id"] = out["patient_id"].map(mrn)
        if "episode_id" in out:
            out["episode_id"] = out["episode_id"].map(encounter)
        return out

    patients = pd.concat([recode(cohort.patients), people], axis=1)
    patients.loc[0, "age"] = 97
    episodes = recode(cohort.episodes).assign(referrer_name="Dr Ignatius Featherstonehaugh")
    episodes.loc[3, "condition"] = "Mrs Okonkwo's left knee after the fall at Larkspur Row"
    tables = ClinicTables(
        answers={k: recode(v) for k, v in cohort.answers.items()},
        scores=recode(cohort.scores),
        patients=patients,
        episodes=episodes,
        visits=recode(cohort.visits),
    )
    secrets = [str(v) for v in people.to_numpy().ravel()]
    secrets += list(mrn.values()) + list(encounter.values())
    secrets += ["Dr Ignatius Featherstonehaugh", "Mrs Okonkwo", "Larkspur"]
    dates = pd.concat(
        [cohort.visits["date"], cohort.episodes["start_date"], cohort.episodes["end_date"]]
    )
    for date in pd.to_datetime(dates.drop_duplicates()):
        secrets += [date.strftime("%Y-%m-%d"), date.strftime("%d/%m/%Y"), date.strftime("%m/%d/%Y")]
    return tables, secrets


def _cells(path: Path) -> list[str]:
    """Every column name and cell of a binary table file, as text."""
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        frame, meta = pyreadstat.read_sav(str(path))
        labels = [str(v) for d in meta.variable_value_labels.values() for v in d.values()]
        return labels + list(meta.column_labels) + _frame_cells(frame)
    assert not any(pd.api.types.is_datetime64_any_dtype(frame[c]) for c in frame)
    return _frame_cells(frame)


def _frame_cells(frame: pd.DataFrame) -> list[str]:
    return [str(c) for c in frame.columns] + [str(v) for v in frame.to_numpy().ravel()]


def test_no_seeded_identifier_survives_in_any_exported_file(
    seeded: tuple[ClinicTables, list[str]], tmp_path: Path
) -> None:
    tables, secrets = seeded
    folder = tmp_path / "research"
    export = export_research(tables, folder, KEY)
    research, _ = deidentify(tables, KEY)
    for name, text in redcap_project(research).files().items():
        write_text(tmp_path / "redcap" / name, text)
    files = sorted(folder.iterdir()) + sorted((tmp_path / "redcap").iterdir())
    assert len(files) == 14
    for path in files:
        if path.suffix in (".parquet", ".sav"):
            found = "\n".join(_cells(path))
        else:
            found = path.read_text(encoding="utf-8")
        found += path.read_bytes().decode("latin-1")
        leaked = [secret for secret in secrets if secret in found]
        assert not leaked, f"{path.name} leaks {leaked[:3]}"
    report = export.report
    assert report is not None
    removed = report.to_frame().set_index(["table", "column"])["detail"]
    assert removed[("patients", "email")] == "Safe Harbor: email addresses"
    assert removed[("patients", "date_of_birth")] == "Safe Harbor: dates"
    assert removed[("patients", "clinician_notes")] == "Safe Harbor: free text"
    assert removed[("episodes", "referrer_name")] == "Safe Harbor: names"
    assert len(removed) >= len(_planted(0)) + 1


def test_it_rekeys_codes_with_an_hmac_under_the_clinics_key(
    seeded: tuple[ClinicTables, list[str]],
) -> None:
    tables, _ = seeded
    research, _ = deidentify(tables, KEY)
    expected = hmac.new(KEY, b"MRN-770000", hashlib.sha256).hexdigest()[:16]
    assert research.episodes["subject"].iloc[0] == expected
    other, _ = deidentify(tables, b"another clinic's different key")
    assert other.episodes["subject"].iloc[0] != expected
    with pytest.raises(ValueError, match="at least 16 bytes"):
        deidentify(tables, b"short")


def test_it_replaces_dates_with_days_since_intake_and_groups_old_ages(
    seeded: tuple[ClinicTables, list[str]],
) -> None:
    tables, _ = seeded
    research, report = deidentify(tables, KEY)
    start = tables.episodes.set_index("episode_id")["start_date"]
    visits = tables.visits.assign(days=lambda v: (v["date"] - v["episode_id"].map(start)).dt.days)
    assert research.visits["day"].tolist() == visits["days"].tolist()
    assert "date" not in research.visits
    assert research.episodes["age"].max() == 90
    assert research.episodes["age"].iloc[0] == 90
    assert "1 ages over 89 set to 90" in report.summary()


def test_it_turns_rare_category_values_into_other(
    seeded: tuple[ClinicTables, list[str]],
) -> None:
    tables, _ = seeded
    research, _ = deidentify(tables, KEY)
    assert research.episodes["condition"].iloc[3] == "other"
    common = tables.episodes["condition"].value_counts()
    kept = set(research.episodes["condition"]) - {"other"}
    assert kept == set(common[common >= 5].index)


def test_it_refuses_text_hidden_in_an_answer(seeded: tuple[ClinicTables, list[str]]) -> None:
    tables, _ = seeded
    answers = tables.answers["nprs"].copy()
    answers["q1"] = answers["q1"].astype(object)
    answers.loc[0, "q1"] = "call her on 07700 900412"
    with pytest.raises(instruments.AnswerError, match="is not an allowed answer"):
        deidentify(ClinicTables({**tables.answers, "nprs": answers}, tables.scores), KEY)
