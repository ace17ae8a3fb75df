"""Transposed convolutions, the inverse padding problem and causal padding, against the
real thing: PyTorch's ``conv_transpose2d``, Keras 3's ``Conv2DTranspose`` and ``Conv1D``
(on the PyTorch backend; tests/conftest.py sets ``KERAS_BACKEND=torch``), and a NumPy
definition of TensorFlow's transposed convolution (each input cell adds the kernel,
scaled by its value, into the output: a scatter-add of kernel taps), so that a Keras
backend mistake could not hide behind a matching port.

Hypothesis example counts come from the profile in tests/conftest.py.
"""

import ast

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import (
    KERAS_NUMPY2_WARNINGS,
    TOLERANCE,
    as_int_when_square,
    pairs,
    random_array,
)
from helpers_keras import nchw_to_nhwc, nhwc_to_nchw, run_keras
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

import samepad_viz
from samepad_viz.arithmetic import (
    TorchTransposedPadding,
    causal_padding,
    keras_transposed_output_size,
    output_size,
    same_padding,
    solve_padding,
    torch_transposed_padding,
    transposed_output_size,
)

pytestmark = [KERAS_NUMPY2_WARNINGS, pytest.mark.usefixtures("one_torch_thread")]


sizes = st.integers(1, 12)
kernels = st.integers(1, 6)
strides = st.integers(1, 4)
dilations = st.integers(1, 3)
paddings = st.integers(0, 4)
channels = st.integers(1, 3)
seeds = st.integers(0, 2**32 - 1)


def keras_transposed_weights(layer):
    """Keras transposed kernel (kh, kw, out, in) → torch ConvTranspose2d (in, out, kh, kw)."""
    kernel, bias = layer.get_weights()
    return torch.from_numpy(kernel).permute(3, 2, 0, 1), torch.from_numpy(bias)


def crop(y, crops):
    """Apply ``TorchTransposedPadding.crop`` (one entry per spatial dimension) to NCHW ``y``."""
    index = [slice(None), slice(None)]
    for n, c in zip(y.shape[2:], crops, strict=True):
        index.append(slice(None) if c is None else slice(c[0], n - c[1]))
    return y[tuple(index)]


# ---------------------------------------------------------------------------------------
# the definition: TensorFlow's transposed convolution written out in NumPy
# ---------------------------------------------------------------------------------------


def transposed_conv2d_definition(x, kernel, bias, stride, dilation, padding, output_padding):
    """TensorFlow's ``conv2d_transpose`` for a Keras layer, on NHWC ``x``.

    Input cell ``i`` adds ``x[i] · kernel[j]`` to output cell ``i·S + j·D − before``: the
    gradient of the forward convolution of ``N`` cells (``N`` from
    ``keras_transposed_output_size``) whose ``'same'`` padding puts ``before`` cells
    first; ``'valid'`` has ``before = 0``. Kernel layout (kh, kw, out, in), as Keras stores it.
    """
    _, h, w, _ = x.shape
    kh, kw, cout, _ = kernel.shape
    out, before, full = [], [], []
    for n, k, s, d, op in zip((h, w), (kh, kw), stride, dilation, output_padding, strict=True):
        eff = d * (k - 1) + 1
        size = keras_transposed_output_size(n, k, s, padding, op, d)
        b = max((n - 1) * s + eff - size, 0) // 2 if padding == "same" else 0
        out.append(size)
        before.append(b)
        full.append(max((n - 1) * s + eff, b + size))
    y = np.zeros((x.shape[0], *full, cout), dtype=np.float64)
    (sh, sw), (dh, dw) = stride, dilation
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dh, i * dh + (h - 1) * sh + 1, sh)
            cols = slice(j * dw, j * dw + (w - 1) * sw + 1, sw)
            y[:, rows, cols, :] += x.astype(np.float64) @ kernel[i, j].T.astype(np.float64)
    y = y[:, before[0] : before[0] + out[0], before[1] : before[1] + out[1], :]
    return y + bias


# ---------------------------------------------------------------------------------------
# transposed_output_size against PyTorch
# ---------------------------------------------------------------------------------------


def torch_shape_or_none(op):
    try:
        return tuple(op().shape[2:])
    except (RuntimeError, ValueError):
        return None


