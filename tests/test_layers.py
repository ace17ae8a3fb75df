"""Conv2dSame / MaxPool2dSame / AvgPool2dSame equal Keras 'same', number for number.

References: Keras 3 layers on the PyTorch backend (weights copied, NHWC <-> NCHW) for the
convolution and max pooling; the definition itself (explicit ``same_padding`` pad +
plain ``F.conv2d``) where Keras refuses the configuration (strides > 1 with dilation > 1);
a plain NumPy implementation of TensorFlow's average pooling, because Keras 3.15's PyTorch
backend gets asymmetric average pooling wrong (pinned in a test of its own).
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from helpers_keras import onnx_output, run_keras_nchw  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from samepad_viz import keras_output_size, same_padding  # noqa: E402
from samepad_viz import layers as layers_module  # noqa: E402
from samepad_viz.layers import AvgPool2dSame, Conv2dSame, MaxPool2dSame  # noqa: E402

TOL = {"atol": 1e-5, "rtol": 1e-5}

sizes = st.integers(1, 40)
kernels = st.integers(1, 7)
strides = st.integers(1, 4)
dilations = st.integers(1, 3)


# ---------------------------------------------------------------------------------------
# references
# ---------------------------------------------------------------------------------------


@functools.cache
def keras_conv(cin, cout, kernel, stride, dilation, groups, bias):
    layer = keras.layers.Conv2D(
        cout, kernel, strides=stride, padding="same", dilation_rate=dilation,
        groups=groups, use_bias=bias,
    )  # fmt: skip
    layer.build((None, None, None, cin))
    return layer


@functools.cache
def keras_pool(kind, pool, stride):
    cls = keras.layers.MaxPooling2D if kind == "max" else keras.layers.AveragePooling2D
    return cls(pool, strides=stride, padding="same")


def copy_to_keras(conv: Conv2dSame, layer) -> None:
    weights = [conv.weight.detach().permute(2, 3, 1, 0).numpy()]  # (out,in,kh,kw)->(kh,kw,in,out)
    if conv.bias is not None:
        weights.append(conv.bias.detach().numpy())
    layer.set_weights(weights)


def conv_definition(conv: Conv2dSame, x: torch.Tensor) -> torch.Tensor:
    """TensorFlow 'same' spelled out: explicit split from same_padding, then no padding."""
    (top, bottom), (left, right) = same_padding(
        tuple(x.shape[-2:]), conv.kernel_size, conv.stride, conv.dilation
    )
    padded = F.pad(x, (left, right, top, bottom))
    return F.conv2d(padded, conv.weight, conv.bias, conv.stride, 0, conv.dilation, conv.groups)


def pool_definition(x: np.ndarray, kernel, stride, kind: str) -> np.ndarray:
    """TensorFlow's pooling: each output reduces the *real* cells its window covers."""
    h, w = x.shape[-2:]
    (top, _), (left, _) = same_padding((h, w), kernel, stride)
    oh, ow = keras_output_size((h, w), kernel, stride, "same")
    reduce = np.max if kind == "max" else np.mean
    out = np.empty((*x.shape[:2], oh, ow), dtype=x.dtype)
    for i in range(oh):
        r0 = i * stride[0] - top
        rows = slice(max(r0, 0), min(r0 + kernel[0], h))
        for j in range(ow):
            c0 = j * stride[1] - left
            cols = slice(max(c0, 0), min(c0 + kernel[1], w))
            out[:, :, i, j] = reduce(x[:, :, rows, cols], axis=(-2, -1))
    return out


def random_input(shape, seed, dtype=torch.float32, negative=False):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=g, dtype=dtype)
    return -(x.abs() + 0.1) if negative else x


# ---------------------------------------------------------------------------------------
# strategies
# ---------------------------------------------------------------------------------------


@st.composite
def conv_configs(draw, keras_compatible: bool):
    h, w = draw(sizes), draw(sizes)
    kernel = (draw(kernels), draw(kernels))
    if keras_compatible:
        stride = (draw(strides), draw(strides))
        dilation = (1, 1) if max(stride) > 1 else (draw(dilations), draw(dilations))
    else:  # what Keras refuses: a stride > 1 and a dilation > 1 together
        stride = draw(st.permutations([draw(st.integers(2, 4)), draw(strides)]))
        dilation = draw(st.permutations([draw(st.integers(2, 3)), draw(dilations)]))
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    cin = groups * draw(st.integers(1, 2))
    cout = groups * draw(st.integers(1, 2))
    bias = draw(st.booleans())
    batch = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**16))
    return (batch, h, w), (cin, cout, kernel, tuple(stride), tuple(dilation), groups, bias), seed


