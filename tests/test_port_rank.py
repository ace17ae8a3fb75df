"""samepad_viz.port in every rank: the 1-D and 3-D Keras layers (issue 13, "Port").

Each small model (odd and even sizes, strides 1 and 2, random kernels and biases) is
ported with ``from_keras``, written as importing and as standalone source (exec'd), and
compared with Keras 3 on its PyTorch backend within ``RTOL`` of the output's magnitude
(tests/helpers_keras.py); ``compare`` must find every layer within its tolerance. Where
the 'same' split of an average pooling is asymmetric, Keras' torch backend repeats the
edge cell, so those models are compared with TensorFlow's definition
(``tf_same_average_pool``) instead. One 3-D model goes through the command.
"""

import subprocess
import sys

import keras
import numpy as np
import pytest
import torch
from helpers import KERAS_NUMPY2_WARNINGS, tf_same_average_pool
from helpers_keras import RTOL, assert_port_matches, exec_source, standalone_same_layers
from keras import layers as L
from test_port_command import TORCH_ONLY, run_command
from test_port_graphs import randomise
from torch import nn

from samepad_viz import layers, port

pytestmark = [KERAS_NUMPY2_WARNINGS, pytest.mark.usefixtures("one_torch_thread")]


def seq(*stack, shape, seed=0):
    model = keras.Sequential([keras.Input(shape), *stack], name="rank")
    return randomise(model, np.random.default_rng(seed))


