"""Exercise checkers for notebook 02 — 'same' padding: symmetric versus asymmetric.

Each ``check_*`` function takes the learner's answer, prints whether it is right and why,
and returns a :class:`Feedback` (true when right). The truth always comes from
:mod:`samepad_viz.arithmetic`; nothing here hard-codes a padding.

>>> feedback = check_split(None)
✏️ Replace None with a (before, after) pair of ints, e.g. (0, 0), then run this cell again.
Hint: out = ⌈W / S⌉, total = (out − 1)·S + K − W, and the odd cell goes after.
>>> bool(feedback), feedback.answered
(False, False)
"""

from __future__ import annotations

from ..arithmetic import keras_output_size, output_size, same_padding, torch_padding
from ._feedback import Feedback, say, wrong_kind
from ._feedback import is_int as _is_int
from ._feedback import missing as _missing

__all__ = [
    "Feedback",
    "SPLIT_LAYER",
    "SYMMETRIC_CONFIGS",
    "PAD_LAYER",
    "MODEL_LAYERS",
    "check_split",
    "check_symmetric",
    "check_pad",
    "check_model_paddings",
]


# ---------------------------------------------------------------------------------------
# shared wording
# ---------------------------------------------------------------------------------------


def _int_tuple(answer, length: int) -> tuple[int, ...] | None:
    """``answer`` as a tuple of ``length`` non-negative ints, or None if it is not one."""
    if not isinstance(answer, (tuple, list)) or len(answer) != length:
        return None
    if not all(_is_int(v) and v >= 0 for v in answer):
        return None
    return tuple(int(v) for v in answer)


def _describe(config: dict) -> str:
    parts = [f"W={config['size']}", f"K={config['kernel_size']}", f"S={config['stride']}"]
    if config.get("dilation", 1) != 1:
        parts.append(f"D={config['dilation']}")
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------
# Exercise 1: TensorFlow's split for one layer
# ---------------------------------------------------------------------------------------

#: Keras ``Conv2D(kernel_size=5, strides=2, padding='same')`` on a 28-pixel-wide input.
SPLIT_LAYER = {"size": 28, "kernel_size": 5, "stride": 2}


def check_split(answer) -> Feedback:
    """Exercise 1: the ``(before, after)`` padding TensorFlow uses for :data:`SPLIT_LAYER`.

    >>> _ = check_split(same_padding(**SPLIT_LAYER))  # doctest: +ELLIPSIS
    ✅ Right. ...
    """
    layer = SPLIT_LAYER
    w, k, s = layer["size"], layer["kernel_size"], layer["stride"]
    what, example = "a (before, after) pair of ints", "(0, 0)"
    if answer is None:
        return _missing(
            what,
            example,
            "out = ⌈W / S⌉, total = (out − 1)·S + K − W, and the odd cell goes after.",
        )
    pair = _int_tuple(answer, 2)
    if pair is None:
        return wrong_kind(what, example, answer)
    truth = same_padding(w, k, s)
    out = keras_output_size(w, k, s, "same")
    total = truth[0] + truth[1]
    derivation = (
        f"out = ⌈{w}/{s}⌉ = {out}; total = ({out} − 1)·{s} + {k} − {w} = {total}; "
        f"before = ⌊{total}/2⌋ = {truth[0]}, after = {total} − {truth[0]} = {truth[1]}."
    )
    if pair == truth:
        return say(True, derivation)
    if pair == truth[::-1]:
        return say(
            False,
            f"{pair} has the right total but the extra cell on the wrong side: TensorFlow "
            f"(and PyTorch's padding='same') put it after, at the bottom/right. {derivation}",
        )
    shape = output_size(w, k, s, padding=pair)
    if shape == out:
        return say(
            False,
            f"{pair} gives the right output size ({shape}) but not TensorFlow's split, so the "
            f"windows sit elsewhere and the values differ. {derivation}",
        )
    return say(
        False,
        f"With padding {pair} the output has {shape} cells, Keras' 'same' gives {out}. "
        f"{derivation}",
    )


# ---------------------------------------------------------------------------------------
# Exercise 2: which configurations does a symmetric padding= reproduce?
# ---------------------------------------------------------------------------------------

#: Keras ``'same'`` layers, one dimension each; which can PyTorch's ``padding=<int>`` copy?
SYMMETRIC_CONFIGS = {
    "A": {"size": 30, "kernel_size": 3, "stride": 1},
    "B": {"size": 30, "kernel_size": 4, "stride": 1},
    "C": {"size": 31, "kernel_size": 3, "stride": 2},
    "D": {"size": 32, "kernel_size": 3, "stride": 2},
    "E": {"size": 10, "kernel_size": 2, "stride": 1, "dilation": 2},
    "F": {"size": 30, "kernel_size": 2, "stride": 2},
    "G": {"size": 224, "kernel_size": 7, "stride": 2},
}


def _letters(answer) -> set[str] | None:
    if isinstance(answer, str):
        items = [c for c in answer if not c.isspace() and c != ","]
    elif isinstance(answer, (set, frozenset, list, tuple)):
        items = list(answer)
    else:
        return None
    if not all(isinstance(c, str) for c in items):
        return None
    return {c.strip().upper() for c in items}


