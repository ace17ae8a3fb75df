"""The 1-D and 3-D 'same' layers equal Keras, number for number, from the 2-D implementation.

Conv1dSame/Conv3dSame, MaxPool1d/3dSame, AvgPool1d/3dSame and ConvTranspose1d/3dSame are
the 2-D layers' implementation with another number of spatial dimensions. References:
Keras 3 layers on the PyTorch backend with weights copied (conv kernels ``(*k, in, out)``,
transposed kernels ``(*k, out, in)``) for convolutions, transposed convolutions and max
pooling; for average pooling a NumPy implementation of TensorFlow's definition (each
output is the mean of the real cells its window covers), because Keras 3.15's PyTorch
backend replicates the edge on asymmetric splits.
"""

from __future__ import annotations

import functools
import itertools
import os
import re

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from helpers import KERAS_NUMPY2_WARNINGS  # noqa: E402
from helpers_keras import onnx_output, run_keras_nchw  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import samepad_viz  # noqa: E402
from samepad_viz import keras_output_size, same_padding  # noqa: E402
from samepad_viz import layers as layers_module  # noqa: E402
from samepad_viz.layers import (  # noqa: E402
    AvgPool1dSame,
    AvgPool2dSame,
    AvgPool3dSame,
    Conv1dSame,
    Conv2dSame,
    Conv3dSame,
    ConvTranspose1dSame,
    ConvTranspose2dSame,
    ConvTranspose3dSame,
    MaxPool1dSame,
    MaxPool2dSame,
    MaxPool3dSame,
)

pytestmark = [KERAS_NUMPY2_WARNINGS, pytest.mark.usefixtures("one_torch_thread")]

TOL = {"atol": 1e-5, "rtol": 1e-5}
CONV = {1: Conv1dSame, 3: Conv3dSame}
MAX = {1: MaxPool1dSame, 3: MaxPool3dSame}
AVG = {1: AvgPool1dSame, 3: AvgPool3dSame}
TRANSPOSED = {1: ConvTranspose1dSame, 3: ConvTranspose3dSame}
KERAS_CONV = {1: "Conv1D", 3: "Conv3D"}
KERAS_MAX = {1: "MaxPooling1D", 3: "MaxPooling3D"}
KERAS_TRANSPOSED = {1: "Conv1DTranspose", 3: "Conv3DTranspose"}


def random_input(shape, seed, dtype=torch.float32):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


# ---------------------------------------------------------------------------------------
# references
# ---------------------------------------------------------------------------------------


@functools.cache
def keras_layer(cls_name: str, cin: int, *args, **kwargs):
    """A built Keras layer (cached per configuration: building is the slow part)."""
    layer = getattr(keras.layers, cls_name)(*args, padding="same", **kwargs)
    ndim = {"1D": 1, "2D": 2, "3D": 3}[re.search(r"[123]D", cls_name).group()]
    layer.build((None, *(None,) * ndim, cin))
    return layer


def copy_weights(module, layer, spatial: int) -> None:
    """torch ``(a, b, *k)`` → Keras ``(*k, b, a)``: conv (out, in) → (in, out), transposed
    (in, out) → (out, in) — the same permutation for both kinds."""
    weights = [module.weight.detach().permute(*range(2, 2 + spatial), 1, 0).numpy()]
    if module.bias is not None:
        weights.append(module.bias.detach().numpy())
    layer.set_weights(weights)


def pool_definition(x: np.ndarray, kernel, stride, kind: str) -> np.ndarray:
    """TensorFlow's pooling in any rank: each output reduces the real cells it covers."""
    sizes = x.shape[2:]
    starts = [before for before, _ in same_padding(sizes, kernel, stride)]
    out_sizes = keras_output_size(sizes, kernel, stride, "same")
    reduce = np.max if kind == "max" else np.mean
    out = np.empty((*x.shape[:2], *out_sizes), dtype=x.dtype)
    axes = tuple(range(2, 2 + len(sizes)))
    for index in itertools.product(*(range(o) for o in out_sizes)):
        window = tuple(
            slice(max(i * s - b, 0), min(i * s - b + k, n))
            for i, s, b, k, n in zip(index, stride, starts, kernel, sizes, strict=True)
        )
        out[(..., *index)] = reduce(x[(..., *window)], axis=axes)
    return out


# ---------------------------------------------------------------------------------------
# strategies: sizes odd and even, smaller than the kernel, non-cubic tuples
# ---------------------------------------------------------------------------------------

SIZE_MAX = {1: 20, 3: 7}
KERNEL_MAX = {1: 6, 3: 4}


