"""Importing a FHIR transaction Bundle of assessments into the clinic, all or nothing.

The Bundle is read and checked whole by ``interop.fhir_bundle_import`` (every resource valid,
every answer on its scale, every score the instrument's) before the database is touched. Then,
in one transaction with its audit row:

- each patient, episode and visit of the Bundle is found or made. A patient code this clinic
  already has is that patient; an episode number of this very clinic (a re-import of its own
  export) is that episode; anything else becomes a new patient or episode, treated by the
  ``therapist`` the admin names, and ``ImportedKey`` remembers what it became so the next
  import of the same Bundle finds it again;
- an assessment the clinic already has with the same answers is a duplicate and is skipped
  (``interop.known_assessments``); with different answers the whole Bundle is refused;
- new assessments are scored again by ``alliance.instruments`` from their raw answers and
  stored with them, exactly as a check-in stores them (``checkin.score_answers``), and the
  episodes' feedback signals are refreshed.

Any refusal raises ``BundleRejectedError`` naming the resource and the reason; nothing is
written. An imported patient's identity holds only the code the other system gave.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from alliance.interop.clinic_tables import KEYS, ClinicTables
from alliance.interop.fhir_bundle_import import BundleImport, parse_bundle
from alliance.interop.import_errors import ImportFileError
from alliance.interop.known_assessments import without_known
from alliance.web import feedback
from alliance.web.actions.checkin import score_answers
from alliance.web.actions.errors import ActionError, AnswersRejectedError, NotAllowedError
from alliance.web.actions.patients import new_patient_code
from alliance.web.audit import record
from alliance.web.clinic_export import ASSESSMENT_FIELDS, answer_table
from alliance.web.models import (
    Assessment,
    Clinic,
    Episode,
    Identity,
    ImportedKey,
    Patient,
    Role,
    User,
    Visit,
    VisitStatus,
)

Progress = Callable[[int], None]
PATIENT, EPISODE = "patient", "episode"
MAX_KEY = 64
"""The longest identifier ``ImportedKey.value`` holds."""
MAX_CODE = 16
"""The longest patient code this clinic keeps as it came; longer ones get a new code."""


class BundleRejectedError(ActionError):
    """The Bundle cannot be imported; the message names the resource and the reason."""


@dataclass(frozen=True)
class ClinicImport:
    """What an import added to the clinic, and what it recognised as already there."""

    patients: int
    episodes: int
    visits: int
    assessments: int
    duplicates: int
    ignored: int

    def summary(self) -> str:
        """One line of counts."""
        return (
            f"{self.assessments} new assessments ({self.patients} new patients, "
            f"{self.episodes} new episodes, {self.visits} new visits); "
            f"{self.duplicates} duplicates skipped, {self.ignored} other entries ignored"
        )


def import_fhir_bundle(
    by: User,
    text: str,
    source: str,
    *,
    therapist: User,
    on_progress: Progress | None = None,
    request: HttpRequest | None = None,
) -> ClinicImport:
    """Add the Bundle's new assessments to ``by``'s clinic (an admin's), in one transaction."""
    if by.role != Role.ADMIN or by.clinic is None or not by.is_active:
        raise NotAllowedError(_("Only an admin can import a Bundle into the clinic."))
    if therapist.role != Role.THERAPIST or therapist.clinic_id != by.clinic_id:
        raise NotAllowedError(_("New patients must go to a therapist of this clinic."))
    try:
        parsed = parse_bundle(text, source, None, on_progress)
        with transaction.atomic():
            return _store(by, by.clinic, therapist, parsed, source, request)
    except ImportFileError as error:
        raise BundleRejectedError(
            _("%(file)s: %(where)s: %(reason)s (nothing was imported)"),
            file=error.source,
            where=error.where,
            reason=error.reason,
        ) from error


def _store(
    by: User,
    clinic: Clinic,
    therapist: User,
    parsed: BundleImport,
    source: str,
    request: HttpRequest | None,
) -> ClinicImport:
    keys = _bundle_keys(parsed)
    places = _places(parsed)
    local = _Local(clinic, therapist, source)
    local.resolve(keys)
    existing = local.existing_answers(parsed.answers)
    answers, _scores, known = without_known(parsed.answers, parsed.scores, existing, source, places)
    created: list[Assessment] = []
    touched: dict[int, Episode] = {}
    for instrument, frame in answers.items():
        items = [c for c in frame.columns if c not in KEYS]
        for row in _rows(frame[[*KEYS, *items]]):
            given = _answers(items, list(row)[len(KEYS) :])
            try:
                _definition, fields = score_answers(instrument, given)
            except AnswersRejectedError as error:
                where = places[_identifier(row, instrument)]
                raise ImportFileError(source, where, str(error)) from error
            episode = local.episodes[str(row.episode_id)]
            visit = local.visits[(str(row.episode_id), int(row.visit))]
            touched[episode.pk] = episode
            created.append(
                Assessment(
                    patient_id=episode.patient_id,
                    visit=visit,
                    entered_by=by,
                    answers=given,
                    **fields,
                )
            )
    Assessment.objects.bulk_create(created)
    result = ClinicImport(
        patients=local.made[PATIENT],
        episodes=local.made[EPISODE],
        visits=local.made["visit"],
        assessments=len(created),
        duplicates=len(parsed.duplicates) + len(known),
        ignored=len(parsed.ignored),
    )
    record("fhir_bundle_imported", actor=by, request=request, detail=asdict(result))
    for episode in touched.values():
        feedback.refresh_alerts(episode)
    return result


def _bundle_keys(parsed: BundleImport) -> pd.DataFrame:
    frames = [frame[KEYS] for frame in parsed.answers.values()]
    if not frames:
        return pd.DataFrame(columns=KEYS)
    return pd.concat(frames).drop_duplicates(["episode_id", "visit"]).reset_index(drop=True)


def _places(parsed: BundleImport) -> dict[str, str]:
    return {
        _identifier(row, instrument): f"QuestionnaireResponse {_identifier(row, instrument)}"
        for instrument, frame in parsed.answers.items()
        for row in _rows(frame[["episode_id", "visit"]])
    }


def _rows(frame: pd.DataFrame) -> list[Any]:
    """The rows of ``frame`` as named tuples."""
    return list(frame.itertuples(index=False))


def _identifier(row: Any, instrument: str) -> str:
    return f"{row.episode_id}/{int(row.visit)}/{instrument}"


def _answers(items: list[str], values: list[Any]) -> dict[str, Any]:
    """The raw answers as the Bundle gave them: whole numbers as integers, blanks left out."""
    given: dict[str, Any] = {}
    for item, value in zip(items, values, strict=True):
        if isinstance(value, str):
            given[item] = value
        elif value is not None and not math.isnan(float(value)):
            number = float(value)
            given[item] = int(number) if number.is_integer() else number
    return given


class _Local:
    """The clinic's patients, episodes and visits the Bundle's identifiers stand for."""

    def __init__(self, clinic: Clinic, therapist: User, source: str) -> None:
        self.clinic = clinic
        self.therapist = therapist
        self.source = source
        self.patients: dict[tuple[str, str], Patient] = {}
        self.episodes: dict[str, Episode] = {}
        self.visits: dict[tuple[str, int], Visit] = {}
        self.made = {PATIENT: 0, EPISODE: 0, "visit": 0}

    def resolve(self, keys: pd.DataFrame) -> None:
        """Find or make every patient, episode and visit of ``keys`` (the Bundle's visits)."""
        imported = {
            (k.source, k.kind, k.value): k
            for k in ImportedKey.objects.filter(clinic=self.clinic).select_related(
                "patient", "episode"
            )
        }
        codes = set(keys["patient_id"])
        by_code = {p.code: p for p in Patient.objects.filter(clinic=self.clinic, code__in=codes)}
        rows = _rows(keys)
        for row in rows:
            where = f"Encounter {row.episode_id}/{int(row.visit)}"
            if len(str(row.clinic_id)) > MAX_KEY:
                raise ImportFileError(self.source, where, "its clinic identifier is too long")
            patient = self._patient(row.clinic_id, row.patient_id, imported, by_code)
            self._episode(row, patient, imported, keys, where)
        episodes = {episode.pk for episode in self.episodes.values()}
        present = {
            (visit.episode_id, visit.number): visit
            for visit in Visit.objects.filter(episode_id__in=episodes)
        }
        for row in rows:
            self._visit(row, present)

    def existing_answers(self, bundle: dict[str, pd.DataFrame]) -> ClinicTables:
        """The clinic's assessments at the Bundle's visits, under the Bundle's identifiers and
        with the Bundle's columns (a weight one side lacks is a missing weight)."""
        ids = {episode.pk: external for external, episode in self.episodes.items()}
        rows = Assessment.objects.filter(
            visit__episode_id__in=list(ids), instrument_id__in=list(bundle)
        ).order_by("pk")
        grouped: dict[str, list[tuple[list[Any], dict[str, Any]]]] = {}
        for _pk, instrument, episode, number, date, answers, _scores in rows.values_list(
            *ASSESSMENT_FIELDS
        ):
            keys = ["", "", "", ids[episode], int(number), date]
            grouped.setdefault(str(instrument), []).append((keys, answers))
        tables = {
            i: answer_table(i, members).reindex(columns=bundle[i].columns)
            for i, members in grouped.items()
        }
        return ClinicTables(tables, pd.DataFrame())

    def _patient(
        self,
        system: str,
        code: str,
        imported: dict[tuple[str, str, str], ImportedKey],
        by_code: dict[str, Patient],
    ) -> Patient:
        key = (system, code)
        if key in self.patients:
            return self.patients[key]
        known = imported.get((system, PATIENT, code))
        patient = known.patient if known is not None else by_code.get(code)
        if patient is None:
            if len(code) > MAX_KEY:
                raise ImportFileError(self.source, "a patient", "its identifier is too long")
            fits = len(code) <= MAX_CODE
            taken = not fits or Patient.objects.filter(code=code).exists()
            patient = Patient.objects.create(
                clinic=self.clinic,
                code=new_patient_code() if taken else code,
                therapist=self.therapist,
            )
            Identity.objects.create(patient=patient, name=code)
            ImportedKey.objects.create(
                clinic=self.clinic, source=system, kind=PATIENT, value=code, patient=patient
            )
            self.made[PATIENT] += 1
        self.patients[key] = patient
        return patient

    def _episode(
        self,
        row: Any,
        patient: Patient,
        imported: dict[tuple[str, str, str], ImportedKey],
        keys: pd.DataFrame,
        where: str,
    ) -> Episode:
        external = str(row.episode_id)
        if external in self.episodes:
            episode = self.episodes[external]
        else:
            # An episode number means something only with its patient: keyed by both, two
            # systems' episode 5 of different patients never meet.
            value = f"{row.patient_id}/{external}"
            if len(value) > MAX_KEY:
                raise ImportFileError(self.source, where, "its identifiers are too long")
            known = imported.get((str(row.clinic_id), EPISODE, value))
            found = known.episode if known is not None else self._own(row, patient)
            if found is None:
                start = keys.loc[keys["episode_id"] == row.episode_id, "date"].min()
                found = Episode.objects.create(
                    patient=patient,
                    therapist=self.therapist,
                    condition="",
                    body_region="",
                    setting="",
                    start_date=pd.Timestamp(start).date(),
                )
                ImportedKey.objects.create(
                    clinic=self.clinic,
                    source=str(row.clinic_id),
                    kind=EPISODE,
                    value=value,
                    episode=found,
                )
                self.made[EPISODE] += 1
            self.episodes[external] = episode = found
        if episode.patient_id != patient.pk:
            raise ImportFileError(self.source, where, "its episode belongs to another patient")
        return episode

    def _own(self, row: Any, patient: Patient) -> Episode | None:
        """This clinic's own episode, when the Bundle is one of its exports."""
        if str(row.clinic_id) != str(self.clinic.pk) or not str(row.episode_id).isdigit():
            return None
        return Episode.objects.filter(pk=int(row.episode_id), patient=patient).first()

    def _visit(self, row: Any, present: dict[tuple[int, int], Visit]) -> None:
        number = int(row.visit)
        episode = self.episodes[str(row.episode_id)]
        visit = present.get((episode.pk, number))
        if visit is None:
            where = f"Encounter {row.episode_id}/{number}"
            if not episode.is_open:
                raise ImportFileError(self.source, where, "its episode is already discharged")
            visit = Visit.objects.create(
                episode=episode,
                number=number,
                date=pd.Timestamp(row.date).date(),
                status=VisitStatus.ATTENDED,
            )
            self.made["visit"] += 1
        self.visits[(str(row.episode_id), number)] = visit