@st.composite
def pool_configs(draw):
    h, w = draw(sizes), draw(sizes)
    kernel = (draw(kernels), draw(kernels))
    stride = (draw(strides), draw(strides))
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)), h, w)
    return shape, kernel, stride, draw(st.integers(0, 2**16))


# ---------------------------------------------------------------------------------------
# equivalence
# ---------------------------------------------------------------------------------------


@given(conv_configs(keras_compatible=True))
def test_conv2d_same_equals_keras_conv2d(config):
    (batch, h, w), (cin, cout, kernel, stride, dilation, groups, bias), seed = config
    torch.manual_seed(seed)
    conv = Conv2dSame(cin, cout, kernel, stride, dilation, groups, bias)
    layer = keras_conv(cin, cout, kernel, stride, dilation, groups, bias)
    copy_to_keras(conv, layer)
    x = random_input((batch, cin, h, w), seed).requires_grad_()
    y = conv(x)
    assert y.shape == (batch, cout, *keras_output_size((h, w), kernel, stride, "same"))
    if cin // groups == 1 and y.shape[-1] == 1:
        # Keras hands torch a (9, 1, 3, 1)-strided one-channel kernel, which trips the
        # PyTorch bug pinned below; the definition is the reference there.
        reference = conv_definition(conv, x.detach())
    else:
        reference = run_keras_nchw(layer, x)
    torch.testing.assert_close(y, reference, **TOL)
    y.square().sum().backward()  # gradients flow to the input and the weights
    assert x.grad is not None and x.grad.shape == x.shape
    assert conv.weight.grad is not None and torch.isfinite(conv.weight.grad).all()


@given(conv_configs(keras_compatible=False))
def test_conv2d_same_strided_and_dilated_follows_the_definition(config):
    (batch, h, w), (cin, cout, kernel, stride, dilation, groups, bias), seed = config
    torch.manual_seed(seed)
    conv = Conv2dSame(cin, cout, kernel, stride, dilation, groups, bias)
    x = random_input((batch, cin, h, w), seed).requires_grad_()
    x_ref = x.detach().clone().requires_grad_()
    y, y_ref = conv(x), conv_definition(conv, x_ref)
    torch.testing.assert_close(y, y_ref, **TOL)
    y.sum().backward()
    y_ref.sum().backward()
    torch.testing.assert_close(x.grad, x_ref.grad, **TOL)


@given(pool_configs())
def test_max_pool2d_same_equals_keras_on_all_negative_inputs(config):
    shape, kernel, stride, seed = config
    x = random_input(shape, seed, negative=True).requires_grad_()
    y = MaxPool2dSame(kernel, stride)(x)
    assert (y < 0).all(), "a padded cell won the max"
    torch.testing.assert_close(y, run_keras_nchw(keras_pool("max", kernel, stride), x), **TOL)
    y.sum().backward()
    # each output's gradient lands on exactly one real cell
    assert x.grad.sum().item() == pytest.approx(y.numel())


@given(pool_configs())
def test_avg_pool2d_same_equals_tensorflow_definition(config):
    shape, kernel, stride, seed = config
    x = random_input(shape, seed, dtype=torch.float64).requires_grad_()
    y = AvgPool2dSame(kernel, stride)(x)
    want = pool_definition(x.detach().numpy(), kernel, stride, "avg")
    np.testing.assert_allclose(y.detach().numpy(), want, rtol=1e-12, atol=1e-12)
    y.sum().backward()
    # every output spreads a gradient of 1 over its real cells
    assert x.grad.sum().item() == pytest.approx(y.numel())


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize(
    ("size", "kernel", "stride"),
    [((7, 8), (3, 2), (2, 1)), ((6, 6), (2, 2), (1, 1)), ((5, 9), (3, 4), (3, 2))],
)
def test_pool_fallback_with_explicit_pad_is_exact(kind, size, kernel, stride):
    # The explicit-pad route is never needed for a 'same' split; force it to check it.
    cls = MaxPool2dSame if kind == "max" else AvgPool2dSame
    pool = cls(kernel, stride)
    plan = layers_module._pool_plan(size, kernel, stride, kind == "avg", copy_free=False)
    assert plan.route == "pad"
    pool.plan = lambda h, w: plan
    x = random_input((2, 3, *size), 0, dtype=torch.float64, negative=kind == "max")
    want = pool_definition(x.numpy(), kernel, stride, kind)
    np.testing.assert_allclose(pool(x).numpy(), want, rtol=1e-12)


