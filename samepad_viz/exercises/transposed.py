"""Exercise checkers for notebook 05 — transposed convolutions, causal padding, the inverse
problem.

Each ``check_*`` function takes the learner's answer, prints whether it is right and why,
and returns a :class:`Feedback` (true when right). The truth always comes from
:mod:`samepad_viz.arithmetic` (sizes, the PyTorch recipe for Keras' transposed
``'same'``, the inverse solver, causal padding) or from the overlap map that
:func:`samepad_viz.draw.draw_overlap` computes; nothing here hard-codes an answer.

>>> feedback = check_causal_pad(None)  # doctest: +ELLIPSIS
✏️ Replace None with a (left, right) pair of ints for F.pad, e.g. (0, 0), then run ...
Hint: ...
>>> bool(feedback), feedback.answered
(False, False)
"""

from __future__ import annotations

from ..arithmetic import (
    causal_padding,
    keras_output_size,
    keras_transposed_output_size,
    output_size,
    same_padding,
    solve_padding,
    torch_transposed_padding,
    transposed_output_size,
)
from ._feedback import Feedback, say, wrong_kind
from ._feedback import is_int as _is_int
from ._feedback import missing as _missing

__all__ = [
    "CAUSAL_LAYER",
    "CHECKERBOARD_KERNELS",
    "CHECKERBOARD_STRIDE",
    "Feedback",
    "INVERSE_PROBLEM",
    "RECIPE_LAYER",
    "SIZE_LAYER",
    "check_causal_pad",
    "check_even_overlap",
    "check_inverse",
    "check_recipe",
    "check_transposed_size",
]


# ---------------------------------------------------------------------------------------
# shared wording
# ---------------------------------------------------------------------------------------


def _int_pair(answer) -> tuple[int, int] | None:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return None
    if not all(_is_int(v) and v >= 0 for v in answer):
        return None
    return int(answer[0]), int(answer[1])


# ---------------------------------------------------------------------------------------
# Exercise 1: the size of a PyTorch transposed convolution
# ---------------------------------------------------------------------------------------

#: ``nn.ConvTranspose2d(…, kernel_size=5, stride=2, padding=1, output_padding=1)`` on 7×7.
SIZE_LAYER = {"size": 7, "kernel_size": 5, "stride": 2, "padding": 1, "output_padding": 1}


def check_transposed_size(answer) -> Feedback:
    """Exercise 1: the output height (and width) of :data:`SIZE_LAYER` on a 7×7 input.

    >>> _ = check_transposed_size(transposed_output_size(**SIZE_LAYER))  # doctest: +ELLIPSIS
    ✅ Right. ...
    """
    c = SIZE_LAYER
    w, k, s, p, op = (c[n] for n in ("size", "kernel_size", "stride", "padding", "output_padding"))
    if answer is None:
        return _missing(
            "an int, the output height",
            "14",
            "every input cell stamps the kernel S cells further along: (W − 1)·S + K cells; "
            "padding removes P at each end, output_padding adds cells at the end.",
        )
    if not _is_int(answer):
        return wrong_kind("one int", "14", answer)
    truth = transposed_output_size(**c)
    stamps = (w - 1) * s + k
    derivation = (
        f"The stamps cover ({w} − 1)·{s} + {k} = {stamps} cells; padding={p} removes {p} at "
        f"each end ({stamps - 2 * p}); output_padding={op} adds {op} at the end: {truth}."
    )
    if answer == truth:
        return say(True, derivation)
    known = {
        transposed_output_size(w, k, s, p, 0): "leaves out output_padding",
        transposed_output_size(w, k, s, (p, 0), op): "removes padding from one end only",
        transposed_output_size(w, k, s, 0, op): "leaves out padding (it removes cells)",
        w * s: "is W·S, Keras' 'same' size; PyTorch's size follows its arguments",
        output_size(w, k, s, p): "is the forward convolution's size (the floor formula)",
    }
    reason = known.get(answer)
    if reason is not None:
        return say(False, f"{answer} {reason}. {derivation}")
    return say(False, derivation)


# ---------------------------------------------------------------------------------------
# Exercise 2: PyTorch arguments for Keras' transposed 'same'
# ---------------------------------------------------------------------------------------

#: Keras ``Conv2DTranspose(filters, kernel_size=5, strides=2, padding='same')`` on 16×16.
RECIPE_LAYER = {"size": 16, "kernel_size": 5, "stride": 2}


