"""Exercise checkers for notebook 01, "The output-size formula".

Each ``check_*`` function takes the learner's answer, prints whether it is right and why,
and returns a :class:`Feedback` (true when right). The truth is computed with
:mod:`samepad_viz.arithmetic` (:func:`~samepad_viz.arithmetic.output_size`,
:func:`~samepad_viz.arithmetic.window_indices`); the tests check it against real
``torch.nn`` layers. When an answer is wrong, the checker names the slip that produces
it (no floor, padding forgotten, dilation ignored, …) whenever one does.

The exercises themselves live in :data:`EXERCISES`: each has the layer as PyTorch code,
the input size, and the question exactly as the notebook prints it, so the notebook's
text and the checker cannot drift apart.

>>> feedback = check_conv_output_size(None)
✏️ Replace None with your prediction of the output height (= width), a whole number,
then run this cell again.
Hint: count the window positions: ⌊(W + P_before + P_after − K) / S⌋ + 1.
>>> bool(feedback)
False
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from fractions import Fraction

from ..arithmetic import effective_kernel_size, output_size, output_size_formula, window_indices
from ._feedback import Feedback
from ._feedback import is_int as _is_int
from ._feedback import missing as _missing
from ._feedback import say as _say

__all__ = [
    "EXERCISES",
    "Exercise",
    "Feedback",
    "check_ceil_mode_output_size",
    "check_conv_output_size",
    "check_dilated_output_size",
    "check_last_window_rule",
    "check_same_size_kernels",
    "check_unread_cells",
]


# ---------------------------------------------------------------------------------------
# the exercises
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exercise:
    """One exercise: a PyTorch layer on an input, and the question asked about it.

    ``config`` holds the arithmetic arguments (``size``, ``kernel_size``, ``stride``,
    ``padding``, ``dilation``, ``ceil_mode``) of one dimension; ``layer`` is the PyTorch
    constructor as the learner reads it, ``input_shape`` the NCHW / NCL shape it runs on.
    """

    number: int
    layer: str
    input_shape: tuple[int, ...]
    question: str
    config: dict = field(default_factory=dict)

    def output_size(self) -> int:
        """The true output size of one spatial dimension."""
        return output_size(**self.config)


def _config(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False) -> dict:
    return {
        "size": size,
        "kernel_size": kernel_size,
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
        "ceil_mode": ceil_mode,
    }


EXERCISES: dict[str, Exercise] = {
    "conv": Exercise(
        1,
        "nn.Conv2d(3, 8, kernel_size=5, stride=3, padding=2)",
        (1, 3, 32, 32),
        "**Exercise 1.** `nn.Conv2d(3, 8, kernel_size=5, stride=3, padding=2)` runs on a "
        "batch of 32×32 RGB images. What is the height (= width) of its output?",
        _config(32, 5, stride=3, padding=2),
    ),
    "dilated": Exercise(
        2,
        "nn.Conv1d(1, 1, kernel_size=3, dilation=4, padding=2)",
        (1, 1, 20),
        "**Exercise 2.** `nn.Conv1d(1, 1, kernel_size=3, dilation=4, padding=2)` runs on a "
        "sequence of length 20. How long is its output?",
        _config(20, 3, padding=2, dilation=4),
    ),
    "ceil_mode": Exercise(
        3,
        "nn.MaxPool2d(3, stride=2, ceil_mode=True)",
        (1, 1, 16, 16),
        "**Exercise 3.** `nn.MaxPool2d(3, stride=2, ceil_mode=True)` runs on a 16×16 "
        "feature map. What is the height (= width) of its output?",
        _config(16, 3, stride=2, ceil_mode=True),
    ),
    "last_window": Exercise(
        4,
        "nn.MaxPool1d(2, stride=2, padding=1, ceil_mode=True)",
        (1, 1, 5),
        "**Exercise 4.** `nn.MaxPool1d(2, stride=2, padding=1, ceil_mode=True)` runs on a "
        "sequence of length 5. How long is its output? (Careful: where would the last "
        "window start?)",
        _config(5, 2, stride=2, padding=1, ceil_mode=True),
    ),
    "unread": Exercise(
        5,
        "nn.Conv1d(1, 1, kernel_size=4, stride=3)",
        (1, 1, 12),
        "**Exercise 5.** `nn.Conv1d(1, 1, kernel_size=4, stride=3)` runs on a sequence of "
        "length 12, cells numbered 0 to 11. Which cells does no window ever read? Give a "
        "set of indices (`set()` if every cell is read).",
        _config(12, 4, stride=3),
    ),
    "same_kernels": Exercise(
        6,
        "nn.Conv1d(1, 1, kernel_size=K, padding=P)",
        (1, 1, 10),
        "**Exercise 6.** With stride 1, for which kernel sizes K among 2, 3, 4, 5, 6, 7 is "
        "there an integer `padding=P` (the same on both sides) that keeps a length-10 "
        "input at length 10? Give the set of those K.",
        {"size": 10, "kernel_sizes": (2, 3, 4, 5, 6, 7)},
    ),
}


# ---------------------------------------------------------------------------------------
# feedback
# ---------------------------------------------------------------------------------------


def _kind(answer) -> str:
    return f"{type(answer).__name__} {answer!r}"


def _as_size(answer, two_d: bool) -> int | Fraction | str:
    """The answer as an int (or an exact non-integral Fraction), or a message saying why
    it is not a size."""
    if two_d and isinstance(answer, (tuple, list)) and len(answer) == 2:
        first, second = (_as_size(a, False) for a in answer)
        if isinstance(first, str) or isinstance(second, str):
            return f"both entries of {answer!r} should be numbers"
        if first != second:
            return (
                f"you gave height {answer[0]!r} and width {answer[1]!r}, but the input is "
                "square and the layer treats both dimensions alike, so they are equal"
            )
        return first
    if isinstance(answer, bool):
        return f"the answer should be a number, got {_kind(answer)}"
    if isinstance(answer, numbers.Integral):
        return int(answer)
    if isinstance(answer, numbers.Real):
        if not math.isfinite(answer):
            return f"the answer should be a finite number, got {answer!r}"
        value = Fraction(float(answer)).limit_denominator(1000)
        return int(value) if value.denominator == 1 else value
    if isinstance(answer, str):
        return f"the answer should be a number, not the string {answer!r} (leave out the quotes)"
    try:  # numpy scalars, 0-d tensors
        return _as_size(float(answer), two_d)
    except (TypeError, ValueError):
        return f"the answer should be a number, got {_kind(answer)}"


def _fmt(value) -> str:
    if isinstance(value, Fraction) and value.denominator != 1:
        return f"{float(value):.4g}"
    return str(int(value))


def _naive_ceil(config: dict) -> int:
    """The ceiling formula without PyTorch's last-window rule (a slip, not the truth)."""
    return -(-_span(config) // config["stride"]) + 1


def _pair(padding) -> tuple[int, int]:
    return tuple(padding) if isinstance(padding, (tuple, list)) else (padding, padding)


def _span(config: dict) -> int:
    """How far the window can move after its first position: W + P_before + P_after − K_eff."""
    before, after = _pair(config["padding"])
    k_eff = effective_kernel_size(config["kernel_size"], config["dilation"])
    return config["size"] + before + after - k_eff


def _slips(config: dict) -> list[tuple[str, object]]:
    """Wrong answers that common slips produce, each with its explanation.

    Each value is computed by :func:`~samepad_viz.arithmetic.output_size` on a changed
    configuration (the padding left out, the dilation ignored, …) — the formula a learner
    who made that slip would have used. When two slips give the same number, both are
    named.
    """
    c = dict(config)
    w, k, s, p, d = c["size"], c["kernel_size"], c["stride"], c["padding"], c["dilation"]
    before, after = _pair(p)
    k_eff = effective_kernel_size(k, d)
    truth = output_size(**c)
    slips: list[tuple[str, object]] = []

    def add(value, why: str) -> None:
        if value == truth:
            return
        for i, (other, v) in enumerate(slips):
            if v == value:  # the same wrong number from another slip: give both reasons
                slips[i] = (f"{other}; or {why}", v)
                return
        slips.append((why, value))

    exact = Fraction(_span(c), s) + 1
    if exact.denominator != 1 and not c["ceil_mode"]:
        add(
            exact,
            f"if you leave out the floor: {_span(c)}/{s} is not a whole number of steps, "
            "and a window cannot take part of a step",
        )
    if c["ceil_mode"]:
        add(
            output_size(**{**c, "ceil_mode": False}),
            "if you round down, the default; ceil_mode=True rounds up, which lets one "
            "more window start inside the input and hang over its end",
        )
        naive = _naive_ceil(c)
        add(
            naive,
            f"if you stop at ⌈…⌉ + 1 = {naive}: that last window would start at padded "
            f"position ({naive} − 1)·{s} = {(naive - 1) * s}, at or past P_before + W = "
            f"{before + w}, entirely in the right padding — PyTorch drops such a window",
        )
    else:
        add(
            output_size(**{**c, "ceil_mode": True}),
            "if you round up; ceil_mode=False (the default, and the only mode of "
            "convolutions) rounds down: a window that would hang over the end is not computed",
        )
    if before or after:
        add(
            output_size(w, k, s, 0, d, c["ceil_mode"]),
            "if you leave the padding out: the window slides over W + P_before + P_after "
            f"= {w} + {before} + {after} = {w + before + after} cells",
        )
        if before == after:
            add(
                output_size(w, k, s, (before, 0), d, c["ceil_mode"]),
                f"if you count the padding once: padding={before} adds {before} cells on "
                f"each side, {2 * before} in all",
            )
    if d != 1:
        add(
            output_size(w, k, s, p, 1, c["ceil_mode"]),
            f"if you ignore the dilation: with dilation {d} the {k} taps spread over "
            f"K_eff = D·(K − 1) + 1 = {k_eff} cells",
        )
        if d * k <= w + before + after:
            add(
                output_size(w, d * k, s, p, 1, c["ceil_mode"]),
                f"if you take the span as D·K = {d * k}: it is D·(K − 1) + 1 = {k_eff}, "
                "because the gaps lie only between the taps",
            )
    add(
        truth - 1,
        "if you forget the + 1: ⌊…⌋ counts the steps after the first window, the + 1 "
        "counts the first window itself",
    )
    return slips


def _windows_text(config: dict) -> str:
    """Where the windows start, in padded coordinates (0 = first padding cell)."""
    before, _ = _pair(config["padding"])
    starts = [window[0] + before for window in window_indices(**config)]
    shown = ", ".join(map(str, starts[:3])) + (", …" if len(starts) > 3 else "")
    return (
        f"the windows start at {shown}, {starts[-1]}"
        if len(starts) > 3
        else (f"the windows start at {shown}")
    )


def _check_size(key: str, answer, hint: str, reason: str) -> Feedback:
    ex = EXERCISES[key]
    c = ex.config
    two_d = len(ex.input_shape) == 4
    what = "the output height (= width)" if two_d else "the output length"
    if answer is None:
        # no example number: any number shown here would hint at an answer
        return _missing(f"your prediction of {what}, a whole number", None, hint)
    got = _as_size(answer, two_d)
    if isinstance(got, str):
        return _say(False, got + ".")
    truth = ex.output_size()
    formula = output_size_formula(**c)
    if got == truth:
        return _say(True, f"{formula}. {reason}")
    if got < 1:
        return _say(False, f"an output has at least one cell; you gave {_fmt(got)}.")
    for why, value in _slips(c):
        if abs(got - value) < Fraction(1, 100):  # 11.33 for 34/3 counts as that slip
            return _say(False, f"{_fmt(got)} is what you get {why}.")
    if isinstance(got, Fraction):
        return _say(
            False,
            f"{_fmt(got)} is not a whole number, and an output has a whole number of cells: "
            "count the window positions.",
        )
    return _say(
        False,
        f"{_fmt(got)} is not what {ex.layer} gives. Count the window positions: the "
        f"window spans K_eff = {effective_kernel_size(c['kernel_size'], c['dilation'])} "
        f"cells of the {c['size']}-cell input plus its padding, and steps by {c['stride']}.",
    )


# ---------------------------------------------------------------------------------------
# Exercises 1–4: output sizes
# ---------------------------------------------------------------------------------------


def check_conv_output_size(answer) -> Feedback:
    """Exercise 1: the output size of ``EXERCISES['conv']``, a strided padded Conv2d."""
    c = EXERCISES["conv"].config
    before, after = _pair(c["padding"])
    padded = c["size"] + before + after
    windows = window_indices(**c)
    last_end = windows[-1][-1] + before
    return _check_size(
        "conv",
        answer,
        "count the window positions: ⌊(W + P_before + P_after − K) / S⌋ + 1.",
        f"Of the {padded} padded cells (0…{padded - 1}), {_windows_text(c)}; that last "
        f"window ends at {last_end}, and the next one would need cells up to "
        f"{last_end + c['stride']}, so the floor drops it.",
    )


def check_dilated_output_size(answer) -> Feedback:
    """Exercise 2: the output length of ``EXERCISES['dilated']``, a dilated Conv1d."""
    c = EXERCISES["dilated"].config
    k, d = c["kernel_size"], c["dilation"]
    k_eff = effective_kernel_size(k, d)
    undilated = output_size(**{**c, "dilation": 1})
    return _check_size(
        "dilated",
        answer,
        "a dilated kernel spans K_eff = D·(K − 1) + 1 cells; use K_eff where the formula has K.",
        f"The {k} taps with gaps of {d - 1} cells span K_eff = {k_eff} cells, so the window "
        f"has fewer places to go than an undilated {k}-tap one ({undilated}).",
    )


def check_ceil_mode_output_size(answer) -> Feedback:
    """Exercise 3: the output size of ``EXERCISES['ceil_mode']``, a max pool with
    ``ceil_mode=True``."""
    c = EXERCISES["ceil_mode"].config
    before, after = _pair(c["padding"])
    last = window_indices(**c)[-1]
    overhang = last[-1] - (c["size"] - 1 + after)
    cells = "cell" if overhang == 1 else "cells"
    return _check_size(
        "ceil_mode",
        answer,
        "ceil_mode=True replaces the floor ⌊…⌋ by the ceiling ⌈…⌉; then check that the last "
        "window still starts inside the input (or its left padding).",
        f"The ceiling keeps a last window, cells {last[0]}…{last[-1]}, that starts inside the "
        f"input and hangs {overhang} {cells} over its end; PyTorch pools only the real cells "
        "under it.",
    )


def check_last_window_rule(answer) -> Feedback:
    """Exercise 4: the output length of ``EXERCISES['last_window']``, where the ceiling
    would create a window that starts in the right padding."""
    c = EXERCISES["last_window"].config
    naive = _naive_ceil(c)
    before, _ = _pair(c["padding"])
    return _check_size(
        "last_window",
        answer,
        "compute ⌈…⌉ + 1, then ask where that last window would start (position "
        "(out − 1)·S, counting from the first padding cell): PyTorch drops it if that is at "
        "or past P_before + W.",
        f"The ceiling gives {naive} windows, but window {naive - 1} would start at padded "
        f"position {(naive - 1) * c['stride']} ≥ P_before + W = {before + c['size']}, "
        "entirely in the right padding, so PyTorch drops it.",
    )


# ---------------------------------------------------------------------------------------
# Exercise 5: cells the floor throws away
# ---------------------------------------------------------------------------------------


def _as_int_set(answer, example: str) -> set[int] | str:
    if isinstance(answer, (str, bytes, dict)) or not hasattr(answer, "__iter__"):
        return f"give a set of ints such as {example}, got {_kind(answer)}"
    try:
        items = list(answer)
    except Exception:  # an odd object whose iteration fails
        return f"give a set of ints such as {example}, got {type(answer).__name__}"
    bad = [a for a in items if not _is_int(a)]
    if bad:
        return f"every entry should be an int, but {bad[0]!r} is a {type(bad[0]).__name__}"
    return {int(a) for a in items}


def check_unread_cells(answer) -> Feedback:
    """Exercise 5: the input cells no window of ``EXERCISES['unread']`` reads."""
    ex = EXERCISES["unread"]
    c = ex.config
    w = c["size"]
    if answer is None:
        return _missing(
            "the set of cell indices no window reads",
            "ex5_answer = {0, 1}",
            "list where each window starts (0, S, 2S, … while the window still fits) and "
            "which cells it covers; the cells after the last window are left over.",
        )
    got = _as_int_set(answer, "{0, 1}")
    if isinstance(got, str):
        return _say(False, got + ".")
    windows = window_indices(**c)
    read = {i for window in windows for i in window}
    truth = {i for i in range(w) if i not in read}
    where = ", ".join(f"{win[0]}…{win[-1]}" for win in windows)
    if got == truth:
        return _say(
            True,
            f"{sorted(truth)}: the {len(windows)} windows cover cells {where}; a next window "
            f"would start at {len(windows) * c['stride']} and need cells up to "
            f"{len(windows) * c['stride'] + c['kernel_size'] - 1}, past the end, so the floor "
            "drops it and its cells are never read.",
        )
    outside = sorted(i for i in got if not 0 <= i < w)
    if outside:
        return _say(False, f"the input has cells 0…{w - 1}; {outside} are not input cells.")
    lines = []
    for i in sorted(got - truth):
        first = next(n for n, win in enumerate(windows) if i in win)
        win = windows[first]
        lines.append(f"cell {i} is read: window {first} covers cells {win[0]}…{win[-1]}.")
    for i in sorted(truth - got):
        lines.append(
            f"cell {i} is never read: the last window ({len(windows) - 1}) covers "
            f"{windows[-1][0]}…{windows[-1][-1]}, and no window starts later."
        )
    return _say(False, f"the windows cover {where}.\n" + "\n".join(lines))


# ---------------------------------------------------------------------------------------
# Exercise 6: which kernels can keep the size with symmetric padding
# ---------------------------------------------------------------------------------------


def _keeping_paddings(size: int, kernel_size: int) -> dict[int, int]:
    """For each symmetric padding P from 0 to K, the stride-1 output size."""
    return {p: output_size(size, kernel_size, 1, p) for p in range(kernel_size + 1)}


def check_same_size_kernels(answer) -> Feedback:
    """Exercise 6: the kernel sizes for which some symmetric integer padding keeps the
    size (stride 1)."""
    spec = EXERCISES["same_kernels"].config
    w, kernels = spec["size"], spec["kernel_sizes"]
    if answer is None:
        return _missing(
            "the set of kernel sizes",
            "ex6_answer = {2, 3}",
            "with stride 1, out = W + 2P − K + 1; for out = W the total padding 2P must "
            "equal K − 1. When can a total be split into two equal integers?",
        )
    got = _as_int_set(answer, "{2, 3}")
    if isinstance(got, str):
        return _say(False, got + ".")
    outside = sorted(k for k in got if k not in kernels)
    if outside:
        return _say(False, f"only K in {set(kernels)} are asked about; {outside} are not.")
    sizes = {k: _keeping_paddings(w, k) for k in kernels}
    keep = {k: next((p for p, out in sizes[k].items() if out == w), None) for k in kernels}
    truth = {k for k in kernels if keep[k] is not None}
    if got == truth:
        pairs = ", ".join(f"K={k}: P={keep[k]}" for k in sorted(truth))
        return _say(
            True,
            f"{sorted(truth)} ({pairs}): the odd kernels, with P = (K − 1)/2. An even kernel "
            "needs an odd total padding K − 1, which two equal sides cannot make.",
        )
    lines = []
    for k in sorted(got ^ truth):
        if k in truth:
            lines.append(f"K={k} can: padding={keep[k]} gives {w} → {sizes[k][keep[k]]}.")
        else:
            near = [p for p, out in sizes[k].items() if abs(out - w) == 1]
            shown = ", ".join(f"padding={p} gives {sizes[k][p]}" for p in near)
            lines.append(
                f"K={k} cannot: {shown} — the total padding would have to be K − 1 = {k - 1}, "
                "odd, and equal sides always add up to an even number."
            )
    return _say(False, "\n".join(lines))