def test_keras_torch_backend_average_pooling_same_differs_from_tensorflow():
    # Keras 3.15.1's torch backend replicate-pads an asymmetric 'same' average pool; the
    # last window here covers the real cells 5, 6 and one padded cell: TF says 5.5.
    x = torch.arange(1.0, 7.0).reshape(1, 1, 1, 6)
    definition = pool_definition(x.numpy(), (1, 3), (1, 2), "avg")
    np.testing.assert_allclose(definition.ravel(), [2.0, 4.0, 5.5])
    np.testing.assert_allclose(AvgPool2dSame((1, 3), (1, 2))(x).numpy(), definition)
    keras_out = run_keras_nchw(keras_pool("avg", (1, 3), (1, 2)), x).numpy()
    assert not np.allclose(keras_out, definition), (
        "Keras' AveragePooling2D(padding='same') now matches TensorFlow's definition on an "
        "asymmetric split: a Keras fix made this pinned discrepancy disappear. Update "
        "the course's statements about it and test AvgPool2dSame against Keras directly."
    )
    np.testing.assert_allclose(keras_out.ravel(), [2.0, 4.0, 17 / 3], rtol=1e-6)


def test_conv2d_same_is_right_with_a_channels_last_one_channel_weight():
    # PyTorch 2.13 CPU: a (out, 1, kh, kw) weight with channels-last strides (what
    # module.to(memory_format=torch.channels_last) makes) can give wrong outputs when the
    # output is one column wide at a horizontal stride > 1 — seen with two threads, not
    # with one, so whether plain F.conv2d goes wrong depends on the machine's threading.
    # Conv2dSame sidesteps it either way (layers._safe_weight).
    torch.manual_seed(0)
    conv = Conv2dSame(1, 2, 3, (1, 2))
    x = random_input((2, 1, 4, 1), 8)
    want = conv_definition(conv, x).detach()
    conv = conv.to(memory_format=torch.channels_last)
    assert conv.weight.stride() == (9, 1, 3, 1)
    for threads in (1, 2):
        previous = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            torch.testing.assert_close(conv(x), want, **TOL)
        finally:
            torch.set_num_threads(previous)


def test_keras_average_pooling_agrees_when_edge_windows_cover_one_real_cell():
    # 2x2/2 on an odd size: the edge window covers one real cell, and Keras is right.
    x = random_input((1, 2, 5, 5), 3)
    keras_out = run_keras_nchw(keras_pool("avg", (2, 2), (2, 2)), x)
    torch.testing.assert_close(AvgPool2dSame(2)(x), keras_out, **TOL)


# ---------------------------------------------------------------------------------------
# routes: symmetric splits never copy, and every route is exercised
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "conv_route", "pool_route"),
    [
        ((32, 32), 3, 1, "symmetric", "symmetric"),
        ((33, 33), 3, 2, "symmetric", "symmetric"),  # strided, odd size: symmetric
        ((32, 32), 2, 1, "slice", "slice"),
        ((32, 32), 3, 2, "pad", "ceil"),
        ((33, 32), (2, 3), (1, 2), "slice+pad", "slice+ceil"),
    ],
)
def test_plan_routes(size, kernel, stride, conv_route, pool_route):
    assert Conv2dSame(1, 1, kernel, stride).plan(*size).route == conv_route
    assert MaxPool2dSame(kernel, stride).plan(*size).route == pool_route
    # average pooling sums by convolution where the only uneven splits are at stride 1
    avg_route = "sum" if pool_route == "slice" else pool_route
    assert AvgPool2dSame(kernel, stride).plan(*size).route == avg_route


@pytest.mark.parametrize(
    ("size", "kernel", "stride"),
    [
        ((6, 6), (2, 2), (1, 1)),
        ((7, 9), (2, 3), (1, 1)),
        ((9, 8), (4, 4), (1, 1)),
        ((7, 8), (4, 2), (1, 2)),  # rows sliced, columns strided but symmetric
        ((1, 1), (6, 6), (1, 1)),
    ],
)
def test_avg_sum_route_is_the_definition_in_float32_and_float64(monkeypatch, size, kernel, stride):
    pool = AvgPool2dSame(kernel, stride)
    assert pool.plan(*size).route == "sum"
    x = random_input((2, 3, *size), 9, dtype=torch.float64)
    want = pool_definition(x.numpy(), kernel, stride, "avg")
    np.testing.assert_allclose(pool(x).numpy(), want, rtol=1e-12, atol=1e-12)  # avg_pool2d
    # float32 on the CPU sums by a depthwise convolution of ones, never avg_pool2d
    monkeypatch.setattr(layers_module.pool.F, "avg_pool2d", None)
    x32 = x.float().requires_grad_()
    y = pool(x32)
    np.testing.assert_allclose(y.detach().numpy(), want, rtol=1e-6, atol=1e-6)
    y.sum().backward()
    assert x32.grad.sum().item() == pytest.approx(y.numel(), rel=1e-5)


