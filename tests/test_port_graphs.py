"""samepad_viz.port on functional models and on the layers real models use.

Each model is ported (``from_keras``, the importing source and the standalone source) and
compared with Keras 3 on its PyTorch backend, within 1e-5 of the output's magnitude, with
random weights, biases and BatchNorm statistics. Graph patterns: merges, a tensor read by
several layers, several inputs and outputs, nested models, a layer called twice, the
squeeze-and-excite block, a small U-Net. The ``keras.applications`` models run under
``SAMEPAD_SLOW=1`` only (tests/test_port_applications.py).
"""

import functools
import os
import re

import keras
import numpy as np
import pytest
import torch
from helpers import KERAS_NUMPY2_WARNINGS
from helpers_keras import RTOL, exec_source, to_nchw, to_nhwc
from keras import layers as L

from samepad_viz import port

pytestmark = [KERAS_NUMPY2_WARNINGS, pytest.mark.usefixtures("one_torch_thread")]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def randomise(model, rng):
    """Random biases, BatchNorm statistics, Normalization mean/variance and PReLU slopes
    (fresh zeros and ones hide mapping errors); kernels keep their random initial values."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            randomise(layer, rng)
            continue
        weights = layer.get_weights()
        if not weights:
            continue
        if isinstance(layer, L.BatchNormalization):
            names = [w.path.rsplit("/", 1)[-1] for w in layer.weights]
            new = [
                rng.uniform(0.5, 1.5, w.shape) if n in ("gamma", "moving_variance")
                else rng.normal(0, 0.5, w.shape)
                for n, w in zip(names, weights, strict=True)
            ]  # fmt: skip
        elif isinstance(layer, L.Normalization):
            mean, var, count = weights
            new = [rng.normal(0, 0.5, mean.shape), rng.uniform(0.2, 2.0, var.shape), count]
        else:
            new = [
                rng.normal(0, 0.5, w.shape) if w.ndim == 1 or isinstance(layer, L.PReLU) else w
                for w in weights
            ]
        layer.set_weights([np.asarray(w, dtype="float32") for w in new])
    return model


def inputs_for(model, seed=0, batch=2):
    rng = np.random.default_rng(seed)
    sizes = [tuple(9 if d is None else d for d in s[1:]) for s in _shapes(model)]
    return [rng.standard_normal((batch, *s)).astype("float32") for s in sizes]


def _shapes(model):
    shapes = model.input_shape
    return shapes if isinstance(shapes, list) else [shapes]


def keras_outputs(model, xs):
    out = model(xs if len(xs) > 1 else xs[0], training=False)
    outs = out if isinstance(out, (list, tuple)) else [out]
    return [keras.ops.convert_to_numpy(o) for o in outs]


def torch_outputs(module, xs):
    with torch.no_grad():
        out = module.eval()(*[to_nchw(x) for x in xs])
    outs = out if isinstance(out, (list, tuple)) else [out]
    return [to_nhwc(o) for o in outs]


def assert_matches(module, refs, xs):
    got = torch_outputs(module, xs)
    assert len(got) == len(refs)
    for g, r in zip(got, refs, strict=True):
        assert g.shape == r.shape
        scale = max(1.0, float(np.abs(r).max()))
        diff = float(np.abs(g - r).max())
        assert diff <= RTOL * scale, f"max abs diff {diff:.3g} > {RTOL * scale:.3g}"


def check_everything(model, seed=0):
    """from_keras, both sources and compare agree with Keras; returns module and source."""
    xs = inputs_for(model, seed)
    refs = keras_outputs(model, xs)
    shapes = [x.shape[1:] for x in xs] if len(xs) > 1 else xs[0].shape[1:]
    module = port.from_keras(model)
    assert_matches(module, refs, xs)
    source = None
    for standalone in (True, False):
        source = port.to_torch_source(model, standalone=standalone)
        if standalone:
            assert "samepad_viz" not in source.split('"""', 2)[2]
        ported = exec_source(source)
        assert ported.state_dict().keys() == module.state_dict().keys()
        ported.load_state_dict(module.state_dict())
        assert_matches(ported, refs, xs)
        report = port.compare(model, ported, shapes)
        assert report.ok, str(report)
    report = port.compare(model, module, shapes)
    assert report.ok, str(report)
    return module, source


