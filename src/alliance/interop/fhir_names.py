"""The URLs Alliance's FHIR resources use: our own systems and the HL7 extensions we read and write.

Alliance has no permanent web address yet, so its own systems live under a reserved ``.invalid``
domain (RFC 2606): it can never collide with another organisation's codes. Change ``BASE`` once
the project has a permanent address; every Alliance URL is built from it.

FHIR version: R4B models from ``fhir.resources.R4B`` (Questionnaire, QuestionnaireResponse,
Observation, Encounter and Bundle are the same as in R4 for everything we use).
"""

from __future__ import annotations

BASE = "https://alliance.invalid/fhir"

QUESTIONNAIRE = f"{BASE}/Questionnaire"
DEFINITION_EXTENSION = f"{BASE}/StructureDefinition/instrument-definition"
"""valueString: the whole Alliance definition as JSON, so nothing FHIR cannot express is lost."""
INSTRUMENT_SYSTEM = f"{BASE}/instrument"
SCORE_SYSTEM = f"{BASE}/CodeSystem/score"
"""Our code for a score: ``<instrument>.<scale>``; used where no LOINC code exists."""
PATIENT_SYSTEM = f"{BASE}/patient"
THERAPIST_SYSTEM = f"{BASE}/therapist"
CLINIC_SYSTEM = f"{BASE}/clinic"
EPISODE_SYSTEM = f"{BASE}/episode"
VISIT_SYSTEM = f"{BASE}/visit"
ASSESSMENT_SYSTEM = f"{BASE}/assessment"
SCORE_IDENTIFIER_SYSTEM = f"{BASE}/score"
ANSWER_WEIGHT = f"{BASE}/StructureDefinition/answer-weight"
"""valueDecimal on a QuestionnaireResponse item: the weight given to that answer (GAS goals)."""

ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
"""The deprecated predecessor of itemWeight: read, never written."""
CALCULATED_EXPRESSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
)
SHORT_TEXT = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-shortText"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
MAX_DECIMAL_PLACES = "http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
EPISODE_OF_CARE = "http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare"
SDC_QUESTIONNAIRE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire"
LOINC = "http://loinc.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"

DOES_NOT_APPLY_CODE = "NA"
"""The answer code for "does not apply", as in answer tables."""


def answer_system(instrument_id: str) -> str:
    """The code system of one instrument's answer values (codes are the numbers, e.g. "4")."""
    return f"{BASE}/CodeSystem/answers-{instrument_id}"


def questionnaire_url(instrument_id: str) -> str:
    """The canonical URL of an instrument's Questionnaire."""
    return f"{QUESTIONNAIRE}/{instrument_id}"


def resource_id(instrument_id: str) -> str:
    """A FHIR resource id for an instrument (FHIR ids allow no underscore)."""
    return instrument_id.replace("_", "-")
