"""ConvTranspose2dSame / Conv1dSame / CausalConv1d equal Keras, number for number.

References: Keras 3 layers on the PyTorch backend (tests/conftest.py sets
``KERAS_BACKEND=torch``) with weights copied — ``Conv2DTranspose`` kernels are stored
``(kh, kw, out, in)`` (torch: ``(in, out, kh, kw)``), ``Conv1D`` kernels ``(k, in, out)``
(torch: ``(out, in, k)``). Where Keras refuses the configuration (strides > 1 with
dilation > 1) the reference is the definition itself: a NumPy scatter-add of kernel taps
for the transposed convolution (the one of tests/test_transposed_arithmetic.py), an
explicit pad + ``F.conv1d`` for the 1-D ones.

Keras' ``Conv2DTranspose(padding='same')`` is only compared with ``output_padding=None``,
the layer's meaning (``out = W·S``): with ``output_padding=0`` and an even effective
kernel TensorFlow refuses to run, and Keras' torch backend returns ``(W − 1)·S`` cells
instead (tests/test_transposed_arithmetic.py pins both), so there is no Keras answer to
match; that configuration is tested against the definition of ``W·S`` below.
"""

from __future__ import annotations

import functools
import os
import re

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from helpers import KERAS_NUMPY2_WARNINGS  # noqa: E402
from helpers_keras import run_keras_nchw  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import samepad_viz  # noqa: E402
from samepad_viz import causal_padding, keras_output_size, same_padding  # noqa: E402
from samepad_viz import layers as layers_module  # noqa: E402
from samepad_viz.layers import CausalConv1d, Conv1dSame, ConvTranspose2dSame  # noqa: E402

pytestmark = [KERAS_NUMPY2_WARNINGS, pytest.mark.usefixtures("one_torch_thread")]

TOL = {"atol": 1e-5, "rtol": 1e-5}

sizes = st.integers(1, 12)
kernels = st.integers(1, 6)
strides = st.integers(1, 4)
dilations = st.integers(1, 3)
seeds = st.integers(0, 2**16)


def random_input(shape, seed):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def keras_or_definition(stride, dilation) -> bool:
    """True where Keras runs the layer: it refuses strides > 1 with dilation_rate > 1."""
    return not (max(stride) > 1 and max(dilation) > 1)


# ---------------------------------------------------------------------------------------
# references
# ---------------------------------------------------------------------------------------


@functools.cache
def keras_transposed(cin, cout, kernel, stride, dilation, bias):
    layer = keras.layers.Conv2DTranspose(
        cout, kernel, strides=stride, padding="same", dilation_rate=dilation, use_bias=bias
    )
    layer.build((None, None, None, cin))
    return layer


@functools.cache
def keras_conv1d(cin, cout, kernel, stride, dilation, groups, bias, padding):
    layer = keras.layers.Conv1D(
        cout, kernel, strides=stride, padding=padding, dilation_rate=dilation,
        groups=groups, use_bias=bias,
    )  # fmt: skip
    layer.build((None, None, cin))
    return layer


def copy_weights(module, layer, permutation) -> None:
    """torch weight -> Keras layout (``permutation`` maps torch axes to Keras' order)."""
    weights = [module.weight.detach().permute(*permutation).numpy()]
    if module.bias is not None:
        weights.append(module.bias.detach().numpy())
    layer.set_weights(weights)


def transposed_definition(x: torch.Tensor, weight, bias, stride, dilation) -> np.ndarray:
    """TensorFlow's ``'same'`` transposed convolution in NumPy (float64), NCHW.

    Input cell ``i`` adds ``x[i]·kernel[j]`` to output cell ``i·S + j·D − ⌊T / 2⌋`` with
    ``T = max(K_eff − S, 0)``; the output keeps ``W·S`` cells.
    """
    x = x.detach().double().numpy()
    w = weight.detach().double().numpy()  # (in, out, kh, kw)
    n, _, h, wd = x.shape
    _, cout, kh, kw = w.shape
    full = [(s_ - 1) * st_ + d * (k - 1) + 1 for s_, st_, d, k in
            zip((h, wd), stride, dilation, (kh, kw), strict=True)]  # fmt: skip
    y = np.zeros((n, cout, max(full[0], h * stride[0]), max(full[1], wd * stride[1])))
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dilation[0], i * dilation[0] + (h - 1) * stride[0] + 1, stride[0])
            cols = slice(j * dilation[1], j * dilation[1] + (wd - 1) * stride[1] + 1, stride[1])
            y[:, :, rows, cols] += np.einsum("nchw,co->nohw", x, w[:, :, i, j])
    before = [
        max(d * (k - 1) + 1 - s, 0) // 2 for k, s, d in zip((kh, kw), stride, dilation, strict=True)
    ]
    y = y[:, :, before[0] : before[0] + h * stride[0], before[1] : before[1] + wd * stride[1]]
    if bias is not None:
        y = y + bias.detach().double().numpy()[:, None, None]
    return y