# name -> (model builder, torch class the ported layer must be): odd and even sizes,
# strides 1 and 2; the class pins native padding where the split is symmetric and the
# *Same layer (or an explicit pad) where it is not
MODELS = {
    # Conv3D
    "conv3d_same_s1_odd_kernel": (
        lambda: seq(L.Conv3D(3, 3, padding="same"), shape=(5, 6, 4, 2)),
        "Conv3d",
    ),
    "conv3d_same_s1_even_kernel": (
        lambda: seq(L.Conv3D(3, (2, 3, 2), padding="same"), shape=(5, 6, 4, 2)),
        "Conv3dSame",
    ),
    "conv3d_same_s2_odd_even": (
        lambda: seq(L.Conv3D(3, 3, strides=2, padding="same"), shape=(5, 6, 7, 2)),
        "Conv3dSame",
    ),
    "conv3d_same_s2_symmetric": (
        lambda: seq(L.Conv3D(2, 3, strides=2, padding="same"), shape=(5, 7, 3, 2)),
        "Conv3d",
    ),
    "conv3d_same_dilated": (
        lambda: seq(L.Conv3D(2, 2, dilation_rate=2, padding="same"), shape=(4, 5, 6, 2)),
        "Conv3d",
    ),
    "conv3d_valid_s2": (
        lambda: seq(L.Conv3D(3, (2, 3, 2), strides=2, activation="relu"), shape=(6, 7, 5, 2)),
        "Conv3d",
    ),
    # Conv1DTranspose
    "conv1d_transpose_same_s2_crop": (
        lambda: seq(L.Conv1DTranspose(3, 3, strides=2, padding="same"), shape=(7, 2)),
        "ConvTranspose1dSame",
    ),
    "conv1d_transpose_same_s2_exact": (
        lambda: seq(L.Conv1DTranspose(3, 4, strides=2, padding="same"), shape=(6, 2)),
        "ConvTranspose1d",
    ),
    "conv1d_transpose_same_s1_even": (
        lambda: seq(L.Conv1DTranspose(2, 2, padding="same"), shape=(5, 3)),
        "ConvTranspose1dSame",
    ),
    "conv1d_transpose_valid_s2": (
        lambda: seq(L.Conv1DTranspose(3, 3, strides=2), shape=(6, 2)),
        "ConvTranspose1d",
    ),
    "conv1d_transpose_valid_output_padding": (
        lambda: seq(L.Conv1DTranspose(2, 3, strides=2, output_padding=1), shape=(5, 2)),
        "ConvTranspose1d",
    ),
    # Conv3DTranspose
    "conv3d_transpose_same_s2": (
        lambda: seq(L.Conv3DTranspose(3, (3, 2, 4), strides=2, padding="same"), shape=(3, 4, 5, 2)),
        "ConvTranspose3dSame",
    ),
    "conv3d_transpose_same_s1": (
        lambda: seq(L.Conv3DTranspose(2, 3, padding="same"), shape=(3, 4, 5, 2)),
        "ConvTranspose3d",
    ),
    "conv3d_transpose_valid": (
        lambda: seq(L.Conv3DTranspose(2, 2, strides=(1, 2, 2)), shape=(3, 4, 5, 2)),
        "ConvTranspose3d",
    ),
    "conv3d_transpose_output_padding_crop": (
        lambda: seq(
            L.Conv3DTranspose(2, 3, strides=2, padding="same", output_padding=(0, 1, 1)),
            shape=(3, 4, 5, 2),
        ),
        "ConstantPad3d",
    ),
    # MaxPooling3D
    "max_pool_3d_same_s2_uneven": (
        lambda: seq(L.MaxPooling3D(2, 2, padding="same"), shape=(5, 4, 7, 2)),
        "MaxPool3dSame",
    ),
    "max_pool_3d_same_s1_symmetric": (
        lambda: seq(L.MaxPooling3D(3, 1, padding="same"), shape=(5, 4, 7, 2)),
        "MaxPool3d",
    ),
    "max_pool_3d_same_s1_even": (
        lambda: seq(L.MaxPooling3D((2, 3, 2), 1, padding="same"), shape=(4, 5, 3, 2)),
        "MaxPool3dSame",
    ),
    "max_pool_3d_valid": (
        lambda: seq(L.MaxPooling3D((2, 2, 3), (2, 1, 2)), shape=(5, 4, 7, 2)),
        "MaxPool3d",
    ),
    # AveragePooling3D
    "avg_pool_3d_same_s2_symmetric": (
        lambda: seq(L.AveragePooling3D(3, 2, padding="same"), shape=(5, 5, 7, 2)),
        "AvgPool3d",
    ),
    "avg_pool_3d_same_s2_uneven": (
        lambda: seq(L.AveragePooling3D(3, 2, padding="same"), shape=(4, 6, 5, 2)),
        "AvgPool3dSame",
    ),
    "avg_pool_3d_same_s2_k2_odd": (
        lambda: seq(L.AveragePooling3D(2, 2, padding="same"), shape=(5, 4, 7, 2)),
        "AvgPool3dSame",
    ),
    "avg_pool_3d_same_s1_even": (
        lambda: seq(L.AveragePooling3D((2, 3, 2), 1, padding="same"), shape=(4, 5, 3, 2)),
        "AvgPool3dSame",
    ),
    "avg_pool_3d_valid": (
        lambda: seq(L.AveragePooling3D(2), shape=(5, 4, 7, 2)),
        "AvgPool3d",
    ),
    # MaxPooling1D / AveragePooling1D 'same' with an uneven split: the 1-D *Same pools
    "max_pool_1d_same_s2_odd": (
        lambda: seq(L.MaxPooling1D(2, 2, padding="same"), shape=(7, 3)),
        "MaxPool1dSame",
    ),
    "max_pool_1d_same_s1_even_kernel": (
        lambda: seq(L.MaxPooling1D(4, 1, padding="same"), shape=(8, 3)),
        "MaxPool1dSame",
    ),
    "avg_pool_1d_same_s2_odd": (
        lambda: seq(L.AveragePooling1D(2, 2, padding="same"), shape=(7, 3)),
        "AvgPool1dSame",
    ),
    "avg_pool_1d_same_s3_even": (
        lambda: seq(L.AveragePooling1D(4, 3, padding="same"), shape=(10, 3)),
        "AvgPool1dSame",
    ),
    "avg_pool_1d_same_s1_even_kernel": (
        lambda: seq(L.AveragePooling1D(2, 1, padding="same"), shape=(8, 3)),
        "AvgPool1dSame",
    ),
    # global pooling 3-D
    "global_average_3d_keepdims": (
        lambda: seq(L.GlobalAveragePooling3D(keepdims=True), shape=(3, 4, 5, 2)),
        "AdaptiveAvgPool3d",
    ),
    "global_max_3d_keepdims": (
        lambda: seq(L.GlobalMaxPooling3D(keepdims=True), shape=(3, 4, 5, 2)),
        "AdaptiveMaxPool3d",
    ),
    "global_max_3d_dense": (
        lambda: seq(L.GlobalMaxPooling3D(), L.Dense(2), shape=(3, 4, 5, 2)),
        "AdaptiveMaxPool3d",
    ),
    "global_average_3d": (
        lambda: seq(L.GlobalAveragePooling3D(), shape=(4, 3, 2, 3)),
        "AdaptiveAvgPool3d",
    ),
    # padding, cropping, upsampling
    "zero_padding_3d": (
        lambda: seq(L.ZeroPadding3D(((1, 2), (0, 1), (2, 0))), L.Conv3D(2, 2), shape=(3, 4, 5, 2)),
        "ConstantPad3d",
    ),
    "cropping_3d": (
        lambda: seq(L.Cropping3D(((1, 0), (0, 1), (2, 1))), L.Conv3D(2, 1), shape=(3, 4, 5, 2)),
        "ConstantPad3d",
    ),
    "upsampling_1d": (lambda: seq(L.UpSampling1D(3), L.Conv1D(2, 2), shape=(5, 2)), "Upsample"),
    "upsampling_3d": (
        lambda: seq(L.UpSampling3D((2, 1, 3)), L.Conv3D(2, 1), shape=(3, 4, 5, 2)),
        "Upsample",
    ),
    # the rank-generic layers a 3-D model also needs
    "batch_norm_3d_flatten_dense": (
        lambda: seq(
            L.Conv3D(3, 2, padding="same"),
            L.BatchNormalization(),
            L.SpatialDropout3D(0.3),
            L.Flatten(),
            L.Dense(2),
            shape=(3, 4, 5, 2),
        ),
        "BatchNorm3d",
    ),
    "flatten_3d_channels_last": (
        lambda: seq(L.Conv3D(2, 1), L.Flatten(), shape=(2, 3, 2, 2)),
        "FlattenChannelsLast",
    ),
    # depthwise and separable 1-D
    "depthwise_1d_same_s2_uneven": (
        lambda: seq(L.DepthwiseConv1D(4, 2, depth_multiplier=2, padding="same"), shape=(9, 3)),
        "ConstantPad1d",
    ),
    "depthwise_1d_same_s1_odd": (
        lambda: seq(L.DepthwiseConv1D(3, padding="same", activation="relu"), shape=(8, 3)),
        "Conv1d",
    ),
    "depthwise_1d_valid_dilated": (
        lambda: seq(L.DepthwiseConv1D(2, dilation_rate=2, use_bias=False), shape=(8, 3)),
        "Conv1d",
    ),
    "separable_1d_same_s2_even": (
        lambda: seq(L.SeparableConv1D(4, 3, 2, depth_multiplier=2, padding="same"), shape=(8, 3)),
        "ConstantPad1d",
    ),
    "separable_1d_same_s2_odd": (
        lambda: seq(L.SeparableConv1D(4, 3, 2, padding="same"), shape=(9, 3)),
        "Conv1d",
    ),
    "separable_1d_valid": (
        lambda: seq(L.SeparableConv1D(2, 2, activation="relu"), shape=(7, 3)),
        "Conv1d",
    ),
}


