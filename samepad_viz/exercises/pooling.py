"""Exercise checkers for notebook 03, "Pooling and 'same'".

Each ``check_*`` function takes the learner's answer, prints whether it is right and why,
and returns a :class:`Feedback` (true when right). The truth is computed here from
:mod:`samepad_viz.arithmetic` (TensorFlow's split and the cells each window reads) and,
for the PyTorch exercises, by running real ``torch`` layers — never typed in by hand.

TensorFlow's definition of ``'same'`` pooling, which every checker uses:

* max pooling: each output is the largest *real* cell its window covers (padding is −∞,
  it never wins);
* average pooling: each output is the mean of the *real* cells its window covers (padding
  is left out of the sum and of the count).
"""

from __future__ import annotations

import numbers

from ..arithmetic import keras_output_size, output_size, same_padding, window_indices
from ._feedback import Feedback
from ._feedback import is_int as _is_int
from ._feedback import missing as _missing
from ._feedback import say as _say

__all__ = [
    "EX1_INPUT",
    "EX2_INPUT",
    "EX3_SIZES",
    "EX4_SIZE",
    "Feedback",
    "check_ceil_mode_sizes",
    "check_max_pool_values",
    "check_avg_pool_values",
    "check_same_avg_pool_module",
    "tf_same_pool_1d",
]

# The exercises' fixed inputs (the notebook prints them from here, so text and checker agree).
EX1_INPUT = [-3, -1, -4, -1, -5, -9, -2]  # MaxPooling1D(3, 2, 'same')
EX1_POOL = (3, 2)
EX2_INPUT = [2, 4, 6, 8, 10]  # AveragePooling1D(4, 2, 'same')
EX2_POOL = (4, 2)
EX3_SIZES = tuple(range(5, 13))  # MaxPool1d(3, stride=2, ceil_mode=True) vs Keras 'same'
EX3_POOL = (3, 2)
EX4_SIZE = 8  # AveragePooling2D(3, 2, 'same') on 8×8 inputs
EX4_POOL = (3, 2)

_TOL = 1e-4


# ---------------------------------------------------------------------------------------
# TensorFlow's definition, on plain Python lists (one dimension)
# ---------------------------------------------------------------------------------------


def tf_same_pool_1d(x, pool_size: int, strides: int, kind: str) -> list[float]:
    """TensorFlow's ``'same'`` pooling of the 1-D sequence ``x``, by its definition.

    Each window is placed by :func:`~samepad_viz.arithmetic.same_padding`; only the real
    cells it covers count (``kind`` is ``'max'`` or ``'avg'``).

    >>> tf_same_pool_1d([1, 2, 3, 4, 5, 6], 3, 2, "avg")
    [2.0, 4.0, 5.5]
    >>> tf_same_pool_1d([-3, -1, -4], 2, 2, "max")
    [-1.0, -4.0]
    """
    values = [float(v) for v in x]
    split = same_padding(len(values), pool_size, strides)
    out = []
    for window in window_indices(len(values), pool_size, strides, padding=split):
        real = [values[i] for i in window if 0 <= i < len(values)]
        out.append(max(real) if kind == "max" else sum(real) / len(real))
    return out


def _padded_pool_1d(x, pool_size: int, strides: int, kind: str, fill) -> list[float]:
    """Pool after padding with TF's split, counting the padding (``fill`` a number or
    ``'edge'`` for replicated edge values) — the usual wrong answers."""
    values = [float(v) for v in x]
    before, after = same_padding(len(values), pool_size, strides)
    if fill == "edge":
        padded = [values[0]] * before + values + [values[-1]] * after
    else:
        padded = [float(fill)] * before + values + [float(fill)] * after
    out = []
    for window in window_indices(len(values), pool_size, strides, padding=(before, after)):
        cells = [padded[i + before] for i in window]
        out.append(max(cells) if kind == "max" else sum(cells) / len(cells))
    return out


def _valid_pool_1d(x, pool_size: int, strides: int, kind: str) -> list[float]:
    values = [float(v) for v in x]
    out = []
    for window in window_indices(len(values), pool_size, strides):
        cells = [values[i] for i in window]
        out.append(max(cells) if kind == "max" else sum(cells) / len(cells))
    return out