def conv1d_definition(conv, x, padding: tuple[int, int]) -> torch.Tensor:
    return F.conv1d(F.pad(x, padding), conv.weight, conv.bias, conv.stride, 0, conv.dilation,
                    conv.groups)  # fmt: skip


# ---------------------------------------------------------------------------------------
# ConvTranspose2dSame
# ---------------------------------------------------------------------------------------


@st.composite
def transposed_configs(draw):
    stride = (draw(strides), draw(strides))
    dilation = (draw(dilations), draw(dilations))
    if draw(st.booleans()):  # half the examples where Keras runs (no stride with dilation)
        dilation = (1, 1) if max(stride) > 1 else dilation
    return dict(
        size=(draw(sizes), draw(sizes)),
        kernel=(draw(kernels), draw(kernels)),
        stride=stride,
        dilation=dilation,
        cin=draw(st.integers(1, 3)),
        cout=draw(st.integers(1, 3)),
        bias=draw(st.booleans()),
        batch=draw(st.integers(1, 2)),
        seed=draw(seeds),
    )


@given(transposed_configs())
def test_conv_transpose2d_same_equals_keras_conv2d_transpose(c):
    torch.manual_seed(c["seed"])
    up = ConvTranspose2dSame(c["cin"], c["cout"], c["kernel"], c["stride"], c["dilation"],
                             bias=c["bias"])  # fmt: skip
    x = random_input((c["batch"], c["cin"], *c["size"]), c["seed"]).requires_grad_()
    y = up(x)
    h, w = c["size"]
    assert y.shape == (c["batch"], c["cout"], h * c["stride"][0], w * c["stride"][1])
    definition = transposed_definition(x, up.weight, up.bias, c["stride"], c["dilation"])
    np.testing.assert_allclose(y.detach().double().numpy(), definition, **TOL)
    if keras_or_definition(c["stride"], c["dilation"]):
        layer = keras_transposed(c["cin"], c["cout"], c["kernel"], c["stride"], c["dilation"],
                                 c["bias"])  # fmt: skip
        copy_weights(up, layer, (2, 3, 1, 0))  # (in, out, kh, kw) -> (kh, kw, out, in)
        torch.testing.assert_close(y, run_keras_nchw(layer, x), **TOL)
    y.square().sum().backward()
    assert x.grad.shape == x.shape and torch.isfinite(up.weight.grad).all()


@pytest.mark.parametrize(
    "kernel, stride, dilation, padding, output_padding, crop",
    [
        (3, 2, 1, 0, 0, (1, 1)),  # T = 1: crop one cell at the end
        (4, 2, 1, 1, 0, (0, 0)),  # T = 2: padding=1 alone
        (1, 3, 1, 0, 2, (0, 0)),  # kernel shorter than the stride: output_padding fills
        (2, 2, 2, 0, 0, (1, 1)),  # K_eff = 3: Keras refuses this, the definition does not
        ((5, 2), (1, 3), 1, (2, 0), (0, 1), (0, 0)),
    ],
)
def test_conv_transpose2d_same_puts_torch_transposed_padding_into_the_op(
    kernel, stride, dilation, padding, output_padding, crop
):
    def pair(v):
        return v if isinstance(v, tuple) else (v, v)

    up = ConvTranspose2dSame(2, 3, kernel, stride, dilation)
    assert up.padding == pair(padding) and up.output_padding == pair(output_padding)
    assert up.crop == crop