def _splits(layer, model):
    from samepad_viz import arithmetic

    spatial = model.input_shape[1:-1]
    return arithmetic.same_padding(spatial, layer.pool_size, layer.strides)


def tf_average(x, pool, strides):
    """``tf_same_average_pool`` on each sample and channel of channels-last ``x``."""
    per_channel = [
        [tf_same_average_pool(sample[..., c], pool, strides) for c in range(x.shape[-1])]
        for sample in x
    ]
    return np.stack([np.stack(chans, axis=-1) for chans in per_channel]).astype(np.float32)


def reference(model, x):
    """Keras' output; TensorFlow's definition where Keras' torch backend repeats the edge."""
    layer = model.layers[0]
    if (
        isinstance(layer, (L.AveragePooling1D, L.AveragePooling3D))
        and layer.padding == "same"
        and any(b != a for b, a in _splits(layer, model))
    ):
        return tf_average(x, layer.pool_size, layer.strides)
    return keras.ops.convert_to_numpy(model(x, training=False))


MAX_DIFFS = {}  # name -> max |port - reference| over from_keras and both sources


@pytest.mark.parametrize("name", sorted(MODELS))
def test_new_layer_ports_exactly(name):
    build, torch_class = MODELS[name]
    model = build()
    x = np.random.default_rng(1).standard_normal((2, *model.input_shape[1:])).astype("float32")
    ref = reference(model, x)
    module = port.from_keras(model)
    classes = [type(m).__name__ for m in module.modules()]
    assert torch_class in classes, classes
    assert not any(c.startswith(("Max", "Avg")) and "2d" in c for c in classes), classes
    diffs = [assert_port_matches(module, x, ref)]
    for standalone in (False, True):
        source = port.to_torch_source(model, standalone=standalone)
        if standalone:
            assert "samepad_viz" not in source.split('"""', 2)[2]
        ported = exec_source(source)
        ported.load_state_dict(module.state_dict())
        diffs.append(assert_port_matches(ported, x, ref))
    report = port.compare(model, module)
    assert report.ok, str(report)
    MAX_DIFFS[name] = max(diffs)


