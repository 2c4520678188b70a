"""Questionnaire forms built from instrument definitions, and their answers read back.

One ``InstrumentForm`` per instrument with one ``Question`` per item: a short scale becomes a
row of large choice buttons, a long one (a 0-100 line, the SRS's 0-10 in tenths) a
visual-analogue line. Licensed wording is shown when the clinic installed it; otherwise our
own text or topic label, with the notice saying so. The same forms serve the patient's
check-in and the therapist's entry of a paper form.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from alliance import instruments
from alliance.instruments.definition import Definition, ResponseScale
from alliance.instruments.wording import display_items, fallback_notice
from alliance.interop.wording_files import installed_wording
from alliance.web.actions import AnswerProblem
from alliance.web.views.instrument_text import instrument_text

DOES_NOT_APPLY = "NA"
Answers = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Choice:
    """One answer button: the value sent and the label shown."""

    value: str
    label: str


@dataclass(frozen=True)
class Question:
    """One item as a form shows it."""

    name: str
    number: int
    text: str
    licensed: bool
    line: bool
    choices: tuple[Choice, ...]
    words: bool
    minimum: float
    maximum: float
    step: float
    low: str
    high: str
    does_not_apply: bool
    value: str
    error: str


@dataclass(frozen=True)
class InstrumentForm:
    """One instrument's questions, with the notice shown when licensed text is missing."""

    id: str
    title: str
    notice: str
    unvalidated: bool
    questions: tuple[Question, ...]


def field_name(instrument_id: str, item_id: str) -> str:
    """The form field of one item, e.g. ``checkin-q1``."""
    return f"{instrument_id}-{item_id}"


def build_forms(
    instrument_ids: Sequence[str],
    *,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
) -> list[InstrumentForm]:
    """The forms of ``instrument_ids`` in order, filled with ``values`` and their ``errors``."""
    return [_form(instruments.load(i), values or {}, errors or {}) for i in instrument_ids]


def _form(
    definition: Definition, values: Mapping[str, str], errors: Mapping[str, str]
) -> InstrumentForm:
    wording = installed_wording(definition)
    notice = ""
    if fallback_notice(definition, wording) is not None:
        notice = _(
            "The licensed wording of the %(name)s is not installed in this clinic, so each "
            "question is shown by its topic."
        ) % {"name": definition.abbreviation}
    questions = []
    for number, item in enumerate(display_items(definition, wording), 1):
        scale = definition.response_for(item.id)
        name = field_name(definition.id, item.id)
        text = item.text if item.licensed else instrument_text(item.text)
        questions.append(_question(name, number, text, item.licensed, scale, values, errors))
    return InstrumentForm(
        id=definition.id,
        title=instrument_text(definition.name),
        notice=notice,
        unvalidated=not definition.validated,
        questions=tuple(questions),
    )


def _question(
    name: str,
    number: int,
    text: str,
    licensed: bool,
    scale: ResponseScale,
    values: Mapping[str, str],
    errors: Mapping[str, str],
) -> Question:
    anchors = {float(k): instrument_text(v) for k, v in scale.anchors.items()}
    options = [scale.min + k * scale.step for k in range(scale.steps + 1)]
    words = bool(options) and all(o in anchors for o in options) and scale.is_discrete
    choices: tuple[Choice, ...] = ()
    if scale.is_discrete:
        choices = tuple(Choice(canonical(o), anchors[o] if words else shown(o)) for o in options)
    return Question(
        name=name,
        number=number,
        text=text,
        licensed=licensed,
        line=not scale.is_discrete,
        choices=choices,
        words=words,
        minimum=scale.min,
        maximum=scale.max,
        step=scale.step,
        low=anchors.get(scale.min, shown(scale.min)),
        high=anchors.get(scale.max, shown(scale.max)),
        does_not_apply=scale.does_not_apply,
        value=values.get(name, ""),
        error=errors.get(name, ""),
    )


def shown(value: float) -> str:
    """A number as the page's language writes it: ``7``, ``0,5`` in French."""
    return number_format(int(value) if float(value).is_integer() else value)


def canonical(value: float) -> str:
    """A number as the form sends it: ``7``, ``0.5``."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def read_answers(
    forms: Sequence[InstrumentForm], data: Mapping[str, str], *, required: bool
) -> tuple[Answers, dict[str, str]]:
    """The answers posted for ``forms`` and, per field, what is wrong with it.

    Every item of every form is present in the answers (a blank is ``None``), so the same
    answers sent twice compare equal: that is how a retried check-in is recognised.
    """
    answers: Answers = {}
    errors: dict[str, str] = {}
    for form in forms:
        items = answers.setdefault(form.id, {})
        for question in form.questions:
            item_id = question.name.split("-", 1)[1]
            value, error = _read(question, str(data.get(question.name, "")).strip(), required)
            items[item_id] = value
            if error:
                errors[question.name] = error
    return answers, errors


def _read(question: Question, raw: str, required: bool) -> tuple[Any, str]:
    if raw == "":
        return None, _("Please choose an answer.") if required else ""
    if raw.upper() == DOES_NOT_APPLY and question.does_not_apply:
        return DOES_NOT_APPLY, ""
    try:
        number = float(raw.replace(",", "."))
    except ValueError:
        return None, _("Please give a number.")
    steps = (number - question.minimum) / question.step
    inside = question.minimum <= number <= question.maximum
    if not math.isfinite(number) or not inside or abs(steps - round(steps)) > 1e-6:
        return None, _("Please choose one of the answers shown.")
    return (int(number) if number.is_integer() else number), ""


def problem_errors(problems: Sequence[AnswerProblem]) -> dict[str, str]:
    """The scoring engine's refusals, as errors on the fields they name."""
    message = _("Please choose one of the answers shown.")
    return {field_name(p.instrument, p.item): message for p in problems if p.item}