@st.composite
def configs(draw, spatial: int, dilated: bool = True):
    size = tuple(draw(st.integers(1, SIZE_MAX[spatial])) for _ in range(spatial))
    kernel = tuple(draw(st.integers(1, KERNEL_MAX[spatial])) for _ in range(spatial))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(spatial))
    if dilated and max(stride) == 1:  # Keras refuses strides > 1 with dilation > 1
        dilation = tuple(draw(st.integers(1, 3)) for _ in range(spatial))
    else:
        dilation = (1,) * spatial
    return size, kernel, stride, dilation


ranks = st.sampled_from([1, 3])


# ---------------------------------------------------------------------------------------
# against Keras and the definition
# ---------------------------------------------------------------------------------------


@given(st.data(), ranks, st.integers(0, 2**16))
def test_conv_same_equals_keras(data, spatial, seed):
    size, kernel, stride, dilation = data.draw(configs(spatial))
    groups = data.draw(st.sampled_from([1, 2]))
    bias = data.draw(st.booleans())
    conv = CONV[spatial](2, 4, kernel, stride, dilation, groups=groups, bias=bias)
    layer = keras_layer(
        KERAS_CONV[spatial], 2, 4, kernel, strides=stride, dilation_rate=dilation,
        groups=groups, use_bias=bias,
    )  # fmt: skip
    copy_weights(conv, layer, spatial)
    x = random_input((2, 2, *size), seed)
    y = conv(x)
    assert tuple(y.shape[2:]) == keras_output_size(size, kernel, stride, "same", dilation)
    torch.testing.assert_close(y.detach(), run_keras_nchw(layer, x), **TOL)


@given(st.data(), ranks, st.integers(0, 2**16))
def test_max_pool_same_equals_keras(data, spatial, seed):
    size, kernel, stride, _ = data.draw(configs(spatial, dilated=False))
    pool = MAX[spatial](kernel, stride)
    layer = keras_layer(KERAS_MAX[spatial], 3, kernel, strides=stride)
    x = -random_input((2, 3, *size), seed).abs() - 0.1  # negative: a zero pad would win
    torch.testing.assert_close(pool(x), run_keras_nchw(layer, x), **TOL)


@given(st.data(), ranks, st.integers(0, 2**16))
def test_avg_pool_same_equals_tensorflows_definition(data, spatial, seed):
    size, kernel, stride, _ = data.draw(configs(spatial, dilated=False))
    pool = AVG[spatial](kernel, stride)
    x = random_input((2, 3, *size), seed, dtype=torch.float64)
    want = pool_definition(x.numpy(), kernel, stride, "avg")
    np.testing.assert_allclose(pool(x).numpy(), want, rtol=1e-12, atol=1e-12)
    # float32 on the CPU takes the "sum" route where the split is uneven at stride 1
    np.testing.assert_allclose(pool(x.float()).numpy(), want, rtol=1e-5, atol=1e-6)


@given(st.data(), ranks, st.integers(0, 2**16))
def test_transposed_same_equals_keras(data, spatial, seed):
    size, kernel, stride, dilation = data.draw(configs(spatial))
    bias = data.draw(st.booleans())
    up = TRANSPOSED[spatial](2, 3, kernel, stride, dilation, bias=bias)
    layer = keras_layer(
        KERAS_TRANSPOSED[spatial], 2, 3, kernel, strides=stride, dilation_rate=dilation,
        use_bias=bias,
    )  # fmt: skip
    copy_weights(up, layer, spatial)
    x = random_input((2, 2, *size), seed)
    y = up(x)
    assert tuple(y.shape[2:]) == tuple(n * s for n, s in zip(size, stride, strict=True))
    torch.testing.assert_close(y.detach(), run_keras_nchw(layer, x), **TOL)


def test_a_3d_layer_is_the_2d_layer_with_one_more_axis():
    # a depth of 1 with kernel and stride 1 along it is exactly the 2-D layer, per slice
    x = random_input((2, 3, 1, 9, 8), 11)
    conv2 = Conv2dSame(3, 4, (3, 2), (2, 1))
    conv3 = Conv3dSame(3, 4, (1, 3, 2), (1, 2, 1))
    with torch.no_grad():
        conv3.weight.copy_(conv2.weight[:, :, None])
        conv3.bias.copy_(conv2.bias)
    torch.testing.assert_close(conv3(x)[:, :, 0], conv2(x[:, :, 0]), **TOL)
    pools = [
        (MaxPool3dSame((1, 2, 3), (1, 2, 1)), MaxPool2dSame((2, 3), (2, 1))),
        (AvgPool3dSame((1, 2, 3), (1, 2, 1)), AvgPool2dSame((2, 3), (2, 1))),
    ]
    for three, two in pools:
        torch.testing.assert_close(three(x)[:, :, 0], two(x[:, :, 0]), **TOL)
    up2, up3 = ConvTranspose2dSame(3, 2, (3, 4), 2), ConvTranspose3dSame(3, 2, (1, 3, 4), (1, 2, 2))
    with torch.no_grad():
        up3.weight.copy_(up2.weight[:, :, None])
        up3.bias.copy_(up2.bias)
    torch.testing.assert_close(up3(x)[:, :, 0], up2(x[:, :, 0]), **TOL)