def _as_numbers(answer) -> list[float] | str:
    """The answer as a list of floats, or a message saying why it is not one."""
    if isinstance(answer, (str, bytes, dict, set)) or not hasattr(answer, "__iter__"):
        return f"the answer should be a list of numbers, got {type(answer).__name__} {answer!r}"
    try:
        items = list(answer)
    except Exception:  # an odd object whose iteration fails
        return f"the answer should be a list of numbers, got {type(answer).__name__}"
    numbers_ = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            try:
                value = float(item)  # numpy scalars, 0-d tensors
            except (TypeError, ValueError):
                return f"every entry should be a number, but {item!r} is a {type(item).__name__}"
        else:
            value = float(item)
        numbers_.append(value)
    return numbers_


def _close(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(u - v) <= _TOL for u, v in zip(a, b, strict=True))


def _fmt(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:g}" if v == int(v) else f"{v:.4g}" for v in values) + "]"


# ---------------------------------------------------------------------------------------
# Exercise 1 — max pooling never lets the padding win
# ---------------------------------------------------------------------------------------


def check_max_pool_values(answer) -> Feedback:
    """Exercise 1: Keras ``MaxPooling1D(pool_size=3, strides=2, padding='same')`` on
    :data:`EX1_INPUT`; ``answer`` is the list of outputs."""
    k, s = EX1_POOL
    if answer is None:
        return _missing(
            "the list of outputs, one number per output cell",
            None,
            f"Keras gives ⌈{len(EX1_INPUT)}/{s}⌉ outputs; TensorFlow pads "
            f"{same_padding(len(EX1_INPUT), k, s)} (before, after) and the padding is −∞.",
        )
    got = _as_numbers(answer)
    if isinstance(got, str):
        return _say(False, got + ".")
    truth = tf_same_pool_1d(EX1_INPUT, k, s, "max")
    n = keras_output_size(len(EX1_INPUT), k, s, "same")
    split = same_padding(len(EX1_INPUT), k, s)
    if _close(got, truth):
        return _say(
            True,
            f"{_fmt(truth)}: TensorFlow pads {split} and the padded cells are −∞, so each "
            "output is the largest real cell in its window — negative at the borders too.",
        )
    if _close(got, _padded_pool_1d(EX1_INPUT, k, s, "max", 0.0)):
        return _say(
            False,
            "you padded with zeros: then a border window whose real cells are all negative "
            "returns 0, a value that is not in the input. Keras pads max pooling with −∞ "
            "(so does PyTorch's padding=): the padding never wins.",
        )
    if _close(got, _valid_pool_1d(EX1_INPUT, k, s, "max")):
        return _say(
            False,
            f"that is padding='valid' ({len(got)} outputs). 'same' gives ⌈W/S⌉ = {n} outputs: "
            f"TensorFlow pads {split} so that the windows also cover the last cells.",
        )
    windows = window_indices(len(EX1_INPUT), k, s, padding=split)
    if len(got) != n:
        return _say(
            False,
            f"{len(got)} outputs, but 'same' gives ⌈{len(EX1_INPUT)}/{s}⌉ = {n}. "
            f"The windows start at {[w[0] for w in windows]} "
            "(−1 is the padding before the input).",
        )
    wrong = [i for i, (u, v) in enumerate(zip(got, truth, strict=True)) if abs(u - v) > _TOL]
    i = wrong[0]
    real = [EX1_INPUT[j] for j in windows[i] if 0 <= j < len(EX1_INPUT)]
    return _say(
        False,
        f"output {i} should be {truth[i]:g}: its window covers input cells {windows[i]} "
        f"(outside 0…{len(EX1_INPUT) - 1} is padding), whose real values are {real}.",
    )


# ---------------------------------------------------------------------------------------
# Exercise 2 — average pooling leaves the padding out of the mean
# ---------------------------------------------------------------------------------------