@given(
    size=pairs(sizes),
    kernel=pairs(kernels),
    stride=pairs(strides),
    padding=pairs(paddings),
    output_padding=pairs(st.integers(0, 3)),
    dilation=pairs(dilations),
)
def test_transposed_output_size_matches_torch_conv_transpose2d(
    size, kernel, stride, padding, output_padding, dilation
):
    x = torch.zeros(1, 1, *size)
    w = torch.zeros(1, 1, *kernel)
    real = torch_shape_or_none(
        lambda: F.conv_transpose2d(
            x, w, stride=stride, padding=padding, output_padding=output_padding, dilation=dilation
        )
    )
    args = dict(
        stride=as_int_when_square(stride),
        padding=padding,
        output_padding=as_int_when_square(output_padding),
        dilation=as_int_when_square(dilation),
    )
    if real is None:
        with pytest.raises(ValueError, match="output_padding must be <|removes the whole output"):
            transposed_output_size(size, as_int_when_square(kernel), **args)
        return
    assert transposed_output_size(size, as_int_when_square(kernel), **args) == real
    one_by_one = tuple(
        transposed_output_size(
            size[i], kernel[i], stride[i], padding[i], output_padding[i], dilation[i]
        )
        for i in range(2)
    )
    assert one_by_one == real


@given(
    size=sizes,
    kernel=kernels,
    stride=strides,
    padding=pairs(paddings),
    dilation=dilations,
    data=st.data(),
)
def test_transposed_padding_pair_crops_the_stamped_output_before_and_after(
    size, kernel, stride, padding, dilation, data
):
    output_padding = data.draw(st.integers(0, max(stride, dilation) - 1))
    before, after = padding
    x = torch.randn(1, 1, size)
    w = torch.randn(1, 1, kernel)
    stamped = F.conv_transpose1d(
        x, w, stride=stride, output_padding=output_padding, dilation=dilation
    )
    length = stamped.shape[-1] - before - after
    if length < 1:
        with pytest.raises(ValueError, match="removes the whole output"):
            transposed_output_size(size, kernel, stride, padding, output_padding, dilation)
        return
    assert transposed_output_size(size, kernel, stride, padding, output_padding, dilation) == length
    if before == after:  # PyTorch's own int padding is this crop, values included
        cropped = stamped[..., before : stamped.shape[-1] - after]
        real = F.conv_transpose1d(
            x, w, stride=stride, padding=before, output_padding=output_padding, dilation=dilation
        )
        torch.testing.assert_close(real, cropped)


# ---------------------------------------------------------------------------------------
# keras_transposed_output_size and the definition against Keras' Conv2DTranspose
# ---------------------------------------------------------------------------------------


@st.composite
def keras_transposed_configs(draw, modes=("valid", "same"), output_padding=True):
    """Configurations Keras accepts: no strides > 1 with dilation > 1, output_padding < S."""
    if draw(st.booleans()):
        stride, dilation = (1, 1), draw(pairs(dilations))
    else:
        stride, dilation = draw(pairs(strides)), (1, 1)
    op = None
    if output_padding and draw(st.booleans()):
        op = tuple(draw(st.integers(0, s - 1)) for s in stride)
    return dict(
        mode=draw(st.sampled_from(modes)),
        size=draw(pairs(st.integers(1, 9))),
        kernel=draw(pairs(kernels)),
        stride=stride,
        dilation=dilation,
        output_padding=op,
        cin=draw(channels),
        cout=draw(channels),
        seed=draw(seeds),
    )


def tensorflow_refuses(c):
    """'same' with output_padding 0 and an even effective kernel (see the docstring)."""
    if c["mode"] != "same" or c["output_padding"] is None:
        return False
    return any(
        op == 0 and (d * (k - 1) + 1) % 2 == 0
        for k, d, op in zip(c["kernel"], c["dilation"], c["output_padding"], strict=True)
    )


def keras_transposed_layer(c, mode=None):
    return keras.layers.Conv2DTranspose(
        c["cout"],
        c["kernel"],
        strides=c["stride"],
        padding=mode or c["mode"],
        output_padding=c["output_padding"],
        dilation_rate=c["dilation"],
    )