# ---------------------------------------------------------------------------------------
# the same speed routes as in 2-D
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layer", "size", "route"),
    [
        (Conv3dSame(1, 1, 3), (8, 9, 10), "symmetric"),
        (Conv3dSame(1, 1, 2), (8, 9, 10), "slice"),
        (Conv3dSame(1, 1, 3, 2), (8, 9, 10), "pad"),
        (MaxPool3dSame(3, 2), (9, 9, 9), "symmetric"),
        (MaxPool3dSame(2, 1), (8, 9, 10), "pad"),  # 3-D: padding beats the extra slabs
        (MaxPool3dSame(2), (16, 17, 16), "ceil"),
        (AvgPool3dSame(2, 1), (8, 9, 10), "sum"),
        (AvgPool3dSame(3, 2), (16, 17, 16), "ceil"),
        (Conv1dSame(1, 1, 4), (9,), "slice"),
        (MaxPool1dSame(3, 2), (8,), "ceil"),
        (AvgPool1dSame(4, 1), (9,), "sum"),
        (AvgPool1dSame(3, 2), (9,), "symmetric"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, torch.nn.Module) else str(v),
)
def test_plans_take_the_2d_routes(layer, size, route):
    assert layer.plan(*size).route == route


def test_symmetric_and_pooling_routes_never_copy_the_input(monkeypatch):
    def no_pad(*args, **kwargs):
        raise AssertionError("F.pad called where the op's own padding is exact")

    monkeypatch.setattr(layers_module.F, "pad", no_pad)
    x3, x1 = random_input((1, 2, 9, 9, 9), 1), random_input((1, 2, 17), 2)
    for layer in (Conv3dSame(2, 2, 3, 2), MaxPool3dSame(3, 2), AvgPool3dSame(3, 2)):
        layer(x3)
    for layer in (MaxPool3dSame(2), AvgPool3dSame(2), AvgPool3dSame(2, 1)):
        layer(random_input((1, 2, 8, 9, 10), 3))  # asymmetric: pooling is copy-free too
    for layer in (Conv1dSame(2, 2, 3, 2), MaxPool1dSame(2), AvgPool1dSame(4, 1)):
        layer(x1)


@pytest.mark.parametrize("spatial", [1, 2, 3])
def test_the_direct_route_equals_the_planned_forward(spatial):
    """A shape seen before whose plan is the op's own arguments skips the plan (the direct
    route): its result is the first call's, it follows the layer's current weights and
    dtype, it is per shape (a new batch or size plans again), and it survives a copy."""
    import copy
    import pickle

    conv = {1: Conv1dSame, 2: Conv2dSame, 3: Conv3dSame}[spatial](2, 3, 3, 2)
    max_pool = {1: MaxPool1dSame, 2: MaxPool2dSame, 3: MaxPool3dSame}[spatial](3, 2)
    avg_pool = {1: AvgPool1dSame, 2: AvgPool2dSame, 3: AvgPool3dSame}[spatial](2)
    # 9: symmetric split (1, 1) for the convolution and max pool; ceil_mode for 2/2 average
    for layer in (conv, max_pool, avg_pool):
        for batch in (2, 3):
            x = random_input((batch, 2, *(9,) * spatial), batch)
            first = layer(x)
            assert layer._direct[x.shape], f"{layer}: {tuple(x.shape)} did not go direct"
            torch.testing.assert_close(layer(x), first, rtol=0, atol=0)
        for twin in (copy.deepcopy(layer), pickle.loads(pickle.dumps(layer))):
            torch.testing.assert_close(twin(x), first, rtol=0, atol=0)
        # split (0, 1) at stride 2: F.pad for the convolution (planned), ceil_mode for pools
        uneven = random_input((2, 2, *(8,) * spatial), 7)
        layer(uneven)
        assert (layer._direct[uneven.shape] is False) == (layer is conv)
        torch.testing.assert_close(layer(uneven), layer(uneven), rtol=0, atol=0)
    x = random_input((2, 2, *(9,) * spatial), 2)
    with torch.no_grad():
        conv.weight.mul_(2)  # in place: the direct route reads the weight on each call
    twice = conv(x)
    conv.double()  # a new Parameter: the direct route still reads it
    torch.testing.assert_close(conv(x.double()).float(), twice, **TOL)


