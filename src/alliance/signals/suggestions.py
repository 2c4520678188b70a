"""Short prompts for the therapist, keyed to what moved. Prompts, not prescriptions."""

from __future__ import annotations

PROMPTS = {
    ("rupture", "goal"): (
        "Revisit together what the patient wants to achieve and agree the goals again."
    ),
    ("rupture", "task"): (
        "Ask how the exercises and sessions fit the patient's life; adjust the plan together."
    ),
    ("rupture", "bond"): (
        "Check in on how the patient experiences the sessions and whether they feel heard."
    ),
    ("rupture", "total"): (
        "Ask openly how the sessions are going and what would make them more useful."
    ),
    ("not_on_track", "*"): (
        "Recovery is slower than for similar patients: review the plan and any barriers together."
    ),
    ("dropout_risk", "*"): (
        "Missed visits or a weakening alliance: talk about what would make it easier to continue."
    ),
    ("influence", "ieq"): (
        "The patient may feel treated unfairly: acknowledge it and keep the plan collaborative."
    ),
    ("influence", "pcs"): (
        "High catastrophising: explain pain and progress clearly and set small, shared goals."
    ),
    ("influence", "tsk_17"): (
        "Fear of movement: plan graded, agreed steps and discuss what the patient fears."
    ),
    ("deterioration", "*"): (
        "A reliable worsening: check for new problems and review the plan with the patient."
    ),
}

DEFAULT = "Talk it through with the patient and agree the next step together."


def suggestion(signal: str, instrument: str, scale: str) -> str:
    """The prompt for a signal: by the scale that moved, else the instrument, else the signal."""
    for key in ((signal, scale), (signal, instrument), (signal, "*")):
        if key in PROMPTS:
            return PROMPTS[key]
    return DEFAULT