def test_conv_transpose2d_same_where_keras_refuses_output_padding_zero():
    # Keras Conv2DTranspose(4, 2, strides=2, padding='same', output_padding=0): TensorFlow
    # refuses it, Keras' torch backend gives (W − 1)·S. Our layer is Keras' 'same' with
    # output_padding=None — W·S, the definition — which Keras also computes.
    up = ConvTranspose2dSame(1, 1, 2, 2)
    x = random_input((1, 1, 5, 5), 0)
    layer = keras.layers.Conv2DTranspose(1, 2, strides=2, padding="same", output_padding=0)
    layer.build((None, 5, 5, 1))
    copy_weights(up, layer, (2, 3, 1, 0))
    assert run_keras_nchw(layer, x).shape[-2:] == (8, 8)  # (5 − 1)·2, Keras' torch backend
    assert up(x).shape[-2:] == (10, 10)
    np.testing.assert_allclose(
        up(x).detach().double().numpy(),
        transposed_definition(x, up.weight, up.bias, (2, 2), (1, 1)), **TOL,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------
# Conv1dSame and CausalConv1d
# ---------------------------------------------------------------------------------------


@st.composite
def conv1d_configs(draw):
    stride, dilation = draw(strides), draw(dilations)
    if draw(st.booleans()):
        dilation = 1 if stride > 1 else dilation
    groups = draw(st.sampled_from([1, 1, 2]))
    return dict(
        length=draw(st.integers(1, 30)),
        kernel=draw(kernels),
        stride=stride,
        dilation=dilation,
        groups=groups,
        cin=groups * draw(st.integers(1, 2)),
        cout=groups * draw(st.integers(1, 2)),
        bias=draw(st.booleans()),
        batch=draw(st.integers(1, 2)),
        seed=draw(seeds),
    )


def check_conv1d(conv, c, padding_mode, split):
    x = random_input((c["batch"], c["cin"], c["length"]), c["seed"]).requires_grad_()
    y = conv(x)
    out = keras_output_size(c["length"], c["kernel"], c["stride"], padding_mode, c["dilation"])
    assert y.shape == (c["batch"], c["cout"], out)
    torch.testing.assert_close(y, conv1d_definition(conv, x.detach(), split), **TOL)
    if keras_or_definition((c["stride"],), (c["dilation"],)):
        layer = keras_conv1d(c["cin"], c["cout"], c["kernel"], c["stride"], c["dilation"],
                             c["groups"], c["bias"], padding_mode)  # fmt: skip
        copy_weights(conv, layer, (2, 1, 0))  # (out, in, k) -> (k, in, out)
        torch.testing.assert_close(y, run_keras_nchw(layer, x), **TOL)
    y.square().sum().backward()
    assert x.grad.shape == x.shape


@given(conv1d_configs())
def test_conv1d_same_equals_keras_conv1d_same(c):
    torch.manual_seed(c["seed"])
    conv = Conv1dSame(c["cin"], c["cout"], c["kernel"], c["stride"], c["dilation"],
                      c["groups"], c["bias"])  # fmt: skip
    split = same_padding(c["length"], c["kernel"], c["stride"], c["dilation"])
    check_conv1d(conv, c, "same", split)


@given(conv1d_configs().map(lambda c: {**c, "groups": 1, "cin": c["cin"] // c["groups"],
                                       "cout": c["cout"] // c["groups"]}))  # fmt: skip
def test_causal_conv1d_equals_keras_conv1d_causal(c):
    torch.manual_seed(c["seed"])
    conv = CausalConv1d(c["cin"], c["cout"], c["kernel"], c["stride"], c["dilation"],
                        c["bias"])  # fmt: skip
    check_conv1d(conv, c, "causal", causal_padding(c["kernel"], c["dilation"]))


def test_causal_conv1d_output_never_sees_the_future():
    conv = CausalConv1d(1, 1, 3, dilation=2)
    x = torch.zeros(1, 1, 12, requires_grad=True)
    conv(x)[0, 0, 5].backward()
    assert x.grad[0, 0, 6:].abs().sum() == 0 and x.grad[0, 0, [1, 3, 5]].abs().sum() > 0


@pytest.mark.parametrize(
    "length, kernel, stride, route",
    [(9, 3, 1, "symmetric"), (9, 4, 1, "slice"), (8, 3, 2, "pad"), (9, 3, 2, "symmetric")],
)
def test_conv1d_same_plan_routes(length, kernel, stride, route):
    assert Conv1dSame(1, 1, kernel, stride).plan(length).route == route


# ---------------------------------------------------------------------------------------
# errors, repr, exports
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda: ConvTranspose2dSame(2, 2, 0), ValueError, "kernel_size must be >= 1, got 0"),
        (lambda: ConvTranspose2dSame(2, 2, 3, stride=(1, 2, 3)), ValueError, "stride must be"),
        (lambda: ConvTranspose2dSame(2, 2, 3, padding="valid"), ValueError, "must be 'same'"),
        (lambda: ConvTranspose2dSame(0, 2, 3), ValueError, "in_channels must be an int >= 1"),
        (lambda: ConvTranspose2dSame(2, 2, 3, bias=1), TypeError, "bias must be True or False"),
        (lambda: Conv1dSame(2, 2, (3, 3)), ValueError, "kernel_size must be an int for the one"),
        (lambda: Conv1dSame(2, 2, 3, dilation=0), ValueError, "dilation must be >= 1, got 0"),
        (lambda: Conv1dSame(2, 3, 3, groups=2), ValueError, "divisible by groups"),
        (lambda: Conv1dSame(2, 2, 3, stride=True), TypeError, "stride must be an int, not a bool"),
        (lambda: CausalConv1d(2, 2, 3, padding="same"), ValueError, "must be 'causal'"),
        (lambda: CausalConv1d(2, 2, 2.5), TypeError, "kernel_size must be an int"),
    ],
)
def test_bad_arguments_raise_at_construction(build, error, message):
    with pytest.raises(error, match=re.escape(message)):
        build()


@pytest.mark.parametrize(
    "layer, shape",
    [
        (ConvTranspose2dSame(1, 1, 3), (1, 5, 5)),
        (Conv1dSame(1, 1, 3), (1, 5)),
        (CausalConv1d(1, 1, 3), (1, 1, 5, 5)),
    ],
)
def test_wrong_rank_raises_with_the_shape(layer, shape):
    with pytest.raises(ValueError, match=re.escape(str(shape))):
        layer(torch.zeros(shape))


def test_conv_transpose2d_same_refuses_an_output_size():
    with pytest.raises(TypeError, match="no output_size"):
        ConvTranspose2dSame(1, 1, 3, 2)(torch.zeros(1, 1, 4, 4), output_size=(9, 9))


def test_repr_reads_like_keras_and_rebuilds_the_layer():
    cases = {
        ConvTranspose2dSame(8, 4, 3, 2): (
            "ConvTranspose2dSame(8, 4, kernel_size=(3, 3), stride=(2, 2), padding='same')"
        ),
        ConvTranspose2dSame(2, 3, (3, 2), 1, dilation=2, bias=False): (
            "ConvTranspose2dSame(2, 3, kernel_size=(3, 2), stride=(1, 1), padding='same', "
            "dilation=(2, 2), bias=False)"
        ),
        Conv1dSame(4, 8, 3, 2, groups=2): (
            "Conv1dSame(4, 8, kernel_size=(3,), stride=(2,), padding='same', groups=2)"
        ),
        CausalConv1d(1, 2, 3, dilation=4, bias=False): (
            "CausalConv1d(1, 2, kernel_size=(3,), stride=(1,), padding='causal', "
            "dilation=(4,), bias=False)"
        ),
    }
    for layer, text in cases.items():
        assert repr(layer) == text
        rebuilt = eval(repr(layer), vars(layers_module))
        assert repr(rebuilt) == text
        assert rebuilt.weight.shape == layer.weight.shape


def test_weights_have_torch_nn_layouts():
    assert ConvTranspose2dSame(2, 5, (3, 4)).weight.shape == (2, 5, 3, 4)
    assert Conv1dSame(4, 6, 3, groups=2).weight.shape == (6, 2, 3)
    assert CausalConv1d(2, 5, 3).weight.shape == (5, 2, 3)
    assert isinstance(ConvTranspose2dSame(1, 1, 1), torch.nn.ConvTranspose2d)
    assert isinstance(Conv1dSame(1, 1, 1), torch.nn.Conv1d)
    assert isinstance(CausalConv1d(1, 1, 1), torch.nn.Conv1d)


def test_new_layers_are_exported_lazily_from_the_top_level():
    for name in ("ConvTranspose2dSame", "Conv1dSame", "CausalConv1d"):
        assert name in samepad_viz.__all__ and name in dir(samepad_viz)
        assert getattr(samepad_viz, name) is getattr(layers_module, name)
        assert name in layers_module.__all__