def check_avg_pool_values(answer) -> Feedback:
    """Exercise 2: TensorFlow's ``AveragePooling1D(pool_size=4, strides=2,
    padding='same')`` on :data:`EX2_INPUT`; ``answer`` is the list of outputs."""
    k, s = EX2_POOL
    split = same_padding(len(EX2_INPUT), k, s)
    if answer is None:
        return _missing(
            "the list of outputs, one number per output cell",
            None,
            f"TensorFlow pads {split} (before, after); each output is the mean of the real "
            "cells its window covers — padding is neither added nor counted.",
        )
    got = _as_numbers(answer)
    if isinstance(got, str):
        return _say(False, got + ".")
    truth = tf_same_pool_1d(EX2_INPUT, k, s, "avg")
    n = keras_output_size(len(EX2_INPUT), k, s, "same")
    if _close(got, truth):
        return _say(
            True,
            f"{_fmt(truth)}: each output is the mean of the real cells its window covers "
            f"(TensorFlow pads {split}, and the padding is left out of the count).",
        )
    if _close(got, _padded_pool_1d(EX2_INPUT, k, s, "avg", 0.0)):
        return _say(
            False,
            f"you counted the padding as zeros, dividing by {k} everywhere. That is PyTorch's "
            "default count_include_pad=True (and timm's AvgPool2dSame); TensorFlow divides "
            "by the number of real cells in the window.",
        )
    if _close(got, _padded_pool_1d(EX2_INPUT, k, s, "avg", "edge")):
        return _say(
            False,
            "you padded by repeating the edge values and averaged the copies — exactly what "
            "Keras 3.15 on the PyTorch backend computes for an asymmetric split, and not "
            "TensorFlow's definition: the real cells are counted once each.",
        )
    if len(got) != n:
        return _say(False, f"{len(got)} outputs, but 'same' gives ⌈{len(EX2_INPUT)}/{s}⌉ = {n}.")
    windows = window_indices(len(EX2_INPUT), k, s, padding=split)
    i = next(i for i, (u, v) in enumerate(zip(got, truth, strict=True)) if abs(u - v) > _TOL)
    real = [EX2_INPUT[j] for j in windows[i] if 0 <= j < len(EX2_INPUT)]
    return _say(
        False,
        f"output {i} should be {truth[i]:g}: its window covers cells {windows[i]}, of which "
        f"the real ones hold {real}; their mean is {truth[i]:g}.",
    )


# ---------------------------------------------------------------------------------------
# Exercise 3 — when does ceil_mode=True reproduce 'same'?
# ---------------------------------------------------------------------------------------


def _ceil_mode_matches(size: int, pool_size: int, strides: int) -> bool:
    """Run ``nn.MaxPool1d(K, S, ceil_mode=True)`` and compare with TF's definition on a
    seeded input with negative values (shape and values)."""
    import torch

    generator = torch.Generator().manual_seed(size)
    x = torch.randn(1, 1, size, generator=generator, dtype=torch.float64)
    try:
        y = torch.nn.MaxPool1d(pool_size, strides, ceil_mode=True)(x)
    except RuntimeError:
        return False
    truth = tf_same_pool_1d(x.flatten().tolist(), pool_size, strides, "max")
    return _close(y.flatten().tolist(), truth)


def check_ceil_mode_sizes(answer) -> Feedback:
    """Exercise 3: the input sizes ``W`` in :data:`EX3_SIZES` for which
    ``nn.MaxPool1d(3, stride=2, ceil_mode=True)`` equals Keras ``MaxPooling1D(3, 2,
    padding='same')`` (shape and values); ``answer`` is a set or list of ints."""
    k, s = EX3_POOL
    lo, hi = EX3_SIZES[0], EX3_SIZES[-1]
    if answer is None:
        return _missing(
            f"the sizes W (from {lo} to {hi}) where the two agree",
            "ex3_answer = {W1, W2, ...}, a set of ints",
            "ceil_mode=True lets the last window hang over the end (the extra padding "
            "after), but it never pads before the input. When does TensorFlow pad 0 before?",
        )
    if isinstance(answer, (str, bytes, dict)) or not hasattr(answer, "__iter__"):
        return _say(
            False, f"give a set of ints such as {{5, 6}}, got {type(answer).__name__} {answer!r}."
        )
    items = list(answer)
    bad = [a for a in items if not _is_int(a)]
    if bad:
        return _say(False, f"every entry should be an int size W, but {bad[0]!r} is not.")
    got = {int(a) for a in items}
    outside = sorted(w for w in got if w not in EX3_SIZES)
    if outside:
        return _say(False, f"only sizes {lo}…{hi} are asked about; {outside} are outside.")
    truth = {w for w in EX3_SIZES if _ceil_mode_matches(w, k, s)}
    if got == truth:
        return _say(
            True,
            f"{sorted(truth)}: exactly the sizes where TensorFlow pads nothing before the "
            f"input (split (0, 1) for even W here). ceil_mode=True supplies the padding after, "
            f"as an overhanging last window, but never the padding before.",
        )
    lines = []
    for w in sorted(got ^ truth):
        split = same_padding(w, k, s)
        keras_n = keras_output_size(w, k, s, "same")
        torch_n = output_size(w, k, s, ceil_mode=True)
        if w in truth:
            lines.append(
                f"W={w} does agree: TensorFlow pads {split}, so its windows start at 0 like "
                f"PyTorch's, and both give {keras_n} outputs."
            )
        else:
            cells = "cell" if split[0] == 1 else "cells"
            counts = (
                f"{torch_n} outputs instead of {keras_n}"
                if torch_n != keras_n
                else f"{keras_n} outputs each, but every window shifted"
            )
            lines.append(
                f"W={w} does not: TensorFlow pads {split}, so its first window starts "
                f"{split[0]} {cells} before the input, while PyTorch's starts at 0 ({counts})."
            )
    return _say(False, "\n".join(lines))