def test_symmetric_split_passes_padding_to_the_op_without_f_pad(monkeypatch):
    def no_pad(*args, **kwargs):
        raise AssertionError("F.pad called for a symmetric split")

    monkeypatch.setattr(layers_module.F, "pad", no_pad)
    x = torch.randn(2, 3, 33, 33)
    for layer in (Conv2dSame(3, 4, 3, 2), MaxPool2dSame(3, 2), AvgPool2dSame(3, 2)):
        layer(x)
    for layer in (MaxPool2dSame(2, 1), AvgPool2dSame(3, 2), MaxPool2dSame(2)):
        layer(torch.randn(2, 3, 32, 31))  # asymmetric: pooling is copy-free too


# ---------------------------------------------------------------------------------------
# formats, dtypes, batch sizes
# ---------------------------------------------------------------------------------------

LAYERS = [
    pytest.param(lambda: Conv2dSame(4, 6, 3, 2), id="conv-3/2"),
    pytest.param(lambda: Conv2dSame(4, 6, (2, 4), 1, dilation=(1, 2)), id="conv-2x4-dil"),
    pytest.param(lambda: Conv2dSame(4, 6, 3, 2, groups=2), id="conv-groups"),
    pytest.param(lambda: MaxPool2dSame(3, 2), id="max-3/2"),
    pytest.param(lambda: MaxPool2dSame(2, 1), id="max-2/1"),
    pytest.param(lambda: AvgPool2dSame(3, 2), id="avg-3/2"),
    pytest.param(lambda: AvgPool2dSame((2, 3), 1), id="avg-2x3/1"),
]
SIZES = [(8, 8), (7, 9)]


@pytest.mark.parametrize("make", LAYERS)
@pytest.mark.parametrize("size", SIZES)
def test_channels_last_gives_the_same_values(make, size):
    layer = make()
    x = random_input((2, 4, *size), 1)
    y = layer(x.contiguous(memory_format=torch.channels_last))
    torch.testing.assert_close(y, layer(x), **TOL)


@pytest.mark.parametrize("make", LAYERS)
def test_float64_and_autograd(make):
    layer = make().double()
    x = random_input((2, 4, 7, 8), 2, dtype=torch.float64).requires_grad_()
    y = layer(x)
    assert y.dtype == torch.float64
    assert torch.autograd.gradcheck(lambda t: layer(t), (x[:1, :, :5, :6].detach()
                                                       .requires_grad_(),))  # fmt: skip


@pytest.mark.parametrize("make", LAYERS)
def test_any_batch_size(make):
    layer = make()
    x = random_input((17, 4, 9, 6), 4)
    whole = layer(x)
    for batch in (1, 3):
        torch.testing.assert_close(layer(x[:batch]), whole[:batch], **TOL)


# ---------------------------------------------------------------------------------------
# compile, export, ONNX
# ---------------------------------------------------------------------------------------


def test_torch_compile_fullgraph():
    conv, pool = Conv2dSame(3, 4, 3, 2), AvgPool2dSame(2, 1)
    for layer in (conv, pool):
        compiled = torch.compile(layer, fullgraph=True)
        for size in ((8, 8), (9, 8)):  # a new size recompiles with its own plan
            x = random_input((2, 3, *size), 5)
            torch.testing.assert_close(compiled(x), layer(x), **TOL)


@pytest.mark.parametrize("make", LAYERS)
def test_torch_export_with_dynamic_batch(make):
    layer = make()
    x = random_input((2, 4, 7, 8), 6)
    batch = torch.export.Dim("batch")
    program = torch.export.export(layer, (x,), dynamic_shapes=({0: batch},))
    for n in (1, 5):
        x = random_input((n, 4, 7, 8), n)
        torch.testing.assert_close(program.module()(x), layer(x), **TOL)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")
@pytest.mark.parametrize("make", LAYERS)
def test_onnx_export_matches_in_onnxruntime(make, tmp_path):
    layer = make().eval()
    x = random_input((2, 4, 7, 8), 7)
    y = onnx_output(layer, x, tmp_path / "layer.onnx")
    np.testing.assert_allclose(y, layer(x).detach().numpy(), **TOL)