def check_recipe(answer) -> Feedback:
    """Exercise 2: ``(padding, output_padding, crop)`` for ``nn.ConvTranspose2d`` equal to
    :data:`RECIPE_LAYER`, ``crop`` True when one cell must be cut from the end afterwards.

    >>> tp = torch_transposed_padding(**RECIPE_LAYER)
    >>> _ = check_recipe((tp.padding, tp.output_padding, tp.crop is not None))
    ... # doctest: +ELLIPSIS
    ✅ Right. ...
    """
    w, k, s = RECIPE_LAYER["size"], RECIPE_LAYER["kernel_size"], RECIPE_LAYER["stride"]
    what, example = "(padding, output_padding, crop) with crop True or False", "(0, 0, False)"
    if answer is None:
        return _missing(
            what,
            example,
            "the stamps cover (W − 1)·S + K cells and Keras keeps W·S of them: T = K − S "
            "are removed, ⌊T/2⌋ at the start. PyTorch's padding removes the same number "
            "at both ends.",
        )
    if (
        not isinstance(answer, (tuple, list))
        or len(answer) != 3
        or not all(_is_int(v) and v >= 0 for v in answer[:2])
        or not isinstance(answer[2], bool)
    ):
        return wrong_kind(what, example, answer)
    p, op, crop = int(answer[0]), int(answer[1]), answer[2]
    tp = torch_transposed_padding(w, k, s)
    want = (tp.padding, tp.output_padding, tp.crop is not None)
    total = max(k - s, 0)
    keras_out = keras_transposed_output_size(w, k, s, "same")
    derivation = (
        f"The stamps cover ({w} − 1)·{s} + {k} = {(w - 1) * s + k} cells, Keras keeps W·S = "
        f"{keras_out}: T = {total} removed, ⌊T/2⌋ = {total // 2} at the start and "
        f"{total - total // 2} at the end. So padding={tp.padding} (both ends), "
        f"output_padding={tp.output_padding}, and "
        + ("one more cell cut from the end (crop)." if tp.crop else "no crop.")
    )
    if (p, op, crop) == want:
        return say(True, derivation)
    try:
        out = transposed_output_size(w, k, s, p, op) - (1 if crop else 0)
    except ValueError as err:
        return say(False, f"PyTorch refuses those arguments: {err}. {derivation}")
    if out != keras_out:
        return say(
            False,
            f"With padding={p}, output_padding={op}{' and a crop' if crop else ''} the output "
            f"has {out} cells per side, Keras has {keras_out}. {derivation}",
        )
    shift = p - total // 2
    if shift == 0:  # the same cells kept: output_padding given back, then cropped again
        return say(True, f"Equivalent to the shortest recipe, {want}. {derivation}")
    return say(
        False,
        f"Right size ({out}), wrong values: your layer removes {p} cell(s) at the start, "
        f"Keras removes {total // 2}, so every output is shifted by {abs(shift)} cell(s) "
        f"{'to the left' if shift > 0 else 'to the right'} — the output of the common "
        f"answer padding=(K − 1)//2, output_padding=1. {derivation}",
    )


# ---------------------------------------------------------------------------------------
# Exercise 3: kernel sizes without a checkerboard
# ---------------------------------------------------------------------------------------

CHECKERBOARD_STRIDE = 3
#: The kernel sizes to judge, for a transposed convolution of stride 3.
CHECKERBOARD_KERNELS = (2, 3, 4, 5, 6, 7, 9)


def _interior_taps(kernel_size: int, stride: int) -> list[int]:
    """The tap counts inside the output, from the overlap map samepad_viz draws."""
    from ..draw import draw_overlap  # matplotlib only when this exercise runs

    ax = draw_overlap(4 * stride + kernel_size, kernel_size, stride)
    drawn = ax.samepad
    counts = sorted({int(v) for v in drawn.overlap[drawn.interior]})
    ax.figure.clear()
    return counts


def check_even_overlap(answer) -> Feedback:
    """Exercise 3: the kernel sizes of :data:`CHECKERBOARD_KERNELS` whose stride-3
    transposed convolution lands the same number of taps on every interior output cell.

    >>> _ = check_even_overlap({3, 6, 9})  # doctest: +ELLIPSIS
    ✅ Right. ...
    """
    s = CHECKERBOARD_STRIDE
    what, example = "a set of kernel sizes (ints)", "{2, 3}"
    if answer is None:
        return _missing(
            what,
            example,
            f"the stamps start every {s} cells; an output cell gets one tap from each stamp "
            "that covers it. When is that the same number everywhere?",
        )
    if isinstance(answer, (str, bytes, dict)) or not isinstance(
        answer, (set, frozenset, list, tuple)
    ):
        return wrong_kind(what, example, answer)
    if not all(_is_int(v) for v in answer):
        return wrong_kind(what, example, answer)
    chosen = {int(v) for v in answer}
    unknown = sorted(chosen - set(CHECKERBOARD_KERNELS))
    if unknown:
        return say(
            False,
            f"Choose among the kernel sizes {CHECKERBOARD_KERNELS}; "
            f"{', '.join(map(str, unknown))} is not one of them.",
            answered=False,
        )
    counts = {k: _interior_taps(k, s) for k in CHECKERBOARD_KERNELS}
    even = {k for k, c in counts.items() if len(c) == 1}

    def describe(k):
        c = counts[k]
        if len(c) == 1:
            return f"K={k}: {c[0]} taps on every interior cell"
        return f"K={k}: {' and '.join(map(str, c))} taps alternate (checkerboard)"

    if chosen == even:
        return say(
            True,
            f"Even exactly when S={s} divides K: "
            + "; ".join(describe(k) for k in CHECKERBOARD_KERNELS)
            + ".",
        )
    wrong = [describe(k) for k in sorted(chosen ^ even)]
    return say(False, "; ".join(wrong) + ".")