def functional(inputs, outputs, seed=0, name="net"):
    model = keras.Model(inputs, outputs, name=name)
    return randomise(model, np.random.default_rng(seed))


# ---------------------------------------------------------------------------------------
# graph patterns
# ---------------------------------------------------------------------------------------


def test_residual_add_reads_one_tensor_twice_and_forward_names_each_tensor():
    x = keras.Input((8, 8, 3), name="image")
    a = L.Conv2D(3, 3, padding="same", name="conv_a")(x)
    b = L.BatchNormalization(name="bn")(a)
    y = L.Add(name="skip")([x, b])
    out = L.ReLU(name="out")(y)
    module, source = check_everything(functional(x, out))
    assert isinstance(module, port.KerasGraph)
    forward = source.split("def forward", 1)[1]
    for line in [
        "(self, image):",
        "conv_a = self.conv_a(image)",
        "bn = self.bn(conv_a)",
        "skip = image + bn",
        "out = self.out(skip)",
        "return out",
    ]:
        assert line in forward, forward


@pytest.mark.parametrize(
    "merge, expr",
    [
        (L.Add, "a + b + c"),
        (L.Multiply, "a * b * c"),
        (L.Average, "(a + b + c) / 3"),
        (L.Maximum, "torch.maximum(torch.maximum(a, b), c)"),
        (L.Minimum, "torch.minimum(torch.minimum(a, b), c)"),
    ],
)
def test_merges_of_three_tensors(merge, expr):
    x = keras.Input((5, 6, 2))
    a = L.Conv2D(4, 1, name="a")(x)
    b = L.Conv2D(4, 3, padding="same", name="b")(x)
    c = L.Conv2D(4, 2, padding="same", name="c")(x)
    _, source = check_everything(functional(x, merge(name="m")([a, b, c])))
    assert f"m = {expr}" in source


def test_subtract_and_broadcast_multiply_of_a_squeeze_and_excite_block():
    x = keras.Input((6, 6, 4))
    se = L.GlobalAveragePooling2D(name="squeeze")(x)
    se = L.Reshape((1, 1, 4), name="se_reshape")(se)
    se = L.Conv2D(4, 1, activation="sigmoid", name="se_expand")(se)
    scaled = L.Multiply(name="excite")([x, se])
    out = L.Subtract(name="sub")([scaled, x])
    module, source = check_everything(functional(x, out))
    assert "excite = x + se" not in source and "excite = " in source
    assert isinstance(module.se_reshape, port.modules.Reshape)  # no permute needed


@pytest.mark.parametrize("axis, dim", [(-1, 1), (3, 1), (1, 2), (2, 3)])
def test_concatenate_axis_moves_to_channels_first(axis, dim):
    x = keras.Input((4, 4, 2))
    a = L.Conv2D(3, 1, name="a")(x)
    b = L.Conv2D(3, 3, padding="same", name="b")(x)
    _, source = check_everything(functional(x, L.Concatenate(axis=axis, name="cat")([a, b])))
    assert f"cat = torch.cat([a, b], dim={dim})" in source


def test_several_inputs_and_outputs():
    image, vector = keras.Input((6, 6, 2), name="image"), keras.Input((5,), name="vector")
    features = L.GlobalMaxPooling2D()(L.Conv2D(4, 3, name="conv")(image))
    side = L.Dense(4, name="side")(vector)
    joined = L.Concatenate(name="joined")([features, side])
    out_a = L.Dense(3, name="head_a")(joined)
    out_b = L.Dense(2, activation="tanh", name="head_b")(joined)
    model = functional([image, vector], [out_a, out_b, features])
    _, source = check_everything(model)
    assert "def forward(self, image, vector):" in source
    assert "return head_a, head_b, global_max_pooling2d" in source