@given(keras_transposed_configs())
def test_keras_transposed_output_size_and_values_match_keras_conv2d_transpose(config):
    c = config
    layer = keras_transposed_layer(c)
    x = random_array(c["seed"], (1, *c["size"], c["cin"]))
    got = run_keras(layer, x, c["seed"] + 1)
    args = (c["size"], c["kernel"], c["stride"], c["mode"], c["output_padding"], c["dilation"])
    if tensorflow_refuses(c):
        # Keras' own shape rule gives (W − 1)·S there, which TensorFlow refuses to run.
        with pytest.raises(ValueError, match="TensorFlow refuses it"):
            keras_transposed_output_size(*args)
        for n, k, s, d, op, real in zip(
            c["size"],
            c["kernel"],
            c["stride"],
            c["dilation"],
            c["output_padding"],
            got.shape[1:3],
            strict=True,
        ):
            if op == 0 and (d * (k - 1) + 1) % 2 == 0:
                assert real == (n - 1) * s
        return
    shape = keras_transposed_output_size(*args)
    assert got.shape == (1, *shape, c["cout"])
    kernel, bias = layer.get_weights()
    expected = transposed_conv2d_definition(
        x,
        kernel,
        bias,
        c["stride"],
        c["dilation"],
        c["mode"],
        c["output_padding"] or (None, None),
    )
    np.testing.assert_allclose(got, expected, **TOLERANCE)


@given(
    size=sizes,
    kernel=kernels,
    stride=strides,
    dilation=dilations,
    mode=st.sampled_from(("valid", "same")),
)
def test_keras_transposed_output_size_without_output_padding_is_the_documented_formula(
    size, kernel, stride, dilation, mode
):
    eff = dilation * (kernel - 1) + 1
    expected = size * stride + max(eff - stride, 0) if mode == "valid" else size * stride
    assert keras_transposed_output_size(size, kernel, stride, mode, None, dilation) == expected


# ---------------------------------------------------------------------------------------
# torch_transposed_padding: Keras' Conv2DTranspose(padding='same') in PyTorch
# ---------------------------------------------------------------------------------------


def torch_layer_from_code(code, in_channels, out_channels):
    """Evaluate the first line of ``code`` (the ConvTranspose layer) as written."""
    namespace = {"nn": nn, "in_channels": in_channels, "out_channels": out_channels}
    first = ast.parse(code).body[0]
    return eval(compile(ast.Expression(first.value), "<code>", "eval"), namespace)


def run_code_crop(code, y):
    """Run the crop line of ``code`` (if any) on ``y``, as a user pasting it would."""
    lines = code.splitlines()[1:]
    namespace = {"y": y}
    for line in lines:
        exec(line, namespace)
    return namespace["y"]


def port_transposed(c, layer, x, tp):
    """nn.ConvTranspose2d built from ``tp.code`` with Keras' weights copied, then the crop."""
    torch_layer = torch_layer_from_code(tp.code, c["cin"], c["cout"])
    assert torch_layer.padding == tuple(tp.padding)
    assert torch_layer.output_padding == tuple(tp.output_padding)
    w, b = keras_transposed_weights(layer)
    assert torch_layer.weight.shape == w.shape
    with torch.no_grad():
        torch_layer.weight.copy_(w)
        torch_layer.bias.copy_(b)
        y = torch_layer(nhwc_to_nchw(x))
    by_field = crop(y, tp.crop)
    by_code = run_code_crop(tp.code, y)
    torch.testing.assert_close(by_code, by_field)
    return nchw_to_nhwc(by_field)


@given(keras_transposed_configs(modes=("same",), output_padding=False))
def test_torch_transposed_padding_reproduces_keras_conv2d_transpose_same_values(config):
    c = config
    layer = keras_transposed_layer(c)
    x = random_array(c["seed"], (1, *c["size"], c["cin"]))
    expected = run_keras(layer, x, c["seed"] + 1)
    tp = torch_transposed_padding(
        c["size"], as_int_when_square(c["kernel"]), c["stride"], c["dilation"]
    )
    got = port_transposed(c, layer, x, tp)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, **TOLERANCE)
    kernel, bias = layer.get_weights()
    definition = transposed_conv2d_definition(
        x, kernel, bias, c["stride"], c["dilation"], "same", (None, None)
    )
    np.testing.assert_allclose(got, definition, **TOLERANCE)