def test_a_layer_remembers_a_bounded_number_of_shapes():
    from samepad_viz.layers._plan import MEMO_SIZE

    pool = MaxPool1dSame(3, 2)
    for length in range(1, MEMO_SIZE + 20):  # variable-length sequences
        x = random_input((1, 2, length), length)
        got = pool(x)
        torch.testing.assert_close(got, pool(x), rtol=0, atol=0)  # the direct route
        assert got.shape[-1] == keras_output_size(length, 3, 2, "same")
        assert len(pool._plans) <= MEMO_SIZE and len(pool._direct) <= MEMO_SIZE


# ---------------------------------------------------------------------------------------
# compile, export, ONNX
# ---------------------------------------------------------------------------------------

NEW_LAYERS = [
    lambda: Conv3dSame(2, 3, (3, 2, 3), (2, 1, 2)),
    lambda: MaxPool3dSame(2),
    lambda: AvgPool3dSame(2, 1),
    lambda: ConvTranspose3dSame(2, 3, (3, 2, 3), 2),
    lambda: MaxPool1dSame(3, 2),
    lambda: AvgPool1dSame(4, 1),
    lambda: ConvTranspose1dSame(2, 3, 3, 2),
]
SHAPES = {3: (2, 2, 5, 6, 7), 1: (2, 2, 9)}


def _shape(layer) -> tuple[int, ...]:
    return SHAPES[layer.spatial]


@pytest.mark.parametrize("make", NEW_LAYERS)
def test_torch_compile_fullgraph_at_several_sizes(make):
    # dynamic=False: every input size compiles with its own plan (see the next test)
    torch._dynamo.reset()
    layer = make()
    compiled = torch.compile(layer, fullgraph=True, dynamic=False)
    for grow in range(3):
        x = random_input((2, 2, *(n + grow for n in _shape(layer)[2:])), 5 + grow)
        torch.testing.assert_close(compiled(x), layer(x), **TOL)


def test_pytorch_inductor_cannot_compile_pad_then_conv3d_with_symbolic_sizes():
    # Why 3-D layers are compiled with dynamic=False: PyTorch 2.13's inductor fails on
    # F.pad followed by conv3d once sizes are symbolic (which torch.compile switches to by
    # itself after a second input size). Pinned: when this passes, the advice can go.
    torch._dynamo.reset()
    conv = torch.nn.Conv3d(2, 3, (3, 2, 3), (2, 1, 2))
    compiled = torch.compile(lambda x: conv(F.pad(x, (1, 1, 0, 1, 0, 1))), dynamic=True)
    with pytest.raises(Exception, match="Invalid ranges"):
        compiled(random_input((2, 2, 7, 7, 9), 3))
    torch._dynamo.reset()


@pytest.mark.parametrize("make", NEW_LAYERS)
def test_torch_export_with_dynamic_batch(make):
    layer = make()
    x = random_input(_shape(layer), 6)
    program = torch.export.export(layer, (x,), dynamic_shapes=({0: torch.export.Dim("batch")},))
    for n in (1, 3):
        x = random_input((n, *_shape(layer)[1:]), n)
        torch.testing.assert_close(program.module()(x), layer(x), **TOL)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")
@pytest.mark.parametrize("make", NEW_LAYERS)
def test_onnx_export_matches_in_onnxruntime(make, tmp_path):
    layer = make().eval()
    x = random_input(_shape(layer), 7)
    y = onnx_output(layer, x, tmp_path / "layer.onnx")
    np.testing.assert_allclose(y, layer(x).detach().numpy(), **TOL)


# ---------------------------------------------------------------------------------------
# construction, errors, repr, exports
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: Conv3dSame(2, 2, (3, 3)), ValueError,
         "kernel_size must be an int or a (depth, height, width) triple, got (3, 3)"),
        (lambda: Conv3dSame(2, 2, 3, stride=0), ValueError, "stride must be >= 1, got 0"),
        (lambda: Conv3dSame(2, 2, 3, dilation=(1, True, 1)), TypeError, "dilation must be an int"),
        (lambda: Conv3dSame(2, 3, 3, groups=2), ValueError, "divisible by groups"),
        (lambda: MaxPool3dSame(2.0), TypeError, "kernel_size must be an int, got float"),
        (lambda: AvgPool3dSame(2, (1, 2)), ValueError, "stride must be an int or a (depth"),
        (lambda: MaxPool1dSame((2, 2)), ValueError, "kernel_size must be an int for the one"),
        (lambda: AvgPool1dSame(0), ValueError, "kernel_size must be >= 1, got 0"),
        (lambda: ConvTranspose1dSame(2, 2, 3, padding="valid"), ValueError, "must be 'same'"),
        (lambda: ConvTranspose3dSame(2, 2, -1), ValueError, "kernel_size must be >= 1, got -1"),
    ],
)
def test_bad_arguments_raise_at_construction(build, error, message):
    with pytest.raises(error, match=re.escape(message)):
        build()