def test_nested_sequential_and_functional_models_are_opened_up():
    inner_seq = keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            L.Conv2D(4, 3, strides=2, padding="same", name="conv2d"),
            L.ReLU(name="re_lu"),
        ],
        name="stem",
    )
    i = keras.Input((4, 4, 4))
    conv = L.Conv2D(4, 3, padding="same", name="conv2d")  # the same name as the stem's
    block = keras.Model(i, L.Add(name="add")([i, conv(i)]), name="block")
    x = keras.Input((8, 8, 3))
    y = block(inner_seq(x))
    model = functional(x, L.Flatten()(y))
    module, source = check_everything(model)
    names = [n for n, _ in module.named_children()]
    assert "stem_conv2d" in names and "block_conv2d" in names and "block_add" in names
    assert "block_add = stem_re_lu + block_conv2d" in source


def test_a_sequential_in_a_sequential_stays_a_sequential():
    model = keras.Sequential(
        [
            keras.Input((6, 6, 2)),
            keras.Sequential([L.Conv2D(3, 3, name="conv2d")], name="inner"),
            L.Flatten(),
        ]
    )
    randomise(model, np.random.default_rng(1))
    module, source = check_everything(model)
    assert isinstance(module, torch.nn.Sequential)
    assert '("inner_conv2d", nn.Conv2d(2, 3' in source


def test_a_layer_called_twice_shares_its_weights():
    x = keras.Input((6, 6, 3), name="x")
    conv = L.Conv2D(3, 3, padding="same", name="shared")
    y = conv(L.ReLU(name="r")(conv(x)))
    module, source = check_everything(functional(x, y))
    assert sum(1 for n, _ in module.named_children() if n.startswith("shared")) == 1
    assert "shared = self.shared(x)" in source and "shared_2 = self.shared(r)" in source
    assert source.count("self.shared = ") == 1


def test_a_shared_model_called_on_two_inputs():
    i = keras.Input((5,))
    tower = keras.Model(i, L.Dense(3, activation="relu")(i), name="tower")
    a, b = keras.Input((5,), name="a"), keras.Input((5,), name="b")
    model = functional([a, b], L.Subtract()([tower(a), tower(b)]))
    module, _ = check_everything(model)
    assert sum(p.numel() for p in module.parameters()) == 18


def test_flatten_order_folded_through_a_batch_norm_and_an_activation():
    x = keras.Input((3, 4, 2))
    y = L.Flatten(name="flatten")(L.Conv2D(3, 2)(x))
    y = L.Dense(2)(L.Activation("relu")(L.BatchNormalization()(y)))
    module, _ = check_everything(functional(x, y))
    assert isinstance(module.flatten, torch.nn.Flatten)


@pytest.mark.parametrize("activation", ["softmax", "log_softmax", "relu", "sparsemax"])
def test_flatten_order_folded_through_an_activation_over_the_features(activation):
    x = keras.Input((3, 4, 2))
    y = L.Activation(activation)(L.Flatten(name="flatten")(x))
    model = functional(x, L.Dense(3, name="dense")(y))
    module = port.from_keras(model)
    assert isinstance(module.flatten, torch.nn.Flatten)
    if activation != "sparsemax":  # Keras-on-torch's sparsemax is wrong
        check_everything(model)
    else:  # against the same model with the flatten done in Keras' order
        xs = inputs_for(model)
        ref = port.from_keras(model)
        ref.flatten = port.FlattenChannelsLast()
        with torch.no_grad():
            ref.dense.weight.copy_(torch.from_numpy(model.layers[-1].get_weights()[0].T.copy()))
        np.testing.assert_allclose(
            torch_outputs(module, xs)[0], torch_outputs(ref, xs)[0], rtol=1e-5, atol=1e-6
        )