# ---------------------------------------------------------------------------------------
# Exercise 4 — write the PyTorch layer
# ---------------------------------------------------------------------------------------


def _reference_avg_2d(x, pool_size: int, strides: int):
    """TF's 'same' average pooling of an NCHW tensor, by the definition (mean of the real
    cells each window covers), built from the 1-D windows of both dimensions."""
    import torch

    h, w = x.shape[-2:]
    rows = window_indices(h, pool_size, strides, padding=same_padding(h, pool_size, strides))
    cols = window_indices(w, pool_size, strides, padding=same_padding(w, pool_size, strides))
    out = torch.empty(*x.shape[:-2], len(rows), len(cols), dtype=x.dtype)
    for i, r in enumerate(rows):
        r = [j for j in r if 0 <= j < h]
        for k, c in enumerate(cols):
            c = [j for j in c if 0 <= j < w]
            out[..., i, k] = x[..., r, :][..., c].mean(dim=(-2, -1))
    return out


def check_same_avg_pool_module(answer) -> Feedback:
    """Exercise 4: a PyTorch module (or any callable on NCHW tensors) equal to Keras
    ``AveragePooling2D(pool_size=3, strides=2, padding='same')`` on
    :data:`EX4_SIZE` × :data:`EX4_SIZE` inputs."""
    k, s = EX4_POOL
    if answer is None:
        return _missing(
            "a PyTorch module",
            "ex4_answer = nn.Sequential(...) of torch.nn layers",
            f"on {EX4_SIZE}×{EX4_SIZE}, TensorFlow pads {same_padding(EX4_SIZE, k, s)} per "
            "dimension and leaves the padding out of the mean. Which of count_include_pad, "
            "ceil_mode or an explicit pad gives exactly that?",
        )
    if not callable(answer):
        return _say(
            False,
            f"give a module such as nn.AvgPool2d(...), not {type(answer).__name__} {answer!r}.",
        )
    import torch

    generator = torch.Generator().manual_seed(3)
    x = torch.randn(2, 3, EX4_SIZE, EX4_SIZE, generator=generator)
    try:
        with torch.no_grad():
            y = answer(x)
    except Exception as error:  # the learner's module may raise anything
        first = str(error).splitlines()[0] if str(error) else ""
        return _say(
            False,
            f"calling it on a (2, 3, {EX4_SIZE}, {EX4_SIZE}) batch raised "
            f"{type(error).__name__}: {first}",
        )
    if not isinstance(y, torch.Tensor):
        return _say(False, f"it returned a value of type {type(y).__name__}, not a tensor.")
    truth = _reference_avg_2d(x, k, s)
    if tuple(y.shape) != tuple(truth.shape):
        return _say(
            False,
            f"output shape {tuple(y.shape)}, but Keras 'same' gives {tuple(truth.shape)} "
            f"(⌈{EX4_SIZE}/{s}⌉ = {truth.shape[-1]} per dimension).",
        )
    diff = (y.detach().to(truth.dtype) - truth).abs().amax(dim=(0, 1))
    wrong = (diff > _TOL).nonzero().tolist()
    if not wrong:
        return _say(
            True,
            f"every value matches TensorFlow's definition on a random batch (largest "
            f"difference {float(diff.max()):.1e}).",
        )
    last = truth.shape[-1] - 1
    border = all(i in (0, last) or j in (0, last) for i, j in wrong)
    split = same_padding(EX4_SIZE, k, s)
    count = f"{len(wrong)} of {truth.shape[-2] * truth.shape[-1]} output cells differ"
    first = f"first at row {wrong[0][0]}, column {wrong[0][1]}"
    if border:
        why = (
            f"Only border cells differ: their windows reach into the padding {split}, and "
            "TensorFlow averages only the real cells they cover (no zeros counted)."
        )
    else:
        starts = [w[0] for w in window_indices(EX4_SIZE, k, s, padding=split)]
        why = (
            f"Cells inside differ too, so the windows are in the wrong place: TensorFlow's "
            f"start at rows/columns {starts} (it pads {split}, nothing before)."
        )
    return _say(False, f"the shape is right, but {count} ({first}). {why}")
