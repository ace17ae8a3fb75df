"""The one voice every exercise checker speaks in.

A checker prints its verdict and returns a :class:`Feedback`; the notebook shows only the
printed text (the object displays nothing), and tests read ``correct``/``answered``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``correct`` and the ``message`` that explains it.

    ``answered`` is False when the answer was None or not of the asked kind. The checker
    has already printed the message, so in a notebook this object displays nothing;
    ``bool(feedback)`` is ``feedback.correct``.
    """

    correct: bool
    message: str
    answered: bool = True

    def __bool__(self) -> bool:
        return self.correct

    def _ipython_display_(self) -> None:  # already printed by the checker
        return None


def reply(text: str, correct: bool, answered: bool = True) -> Feedback:
    """Print ``text`` as the verdict and return it as a :class:`Feedback`."""
    print(text)
    return Feedback(correct, text, answered)


def say(correct: bool, message: str) -> Feedback:
    """A verdict on an answer of the right kind: "✅ Right. …" or "❌ Not yet. …"."""
    return reply(("✅ Right. " if correct else "❌ Not yet. ") + message, correct)


def missing(what: str, example: str | None, hint: str) -> Feedback:
    """The answer is still None: say what to write, with an example and a hint."""
    example = f", e.g. {example}" if example else ""
    return reply(
        f"✏️ Replace None with {what}{example}, then run this cell again.\nHint: {hint}",
        False,
        answered=False,
    )