@given(
    size=pairs(st.integers(1, 9)),
    kernel=pairs(kernels),
    stride=pairs(st.integers(2, 4)),
    dilation=pairs(st.integers(2, 3)),
    cin=channels,
    cout=channels,
    seed=seeds,
)
def test_torch_transposed_padding_follows_the_definition_where_keras_refuses(
    size, kernel, stride, dilation, cin, cout, seed
):
    # Keras refuses strides > 1 with dilation_rate > 1; the definition is unambiguous.
    c = dict(cin=cin, cout=cout)
    rng = np.random.default_rng(seed)
    kernel_array = rng.standard_normal((*kernel, cout, cin)).astype(np.float32)
    bias = rng.standard_normal(cout).astype(np.float32)

    class Weights:  # what port_transposed reads from a Keras layer
        def get_weights(self):
            return [kernel_array, bias]

    x = random_array(seed + 1, (1, *size, cin))
    tp = torch_transposed_padding(size, kernel, stride, dilation)
    got = port_transposed(c, Weights(), x, tp)
    expected = transposed_conv2d_definition(
        x, kernel_array, bias, stride, dilation, "same", (None, None)
    )
    assert got.shape == (1, size[0] * stride[0], size[1] * stride[1], cout)
    np.testing.assert_allclose(got, expected, **TOLERANCE)


@given(
    size=st.integers(1, 1000),
    kernel=st.integers(1, 64),
    stride=st.integers(1, 64),
    dilation=st.integers(1, 16),
)
def test_torch_transposed_padding_keeps_pytorchs_output_padding_rule_and_gives_w_times_s(
    size, kernel, stride, dilation
):
    tp = torch_transposed_padding(size, kernel, stride, dilation)
    assert tp.output_padding < max(stride, dilation)
    cropped = 0 if tp.crop is None else sum(tp.crop)
    out = transposed_output_size(size, kernel, stride, tp.padding, tp.output_padding, dilation)
    assert (
        out - cropped
        == size * stride
        == keras_transposed_output_size(size, kernel, stride, "same", None, dilation)
    )
    # No crop whenever one can be avoided: a crop is needed exactly when T is odd.
    total = max(dilation * (kernel - 1) + 1 - stride, 0)
    assert (tp.crop is None) == (total % 2 == 0)


