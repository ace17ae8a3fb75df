"""The arithmetic core against the real thing: PyTorch's ops and Keras 3's layers.

Every size the package computes is compared with the shape PyTorch or Keras actually
produces, and every 'same' split with the *values* Keras produces (its layers run on the
PyTorch backend; tests/conftest.py sets ``KERAS_BACKEND=torch`` before Keras is imported).
Average pooling is the one exception: Keras 3.15's torch backend gets asymmetric 'same'
average pooling wrong (it repeats the edge cell into the padding and averages that copy
too), so there the reference is TensorFlow's definition written out in NumPy, and the
Keras discrepancy is pinned in a test of its own.

Hypothesis example counts come from the profile in tests/conftest.py.
"""

import ast
import math
import warnings

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
    tf_same_average_pool,
)
from helpers_keras import nchw_to_nhwc, nhwc_to_nchw, run_keras
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from samepad_viz.arithmetic import (
    TorchPadding,
    effective_kernel_size,
    keras_output_size,
    output_size,
    output_size_formula,
    same_padding,
    torch_padding,
    window_indices,
)

pytestmark = [KERAS_NUMPY2_WARNINGS, pytest.mark.usefixtures("one_torch_thread")]


sizes = st.integers(1, 20)
kernels = st.integers(1, 6)
strides = st.integers(1, 4)
dilations = st.integers(1, 3)
paddings = st.integers(0, 4)
channels = st.integers(1, 3)
seeds = st.integers(0, 2**32 - 1)


def keras_conv2d_weights(layer):
    """Keras kernel (kh, kw, in, out) → torch (out, in, kh, kw); bias unchanged."""
    kernel, bias = layer.get_weights()
    return torch.from_numpy(kernel).permute(3, 2, 0, 1), torch.from_numpy(bias)


def keras_conv1d_weights(layer):
    """Keras kernel (k, in, out) → torch (out, in, k); bias unchanged."""
    kernel, bias = layer.get_weights()
    return torch.from_numpy(kernel).permute(2, 1, 0), torch.from_numpy(bias)


def f_pad_2d(splits):
    """((top, bottom), (left, right)) → F.pad order (left, right, top, bottom)."""
    (top, bottom), (left, right) = splits
    return (left, right, top, bottom)


# ---------------------------------------------------------------------------------------
# output_size against PyTorch's shapes
# ---------------------------------------------------------------------------------------


def torch_shape_or_none(op):
    """The spatial output shape of ``op()``, or None when PyTorch refuses the config."""
    try:
        return tuple(op().shape[2:])
    except (RuntimeError, ValueError):
        return None


def assert_output_size(expected, size, kernel, stride, padding, dilation, ceil_mode=False):
    """``output_size`` (tuple and per-dimension int forms) gives ``expected`` or raises."""
    args = dict(stride=as_int_when_square(stride), dilation=as_int_when_square(dilation))
    kernel_arg = as_int_when_square(kernel)
    if expected is None:
        with pytest.raises(ValueError, match="is larger than the padded input"):
            output_size(size, kernel_arg, padding=padding, ceil_mode=ceil_mode, **args)
        return
    assert output_size(size, kernel_arg, padding=padding, ceil_mode=ceil_mode, **args) == expected
    one_by_one = tuple(
        output_size(size[i], kernel[i], stride[i], padding[i], dilation[i], ceil_mode)
        for i in range(len(size))
    )
    assert one_by_one == expected


@given(
    size=pairs(sizes),
    kernel=pairs(kernels),
    stride=pairs(strides),
    padding=pairs(paddings),
    dilation=pairs(dilations),
)
def test_output_size_matches_torch_conv2d_with_symmetric_padding(
    size, kernel, stride, padding, dilation
):
    x = torch.zeros(1, 1, *size)
    w = torch.zeros(1, 1, *kernel)
    real = torch_shape_or_none(
        lambda: F.conv2d(x, w, stride=stride, padding=padding, dilation=dilation)
    )
    assert_output_size(real, size, kernel, stride, padding, dilation)