# ---------------------------------------------------------------------------------------
# Exercise 4: the inverse problem
# ---------------------------------------------------------------------------------------

#: A convolution on 10 cells, kernel 4, stride 2: which paddings give 5 outputs?
INVERSE_PROBLEM = {"size": 10, "kernel_size": 4, "stride": 2, "target": 5}


def check_inverse(answer) -> Feedback:
    """Exercise 4: every ``(before, after)`` padding giving :data:`INVERSE_PROBLEM`'s target.

    >>> _ = check_inverse(solve_padding(**INVERSE_PROBLEM))  # doctest: +ELLIPSIS
    ✅ Right. ...
    """
    c = INVERSE_PROBLEM
    w, k, s, t = c["size"], c["kernel_size"], c["stride"], c["target"]
    what, example = "a list of (before, after) pairs", "[(0, 1), (1, 0)]"
    if answer is None:
        return _missing(
            what,
            example,
            f"the output is ⌊(W + total − K) / S⌋ + 1: find every total padding that gives "
            f"{t}, then every way to split each total.",
        )
    if isinstance(answer, (str, bytes, dict)) or not isinstance(
        answer, (set, frozenset, list, tuple)
    ):
        return wrong_kind(what, example, answer)
    pairs = [_int_pair(p) for p in answer]
    if any(p is None for p in pairs):
        return wrong_kind(what, example, answer)
    truth = solve_padding(w, k, s, t)
    totals = sorted({sum(p) for p in truth})
    tf = same_padding(w, k, s) if keras_output_size(w, k, s, "same") == t else None
    summary = (
        f"The totals {' and '.join(map(str, totals))} give ⌊({w} + total − {k}) / {s}⌋ + 1 = "
        f"{t}, each split every way: {len(truth)} pairs"
        + (f", TensorFlow's 'same' split {tf} among them" if tf else "")
        + "."
    )
    chosen = set(pairs)
    if chosen == set(truth):
        return say(True, summary)
    reasons = []
    for pair in sorted(chosen - set(truth)):
        reasons.append(f"{pair} gives {output_size(w, k, s, pair)} outputs, not {t}")
    missing = sorted(set(truth) - chosen)
    if missing:
        reasons.append(f"missing: {', '.join(map(str, missing))}")
    return say(False, "; ".join(reasons) + ". " + summary)


# ---------------------------------------------------------------------------------------
# Exercise 5: causal padding
# ---------------------------------------------------------------------------------------

#: Keras ``Conv1D(filters, kernel_size=3, dilation_rate=4, padding='causal')``.
CAUSAL_LAYER = {"kernel_size": 3, "dilation": 4}


def check_causal_pad(answer) -> Feedback:
    """Exercise 5: the ``(left, right)`` for ``F.pad`` before ``nn.Conv1d(…, dilation=4)``.

    >>> _ = check_causal_pad(causal_padding(**CAUSAL_LAYER))  # doctest: +ELLIPSIS
    ✅ Right. ...
    """
    k, d = CAUSAL_LAYER["kernel_size"], CAUSAL_LAYER["dilation"]
    what, example = "a (left, right) pair of ints for F.pad", "(0, 0)"
    if answer is None:
        return _missing(
            what,
            example,
            "output t may read input t and earlier only. How far back does a kernel of "
            f"{k} taps, dilated by {d}, reach?",
        )
    pair = _int_pair(answer)
    if pair is None:
        return wrong_kind(what, example, answer)
    truth = causal_padding(k, d)
    reach = d * (k - 1)
    derivation = (
        f"The window of output t spans D·(K − 1) = {d}·{k - 1} = {reach} cells back to t: "
        f"all {reach} padding cells go on the left, {truth}."
    )
    if pair == truth:
        return say(True, derivation)
    left, right = pair
    if right > 0:
        return say(
            False,
            f"{pair} pads {right} on the right, so output t reads {right} future step(s) "
            f"— the model would see the future. {derivation}",
        )
    if left == k - 1:
        return say(False, f"{pair} forgets the dilation. {derivation}")
    n = left - reach
    return say(
        False,
        f"{pair} makes the output {abs(n)} step(s) {'longer' if n > 0 else 'shorter'} "
        f"than the input (Keras' causal output has one value per input step): padding adds "
        f"{left}, the window needs {reach}. {derivation}",
    )