@pytest.mark.parametrize("name", ["avg_pool_3d_same_s2_uneven", "avg_pool_1d_same_s3_even"])
def test_keras_own_average_pooling_repeats_the_edge_and_compare_says_so(name):
    """Why those models are compared with TensorFlow's definition: Keras on torch is off."""
    model = MODELS[name][0]()
    x = np.random.default_rng(1).standard_normal((2, *model.input_shape[1:])).astype("float32")
    keras_out = keras.ops.convert_to_numpy(model(x))
    assert np.abs(keras_out - reference(model, x)).max() > 1e-3
    report = port.compare(model, port.from_keras(model))
    assert report.ok and report.keras_own


def test_uneven_1d_pooling_source_reads_as_one_layer():
    """No height-1 view any more: the uneven 1-D pools are one *Same layer each."""
    model = MODELS["avg_pool_1d_same_s2_odd"][0]()
    source = port.to_torch_source(model)
    assert "from samepad_viz.layers import AvgPool1dSame" in source
    assert "AvgPool1dSame(2, stride=2)" in source
    assert "Unflatten" not in source and "2d" not in source
    standalone = port.to_torch_source(model, standalone=True)
    assert "class AvgPool1dSame(nn.Module):" in standalone and "F.avg_pool1d" in standalone


def test_standalone_1d_and_3d_same_layers_equal_samepad_viz_layers():
    namespace = standalone_same_layers()
    rng = np.random.default_rng(13)
    torch.manual_seed(0)
    for n in (1, 3):
        for _ in range(12):
            size = tuple(int(v) for v in rng.integers(1, 8, n))
            k = tuple(int(v) for v in rng.integers(1, 4, n))
            s = tuple(int(v) for v in rng.integers(1, 3, n))
            d = tuple(int(v) for v in rng.integers(1, 3, n))
            x = torch.randn(2, 4, *size)
            for name, args, kwargs in (
                (f"Conv{n}dSame", (4, 2, k), {"stride": s, "dilation": d, "groups": 2}),
                (f"ConvTranspose{n}dSame", (4, 2, k), {"stride": s, "dilation": d}),
            ):
                ours = getattr(layers, name)(*args, **kwargs)
                theirs = namespace[name](*args, **kwargs)
                theirs.load_state_dict(ours.state_dict())
                torch.testing.assert_close(theirs(x), ours(x), rtol=1e-5, atol=1e-6)
            for name in (f"MaxPool{n}dSame", f"AvgPool{n}dSame"):
                expected = getattr(layers, name)(k, s)(x)
                torch.testing.assert_close(namespace[name](k, s)(x), expected, rtol=1e-5, atol=1e-6)


def small_3d_unet():
    """A 3-D U-Net step: 'same' convs on an odd volume, a pool with an uneven split, an
    upsampling, a crop to match, a concatenation, a transposed conv and a global pool."""
    x = keras.Input((5, 6, 7, 2), name="volume")
    a = L.Conv3D(4, 3, padding="same", activation="relu", name="enc")(x)
    p = L.MaxPooling3D(2, padding="same", name="pool")(a)
    b = L.Conv3D(4, 2, padding="same", name="mid")(p)
    u = L.UpSampling3D(2, name="up")(b)
    u = L.Cropping3D(((0, 1), (0, 0), (0, 1)), name="crop")(u)
    c = L.Concatenate(name="skip")([a, u])
    t = L.Conv3DTranspose(2, 3, strides=2, padding="same", name="upconv")(c)
    g = L.GlobalAveragePooling3D(keepdims=True, name="gap")(t)
    model = keras.Model(x, [t, g], name="unet3d")
    return randomise(model, np.random.default_rng(7))


