"""The checkers of lessons 05 (transposed) and 06 (causal, inverse) say right for right
answers, wrong (and why) for wrong ones, and answer None or a wrong type with a friendly
message instead of a traceback. The right answers are pinned to what PyTorch and Keras really
do, not only to samepad_viz."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import KERAS_NUMPY2_WARNINGS

from samepad_viz.arithmetic import (
    causal_padding,
    solve_padding,
    torch_transposed_padding,
    transposed_output_size,
)
from samepad_viz.exercises import transposed as ex

CHECKERS = [
    ex.check_transposed_size,
    ex.check_recipe,
    ex.check_even_overlap,
    ex.check_inverse,
    ex.check_causal_pad,
]
NOTEBOOKS = [
    Path(__file__).resolve().parent.parent / "notebooks" / name
    for name in ("05_transposed.ipynb", "06_causal_inverse.ipynb")
]

pytestmark = KERAS_NUMPY2_WARNINGS


def _out(capsys) -> str:
    return capsys.readouterr().out


def _recipe_truth():
    tp = torch_transposed_padding(**ex.RECIPE_LAYER)
    return (tp.padding, tp.output_padding, tp.crop is not None)


RIGHT = {
    "check_transposed_size": lambda: transposed_output_size(**ex.SIZE_LAYER),
    "check_recipe": _recipe_truth,
    "check_even_overlap": lambda: {k for k in ex.CHECKERBOARD_KERNELS if k % 3 == 0},
    "check_inverse": lambda: solve_padding(**ex.INVERSE_PROBLEM),
    "check_causal_pad": lambda: causal_padding(**ex.CAUSAL_LAYER),
}


# --- None and bad types -------------------------------------------------------------------


@pytest.mark.parametrize("check", CHECKERS, ids=lambda f: f.__name__)
def test_none_asks_to_replace_none_with_a_hint(check, capsys):
    feedback = check(None)
    out = _out(capsys)
    assert not feedback and not feedback.answered
    assert "Replace None" in out and "Hint:" in out
    assert feedback.message == out.strip()


@pytest.mark.parametrize("check", CHECKERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "bad", ["abc", 2.5, {"a": 1}, object(), b"xy", [1, "x"], True, (1, 2, 3, 4), -1]
)
def test_bad_types_are_wrong_without_a_traceback(check, bad, capsys):
    feedback = check(bad)
    assert not feedback
    assert "Not yet" in _out(capsys)


@pytest.mark.parametrize(
    "check, bad",
    [
        (ex.check_transposed_size, 16.0),
        (ex.check_transposed_size, True),
        (ex.check_recipe, (1, 0, 1)),
        (ex.check_recipe, (1, 0)),
        (ex.check_recipe, (1.0, 0, True)),
        (ex.check_recipe, (-1, 0, True)),
        (ex.check_even_overlap, {3, "6"}),
        (ex.check_even_overlap, {3, True}),
        (ex.check_even_overlap, "369"),
        (ex.check_inverse, [(1, 1), (0,)]),
        (ex.check_inverse, [(1, -1)]),
        (ex.check_inverse, (1, 1)),
        (ex.check_causal_pad, (8,)),
        (ex.check_causal_pad, (8.0, 0)),
    ],
)
def test_malformed_answers_say_what_is_expected(check, bad, capsys):
    feedback = check(bad)
    assert not feedback and not feedback.answered
    assert "should be" in _out(capsys)


@pytest.mark.parametrize("check", CHECKERS, ids=lambda f: f.__name__)
def test_the_right_answer_is_right(check, capsys):
    feedback = check(RIGHT[check.__name__]())
    assert feedback and feedback.answered
    assert _out(capsys).startswith("✅ Right.")


# --- exercise 1: PyTorch's transposed output size ------------------------------------------


def test_transposed_size_truth_is_what_conv_transpose2d_outputs(capsys):
    c = ex.SIZE_LAYER
    x = torch.zeros(1, 1, c["size"], c["size"])
    w = torch.zeros(1, 1, c["kernel_size"], c["kernel_size"])
    y = F.conv_transpose2d(
        x, w, stride=c["stride"], padding=c["padding"], output_padding=c["output_padding"]
    )
    assert ex.check_transposed_size(y.shape[-1])
    assert "16" in _out(capsys)


@pytest.mark.parametrize(
    "answer, reason",
    [
        (15, "leaves out output_padding"),
        (17, "one end only"),
        (18, "leaves out padding"),
        (14, "Keras' 'same' size"),
        (3, "forward convolution"),
        (99, "The stamps cover"),
    ],
)
def test_transposed_size_names_the_slip(answer, reason, capsys):
    assert not ex.check_transposed_size(answer)
    assert reason in _out(capsys)


# --- exercise 2: the recipe for Keras' transposed 'same' -----------------------------------


def _keras_same_1d(size, kernel, stride, seed=0):
    keras = pytest.importorskip("keras")
    assert keras.backend.backend() == "torch"
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((1, size, 1)).astype(np.float32)
    inputs = keras.Input((size, 1))
    layer = keras.layers.Conv1DTranspose(1, kernel, strides=stride, padding="same")
    model = keras.Model(inputs, layer(inputs))
    kernel_array = rng.standard_normal((kernel, 1, 1)).astype(np.float32)
    layer.set_weights([kernel_array, np.zeros(1, np.float32)])
    y = keras.ops.convert_to_numpy(model(torch.from_numpy(x)))[0, :, 0]
    return x[0, :, 0], kernel_array[:, 0, 0], y


def _torch_1d(x, kernel, stride, padding, output_padding, crop):
    y = F.conv_transpose1d(
        torch.from_numpy(x)[None, None],
        torch.from_numpy(kernel)[None, None],
        stride=stride,
        padding=padding,
        output_padding=output_padding,
    )[0, 0].numpy()
    return y[:-1] if crop else y


def test_recipe_truth_reproduces_keras_conv1d_transpose_and_the_common_answer_does_not(capsys):
    w, k, s = (ex.RECIPE_LAYER[n] for n in ("size", "kernel_size", "stride"))
    x, kernel, keras_out = _keras_same_1d(w, k, s)
    p, op, crop = _recipe_truth()
    np.testing.assert_allclose(_torch_1d(x, kernel, s, p, op, crop), keras_out, atol=1e-5)
    assert ex.check_recipe((p, op, crop))

    common = ((k - 1) // 2, 1, False)  # right shape, shifted values
    shifted = _torch_1d(x, kernel, s, *common)
    assert shifted.shape == keras_out.shape
    assert np.abs(shifted - keras_out).max() > 0.1
    _out(capsys)
    assert not ex.check_recipe(common)
    out = _out(capsys)
    assert "Right size" in out and "shifted by 1" in out


def test_recipe_wrong_size_says_both_sizes(capsys):
    assert not ex.check_recipe((1, 1, False))
    out = _out(capsys)
    assert "34 cells" in out and "Keras has 32" in out


def test_recipe_refused_arguments_quote_pytorchs_rule(capsys):
    assert not ex.check_recipe((1, 5, False))
    assert "output_padding must be <" in _out(capsys)


# --- exercise 3: checkerboards ----------------------------------------------------------------


def _torch_interior_counts(kernel, stride, size=12):
    """Kernel taps per output cell, by PyTorch: an all-ones transposed convolution."""
    y = F.conv_transpose1d(torch.ones(1, 1, size), torch.ones(1, 1, kernel), stride=stride)
    interior = y[0, 0, kernel - 1 : (size - 1) * stride + 1]
    return {int(v) for v in interior}


def test_even_overlap_truth_is_what_conv_transpose_of_ones_counts(capsys):
    even = {
        k
        for k in ex.CHECKERBOARD_KERNELS
        if len(_torch_interior_counts(k, ex.CHECKERBOARD_STRIDE)) == 1
    }
    assert even == RIGHT["check_even_overlap"]()
    assert ex.check_even_overlap(sorted(even))  # a list is fine too


def test_even_overlap_names_the_kernels_misjudged(capsys):
    assert not ex.check_even_overlap({3, 4, 6})
    out = _out(capsys)
    assert "K=4: 1 and 2 taps alternate" in out and "K=9: 3 taps on every interior cell" in out
    assert not ex.check_even_overlap({3, 6, 10})
    assert "not one of them" in _out(capsys)


# --- exercise 4: the inverse problem -----------------------------------------------------------


def test_inverse_truth_is_every_pair_pytorch_gives_the_target_with(capsys):
    c = ex.INVERSE_PROBLEM
    x = torch.zeros(1, 1, c["size"])
    w = torch.zeros(1, 1, c["kernel_size"])
    found = [
        (b, a)
        for b in range(8)
        for a in range(8)
        if F.conv1d(F.pad(x, (b, a)), w, stride=c["stride"]).shape[-1] == c["target"]
    ]
    assert sorted(found) == sorted(solve_padding(**c))
    assert ex.check_inverse(list(reversed(found)))  # any order


def test_inverse_explains_extra_and_missing_pairs(capsys):
    assert not ex.check_inverse([(1, 1), (0, 0)])
    out = _out(capsys)
    assert "(0, 0) gives 4 outputs, not 5" in out and "missing: (0, 2)" in out


# --- exercise 5: causal padding ----------------------------------------------------------------


def test_causal_truth_reproduces_keras_conv1d_causal(capsys):
    keras = pytest.importorskip("keras")
    k, d = ex.CAUSAL_LAYER["kernel_size"], ex.CAUSAL_LAYER["dilation"]
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 20, 1)).astype(np.float32)
    inputs = keras.Input((20, 1))
    layer = keras.layers.Conv1D(1, k, dilation_rate=d, padding="causal", use_bias=False)
    model = keras.Model(inputs, layer(inputs))
    (kernel,) = layer.get_weights()
    expected = keras.ops.convert_to_numpy(model(torch.from_numpy(x)))[0, :, 0]
    pad = causal_padding(k, d)
    got = F.conv1d(
        F.pad(torch.from_numpy(x).permute(0, 2, 1), pad),
        torch.from_numpy(kernel).permute(2, 1, 0),
        dilation=d,
    )[0, 0].numpy()
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert ex.check_causal_pad(pad)


@pytest.mark.parametrize(
    "answer, reason",
    [((0, 8), "see the future"), ((4, 4), "see the future"), ((2, 0), "forgets the dilation")],
)
def test_causal_names_the_slip(answer, reason, capsys):
    assert not ex.check_causal_pad(answer)
    assert reason in _out(capsys)


def test_causal_wrong_length_says_longer_or_shorter(capsys):
    assert not ex.check_causal_pad((9, 0))
    assert "1 step(s) longer" in _out(capsys)
    assert not ex.check_causal_pad((6, 0))
    assert "2 step(s) shorter" in _out(capsys)


# --- the notebooks -----------------------------------------------------------------------------


def test_notebooks_store_every_exercise_unanswered():
    sources = [
        "".join(c["source"])
        for path in NOTEBOOKS
        for c in json.loads(path.read_text())["cells"]
        if c["cell_type"] == "code"
    ]
    for check in CHECKERS:
        calls = [s for s in sources if f"{check.__name__}(" in s and "_answer = None" in s]
        assert calls, f"no exercise cell calls {check.__name__} with an answer of None"