def test_flatten_read_by_two_layers_flattens_channels_last():
    x = keras.Input((3, 4, 2))
    flat = L.Flatten(name="flatten")(x)
    model = functional(x, [L.Dense(2)(flat), L.Dense(3)(flat)])
    module, _ = check_everything(model)
    assert isinstance(module.flatten, port.FlattenChannelsLast)


def small_unet(size=36):
    """Two downsamplings, Conv2DTranspose up, Concatenate skips; 36 → 18 → 9 → 18 → 36."""
    x = keras.Input((size, size, 3), name="image")
    c1 = L.Conv2D(4, 3, padding="same", activation="relu", name="enc1")(x)
    p1 = L.MaxPooling2D(2, name="pool1")(c1)
    c2 = L.Conv2D(8, 3, padding="same", activation="relu", name="enc2")(p1)
    c2 = L.BatchNormalization(name="enc2_bn")(c2)
    p2 = L.MaxPooling2D(2, name="pool2")(c2)
    b = L.Conv2D(8, 3, padding="same", activation="relu", name="bottleneck")(p2)
    u2 = L.Conv2DTranspose(8, 2, strides=2, padding="same", name="up2")(b)
    d2 = L.Concatenate(name="skip2")([u2, c2])
    d2 = L.Conv2D(8, 3, padding="same", activation="relu", name="dec2")(d2)
    u1 = L.UpSampling2D(2, name="up1")(d2)
    d1 = L.Concatenate(name="skip1")([u1, c1])
    d1 = L.Conv2D(4, 3, padding="same", activation="relu", name="dec1")(d1)
    out = L.Conv2D(2, 1, activation="softmax", name="mask")(d1)
    return functional(x, out, name="unet")


def test_small_unet_with_concatenate_skips_at_36():
    _, source = check_everything(small_unet())
    assert "skip2 = torch.cat([up2, enc2_bn], dim=1)" in source
    assert "class Unet(nn.Module):" in source


# ---------------------------------------------------------------------------------------
# the layers real models use
# ---------------------------------------------------------------------------------------


def seq(*layers_, shape=(6, 7, 3), seed=0):
    model = keras.Sequential([keras.Input(shape), *layers_])
    return randomise(model, np.random.default_rng(seed))


