"""Exercise checkers for notebook 04, "Keras to PyTorch".

Each ``check_*`` function takes the learner's answer, prints whether it is right and why,
and returns a :class:`Feedback` (true when right). The truth is computed here — from the
axis names of the two kernel layouts, from Keras' BatchNorm rule, and, for the last
exercise, by building the Keras model and running both frameworks — never typed in.

Keras is imported only by :func:`check_port_module`, through :mod:`samepad_viz.port`
(which selects the PyTorch backend when none is set).
"""

from __future__ import annotations

import importlib
import numbers

from ..arithmetic import keras_output_size, same_padding
from ._feedback import Feedback
from ._feedback import is_int as _is_int
from ._feedback import missing as _missing
from ._feedback import say as _say

__all__ = [
    "EX1_KERAS_KERNEL",
    "EX2_KERAS_BN",
    "EX3_AXIS",
    "EX3_SHAPE",
    "EX4_SIZE",
    "Feedback",
    "check_bn_settings",
    "check_bn_param_count",
    "check_kernel_permutation",
    "check_port_module",
    "ex4_keras_model",
]

# The exercises' fixed data (the notebook prints them from here, so text and checker agree).
EX1_KERAS_KERNEL = (5, 3, 16, 32)  # a Keras Conv2D kernel: (kh, kw, in, out)
KERAS_LAYOUT = ("kh", "kw", "in", "out")
TORCH_LAYOUT = ("out", "in", "kh", "kw")
EX2_KERAS_BN = {"momentum": 0.95, "epsilon": 0.001}  # BatchNormalization(momentum=0.95)
EX3_SHAPE = (None, 28, 40, 16)  # the input of BatchNormalization(axis=2), channels-last
EX3_AXIS = 2
EX4_SIZE = 16  # Conv2D(8, 3, strides=2, padding='same') → BatchNormalization → ReLU

_REL = 1e-9  # momentum and epsilon are compared as numbers, not by their printed form


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_ordered(answer) -> bool:
    """A tuple-like answer: iterable, and not a string, a mapping or a set (no order)."""
    return not isinstance(answer, (str, bytes, dict, set)) and hasattr(answer, "__iter__")


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= _REL * max(abs(a), abs(b), 1e-12)


# ---------------------------------------------------------------------------------------
# Exercise 1 — the kernel layout
# ---------------------------------------------------------------------------------------


def _permuted(shape, order) -> tuple:
    return tuple(shape[i] for i in order)


def check_kernel_permutation(answer) -> Feedback:
    """Exercise 1: the axis order for ``kernel.permute(...)`` that turns a Keras kernel
    ``(kh, kw, in, out)`` into PyTorch's ``(out, in, kh, kw)``; ``answer`` is 4 ints."""
    truth = tuple(KERAS_LAYOUT.index(axis) for axis in TORCH_LAYOUT)
    want = _permuted(EX1_KERAS_KERNEL, truth)
    if answer is None:
        return _missing(
            "the four axis numbers for permute",
            "ex1_answer = (0, 1, 2, 3)",
            "permute(a, b, c, d) puts old axis a first, old axis b second, … PyTorch wants "
            "the output channels first: where are they in (kh, kw, in, out)?",
        )
    if not _is_ordered(answer):
        return _say(
            False,
            f"give four axis numbers such as (0, 1, 2, 3), got {type(answer).__name__} {answer!r}.",
        )
    order = list(answer)
    if len(order) != 4 or not all(_is_int(a) for a in order) or sorted(order) != [0, 1, 2, 3]:
        return _say(
            False,
            f"{tuple(order)!r} is not an order of the four axes 0, 1, 2, 3 (each exactly once).",
        )
    order = tuple(int(a) for a in order)
    got = _permuted(EX1_KERAS_KERNEL, order)
    names = _permuted(KERAS_LAYOUT, order)
    if order == truth:
        return _say(
            True,
            f"permute{truth} turns {EX1_KERAS_KERNEL} (kh, kw, in, out) into {want} "
            "(out, in, kh, kw): out is axis 3, in axis 2, then the kernel rows and columns.",
        )
    if names == ("out", "in", "kw", "kh"):
        return _say(
            False,
            f"that gives {got} = (out, in, kw, kh): the kernel rows and columns are swapped. "
            "For a square kernel the shape would even fit and load without an error, but "
            "every kernel would be transposed (mirrored across its diagonal).",
        )
    if names == ("in", "out", "kh", "kw"):
        return _say(
            False,
            f"that gives {got} = (in, out, kh, kw): input and output channels swapped. That "
            "is the layout of a ConvTranspose2d weight, not of a Conv2d one.",
        )
    return _say(
        False,
        f"that gives {got} = ({', '.join(names)}), but PyTorch wants {want} = "
        "(out, in, kh, kw). Read it as: which Keras axis comes first? (out is Keras axis 3.)",
    )


