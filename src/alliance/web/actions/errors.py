"""What a domain action raises when it refuses: the faces turn these into answers."""

from __future__ import annotations

from dataclasses import dataclass


class ActionError(Exception):
    """A domain action refused; the message is safe to show (it holds no identifiable data)."""


class NotAllowedError(ActionError):
    """The user's role may not do this."""


class ConflictError(ActionError):
    """The request contradicts the current state (a closed episode, a used link)."""


class InvalidLinkError(ActionError):
    """A check-in link is unknown, tampered with or expired."""


@dataclass(frozen=True)
class AnswerProblem:
    """One rejected answer: the instrument, the item, the value given and why."""

    instrument: str
    item: str
    value: str
    reason: str


class AnswersRejectedError(ActionError):
    """Some answers are not allowed by their instrument's definition; nothing was stored."""

    def __init__(self, problems: list[AnswerProblem]):
        self.problems = problems
        super().__init__(
            "; ".join(f"{p.instrument} {p.item}: {p.value!r} {p.reason}" for p in problems)
        )