def check_symmetric(answer) -> Feedback:
    """Exercise 2: the letters of :data:`SYMMETRIC_CONFIGS` that a symmetric
    ``padding=<int>`` reproduces exactly (values, not just shape).

    >>> _ = check_symmetric({"A", "C", "E", "F"})  # doctest: +ELLIPSIS
    ✅ Right. ...
    """
    what, example = "a set of letters", '{"A", "B"}'
    if answer is None:
        return _missing(
            what,
            example,
            "compute TensorFlow's (before, after) for each row: "
            "padding=<int> works exactly when before == after.",
        )
    chosen = _letters(answer)
    if chosen is None:
        return wrong_kind(what, example, answer)
    unknown = sorted(chosen - set(SYMMETRIC_CONFIGS))
    if unknown:
        return say(
            False,
            f"There is no configuration {', '.join(unknown)}: choose among "
            f"{', '.join(SYMMETRIC_CONFIGS)}.",
            answered=False,
        )
    reasons, right = [], True
    for letter, config in SYMMETRIC_CONFIGS.items():
        plan = torch_padding(**config)
        split = same_padding(**config)
        if plan.symmetric and letter not in chosen:
            right = False
            reasons.append(
                f"{letter} ({_describe(config)}): TensorFlow pads {split}, "
                f"so padding={plan.padding} is exact."
            )
        elif not plan.symmetric and letter in chosen:
            right = False
            reasons.append(
                f"{letter} ({_describe(config)}): TensorFlow pads {split}, "
                f"which no single padding= can express."
            )
    if right:
        splits = "; ".join(
            f"{letter} {same_padding(**config)}" for letter, config in SYMMETRIC_CONFIGS.items()
        )
        return say(True, f"TensorFlow's splits: {splits}.")
    return say(False, " ".join(reasons))


# ---------------------------------------------------------------------------------------
# Exercise 3: the F.pad tuple, last dimension first
# ---------------------------------------------------------------------------------------

#: Keras ``Conv2D(kernel_size=3, strides=2, padding='same')`` on an input of height 7 and
#: width 8 (PyTorch shape ``(N, C, 7, 8)``).
PAD_LAYER = {"size": (7, 8), "kernel_size": 3, "stride": 2}


def check_pad(answer) -> Feedback:
    """Exercise 3: the 4-tuple for ``F.pad(x, ...)`` before a ``padding=0`` convolution.

    >>> _ = check_pad(torch_padding(**PAD_LAYER).pad)  # doctest: +ELLIPSIS
    ✅ Right. ...
    """
    what, example = "a tuple of four ints for F.pad", "(0, 0, 0, 0)"
    if answer is None:
        return _missing(
            what,
            example,
            "find TensorFlow's (before, after) for the height and for "
            "the width, then remember that F.pad starts with the LAST dimension.",
        )
    pad = _int_tuple(answer, 4)
    if pad is None:
        return wrong_kind(what, example, answer)
    (top, bottom), (left, right) = same_padding(**PAD_LAYER)
    truth = torch_padding(**PAD_LAYER).pad
    h, w = PAD_LAYER["size"]
    splits = (
        f"TensorFlow pads the height ({h}) by ({top}, {bottom}) and the width ({w}) by "
        f"({left}, {right}); F.pad wants (left, right, top, bottom) = {truth}."
    )
    if pad == truth:
        return say(True, splits)
    if pad == (top, bottom, left, right):
        return say(False, f"{pad} lists the height first. {splits}")
    if pad == (right, left, bottom, top):
        return say(False, f"{pad} puts the extra cells before (left/top). {splits}")
    return say(False, splits)


# ---------------------------------------------------------------------------------------
# Exercise 4: the 'same' layers of the course's example Keras model
# ---------------------------------------------------------------------------------------

#: The three ``'same'`` layers of the course's example Keras model (30×30 after the
#: first, valid, convolution): Conv2D 3×3, MaxPooling2D 2×2/2, then Conv2D 3×3 on 15×15.
MODEL_LAYERS = (
    ("Conv2D(64, (3, 3), padding='same')", {"size": 30, "kernel_size": 3, "stride": 1}),
    ("MaxPooling2D(2, 2, padding='same')", {"size": 30, "kernel_size": 2, "stride": 2}),
    ("Conv2D(128, (3, 3), padding='same')", {"size": 15, "kernel_size": 3, "stride": 1}),
)


def check_model_paddings(answer) -> Feedback:
    """Exercise 4: the PyTorch ``padding=`` int for each of :data:`MODEL_LAYERS`.

    >>> _ = check_model_paddings(tuple(torch_padding(**c).padding for _, c in MODEL_LAYERS))
    ... # doctest: +ELLIPSIS
    ✅ Right. ...
    """
    n = len(MODEL_LAYERS)
    what, example = f"a tuple of {n} ints, one padding= per layer", "(0, 0, 0)"
    if answer is None:
        return _missing(
            what,
            example,
            "for each layer compute TensorFlow's split on its input "
            "size; a 2×2/2 pool on an even size needs no padding at all.",
        )
    values = _int_tuple(answer, n)
    if values is None:
        return wrong_kind(what, example, answer)
    reasons, right = [], True
    for (name, config), value in zip(MODEL_LAYERS, values, strict=True):
        plan = torch_padding(**config)
        split = same_padding(**config)
        size, want = config["size"], keras_output_size(**config, padding="same")
        if not plan.symmetric:  # pragma: no cover - the model's layers are all symmetric
            reasons.append(f"{name}: TensorFlow pads {split}; no padding= is exact.")
            right = False
        elif value == plan.padding:
            reasons.append(f"{name} on {size}: split {split} → padding={value}.")
        else:
            got = output_size(size, config["kernel_size"], config["stride"], padding=value)
            right = False
            reasons.append(
                f"{name} on {size}: TensorFlow pads {split}, so padding={plan.padding}; "
                f"padding={value} gives {got} cells where Keras gives {want}."
            )
    text = " ".join(reasons)
    return say(True, text) if right else say(False, text)