LAYER_CASES = {
    "reshape_plain": lambda: seq(L.GlobalAveragePooling2D(), L.Reshape((1, 1, 3))),
    "reshape_order": lambda: seq(L.Conv2D(4, 1), L.Reshape((7, 6, 4)), L.Conv2D(2, 3)),
    "reshape_to_2d": lambda: seq(L.Reshape((21, 4)), L.Conv1D(3, 3), shape=(6, 7, 2)),
    "reshape_unknown": lambda: seq(L.Reshape((-1, 3)), L.Conv1D(2, 2)),
    "permute": lambda: seq(L.Permute((2, 1, 3)), L.Conv2D(2, (1, 3))),
    "permute_channels": lambda: seq(L.Permute((3, 1, 2)), L.Conv2D(2, 1)),
    "rescaling": lambda: seq(L.Rescaling(1 / 255.0, offset=-0.5)),
    "rescaling_per_channel": lambda: seq(L.Rescaling([0.5, 2.0, 3.0], offset=[1.0, 0.0, -1.0])),
    "normalization": lambda: seq(
        L.Normalization(axis=-1, mean=[0.1, 0.2, 0.3], variance=[1.0, 4.0, 0.25])
    ),  # fmt: skip
    "normalization_adapted": lambda: seq(L.Normalization(axis=-1), L.Conv2D(2, 1)),
    "zero_padding_1d": lambda: seq(L.ZeroPadding1D((1, 2)), L.Conv1D(2, 3), shape=(7, 3)),
    "cropping_1d": lambda: seq(L.Cropping1D((2, 1)), L.Conv1D(2, 2), shape=(7, 3)),
    "upsampling_1d": lambda: seq(L.UpSampling1D(3), shape=(5, 2)),
    "relu_threshold": lambda: seq(L.ReLU(threshold=0.3)),
    "relu_all_options": lambda: seq(L.ReLU(max_value=1.5, negative_slope=0.2, threshold=0.2)),
    "relu_max": lambda: seq(L.ReLU(max_value=0.7)),
    "leaky_relu": lambda: seq(L.LeakyReLU()),  # Keras' default slope 0.3
    "prelu_per_element": lambda: seq(L.PReLU()),
    "prelu_shared": lambda: seq(L.PReLU(shared_axes=[1, 2])),
    "prelu_2d": lambda: seq(L.Flatten(), L.PReLU(), shape=(2, 2, 2)),
    "elu": lambda: seq(L.ELU(alpha=0.4)),
    "softmax_axis": lambda: seq(L.Softmax(axis=1)),
    "softmax_last": lambda: seq(L.Softmax()),
    "max_pool_1d_valid": lambda: seq(L.MaxPooling1D(3, 2), shape=(9, 3)),
    "max_pool_1d_same_symmetric": lambda: seq(L.MaxPooling1D(3, 1, padding="same"), shape=(8, 3)),
    "max_pool_1d_same_uneven": lambda: seq(L.MaxPooling1D(2, 2, padding="same"), shape=(7, 3)),
    "max_pool_1d_same_unknown": lambda: seq(L.MaxPooling1D(3, 2, padding="same"), shape=(None, 3)),
    "avg_pool_1d_valid": lambda: seq(L.AveragePooling1D(2), shape=(9, 3)),
    "avg_pool_1d_same_symmetric": lambda: seq(
        L.AveragePooling1D(3, 1, padding="same"), shape=(8, 3)
    ),
    "global_average_1d": lambda: seq(L.GlobalAveragePooling1D(), shape=(7, 3)),
    "global_average_1d_keep": lambda: seq(L.GlobalAveragePooling1D(keepdims=True), shape=(7, 3)),
    "global_max_1d": lambda: seq(L.GlobalMaxPooling1D(), L.Dense(2), shape=(7, 3)),
    "global_max_1d_keep": lambda: seq(L.GlobalMaxPooling1D(keepdims=True), shape=(7, 3)),
    "global_average_2d_keep": lambda: seq(L.GlobalAveragePooling2D(keepdims=True)),
    "batch_norm_no_center_no_scale": lambda: seq(L.BatchNormalization(center=False, scale=False)),
    "batch_norm_no_scale": lambda: seq(L.BatchNormalization(scale=False, axis=1)),
    "layer_norm_2d": lambda: seq(L.Flatten(), L.LayerNormalization(), shape=(2, 2, 2)),
    "layer_norm_channels": lambda: seq(L.LayerNormalization(epsilon=1e-5)),
    "layer_norm_all_axes": lambda: seq(L.LayerNormalization(axis=[1, 2, 3])),
    "layer_norm_no_center": lambda: seq(L.LayerNormalization(center=False), shape=(5, 3)),
    "dense_3d": lambda: seq(L.Dense(4, activation="relu"), shape=(5, 3)),
    "dense_4d": lambda: seq(L.Dense(4, use_bias=False)),
    "identities": lambda: seq(
        L.SpatialDropout2D(0.5),
        L.GaussianNoise(1.0),
        L.GaussianDropout(0.5),
        L.AlphaDropout(0.5),
        L.ActivityRegularization(0.1),
        L.Identity(),
    ),  # fmt: skip
    "spatial_dropout_1d": lambda: seq(L.SpatialDropout1D(0.5), shape=(5, 3)),
}


@pytest.mark.parametrize("case", sorted(LAYER_CASES))
def test_layer_matches_keras(case):
    check_everything(LAYER_CASES[case]())