# ---------------------------------------------------------------------------------------
# Exercise 2 — BatchNorm momentum and epsilon
# ---------------------------------------------------------------------------------------


def check_bn_settings(answer) -> Feedback:
    """Exercise 2: ``(momentum, eps)`` for ``nn.BatchNorm2d`` equal to Keras
    ``BatchNormalization(momentum=0.95)`` (default epsilon); ``answer`` is 2 numbers."""
    keras_m, keras_eps = EX2_KERAS_BN["momentum"], EX2_KERAS_BN["epsilon"]
    truth_m, truth_eps = float(f"{1 - keras_m:.12g}"), keras_eps
    if answer is None:
        return _missing(
            "the pair (momentum, eps)",
            "ex2_answer = (0.5, 1e-4)",
            "Keras' momentum weights the OLD statistics, PyTorch's the NEW batch. And which "
            "epsilon does Keras use when none is given — is it PyTorch's default?",
        )
    if not _is_ordered(answer):
        return _say(
            False,
            f"give a pair (momentum, eps) such as (0.5, 1e-4), got {type(answer).__name__} "
            f"{answer!r}.",
        )
    pair = list(answer)
    if len(pair) != 2 or not all(_is_number(v) for v in pair):
        return _say(False, f"give two numbers (momentum, eps), got {tuple(pair)!r}.")
    momentum, eps = (float(v) for v in pair)
    problems = []
    if _same(momentum, keras_m):
        problems.append(
            f"momentum={momentum:g} is Keras' number copied over. Keras: moving = "
            f"{keras_m:g}·moving + {truth_m:g}·batch; PyTorch: running = (1 − momentum)·running"
            f" + momentum·batch. So PyTorch's momentum is {truth_m:g} (yours would let each "
            f"new batch weigh {keras_m:g})."
        )
    elif not _same(momentum, truth_m):
        problems.append(
            f"momentum={momentum:g} is not it: PyTorch's momentum is the weight of the new "
            f"batch, 1 − {keras_m:g} = {truth_m:g}."
        )
    if _same(eps, 1e-5):
        problems.append(
            f"eps=1e-5 is PyTorch's default; Keras' default epsilon is {keras_eps:g}, and it "
            "changes every output in inference mode (it sits under the square root)."
        )
    elif not _same(eps, truth_eps):
        problems.append(f"eps={eps:g}: Keras' default epsilon is {keras_eps:g}; keep it.")
    if problems:
        return _say(False, " ".join(problems))
    return _say(
        True,
        f"nn.BatchNorm2d(..., momentum={truth_m:g}, eps={truth_eps:g}): PyTorch's momentum "
        f"weights the new batch (1 − {keras_m:g}), and Keras' epsilon {keras_eps:g} must be "
        "passed because PyTorch's default is 1e-5.",
    )


# ---------------------------------------------------------------------------------------
# Exercise 3 — what BatchNormalization(axis=...) counts
# ---------------------------------------------------------------------------------------


def _bn_count(shape, axis) -> int:
    """Keras' parameter count: gamma, beta, moving mean, moving variance per feature."""
    return 4 * shape[axis]