def test_a_3d_model_ports_with_the_command_and_runs_with_only_torch(tmp_path):
    model = small_3d_unet()
    model.save(tmp_path / "unet3d.keras")
    result = run_command("unet3d.keras", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    source = (tmp_path / "unet3d.py").read_text()
    assert "class MaxPool3dSame(nn.Module):" in source and "class ConvTranspose3dSame(" in source
    x = np.random.default_rng(1).standard_normal((2, 5, 6, 7, 2)).astype("float32")
    np.save(tmp_path / "x.npy", np.ascontiguousarray(np.moveaxis(x, -1, 1)))
    subprocess.run(
        [sys.executable, "-c", TORCH_ONLY, tmp_path / "unet3d.py", tmp_path / "out.npz",
         tmp_path / "x.npy"],
        check=True, capture_output=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    got = np.load(tmp_path / "out.npz")
    refs = [keras.ops.convert_to_numpy(r) for r in model(x, training=False)]
    for i, ref in enumerate(refs):
        out = np.moveaxis(got[f"arr_{i}"], 1, -1)
        assert out.shape == ref.shape
        assert np.abs(out - ref).max() <= RTOL * max(1.0, float(np.abs(ref).max()))


def test_every_new_converter_has_a_model_here():
    kinds = {
        node.kind for build, _ in MODELS.values() for node in port.graph.read_graph(build()).nodes
    }
    new = {
        "Conv3D", "Conv1DTranspose", "Conv3DTranspose", "MaxPooling1D", "MaxPooling3D",
        "AveragePooling1D", "AveragePooling3D", "GlobalAveragePooling3D", "GlobalMaxPooling3D",
        "ZeroPadding3D", "Cropping3D", "UpSampling1D", "UpSampling3D", "DepthwiseConv1D",
        "SeparableConv1D", "SpatialDropout3D",
    }  # fmt: skip
    assert new <= kinds, sorted(new - kinds)
    assert new <= set(port.CONVERTERS)


@pytest.mark.parametrize(
    "keras_layer, bad, shape",
    [
        (L.Conv3D(2, 3, strides=2, padding="same"), nn.Conv3d(2, 2, 3, 2, padding=1), (6, 5, 4, 2)),
        (L.MaxPooling1D(3, 2, padding="same"), nn.MaxPool1d(3, 2, padding=1), (8, 2)),
    ],
)
def test_compare_names_a_wrong_split_in_1d_and_3d(keras_layer, bad, shape):
    """The folklore padding=1 for a 3-wide kernel at stride 2, where TensorFlow pads
    (0, 1) on an even size: compare names the split, per dimension."""
    model = seq(keras_layer, shape=shape)
    good = port.from_keras(model)
    bad.load_state_dict(good[0].state_dict())
    broken = nn.Sequential()
    broken.add_module(model.layers[0].name, bad)
    report = port.compare(model, broken)
    assert report.first_divergence is report.rows[0]
    assert "padding split" in report.cause and "(0, 1)" in report.cause, report.cause
    assert port.compare(model, good).ok


def test_unknown_sizes_fall_back_to_the_same_layers_in_1d_and_3d():
    """With the size unknown at port time the split is found at run time, in every rank."""
    model = seq(
        L.Conv3D(2, 3, strides=2, padding="same"),
        L.AveragePooling3D(2, padding="same"),
        shape=(None, None, None, 2),
    )
    module = port.from_keras(model)
    assert [type(m).__name__ for m in module] == ["Conv3dSame", "AvgPool3dSame"]
    x = np.random.default_rng(2).standard_normal((2, 6, 5, 7, 2)).astype("float32")
    inner = keras.ops.convert_to_numpy(model.layers[0](x))
    assert_port_matches(module, x, tf_average(inner, (2, 2, 2), (2, 2, 2)))
    model = seq(
        L.MaxPooling1D(3, 2, padding="same"), L.Conv1D(2, 4, padding="same"), shape=(None, 2)
    )
    module = port.from_keras(model)
    assert [type(m).__name__ for m in module] == ["MaxPool1dSame", "Conv1dSame"]
    for length in (7, 8):
        x = np.random.default_rng(length).standard_normal((2, length, 2)).astype("float32")
        assert_port_matches(module, x, keras.ops.convert_to_numpy(model(x)))