def test_uneven_same_average_pooling_1d_is_tensorflows_mean_of_real_cells():
    """Keras' torch backend replicates edge values here (as in 2-D); compare checks the
    port against TensorFlow's definition instead, and says so."""
    model = seq(L.Conv1D(3, 1), L.AveragePooling1D(3, 2, padding="same"), shape=(6, 3))
    module = port.from_keras(model)
    assert type(module[1]).__name__ == "AvgPool1dSame"
    x = inputs_for(model)[0]
    inner = keras.ops.convert_to_numpy(model.layers[0](x))
    want = port._np_avg_pool_same(inner, (3,), (2,))
    assert np.abs(torch_outputs(module, [x])[0] - want).max() < 1e-5
    assert np.abs(keras_outputs(model, [x])[0] - want).max() > 1e-3  # Keras-on-torch is off
    report = port.compare(model, module)
    assert report.ok and report.keras_own


# every activation Keras 3 has; sparsemax is checked against its definition below
ACTIVATIONS = sorted(set(port._ACTIVATIONS) - {"sparsemax"})


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_every_keras_activation_matches(name):
    model = seq(L.Conv2D(4, 2, activation=name), L.Activation(name), shape=(4, 5, 2))
    model = keras.Model(model.inputs[0], model.outputs[0])  # functional too
    xs = inputs_for(model)
    assert_matches(port.from_keras(model), keras_outputs(model, xs), xs)


@pytest.mark.parametrize("approximate", [False, True])
def test_gelu_in_both_forms(approximate):
    """Keras' "gelu" is the exact (erf) form; a layer holding
    ``functools.partial(keras.activations.gelu, approximate=True)`` gets the tanh form."""
    layer = L.Activation("gelu")
    layer.activation = functools.partial(keras.activations.gelu, approximate=approximate)
    spec = port.spec._activation(layer, layer.activation)
    module = spec.build({"nn": torch.nn})
    x = np.linspace(-4, 4, 101, dtype="float32")
    ref = keras.ops.convert_to_numpy(keras.activations.gelu(x, approximate=approximate))
    np.testing.assert_allclose(module(torch.from_numpy(x)).numpy(), ref, rtol=1e-5, atol=1e-6)


def test_sparsemax_is_the_projection_onto_the_simplex():
    model = seq(L.Dense(6), L.Activation("sparsemax"), shape=(4,))
    x = inputs_for(model, batch=16)[0]
    got = torch_outputs(port.from_keras(model), [x])[0]
    z = x @ model.layers[0].get_weights()[0] + model.layers[0].get_weights()[1]
    # the definition: out = max(z - tau, 0) with tau chosen so that out sums to 1
    np.testing.assert_allclose(got.sum(axis=1), 1.0, rtol=1e-5)
    tau = z - got
    support = got > 0
    # one tau per row over the support, up to float32 rounding of z - out (tau near 0
    # has no relative slack: the absolute one is float32's at |z| ~ 1)
    np.testing.assert_allclose(
        np.where(support, tau, np.inf).min(1), np.where(support, tau, -np.inf).max(1),
        rtol=1e-5, atol=1e-6,
    )  # fmt: skip
    assert np.all(z[~support] <= np.where(support, tau, np.inf).min(1, keepdims=True)
                  .repeat(6, 1)[~support] + 1e-6)  # fmt: skip
    # Keras 3's torch backend sums the cumulative sums, so its outputs do not sum to 1
    keras_sum = keras_outputs(model, [x])[0].sum(axis=1)
    assert np.abs(keras_sum - 1).max() > 0.1


# ---------------------------------------------------------------------------------------
# refusals name every layer at once
# ---------------------------------------------------------------------------------------


