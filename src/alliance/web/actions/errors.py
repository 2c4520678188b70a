"""What a domain action raises when it refuses: the faces turn these into answers.

A refusal names the item concerned and says why, in words a member of staff can act on. The
actions give a lazily translated text with named placeholders (``gettext_lazy``) and the
values to put in them; the message is put together only when it is shown (``str(error)``),
so a page reads it in its visitor's language and a translator can move the placeholders.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

Text = str | Promise
"""A message: plain text, or a text translated when it is shown."""


class ActionError(Exception):
    """A domain action refused; the message is safe to show (it holds no identifiable data).

    ``message`` may hold ``%(name)s`` placeholders, filled from ``values`` when shown."""

    def __init__(self, message: Text, **values: object) -> None:
        super().__init__(message)
        self.message = message
        self.values = values

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.values if self.values else text


class NotAllowedError(ActionError):
    """The user's role may not do this."""


class ConflictError(ActionError):
    """The request contradicts the current state (a closed episode, a used link)."""


class InvalidLinkError(ActionError):
    """A check-in link is unknown, tampered with or expired."""


@dataclass(frozen=True)
class AnswerProblem:
    """One rejected answer: the instrument, the item, the value given and why (the reason
    reads after the item: "is not an item of this instrument")."""

    instrument: str
    item: str
    value: str
    reason: Text


class AnswersRejectedError(ActionError):
    """Some answers are not allowed by their instrument's definition; nothing was stored."""

    def __init__(self, problems: list[AnswerProblem]):
        self.problems = problems
        super().__init__("")

    def __str__(self) -> str:
        return "; ".join(
            f"{' '.join(filter(None, [p.instrument, p.item]))}: "
            f"{'' if p.value == '' else repr(p.value) + ' '}{p.reason}"
            for p in self.problems
        )