def check_bn_param_count(answer) -> Feedback:
    """Exercise 3: Keras' parameter count of ``BatchNormalization(axis=2)`` on
    :data:`EX3_SHAPE`; ``answer`` is an int."""
    shape, axis = EX3_SHAPE, EX3_AXIS
    if answer is None:
        return _missing(
            "the parameter count Keras prints",
            "ex3_answer = 100",
            f"which axis of {shape} is axis {axis}, how many features does it have, and "
            "how many numbers does Keras keep per feature (trainable or not)?",
        )
    if not _is_int(answer):
        return _say(False, f"give one int, got {type(answer).__name__} {answer!r}.")
    got = int(answer)
    truth = _bn_count(shape, axis)
    n = shape[axis]
    torch_dim = axis + 1  # NHWC axis 1, 2 → NCHW dim 2, 3
    if got == truth:
        return _say(
            True,
            f"{truth} = 4 × {n}: axis {axis} of {shape} is the width ({n} columns), and Keras "
            f"keeps gamma, beta, moving mean and moving variance per column (the last two are "
            f"its 'non-trainable params'). In PyTorch's NCHW that is dim {torch_dim}: "
            f"BatchNormAxis({n}, dim={torch_dim}).",
        )
    for wrong_axis, what in ((-1, "the channels"), (1, "the height")):
        if got in (_bn_count(shape, wrong_axis), 2 * shape[wrong_axis]):
            return _say(
                False,
                f"that counts {what} ({shape[wrong_axis]}), Keras' axis "
                f"{len(shape) + wrong_axis if wrong_axis < 0 else wrong_axis}. Axes count from "
                f"0 = the batch in {shape}: axis {axis} is the width, {n} columns.",
            )
    if got == 2 * n:
        return _say(
            False,
            f"{got} = 2 × {n} counts gamma and beta only. Keras also counts the moving mean "
            f"and moving variance (as non-trainable parameters): 4 × {n}.",
        )
    return _say(
        False,
        f"axis {axis} of {shape} has {n} features, and Keras keeps 4 numbers per feature.",
    )


# ---------------------------------------------------------------------------------------
# Exercise 4 — port a small model
# ---------------------------------------------------------------------------------------


def ex4_keras_model():
    """The Keras model of exercise 4, with fixed, non-trivial weights (no global seed used).

    ``Input((16, 16, 3))`` → ``Conv2D(8, 3, strides=2, padding='same')`` →
    ``BatchNormalization()`` → ``ReLU``.
    """
    import numpy as np

    from .. import port  # noqa: F401  (selects KERAS_BACKEND=torch when unset, before keras)

    keras = importlib.import_module("keras")
    model = keras.Sequential(
        [
            keras.Input((EX4_SIZE, EX4_SIZE, 3)),
            keras.layers.Conv2D(8, 3, strides=2, padding="same", name="conv"),
            keras.layers.BatchNormalization(name="bn"),
            keras.layers.Activation("relu", name="relu"),
        ],
        name="exercise_4",
    )
    rng = np.random.default_rng(4)
    conv, bn = model.get_layer("conv"), model.get_layer("bn")
    conv.set_weights([rng.normal(0, 0.3, (3, 3, 3, 8)), rng.normal(0, 0.1, 8)])
    bn.set_weights(
        [
            rng.uniform(0.5, 1.5, 8),
            rng.normal(0, 0.2, 8),
            rng.normal(0, 0.2, 8),
            rng.uniform(0.01, 0.05, 8),  # small variances: epsilon is visible
        ]
    )
    return model


def _find(module, kind):
    return [m for m in module.modules() if isinstance(m, kind)]


