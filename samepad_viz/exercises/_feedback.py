"""The one voice every exercise checker speaks in.

A checker prints its verdict and returns a :class:`Feedback`; the notebook shows only the
printed text (the object displays nothing), and tests read ``correct``/``answered``.
"""

from __future__ import annotations

import numbers
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


def say(correct: bool, message: str, answered: bool = True) -> Feedback:
    """A verdict: "✅ Right. …" or "❌ Not yet. …".

    ``answered=False`` for a "❌ Not yet." about an answer that is not one of those asked
    for (a letter or a size outside the list): the learner has not really answered yet.
    """
    return reply(("✅ Right. " if correct else "❌ Not yet. ") + message, correct, answered)


def wrong_kind(what: str, example: str, answer) -> Feedback:
    """The answer is not of the asked kind: say what was expected (no traceback).

    >>> _ = wrong_kind("one int", "14", "14")  # doctest: +ELLIPSIS
    ❌ Not yet. Your answer should be one int, e.g. 14; got str '14'. Change it and ...
    """
    return say(
        False,
        f"Your answer should be {what}, e.g. {example}; got {type(answer).__name__} "
        f"{answer!r}. Change it and run the cell again.",
        answered=False,
    )


def is_int(value) -> bool:
    """An int answer: any integral number, but not True/False (a bool is not a count).

    >>> is_int(3), is_int(True), is_int(3.0)
    (True, False, False)
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def missing(what: str, example: str | None, hint: str) -> Feedback:
    """The answer is still None: say what to write, with an example and a hint."""
    example = f", e.g. {example}" if example else ""
    return reply(
        f"✏️ Replace None with {what}{example}, then run this cell again.\nHint: {hint}",
        False,
        answered=False,
    )