# ---------------------------------------------------------------------------------------
# errors and repr
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: Conv2dSame(3, 4, 0), ValueError, r"kernel_size must be >= 1, got 0"),
        (lambda: Conv2dSame(3, 4, 3, stride=0), ValueError, r"stride must be >= 1, got 0"),
        (lambda: Conv2dSame(3, 4, 3, dilation=0), ValueError, r"dilation must be >= 1, got 0"),
        (lambda: Conv2dSame(3, 4, (3, 0)), ValueError, r"kernel_size must be >= 1, got 0"),
        (lambda: Conv2dSame(3, 4, True), TypeError, r"kernel_size must be an int, not a bool"),
        (lambda: Conv2dSame(3, 4, 3.0), TypeError, r"kernel_size must be an int, got float"),
        (lambda: Conv2dSame(3, 4, 3, stride=1.5), TypeError, r"stride must be an int"),
        (lambda: Conv2dSame(3, 4, (3, 3, 3)), ValueError, r"kernel_size must be an int or a"),
        (lambda: Conv2dSame(0, 4, 3), ValueError, r"in_channels must be an int >= 1, got 0"),
        (lambda: Conv2dSame(3, 4.0, 3), TypeError, r"out_channels must be an int >= 1"),
        (lambda: Conv2dSame(3, 4, 3, groups=2), ValueError, r"divisible by groups \(2\)"),
        (lambda: Conv2dSame(3, 4, 3, padding=1), ValueError, r"padding must be 'same'"),
        (lambda: MaxPool2dSame(0), ValueError, r"kernel_size must be >= 1, got 0"),
        (lambda: MaxPool2dSame(2, stride=0), ValueError, r"stride must be >= 1, got 0"),
        (lambda: MaxPool2dSame(2, stride=False), TypeError, r"stride must be an int, not a bool"),
        (lambda: AvgPool2dSame(2.5), TypeError, r"kernel_size must be an int, got float"),
        (lambda: AvgPool2dSame((2, -1)), ValueError, r"kernel_size must be >= 1, got -1"),
    ],
)
def test_bad_arguments_raise_at_construction(build, error, message):
    with pytest.raises(error, match=message):
        build()


@pytest.mark.parametrize(
    "layer", [Conv2dSame(3, 4, 3), MaxPool2dSame(2), AvgPool2dSame(2)], ids=type
)
@pytest.mark.parametrize("shape", [(3, 8, 8), (1, 1, 3, 8, 8), (8,)])
def test_wrong_rank_raises_with_the_shape(layer, shape):
    with pytest.raises(ValueError, match=r"4-D input .* got shape " + re.escape(str(shape))):
        layer(torch.zeros(shape))


def test_repr_reads_like_keras():
    assert repr(Conv2dSame(3, 64, 3)) == (
        "Conv2dSame(3, 64, kernel_size=(3, 3), stride=(1, 1), padding='same')"
    )
    assert repr(Conv2dSame(4, 8, (3, 2), (2, 1), dilation=2, groups=2, bias=False)) == (
        "Conv2dSame(4, 8, kernel_size=(3, 2), stride=(2, 1), padding='same', "
        "dilation=(2, 2), groups=2, bias=False)"
    )
    assert repr(MaxPool2dSame(2)) == (
        "MaxPool2dSame(kernel_size=(2, 2), stride=(2, 2), padding='same')"
    )
    assert repr(AvgPool2dSame(3, 2)) == (
        "AvgPool2dSame(kernel_size=(3, 3), stride=(2, 2), padding='same')"
    )


def test_conv2d_same_is_a_drop_in_nn_conv2d():
    conv = Conv2dSame(3, 64, 3)
    assert isinstance(conv, torch.nn.Conv2d)
    assert conv.weight.shape == (64, 3, 3, 3) and conv.bias.shape == (64,)
    # the repr is constructor code: eval-ing it builds an equal layer
    rebuilt = eval(repr(Conv2dSame(4, 8, (3, 2), 2, groups=2)), vars(layers_module))
    assert repr(rebuilt) == repr(Conv2dSame(4, 8, (3, 2), 2, groups=2))


def test_import_samepad_viz_stays_free_of_torch_and_exports_layers_lazily():
    code = "import sys, samepad_viz; assert 'torch' not in sys.modules, 'torch imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
    import samepad_viz

    assert samepad_viz.Conv2dSame is Conv2dSame
    assert samepad_viz.MaxPool2dSame is MaxPool2dSame
    assert samepad_viz.AvgPool2dSame is AvgPool2dSame