def check_port_module(answer) -> Feedback:
    """Exercise 4: a PyTorch module equal to :func:`ex4_keras_model`. The checker copies
    the Keras weights into the answer's one ``Conv2d`` and one BatchNorm, then compares
    both on a seeded batch in inference mode, and checks the training setting too."""
    k, s, n = 3, 2, EX4_SIZE
    split = same_padding(n, k, s)
    if answer is None:
        return _missing(
            "a PyTorch module",
            "ex4_answer = nn.Sequential(...) of torch.nn or samepad_viz layers",
            f"TensorFlow pads {split} on {n} with a 3×3, stride-2 kernel — is that symmetric? "
            "And mind BatchNorm's eps and momentum.",
        )
    import numpy as np
    import torch
    from torch import nn

    if not isinstance(answer, nn.Module):
        return _say(
            False,
            f"give a torch.nn module such as nn.Sequential(...), not {type(answer).__name__}.",
        )
    convs = _find(answer, nn.Conv2d)
    bns = _find(answer, nn.modules.batchnorm._BatchNorm)
    if len(convs) != 1 or len(bns) != 1:
        return _say(
            False,
            f"the module has {len(convs)} Conv2d and {len(bns)} BatchNorm layers; the Keras "
            "model has one of each (the checker copies the weights into them).",
        )
    conv, bn = convs[0], bns[0]
    if tuple(conv.weight.shape) != (8, 3, 3, 3) or conv.bias is None:
        bias = "no bias" if conv.bias is None else "a bias"
        return _say(
            False,
            f"the Conv2d has a weight of shape {tuple(conv.weight.shape)} and {bias}; Keras' "
            "Conv2D(8, 3) on 3 channels needs (8, 3, 3, 3) and a bias (Keras' default).",
        )
    if bn.num_features != 8:
        return _say(
            False,
            f"the BatchNorm has {bn.num_features} features; Keras' default axis=-1 normalises "
            "the 8 channels: nn.BatchNorm2d(8).",
        )
    model = ex4_keras_model()
    kernel, bias = model.get_layer("conv").get_weights()
    gamma, beta, mean, var = model.get_layer("bn").get_weights()
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(np.asarray(kernel)).permute(3, 2, 0, 1))
        conv.bias.copy_(torch.from_numpy(np.asarray(bias)))
        for name, value in zip(
            ("weight", "bias", "running_mean", "running_var"), (gamma, beta, mean, var), strict=True
        ):
            getattr(bn, name).copy_(torch.from_numpy(np.asarray(value)))
    x = np.random.default_rng(40).standard_normal((2, n, n, 3)).astype("float32")
    keras = importlib.import_module("keras")
    want = keras.ops.convert_to_numpy(model(x, training=False)).transpose(0, 3, 1, 2)
    was_training = answer.training
    answer.eval()
    try:
        with torch.no_grad():
            got = answer(torch.from_numpy(x.transpose(0, 3, 1, 2).copy()))
    except Exception as error:  # the learner's module may raise anything
        first = str(error).splitlines()[0] if str(error) else ""
        return _say(
            False,
            f"calling it on a (2, 3, {n}, {n}) batch raised {type(error).__name__}: {first}",
        )
    finally:
        answer.train(was_training)
    if not isinstance(got, torch.Tensor):
        return _say(False, f"it returned a value of type {type(got).__name__}, not a tensor.")
    got = got.detach().numpy()
    out = keras_output_size(n, k, s, "same")
    if got.shape != want.shape:
        return _say(
            False,
            f"output shape {got.shape}, but Keras gives {want.shape} in NCHW (⌈{n}/{s}⌉ = {out} "
            f"per dimension; TensorFlow pads {split}).",
        )
    diff = float(np.max(np.abs(got - want)))
    problems = []
    if diff > 1e-4:
        pads = [m for m in answer.modules() if isinstance(m, (nn.ZeroPad2d, nn.ConstantPad2d))]
        if tuple(conv.padding) == (1, 1) and not pads:
            problems.append(
                f"padding=1 pads (1, 1), but TensorFlow pads {split} here (16 is even): the "
                "shape is right and every window is shifted one cell up and left. Pad "
                "(left, right, top, bottom) = (0, 1, 0, 1) first (nn.ZeroPad2d) and use "
                "padding=0, or use samepad_viz.Conv2dSame."
            )
        if not np.isclose(bn.eps, 1e-3, rtol=1e-6, atol=0):
            problems.append(
                f"eps={bn.eps:g}: Keras' epsilon is 1e-3 (PyTorch's default 1e-5), and with "
                "small variances it shows in every output."
            )
        if not problems:
            problems.append(
                f"the outputs differ by up to {diff:.2g}: check that all three layers are "
                "there, in Keras' order (convolution, batch norm, ReLU), and the padding."
            )
    if not np.isclose(bn.momentum or 0.0, 0.01, rtol=1e-6, atol=0):
        problems.append(
            f"momentum={bn.momentum}: in inference mode it changes nothing, but training "
            "would move the running statistics differently from Keras' momentum 0.99, which "
            "is PyTorch momentum=0.01."
        )
    if problems:
        return _say(False, " ".join(problems))
    return _say(
        True,
        f"with the Keras weights copied in, it matches Keras on a random batch (below 1e-4), "
        f"and it trains with the same BatchNorm momentum. TensorFlow pads {split} here, which "
        "padding= alone cannot express.",
    )