def test_every_unsupported_layer_is_named_in_one_message():
    model = seq(
        L.Conv2D(2, 3, data_format="channels_first", name="cf"),
        L.UnitNormalization(name="unit"),
        L.ReLU(),
        L.Normalization(invert=True, mean=0.0, variance=1.0, name="inv"),
        shape=(6, 7, 3),
    )
    with pytest.raises(port.UnsupportedLayerError) as info:
        port.from_keras(model)
    message = str(info.value)
    assert "3 layers cannot be ported" in message and "\n" not in message
    for part in ["'cf' (Conv2D): data_format", "'unit' (UnitNormalization) has no converter",
                 "'inv' (Normalization): invert=True"]:  # fmt: skip
        assert part in message
    assert "Supported layers: InputLayer" in message


def test_keras_ops_arithmetic_in_a_functional_model_ports():
    """MobileNetV3's hard sigmoid is ``ReLU(6)(x + 3) * (1 / 6)``: keras.ops on tensors."""
    x = keras.Input((5, 5, 3), name="x")
    y = L.Conv2D(3, 1, name="conv")(x)
    hard = L.ReLU(6.0, name="relu6")(y + 3.0) * (1.0 / 6.0)
    z = L.Multiply(name="hard_swish")([y, hard])
    out = (2.0 - z) / 4.0 + keras.ops.divide(z * y - x, 2.0)
    model = functional(x, out)
    _, source = check_everything(model)
    assert "+ 3.0" in source and "* 0.16666666666" in source and "2.0 - hard_swish" in source
    report = port.compare(model, exec_source(source))
    assert report.per_layer and "spelled out in forward" in str(report)


def test_an_unsupported_keras_ops_call_is_named():
    x = keras.Input((4,))
    model = keras.Model(x, keras.ops.exp(L.Dense(2, name="d")(x)))
    with pytest.raises(port.UnsupportedLayerError, match=r"operation '\w+' \(ops.Exp\) has no"):
        port.from_keras(model)


# ---------------------------------------------------------------------------------------
# the registry
# ---------------------------------------------------------------------------------------


def test_supported_layers_come_from_the_registry():
    assert set(port.SUPPORTED_LAYERS) == set(port.CONVERTERS) | {"InputLayer"}
    for name in ["Add", "Concatenate", "Reshape", "Rescaling", "Normalization", "PReLU",
                 "LayerNormalization", "GlobalAveragePooling1D", "ZeroPadding1D"]:  # fmt: skip
        assert name in port.SUPPORTED_LAYERS
    for converter in port.CONVERTERS.values():
        assert converter.summary, converter.function.__name__  # the table's one-line reason


def test_readme_table_is_the_registry():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    table = re.search(r"<!-- port-layers[^>]*-->\n(.*?)\n<!-- /port-layers -->", readme, re.S)
    assert table, "README.md lost its port-layers markers"
    assert table.group(1) == port.layer_table(), "regenerate: python -m samepad_viz.port --list"


def test_a_new_converter_is_one_decorated_function():
    from samepad_viz.port.registry import CONVERTERS

    @port.converts("UnitNormalization")
    def unit_normalization(node):
        """x / ||x|| over the channels (a test converter)."""
        return port.Converted(port.spec._Spec("nn.Identity"), ["unit"])

    try:
        assert "UnitNormalization" in port.supported_layers()
        module = port.from_keras(seq(L.UnitNormalization(name="unit")))
        assert isinstance(module.unit, torch.nn.Identity)
    finally:
        del CONVERTERS["UnitNormalization"]
    assert "UnitNormalization" not in port.supported_layers()


def test_class_source_compiles_and_has_a_comment_per_layer():
    _, source = check_everything(small_unet())
    for name in ["enc1", "pool1", "up2", "skip2", "mask"]:
        assert re.search(rf"# {name}: Keras ", source), name


# ---------------------------------------------------------------------------------------
# random graphs
# ---------------------------------------------------------------------------------------