@pytest.mark.parametrize("kernel", [3, 5])
def test_the_common_padding_k_over_2_output_padding_1_gives_keras_shape_but_shifted_values(kernel):
    # The answer passed around for a stride-2 'same' Conv2DTranspose: padding=(K − 1) // 2,
    # output_padding=1. The shape is 2·W as in Keras, but TensorFlow removes ⌊T / 2⌋ cells
    # at the start (T = K − 2), one fewer than this, so every output is shifted by one.
    c = dict(size=(6, 6), kernel=(kernel, kernel), stride=(2, 2), dilation=(1, 1), cin=1, cout=1)
    c.update(mode="same", output_padding=None)
    layer = keras_transposed_layer(c)
    x = random_array(0, (1, 6, 6, 1))
    expected = run_keras(layer, x, 1)
    w, b = keras_transposed_weights(layer)
    common = F.conv_transpose2d(
        nhwc_to_nchw(x), w, b, stride=2, padding=(kernel - 1) // 2, output_padding=1
    )
    assert nchw_to_nhwc(common).shape == expected.shape
    assert np.abs(nchw_to_nhwc(common) - expected).max() > 0.1
    tp = torch_transposed_padding((6, 6), kernel, stride=2)
    assert tp.padding == ((kernel - 2) // 2,) * 2 and tp.crop == ((0, 1), (0, 1))
    ours = crop(F.conv_transpose2d(nhwc_to_nchw(x), w, b, stride=2, padding=tp.padding), tp.crop)
    np.testing.assert_allclose(nchw_to_nhwc(ours), expected, **TOLERANCE)


def test_torch_transposed_padding_fields_and_code_per_dimension():
    tp = torch_transposed_padding((15, 15), (3, 4), stride=2)
    assert tp == TorchTransposedPadding(
        padding=(0, 1),
        output_padding=(0, 0),
        crop=((0, 1), None),
        code=(
            "nn.ConvTranspose2d(in_channels, out_channels, kernel_size=(3, 4), stride=2, "
            "padding=(0, 1))\n"
            "y = y[..., :-1, :]  # crop: drop the last cell at the end (bottom/right)"
        ),
    )
    one = torch_transposed_padding(8, 1, stride=3)
    assert (one.padding, one.output_padding, one.crop) == (0, 2, None)
    assert one.code == (
        "nn.ConvTranspose1d(in_channels, out_channels, kernel_size=1, stride=3, padding=0, "
        "output_padding=2)"
    )
    dilated = torch_transposed_padding((5, 5, 5), 2, dilation=2)
    assert dilated.code.startswith("nn.ConvTranspose3d(")
    assert "dilation=2" in dilated.code
    four = torch_transposed_padding((4, 4, 4, 4), 3, stride=2)
    assert four.code.startswith("# torch.nn has no 4-D transposed convolution layer")
    assert four.code.endswith(
        "y = y[..., :-1, :-1, :-1, :-1]  # crop: drop the last cell at the end (bottom/right)"
    )


# ---------------------------------------------------------------------------------------
# solve_padding: the inverse problem
# ---------------------------------------------------------------------------------------


@given(size=sizes, kernel=kernels, stride=strides, dilation=dilations, target=st.integers(1, 12))
def test_solve_padding_lists_exactly_the_pairs_that_give_the_target(
    size, kernel, stride, dilation, target
):
    def gives_target(before, after):
        try:
            return output_size(size, kernel, stride, (before, after), dilation) == target
        except ValueError:
            return False

    try:
        solutions = solve_padding(size, kernel, stride, target, dilation)
    except ValueError as error:
        assert "is smaller than" in str(error)
        unpadded = output_size(size, kernel, stride, 0, dilation)
        assert target < unpadded
        return
    assert solutions
    assert all(gives_target(b, a) for b, a in solutions)
    assert solutions == sorted(solutions, key=lambda p: (sum(p), p[0]))
    totals = sorted({sum(p) for p in solutions})
    assert totals == list(range(totals[0], totals[0] + len(totals)))
    assert len(totals) <= stride
    limit = totals[-1] + stride
    others = [
        (b, t - b)
        for t in range(limit + 1)
        for b in range(t + 1)
        if (b, t - b) not in solutions and gives_target(b, t - b)
    ]
    assert others == []


@given(size=sizes, kernel=kernels, stride=strides, dilation=dilations)
def test_solve_padding_for_ceil_w_over_s_holds_tensorflows_same_split(
    size, kernel, stride, dilation
):
    target = -(-size // stride)
    assert same_padding(size, kernel, stride, dilation) in solve_padding(
        size, kernel, stride, target, dilation
    )


def test_solve_padding_holds_tensorflows_and_pytorchs_answers_for_w8_k3_s2():
    solutions = solve_padding(8, 3, 2, 4)
    assert same_padding(8, 3, 2) == (0, 1) and (0, 1) in solutions
    assert (1, 1) in solutions  # nn.Conv2d(..., stride=2, padding=1)


def test_solve_padding_per_dimension_is_a_list_per_dimension():
    assert solve_padding((8, 5), 3, 2, (4, 2)) == (
        solve_padding(8, 3, 2, 4),
        solve_padding(5, 3, 2, 2),
    )
    assert solve_padding((8, 8), 3, (2, 1), (4, 7)) == (
        solve_padding(8, 3, 2, 4),
        solve_padding(8, 3, 1, 7),
    )


# ---------------------------------------------------------------------------------------
# causal_padding against Keras' Conv1D(padding='causal')
# ---------------------------------------------------------------------------------------


@given(
    size=st.integers(1, 20),
    kernel=kernels,
    stride_or_dilation=st.one_of(st.tuples(strides, st.just(1)), st.tuples(st.just(1), dilations)),
    cin=channels,
    cout=channels,
    seed=seeds,
)
def test_causal_padding_reproduces_keras_conv1d_causal_values(
    size, kernel, stride_or_dilation, cin, cout, seed
):
    stride, dilation = stride_or_dilation
    layer = keras.layers.Conv1D(
        cout, kernel, strides=stride, padding="causal", dilation_rate=dilation
    )
    x = random_array(seed, (1, size, cin))
    expected = run_keras(layer, x, seed + 1)
    kernel_array, bias = layer.get_weights()
    w = torch.from_numpy(kernel_array).permute(2, 1, 0)
    xt = F.pad(torch.from_numpy(x).permute(0, 2, 1), causal_padding(kernel, dilation))
    got = F.conv1d(xt, w, torch.from_numpy(bias), stride=stride, dilation=dilation)
    np.testing.assert_allclose(got.permute(0, 2, 1).numpy(), expected, **TOLERANCE)


def test_causal_padding_puts_everything_before_the_sequence():
    assert causal_padding(3) == (2, 0)
    assert causal_padding(3, dilation=4) == (8, 0)
    assert causal_padding(1) == (0, 0)


# ---------------------------------------------------------------------------------------
# the package top level
# ---------------------------------------------------------------------------------------


def test_new_arithmetic_is_exported_from_the_package_top_level():
    for name in [
        "TorchTransposedPadding",
        "transposed_output_size",
        "keras_transposed_output_size",
        "torch_transposed_padding",
        "solve_padding",
        "causal_padding",
    ]:
        assert name in samepad_viz.__all__
        assert getattr(samepad_viz, name) is getattr(samepad_viz.arithmetic, name)


# ---------------------------------------------------------------------------------------
# every error path, with its message
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, message",
    [
        # transposed_output_size
        (
            lambda: transposed_output_size(4, 3, stride=2, output_padding=2),
            ValueError,
            r"^output_padding must be < max\(stride, dilation\) = 2, got 2; PyTorch refuses",
        ),
        (
            lambda: transposed_output_size((4, 4), 3, stride=(2, 1), output_padding=(1, 1)),
            ValueError,
            r"^output_padding must be < max\(stride, dilation\) = 1 in dimension 1, got 1",
        ),
        (
            lambda: transposed_output_size(1, 1, padding=1),
            ValueError,
            r"^padding 1 \+ 1 removes the whole output: the kernel stamps cover "
            r"\(size − 1\)·stride \+ D·\(K − 1\) \+ 1 = 1 cells, .* use at most 0 padding",
        ),
        (
            lambda: transposed_output_size(4, 3, padding="same"),
            TypeError,
            r"^padding must be an int .* use keras_transposed_output_size$",
        ),
        (
            lambda: transposed_output_size(4, 3, output_padding=-1),
            ValueError,
            r"^output_padding must be >= 0 \(no negative padding\), got -1$",
        ),
        (
            lambda: transposed_output_size(4, 3, padding=(1, 2, 3)),
            ValueError,
            r"^padding must be an int or a \(before, after\) pair, got \(1, 2, 3\)$",
        ),
        (
            lambda: transposed_output_size(4, 3, output_padding=(0, 0)),
            TypeError,
            r"^output_padding is the tuple \(0, 0\) but size is the single int 4",
        ),
        (
            lambda: transposed_output_size(4, 0),
            ValueError,
            r"^kernel_size must be >= 1, got 0$",
        ),
        (
            lambda: transposed_output_size(4, 3, stride=True),
            TypeError,
            r"^stride must be an int, not a bool \(True\)",
        ),
        # keras_transposed_output_size
        (
            lambda: keras_transposed_output_size(4, 3, padding="causal"),
            ValueError,
            r"^padding='causal' exists only for the forward Conv1D; .* take 'valid' or 'same'$",
        ),
        (
            lambda: keras_transposed_output_size(4, 3, padding="full"),
            ValueError,
            r"^padding must be one of 'valid', 'same', 'causal', got 'full'$",
        ),
        (
            lambda: keras_transposed_output_size(4, 3, padding=1),
            TypeError,
            r"^padding must be one of .* got int 1",
        ),
        (
            lambda: keras_transposed_output_size(4, 3, stride=2, output_padding=2),
            ValueError,
            r"^output_padding must be < stride 2, got 2; Keras refuses output_padding >= "
            r"strides: use 0 … 1, or output_padding=None$",
        ),
        (
            lambda: keras_transposed_output_size(5, 4, stride=2, padding="same", output_padding=0),
            ValueError,
            r"^padding='same' with output_padding 0 and the even kernel_size 4 gives "
            r"\(size − 1\)·stride = 8 cells, and TensorFlow refuses it: a 'same' convolution "
            r"of 8 cells has ⌈8 / 2⌉ = 4 outputs, not size 5; use output_padding >= 1",
        ),
        (
            lambda: keras_transposed_output_size(
                (5, 5), (3, 2), padding="same", output_padding=0, dilation=(1, 3)
            ),
            ValueError,
            r"even kernel_size 2 \(dilated to 4\) gives \(size − 1\)·stride = 4 cells "
            r"in dimension 1",
        ),
        (
            lambda: keras_transposed_output_size(4, 3, output_padding=-1),
            ValueError,
            r"^output_padding must be >= 0 \(no negative padding\), got -1$",
        ),
        (
            lambda: keras_transposed_output_size(4, 3, output_padding=0.0),
            TypeError,
            r"^output_padding must be an int, got float 0\.0$",
        ),
        # torch_transposed_padding
        (
            lambda: torch_transposed_padding(0, 3),
            ValueError,
            r"^size must be >= 1, got 0$",
        ),
        (
            lambda: torch_transposed_padding((4, 4), (3, 3, 3)),
            ValueError,
            r"^kernel_size has 3 entries but size has 2 dimensions",
        ),
        (
            lambda: torch_transposed_padding(4, (3, 3)),
            TypeError,
            r"^kernel_size is the tuple \(3, 3\) but size is the single int 4",
        ),
        # solve_padding
        (
            lambda: solve_padding(30, 3, 1, 20),
            ValueError,
            r"^target 20 is smaller than 28, the output with no padding at all \(size 30, "
            r"kernel_size 3, stride 1\); padding only makes the output larger",
        ),
        (
            lambda: solve_padding((30, 30), 3, 2, (14, 3), dilation=(1, 2)),
            ValueError,
            r"^target 3 is smaller than 13, .* kernel_size 3 \(dilated to 5\), stride 2\) "
            r"in dimension 1",
        ),
        (
            lambda: solve_padding(30, 3, 1, 0),
            ValueError,
            r"^target must be >= 1, got 0$",
        ),
        (
            lambda: solve_padding(30, 3, 1, (30, 30)),
            TypeError,
            r"^target is the tuple \(30, 30\) but size is the single int 30",
        ),
        # causal_padding
        (
            lambda: causal_padding((3, 3)),
            TypeError,
            r"^kernel_size must be an int, got \(3, 3\); causal padding exists only for 1-D",
        ),
        (
            lambda: causal_padding(3, dilation=[2]),
            TypeError,
            r"^dilation must be an int, got \[2\]; causal padding exists only for 1-D",
        ),
        (
            lambda: causal_padding(0),
            ValueError,
            r"^kernel_size must be >= 1, got 0$",
        ),
        (
            lambda: causal_padding(3, dilation=False),
            TypeError,
            r"^dilation must be an int, not a bool \(False\)",
        ),
    ],
)
def test_every_error_names_the_argument_and_what_is_allowed(call, error, message):
    with pytest.raises(error, match=message):
        call()


@given(
    size=st.integers(1, 7),
    kernel_size=st.integers(1, 5),
    stride=st.integers(1, 4),
    dilation=st.integers(1, 3),
    data=st.data(),
)
def test_transposed_convolution_is_a_padded_convolution_of_the_spread_input(
    size, kernel_size, stride, dilation, data
):
    from hypothesis import assume

    from samepad_viz.arithmetic import transposed_as_convolution

    reach = dilation * (kernel_size - 1)
    padding = data.draw(st.integers(0, reach))
    output_padding = data.draw(st.integers(0, max(stride, dilation) - 1))
    total = (size - 1) * stride + reach + 1 + output_padding
    assume(total - 2 * padding >= 1)  # PyTorch refuses an empty output
    out = transposed_output_size(size, kernel_size, stride, padding, output_padding, dilation)
    spread, (before, after) = transposed_as_convolution(
        size, kernel_size, stride, padding, output_padding, dilation
    )
    x = torch.randn(1, 1, size, dtype=torch.float64)
    w = torch.randn(1, 1, kernel_size, dtype=torch.float64)
    expected = F.conv_transpose1d(x, w, None, stride, padding, output_padding, 1, dilation)
    spread_x = torch.zeros(1, 1, spread, dtype=torch.float64)
    spread_x[..., ::stride] = x
    got = F.conv1d(F.pad(spread_x, (before, after)), w.flip(-1), dilation=dilation)
    assert got.shape[-1] == out == expected.shape[-1]
    torch.testing.assert_close(got, expected)