@pytest.mark.parametrize(
    ("layer", "shape", "axes"),
    [
        (Conv3dSame(1, 1, 3), (1, 1, 5, 5), "batch, channels, depth, height, width"),
        (MaxPool3dSame(2), (1, 5, 5, 5), "batch, channels, depth, height, width"),
        (AvgPool1dSame(2), (1, 1, 5, 5), "batch, channels, length"),
        (ConvTranspose3dSame(1, 1, 2), (1, 1, 1, 2, 3, 4), "batch, channels, depth, height"),
        (ConvTranspose1dSame(1, 1, 2), (5,), "batch, channels, length"),
    ],
)
def test_wrong_rank_raises_with_the_shape(layer, shape, axes):
    with pytest.raises(ValueError, match=re.escape(axes) + r".*got shape " + re.escape(str(shape))):
        layer(torch.zeros(shape))


def test_transposed_refuses_an_output_size():
    with pytest.raises(TypeError, match=r"no output_size.*nn\.ConvTranspose3d"):
        ConvTranspose3dSame(1, 1, 3, 2)(torch.zeros(1, 1, 2, 2, 2), output_size=(4, 4, 4))


def test_each_layer_is_its_torch_nn_counterpart_with_a_keras_repr():
    cases = {
        Conv3dSame(2, 4, (3, 1, 2), 2, groups=2, bias=False): (
            torch.nn.Conv3d,
            "Conv3dSame(2, 4, kernel_size=(3, 1, 2), stride=(2, 2, 2), padding='same', "
            "groups=2, bias=False)",
        ),
        MaxPool1dSame(3): (torch.nn.MaxPool1d,
                           "MaxPool1dSame(kernel_size=(3,), stride=(3,), padding='same')"),
        MaxPool3dSame(2, 1): (
            torch.nn.MaxPool3d,
            "MaxPool3dSame(kernel_size=(2, 2, 2), stride=(1, 1, 1), padding='same')",
        ),
        AvgPool1dSame(2, 1): (torch.nn.AvgPool1d,
                              "AvgPool1dSame(kernel_size=(2,), stride=(1,), padding='same')"),
        AvgPool3dSame((1, 2, 3)): (
            torch.nn.AvgPool3d,
            "AvgPool3dSame(kernel_size=(1, 2, 3), stride=(1, 2, 3), padding='same')",
        ),
        ConvTranspose1dSame(2, 3, 4, 2, dilation=2): (
            torch.nn.ConvTranspose1d,
            "ConvTranspose1dSame(2, 3, kernel_size=(4,), stride=(2,), padding='same', "
            "dilation=(2,))",
        ),
        ConvTranspose3dSame(1, 2, 3, (1, 2, 2)): (
            torch.nn.ConvTranspose3d,
            "ConvTranspose3dSame(1, 2, kernel_size=(3, 3, 3), stride=(1, 2, 2), padding='same')",
        ),
    }  # fmt: skip
    for layer, (parent, text) in cases.items():
        assert isinstance(layer, parent)
        assert repr(layer) == text
        rebuilt = eval(repr(layer), vars(layers_module))  # the repr is constructor code
        assert repr(rebuilt) == text
    assert AvgPool3dSame(2).count_include_pad is False  # padding is never in the mean
    assert Conv3dSame(2, 6, (3, 2, 1)).weight.shape == (6, 2, 3, 2, 1)
    assert ConvTranspose3dSame(2, 6, (3, 2, 1)).weight.shape == (2, 6, 3, 2, 1)


def test_every_rank_is_exported_lazily_from_the_top_level():
    for kind in ("Conv{}dSame", "MaxPool{}dSame", "AvgPool{}dSame", "ConvTranspose{}dSame"):
        for rank in (1, 2, 3):
            name = kind.format(rank)
            assert name in samepad_viz.__all__ and name in layers_module.__all__
            assert getattr(samepad_viz, name) is getattr(layers_module, name)