def random_graph(rng):
    """A random functional model: layers applied to any earlier tensor, merges of tensors
    of one shape, concatenations along any axis, one or two outputs."""
    size = int(rng.integers(4, 9))
    x = keras.Input((size, size + 1, 2), name="x")
    tensors = [x]
    for _ in range(int(rng.integers(3, 9))):
        a = tensors[int(rng.integers(len(tensors)))]
        same = [t for t in tensors if t is not a and tuple(t.shape) == tuple(a.shape)]
        kind = str(rng.choice(["conv", "conv", "bn", "act", "merge", "cat", "dense", "pool"]))
        if kind == "conv":
            k, s = int(rng.integers(1, 4)), int(rng.integers(1, 3))
            y = L.Conv2D(int(rng.integers(1, 4)), k, strides=s, padding="same")(a)
        elif kind == "bn":
            y = L.BatchNormalization(axis=int(rng.choice([-1, 1, 2])))(a)
        elif kind == "act":
            y = L.Activation(str(rng.choice(["relu", "tanh", "swish", "softmax"])))(a)
        elif kind == "merge" and same:
            merge = [L.Add, L.Subtract, L.Multiply, L.Average, L.Maximum, L.Minimum]
            y = merge[int(rng.integers(len(merge)))]()([a, same[0]])
        elif kind == "cat":
            b = same[0] if same else a  # the same tensor twice is fine too
            y = L.Concatenate(axis=int(rng.choice([-1, 1, 2])))([a, b])
        elif kind == "dense":
            y = L.Dense(int(rng.integers(1, 4)))(a)
        else:
            y = L.MaxPooling2D(2, padding="same")(a)
        tensors.append(y)
    outputs = [tensors[-1]]
    if rng.random() < 0.5 and len(tensors) > 2:
        outputs.append(L.Dense(2)(L.Flatten()(tensors[int(rng.integers(1, len(tensors) - 1))])))
    return functional(x, outputs, seed=int(rng.integers(1000)))


@pytest.mark.parametrize("case", range(16))
def test_random_graph_ports(case):
    check_everything(random_graph(np.random.default_rng(500 + case)))


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_a_saved_graph_model_ports_from_its_file(tmp_path, suffix):
    model = small_unet(12)
    model.save(tmp_path / f"unet{suffix}")
    direct = port.from_keras(model).state_dict()
    loaded = port.from_keras(tmp_path / f"unet{suffix}")
    assert loaded.state_dict().keys() == direct.keys()
    for key, value in direct.items():
        torch.testing.assert_close(loaded.state_dict()[key], value, rtol=0, atol=0)


def test_a_corrupt_keras_file_is_not_a_keras_archive(tmp_path):
    (tmp_path / "bad.keras").write_text("not a zip")
    with pytest.raises(ValueError, match="not a .keras archive"):
        port.from_keras(tmp_path / "bad.keras")


def test_every_registered_converter_is_exercised_by_a_test_model():
    """Adding a converter means adding a model that uses it (here or in the generators)."""
    import test_port
    import test_port_applications
    import test_port_more
    import test_port_rank

    models = [build() for build in LAYER_CASES.values()]
    models += [build() for build, _ in test_port_rank.MODELS.values()]
    models += [build() for build in test_port_applications.PATTERNS]
    models += [small_unet(12)]
    models += [random_graph(np.random.default_rng(500 + c)) for c in range(16)]
    models += [test_port.random_model(np.random.default_rng(1000 + c)) for c in range(36)]
    models += [test_port_more.random_model(np.random.default_rng(8000 + c)) for c in range(40)]
    kinds = {node.kind for m in models for node in port.graph.read_graph(m).nodes}
    # exercised by the tests above that build their own models
    kinds |= {"Subtract", "Maximum", "Minimum", "Average", "Multiply", "LeakyReLU", "Dense",
              "GlobalMaxPooling2D", "UpSampling1D", "AveragePooling1D", "ops.Add",
              "ops.Multiply", "ops.Subtract", "ops.TrueDivide", "ops.Divide"}  # fmt: skip
    missing = set(port.CONVERTERS) - kinds
    assert not missing, f"converters no test model uses: {sorted(missing)}"