@given(
    size=pairs(sizes),
    kernel=pairs(kernels),
    stride=pairs(strides),
    padding=pairs(pairs(paddings)),
    dilation=pairs(dilations),
)
def test_output_size_matches_torch_conv2d_after_asymmetric_f_pad(
    size, kernel, stride, padding, dilation
):
    x = F.pad(torch.zeros(1, 1, *size), f_pad_2d(padding))
    w = torch.zeros(1, 1, *kernel)
    real = torch_shape_or_none(lambda: F.conv2d(x, w, stride=stride, dilation=dilation))
    assert_output_size(real, size, kernel, stride, padding, dilation)


@st.composite
def pool2d_configs(draw, dilation=True):
    """PyTorch pooling configurations: PyTorch requires padding <= kernel // 2."""
    kernel = draw(pairs(kernels))
    return dict(
        size=draw(pairs(sizes)),
        kernel=kernel,
        stride=draw(pairs(strides)),
        padding=tuple(draw(st.integers(0, k // 2)) for k in kernel),
        dilation=draw(pairs(dilations)) if dilation else (1, 1),
        ceil_mode=draw(st.booleans()),
    )


@given(pool2d_configs())
def test_output_size_matches_torch_max_pool2d_including_ceil_mode(config):
    c = config
    x = torch.zeros(1, 1, *c["size"])
    real = torch_shape_or_none(
        lambda: F.max_pool2d(
            x, c["kernel"], c["stride"], c["padding"], c["dilation"], ceil_mode=c["ceil_mode"]
        )
    )
    assert_output_size(
        real, c["size"], c["kernel"], c["stride"], c["padding"], c["dilation"], c["ceil_mode"]
    )


@given(pool2d_configs(dilation=False))
def test_output_size_matches_torch_avg_pool2d_including_ceil_mode(config):
    c = config
    x = torch.zeros(1, 1, *c["size"])
    real = torch_shape_or_none(
        lambda: F.avg_pool2d(x, c["kernel"], c["stride"], c["padding"], ceil_mode=c["ceil_mode"])
    )
    assert_output_size(
        real, c["size"], c["kernel"], c["stride"], c["padding"], (1, 1), c["ceil_mode"]
    )


def test_ceil_mode_drops_a_last_window_that_would_start_in_the_right_padding():
    # W=5, K=2, S=2, P=1: the ceiling gives 4 windows, but the 4th would start at 6 = W + P.
    assert output_size(5, 2, stride=2, padding=1, ceil_mode=True) == 3
    x = torch.zeros(1, 1, 1, 5)
    assert F.max_pool2d(x, (1, 2), (1, 2), (0, 1), ceil_mode=True).shape[-1] == 3


def test_ceil_mode_lets_a_pooling_kernel_overhang_a_small_input_by_less_than_a_stride():
    x = torch.arange(1.0, 4.0).reshape(1, 1, 1, 3)
    assert F.max_pool2d(x, (1, 5), (1, 3), ceil_mode=True).shape[-1] == 1
    assert output_size(3, 5, stride=3, ceil_mode=True) == 1
    with pytest.raises(ValueError, match="kernel_size 5 is larger than the padded input 3"):
        output_size(3, 5, stride=3)


@given(size=sizes, kernel=kernels, dilation=dilations, stride=strides, padding=paddings)
def test_dilation_acts_as_a_kernel_of_size_d_times_k_minus_1_plus_1(
    size, kernel, dilation, stride, padding
):
    eff = effective_kernel_size(kernel, dilation)
    assert eff == dilation * (kernel - 1) + 1
    if eff > size + 2 * padding:
        return
    assert output_size(size, kernel, stride, padding, dilation) == output_size(
        size, eff, stride, padding
    )


# ---------------------------------------------------------------------------------------
# window_indices and output_size_formula
# ---------------------------------------------------------------------------------------


@given(
    size=sizes,
    kernel=kernels,
    stride=strides,
    padding=pairs(paddings),
    dilation=dilations,
)
def test_window_indices_are_the_cells_torch_conv1d_reads(size, kernel, stride, padding, dilation):
    if effective_kernel_size(kernel, dilation) > size + sum(padding):
        return
    windows = window_indices(size, kernel, stride, padding, dilation)
    assert len(windows) == output_size(size, kernel, stride, padding, dilation)
    # Input cell i holds i + 1 and padding holds 0; output channel j has a one-hot kernel at
    # tap j, so it reads back which cell tap j of every window sees.
    x = F.pad(torch.arange(1.0, size + 1).reshape(1, 1, size), padding)
    one_hot = torch.eye(kernel).reshape(kernel, 1, kernel)
    seen = F.conv1d(x, one_hot, stride=stride, dilation=dilation)[0].T.tolist()
    expected = [[cell + 1 if 0 <= cell < size else 0 for cell in window] for window in windows]
    assert seen == expected


def evaluate_formula(text):
    """Evaluate the left-hand side of ``output_size_formula``'s text as Python."""
    left = text.split(" = ")[0]
    for symbol, python in {
        "⌊": "math.floor(",
        "⌋": ")",
        "⌈": "math.ceil(",
        "⌉": ")",
        "−": "-",
        "·": "*",
    }.items():
        left = left.replace(symbol, python)
    return eval(left, {"math": math})


@given(
    size=sizes,
    kernel=kernels,
    stride=strides,
    padding=st.one_of(paddings, pairs(paddings)),
    dilation=dilations,
    ceil_mode=st.booleans(),
)
def test_output_size_formula_text_evaluates_to_output_size(
    size, kernel, stride, padding, dilation, ceil_mode
):
    try:
        out = output_size(size, kernel, stride, padding, dilation, ceil_mode)
    except ValueError:
        return
    text = output_size_formula(size, kernel, stride, padding, dilation, ceil_mode)
    assert text.endswith(f"= {out}")
    if "last window would start in the right padding" in text:
        assert evaluate_formula(text) == out + 1
    else:
        assert evaluate_formula(text) == out


def test_output_size_formula_shows_the_dilated_kernel():
    assert (
        output_size_formula(7, 3, dilation=2, padding=1)
        == "⌊(7 + 1 + 1 − 2·(3 − 1) − 1) / 1⌋ + 1 = 5"
    )


# ---------------------------------------------------------------------------------------
# Keras: output shapes and values
# ---------------------------------------------------------------------------------------


@st.composite
def keras_conv_configs(draw, ndim, modes=("valid", "same")):
    """Configurations Keras accepts: no strides > 1 with dilation > 1; 'valid' kernels fit."""
    mode = draw(st.sampled_from(modes))
    size = tuple(draw(sizes) for _ in range(ndim))
    if draw(st.booleans()):
        stride, dilation = (1,) * ndim, tuple(draw(dilations) for _ in range(ndim))
    else:
        stride, dilation = tuple(draw(strides) for _ in range(ndim)), (1,) * ndim
    kernel = tuple(
        draw(st.integers(1, min(6, (n - 1) // d + 1) if mode == "valid" else 6))
        for n, d in zip(size, dilation, strict=True)
    )
    return dict(
        mode=mode,
        size=size,
        kernel=kernel,
        stride=stride,
        dilation=dilation,
        cin=draw(channels),
        cout=draw(channels),
        seed=draw(seeds),
    )


@given(keras_conv_configs(ndim=2))
def test_keras_conv2d_equals_torch_conv2d_after_same_padding(config):
    c = config
    layer = keras.layers.Conv2D(
        c["cout"], c["kernel"], strides=c["stride"], padding=c["mode"], dilation_rate=c["dilation"]
    )
    x = random_array(c["seed"], (1, *c["size"], c["cin"]))
    expected = run_keras(layer, x, c["seed"] + 1)

    shape = keras_output_size(c["size"], c["kernel"], c["stride"], c["mode"], c["dilation"])
    assert expected.shape == (1, *shape, c["cout"])

    xt = nhwc_to_nchw(x)
    if c["mode"] == "same":
        xt = F.pad(xt, f_pad_2d(same_padding(c["size"], c["kernel"], c["stride"], c["dilation"])))
    w, b = keras_conv2d_weights(layer)
    got = nchw_to_nhwc(F.conv2d(xt, w, b, stride=c["stride"], dilation=c["dilation"]))
    np.testing.assert_allclose(got, expected, **TOLERANCE)


@given(keras_conv_configs(ndim=1, modes=("valid", "same", "causal")))
def test_keras_conv1d_equals_torch_conv1d_after_same_or_causal_padding(config):
    c = config
    (size,), (kernel,), (stride,), (dilation,) = c["size"], c["kernel"], c["stride"], c["dilation"]
    layer = keras.layers.Conv1D(
        c["cout"], kernel, strides=stride, padding=c["mode"], dilation_rate=dilation
    )
    x = random_array(c["seed"], (1, size, c["cin"]))
    expected = run_keras(layer, x, c["seed"] + 1)

    out = keras_output_size(size, kernel, stride, c["mode"], dilation)
    assert keras_output_size((size,), kernel, stride, c["mode"], dilation) == (out,)
    assert expected.shape == (1, out, c["cout"])

    xt = torch.from_numpy(x).permute(0, 2, 1)
    if c["mode"] == "same":
        xt = F.pad(xt, same_padding(size, kernel, stride, dilation))
    elif c["mode"] == "causal":
        xt = F.pad(xt, (dilation * (kernel - 1), 0))
    w, b = keras_conv1d_weights(layer)
    got = F.conv1d(xt, w, b, stride=stride, dilation=dilation).permute(0, 2, 1).numpy()
    np.testing.assert_allclose(got, expected, **TOLERANCE)


@given(size=sizes, kernel=kernels, stride=strides, dilation=dilations)
def test_causal_output_size_is_valid_output_of_the_left_padded_input(
    size, kernel, stride, dilation
):
    left = dilation * (kernel - 1)
    assert keras_output_size(size, kernel, stride, "causal", dilation) == output_size(
        size, kernel, stride, (left, 0), dilation
    )


@st.composite
def keras_pool2d_configs(draw):
    mode = draw(st.sampled_from(("valid", "same")))
    size = draw(pairs(sizes))
    pool = tuple(draw(st.integers(1, min(5, n) if mode == "valid" else 5)) for n in size)
    return dict(
        mode=mode,
        size=size,
        pool=pool,
        stride=draw(pairs(strides)),
        channels=draw(channels),
        seed=draw(seeds),
    )


@given(keras_pool2d_configs())
def test_keras_max_pooling2d_equals_torch_max_pool2d_after_minus_inf_same_padding(config):
    c = config
    layer = keras.layers.MaxPooling2D(c["pool"], strides=c["stride"], padding=c["mode"])
    x = random_array(c["seed"], (1, *c["size"], c["channels"]))
    expected = run_keras(layer, x)

    shape = keras_output_size(c["size"], c["pool"], c["stride"], c["mode"])
    assert expected.shape == (1, *shape, c["channels"])

    xt = nhwc_to_nchw(x)
    if c["mode"] == "same":
        pad = f_pad_2d(same_padding(c["size"], c["pool"], c["stride"]))
        xt = F.pad(xt, pad, value=-math.inf)
    got = nchw_to_nhwc(F.max_pool2d(xt, c["pool"], c["stride"]))
    np.testing.assert_allclose(got, expected, **TOLERANCE)


# ---------------------------------------------------------------------------------------
# average pooling: TensorFlow's definition (Keras' torch backend is wrong, pinned below)
# ---------------------------------------------------------------------------------------


def torch_same_average_pool_2d(x, pool, strides):
    """Average pooling with Keras 'same' in torch: zero-pad by ``same_padding``, divide
    each window's sum by the number of real cells it covers."""
    pad = f_pad_2d(same_padding(tuple(x.shape[-2:]), pool, strides))
    sums = F.avg_pool2d(F.pad(x, pad), pool, strides, divisor_override=1)
    counts = F.avg_pool2d(F.pad(torch.ones_like(x), pad), pool, strides, divisor_override=1)
    return sums / counts


@given(size=pairs(sizes), pool=pairs(st.integers(1, 5)), stride=pairs(strides), seed=seeds)
def test_same_padding_gives_tensorflow_average_pooling(size, pool, stride, seed):
    x = random_array(seed, size)
    expected = tf_same_average_pool(x, pool, stride)
    assert expected.shape == keras_output_size(size, pool, stride, "same")
    got = torch_same_average_pool_2d(torch.from_numpy(x)[None, None], pool, stride)[0, 0]
    np.testing.assert_allclose(got.numpy(), expected, **TOLERANCE)


def test_tensorflow_average_pooling_reference_leaves_padding_out_of_the_mean():
    x = np.arange(1.0, 7.0).reshape(1, 6)
    np.testing.assert_allclose(tf_same_average_pool(x, (1, 3), (1, 2)), [[2, 4, 5.5]])
    # 5×5, 2×2/2: the last row and column of windows cover 2 or 1 real cells.
    x = np.arange(25.0).reshape(5, 5)
    expected = [[3, 5, 6.5], [13, 15, 16.5], [20.5, 22.5, 24]]
    np.testing.assert_allclose(tf_same_average_pool(x, (2, 2), (2, 2)), expected)


@st.composite
def keras_avg_pool2d_configs_without_asymmetric_same(draw):
    """Keras' torch backend is right for 'valid' and for 'same' with a symmetric split."""
    config = draw(keras_pool2d_configs())
    if config["mode"] == "same":
        splits = same_padding(config["size"], config["pool"], config["stride"])
        if any(before != after for before, after in splits):
            config["mode"] = "valid"
            config["pool"] = tuple(
                min(k, n) for k, n in zip(config["pool"], config["size"], strict=True)
            )
    return config


@given(keras_avg_pool2d_configs_without_asymmetric_same())
def test_keras_average_pooling2d_matches_tensorflow_for_valid_and_symmetric_same(config):
    c = config
    layer = keras.layers.AveragePooling2D(c["pool"], strides=c["stride"], padding=c["mode"])
    x = random_array(c["seed"], (1, *c["size"], c["channels"]))
    expected = run_keras(layer, x)
    assert expected.shape == (
        1,
        *keras_output_size(c["size"], c["pool"], c["stride"], c["mode"]),
        c["channels"],
    )
    xt = nhwc_to_nchw(x)
    if c["mode"] == "same":
        got = torch_same_average_pool_2d(xt, c["pool"], c["stride"])
    else:
        got = F.avg_pool2d(xt, c["pool"], c["stride"])
    np.testing.assert_allclose(nchw_to_nhwc(got), expected, **TOLERANCE)


def test_keras_torch_backend_average_pooling_same_still_differs_from_tensorflow():
    x = np.arange(1.0, 7.0, dtype=np.float32).reshape(1, 6, 1)
    keras_out = run_keras(keras.layers.AveragePooling1D(3, 2, padding="same"), x).ravel()
    tensorflow = tf_same_average_pool(x[0, :, 0][None], (1, 3), (1, 2)).ravel()
    np.testing.assert_allclose(tensorflow, [2, 4, 5.5])
    assert np.allclose(keras_out, [2, 4, 17 / 3]), (
        f"Keras {keras.__version__} AveragePooling1D(3, 2, padding='same') on the torch "
        f"backend now gives {keras_out.tolist()} on [1..6] instead of the known-wrong "
        f"[2, 4, 5.667] (TensorFlow: [2, 4, 5.5]). If it now equals TensorFlow, Keras has "
        "fixed its average pooling: update the course's statements about it and compare "
        "average pooling with Keras directly in these tests."
    )


# ---------------------------------------------------------------------------------------
# torch_padding: values, and code that builds the right layers
# ---------------------------------------------------------------------------------------


def layers_from_code(code, in_channels, out_channels):
    """Execute ``code`` as written, then evaluate each of its lines into the layer it builds."""
    namespace = {"nn": nn, "F": F, "in_channels": in_channels, "out_channels": out_channels}
    exec(code, dict(namespace))
    statements = ast.parse(code).body
    assert all(isinstance(statement, ast.Expr) for statement in statements)
    return [
        eval(compile(ast.Expression(s.value), "<code>", "eval"), dict(namespace))
        for s in statements
    ]


def check_torch_padding_fields(tp, splits):
    """``tp`` agrees with TensorFlow's ``splits``: one (before, after) pair, or one per dim."""
    assert isinstance(tp, TorchPadding)
    per_dimension = isinstance(splits[0], tuple)
    splits = splits if per_dimension else (splits,)
    assert tp.symmetric == all(before == after for before, after in splits)
    if tp.symmetric:
        befores = tuple(before for before, _ in splits)
        assert tp.pad is None
        assert tp.padding == (befores if per_dimension else befores[0])
    else:
        assert tp.padding == 0
        assert tp.pad == tuple(p for split in reversed(splits) for p in split)


@given(keras_conv_configs(ndim=2, modes=("same",)))
def test_torch_padding_reproduces_keras_same_conv2d_values_and_its_code_builds_the_layers(config):
    c = config
    kernel, stride, dilation = (as_int_when_square(c[k]) for k in ("kernel", "stride", "dilation"))
    tp = torch_padding(c["size"], kernel, stride, dilation)
    check_torch_padding_fields(tp, same_padding(c["size"], kernel, stride, dilation))

    layer = keras.layers.Conv2D(
        c["cout"], c["kernel"], strides=c["stride"], padding="same", dilation_rate=c["dilation"]
    )
    x = random_array(c["seed"], (1, *c["size"], c["cin"]))
    expected = run_keras(layer, x, c["seed"] + 1)
    w, b = keras_conv2d_weights(layer)

    xt = nhwc_to_nchw(x)
    if tp.symmetric:
        out = F.conv2d(xt, w, b, c["stride"], padding=tp.padding, dilation=c["dilation"])
    else:
        out = F.conv2d(F.pad(xt, tp.pad), w, b, c["stride"], padding=0, dilation=c["dilation"])
    np.testing.assert_allclose(nchw_to_nhwc(out), expected, **TOLERANCE)

    layers = layers_from_code(tp.code, c["cin"], c["cout"])
    conv = layers[-1]
    assert isinstance(conv, nn.Conv2d)
    assert (conv.kernel_size, conv.stride, conv.dilation) == (
        c["kernel"],
        c["stride"],
        c["dilation"],
    )
    assert (conv.in_channels, conv.out_channels) == (c["cin"], c["cout"])
    if tp.symmetric:
        assert len(layers) == 1
        assert conv.padding == tuple(
            before for before, _ in same_padding(c["size"], kernel, stride, dilation)
        )
    else:
        assert len(layers) == 2 and isinstance(layers[0], nn.ZeroPad2d)
        assert layers[0].padding == tp.pad
        assert conv.padding == (0, 0)
    with torch.no_grad():
        conv.weight.copy_(w)
        conv.bias.copy_(b)
        out = nn.Sequential(*layers)(xt)
    np.testing.assert_allclose(nchw_to_nhwc(out), expected, **TOLERANCE)


@given(keras_conv_configs(ndim=1, modes=("same",)))
def test_torch_padding_code_for_one_int_size_builds_conv1d_layers_that_match_keras(config):
    c = config
    (size,), (kernel,), (stride,), (dilation,) = c["size"], c["kernel"], c["stride"], c["dilation"]
    tp = torch_padding(size, kernel, stride, dilation)
    check_torch_padding_fields(tp, same_padding(size, kernel, stride, dilation))

    layer = keras.layers.Conv1D(
        c["cout"], kernel, strides=stride, padding="same", dilation_rate=dilation
    )
    x = random_array(c["seed"], (1, size, c["cin"]))
    expected = run_keras(layer, x, c["seed"] + 1)

    layers = layers_from_code(tp.code, c["cin"], c["cout"])
    conv = layers[-1]
    assert isinstance(conv, nn.Conv1d)
    if tp.symmetric:
        assert len(layers) == 1 and conv.padding == (tp.padding,)
    else:
        assert len(layers) == 2 and isinstance(layers[0], nn.ConstantPad1d)
        assert layers[0].padding == tp.pad and conv.padding == (0,)
    w, b = keras_conv1d_weights(layer)
    with torch.no_grad():
        conv.weight.copy_(w)
        conv.bias.copy_(b)
        out = nn.Sequential(*layers)(torch.from_numpy(x).permute(0, 2, 1))
    np.testing.assert_allclose(out.permute(0, 2, 1).numpy(), expected, **TOLERANCE)


@given(
    size=st.tuples(sizes, sizes, sizes),
    kernel=st.tuples(kernels, kernels, kernels),
    stride=st.tuples(strides, strides, strides),
    dilation=st.tuples(dilations, dilations, dilations),
)
def test_torch_padding_code_builds_conv3d_layers_with_keras_same_output_shape(
    size, kernel, stride, dilation
):
    tp = torch_padding(size, kernel, stride, dilation)
    check_torch_padding_fields(tp, same_padding(size, kernel, stride, dilation))
    layers = layers_from_code(tp.code, 1, 1)
    assert isinstance(layers[-1], nn.Conv3d)
    if not tp.symmetric:
        assert isinstance(layers[0], nn.ZeroPad3d) and layers[0].padding == tp.pad
    out = nn.Sequential(*layers)(torch.zeros(1, 1, *size))
    assert tuple(out.shape[2:]) == keras_output_size(size, kernel, stride, "same", dilation)


def test_torch_padding_code_beyond_3d_is_a_comment_and_an_f_pad_line():
    tp = torch_padding((5, 6, 7, 8), 3, 2)
    assert not tp.symmetric and tp.pad == (0, 1, 1, 1, 0, 1, 1, 1)
    x = torch.zeros(5, 6, 7, 8)
    namespace = {"F": F, "x": x}
    exec(tp.code, namespace)
    assert tuple(namespace["x"].shape) == (7, 7, 9, 9)  # splits (1,1) (0,1) (1,1) (0,1)
    assert "no 4-D convolution layer" in tp.code


def test_torch_padding_example_from_its_docstring():
    tp = torch_padding((8, 8), 3, stride=2)
    assert (tp.symmetric, tp.padding, tp.pad) == (False, 0, (0, 1, 0, 1))
    assert tp.code == (
        "nn.ZeroPad2d((0, 1, 0, 1))  # (left, right, top, bottom)\n"
        "nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=2, padding=0)"
    )
    assert torch_padding(30, 3) == TorchPadding(
        symmetric=True,
        padding=1,
        pad=None,
        code="nn.Conv1d(in_channels, out_channels, kernel_size=3, stride=1, padding=1)",
    )


# ---------------------------------------------------------------------------------------
# the facts the course states, each pinned by name
# ---------------------------------------------------------------------------------------


def test_same_padding_puts_extra_on_bottom_right():
    assert same_padding(6, 3, 2) == (0, 1)
    assert same_padding(8, 2) == (0, 1)
    assert same_padding((6, 8), (3, 2), (2, 1)) == ((0, 1), (0, 1))
    # PyTorch's own padding='same' (stride 1) puts the extra on the right/bottom too.
    x = torch.randn(1, 1, 7, 7, generator=torch.Generator().manual_seed(0))
    w = torch.randn(1, 1, 2, 4, generator=torch.Generator().manual_seed(1))
    # PyTorch warns about the copy an even kernel needs, but only once per process
    # (TORCH_WARN_ONCE): whether it shows here depends on which test ran first.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Using padding='same'", UserWarning)
        torch_same = F.conv2d(x, w, padding="same")
    ours = F.conv2d(F.pad(x, f_pad_2d(same_padding((7, 7), (2, 4)))), w)
    torch.testing.assert_close(torch_same, ours)


def test_same_split_depends_on_the_input_size_k3_s2_w5_vs_w6():
    assert same_padding(5, 3, 2) == (1, 1)
    assert same_padding(6, 3, 2) == (0, 1)


def test_same_padding_k7_s2_w224_is_2_then_3():
    assert same_padding(224, 7, 2) == (2, 3)


def test_same_padding_per_dimension_31_by_32():
    assert same_padding((31, 32), 3, 2) == ((1, 1), (0, 1))


def test_output_size_with_per_dimension_padding_pairs_30_by_30():
    assert output_size((30, 30), 3, padding=((1, 1), (0, 2))) == (30, 30)


def test_fact_conv3x3_padding_1_keeps_30():
    assert output_size(30, 3, padding=1) == 30
    assert keras_output_size(30, 3, padding="same") == 30


def test_fact_conv3x3_valid_turns_30_into_28_and_32_into_30():
    assert output_size(30, 3) == keras_output_size(30, 3, padding="valid") == 28
    assert output_size(32, 3) == keras_output_size(32, 3) == 30


def test_fact_pool2x2_stride2_turns_30_into_15_valid_and_same():
    assert output_size(30, 2, 2) == 15
    assert keras_output_size(30, 2, 2, "valid") == keras_output_size(30, 2, 2, "same") == 15
    assert same_padding(30, 2, 2) == (0, 0)


def test_fact_padding_1_on_pool2x2_stride2_gives_16_which_no_keras_mode_gives():
    assert output_size(30, 2, 2, padding=1) == 16
    assert F.max_pool2d(torch.zeros(1, 1, 30, 30), 2, 2, padding=1).shape[-2:] == (16, 16)
    assert 16 not in {keras_output_size(30, 2, 2, mode) for mode in ("valid", "same")}


def test_padding_1_for_3x3_stride_2_matches_the_shape_but_shifts_values_when_w_is_even():
    size, kernel, stride = 6, 3, 2
    assert output_size(size, kernel, stride, 1) == keras_output_size(size, kernel, stride, "same")
    assert same_padding(size, kernel, stride) == (0, 1)
    x = torch.arange(1.0, size + 1).reshape(1, 1, size)
    w = torch.tensor([[[1.0, 10.0, 100.0]]])
    assert (
        F.conv1d(x, w, stride=stride, padding=1).flatten().tolist()
        != F.conv1d(F.pad(x, same_padding(size, kernel, stride)), w, stride=stride)
        .flatten()
        .tolist()
    )


@given(size=sizes, kernel=kernels)
def test_half_padding_k_minus_1_over_2_is_same_only_for_odd_k_and_stride_1(size, kernel):
    before, after = same_padding(size, kernel, 1)
    if kernel % 2:
        assert (before, after) == ((kernel - 1) // 2, (kernel - 1) // 2)
    else:
        assert after == before + 1


@given(size=sizes, kernel=kernels, stride=strides, dilation=dilations)
def test_same_output_is_ceil_w_over_s_whatever_the_kernel(size, kernel, stride, dilation):
    out = keras_output_size(size, kernel, stride, "same", dilation)
    assert out == math.ceil(size / stride)
    assert (
        output_size(size, kernel, stride, same_padding(size, kernel, stride, dilation), dilation)
        == out
    )


def test_keras_refuses_strides_with_dilation_but_keras_output_size_still_answers():
    with pytest.raises(ValueError, match="dilation"):
        keras.layers.Conv2D(1, 3, strides=2, dilation_rate=2, padding="same").build((1, 9, 9, 1))
    assert keras_output_size(9, 3, 2, "same", 2) == 5
    assert keras_output_size(9, 3, 2, "valid", 2) == 3
