"""samepad_viz.port for issue 8's layers, PortReport's printed form, and the command.

Layers: Conv2DTranspose, Conv1D (all paddings, 'causal' included), DepthwiseConv2D,
SeparableConv2D, UpSampling2D (nearest and bilinear), GlobalMaxPooling2D, Cropping2D —
ported, written as source (imports and standalone) and compared with Keras 3 on its
PyTorch backend, within 1e-5 of the output's magnitude. None of these layers is one
where that backend is wrong (tests/test_port.py covers the one that is, average pooling).

The command ``python -m samepad_viz.port`` runs in a subprocess on files in tmp_path.
"""

import html
import os
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
import torch
from helpers import KERAS_NUMPY2_WARNINGS
from helpers_keras import RTOL, assert_port_matches, exec_source, to_nchw, to_nhwc
from keras import layers as L

from samepad_viz import layers, port

pytestmark = KERAS_NUMPY2_WARNINGS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def max_diff(torch_module, model, x):
    """Against the whole Keras model (none of these layers is one Keras-on-torch gets wrong)."""
    ref = keras.ops.convert_to_numpy(model(x, training=False))
    return assert_port_matches(torch_module, x, ref)


def check_everything(model, x):
    """from_keras, both sources and compare agree with Keras; returns the ported module."""
    module = port.from_keras(model)
    max_diff(module, model, x)
    for standalone in (False, True):
        source = port.to_torch_source(model, standalone=standalone)
        if standalone:
            assert "samepad_viz" not in source.split('"""', 2)[2]
        ported = exec_source(source)
        assert ported.state_dict().keys() == module.state_dict().keys()
        ported.load_state_dict(module.state_dict())
        max_diff(ported, model, x)
    report = port.compare(model, module, model.input_shape[1:])
    assert report.ok, str(report)
    return module


def randomise(model, rng):
    for layer in model.layers:
        weights = layer.get_weights()
        if weights:
            layer.set_weights([rng.normal(0, 0.5, w.shape).astype("float32") for w in weights])


# ---------------------------------------------------------------------------------------
# random models over issue 8's layers
# ---------------------------------------------------------------------------------------

NEW_LAYERS = {
    "Conv2DTranspose",
    "Conv1D",
    "DepthwiseConv2D",
    "SeparableConv2D",
    "UpSampling2D",
    "GlobalMaxPooling2D",
    "Cropping2D",
}


def random_model(rng):
    """A small Sequential mixing the new layers (and a Conv2D), valid for its input."""
    if rng.random() < 0.2:
        length = int(rng.integers(3, 14))
        model = keras.Sequential([keras.Input((length, int(rng.integers(1, 4))))])
        for _ in range(int(rng.integers(1, 4))):
            k, dilate = int(rng.integers(1, 5)), rng.random() < 0.3
            s = 1 if dilate else int(rng.integers(1, 4))
            d = int(rng.integers(2, 4)) if dilate else 1
            padding = str(rng.choice(["valid", "same", "causal", "causal"]))
            if padding == "valid" and d * (k - 1) + 1 > length:
                padding = "causal"
            model.add(
                L.Conv1D(int(rng.integers(1, 4)), k, strides=s, dilation_rate=d, padding=padding,
                         activation=str(rng.choice(["linear", "relu", "tanh"])))
            )  # fmt: skip
            length = model.output_shape[1]
        randomise(model, rng)
        return model
    hw = [int(rng.integers(3, 10)), int(rng.integers(3, 10))]
    model = keras.Sequential([keras.Input((*hw, 2))])
    kinds = ["transpose", "transpose", "depthwise", "separable", "up", "crop", "conv"]
    for _ in range(int(rng.integers(1, 5))):
        if len(model.layers):
            hw = list(model.output_shape[1:3])
        kind = rng.choice(kinds)
        k = [int(rng.integers(1, 5)) for _ in range(2)]
        dilate = rng.random() < 0.25
        s = [1, 1] if dilate else [int(rng.integers(1, 4)) for _ in range(2)]
        d = [int(rng.integers(1, 3)) for _ in range(2)] if dilate else [1, 1]
        eff = [dd * (kk - 1) + 1 for kk, dd in zip(k, d, strict=True)]
        padding = str(rng.choice(["valid", "same"]))
        act = str(rng.choice(["linear", "linear", "relu", "sigmoid"]))
        bias = bool(rng.random() < 0.8)
        if kind == "transpose":
            if max(hw) > 12:
                continue
            op = None
            if max(s) > 1 and rng.random() < 0.6:
                op = [int(rng.integers(0, ss)) for ss in s]
                if padding == "same":  # TensorFlow refuses 0 with an even K_eff
                    op = [1 if o == 0 and e % 2 == 0 else o for o, e in zip(op, eff, strict=True)]
                if any(o >= ss for o, ss in zip(op, s, strict=True)):
                    op = None
            model.add(L.Conv2DTranspose(int(rng.integers(1, 4)), k, strides=s, padding=padding,
                                        output_padding=op, dilation_rate=d, use_bias=bias,
                                        activation=act))  # fmt: skip
        elif kind in ("depthwise", "separable", "conv"):
            if any(e > w for e, w in zip(eff, hw, strict=True)):
                padding = "same"
            common = dict(
                strides=s, padding=padding, dilation_rate=d, use_bias=bias, activation=act
            )
            if kind == "depthwise":
                layer = L.DepthwiseConv2D(k, depth_multiplier=int(rng.integers(1, 3)), **common)
            elif kind == "separable":
                layer = L.SeparableConv2D(
                    int(rng.integers(1, 4)), k, depth_multiplier=int(rng.integers(1, 3)), **common
                )
            else:
                layer = L.Conv2D(int(rng.integers(1, 4)), k, **common)
            model.add(layer)
        elif kind == "up":
            if max(hw) > 12:
                continue
            size = [int(rng.integers(1, 4)) for _ in range(2)]
            model.add(L.UpSampling2D(size, interpolation=str(rng.choice(["nearest", "bilinear"]))))
        elif kind == "crop":
            crop = [
                [int(rng.integers(0, (w - 1) // 2 + 1)), int(rng.integers(0, (w - 1) // 2 + 1))]
                for w in hw
            ]
            model.add(L.Cropping2D(crop))
    tail = rng.choice(["none", "gmp", "gmp_keep"])
    if tail != "none":
        model.add(L.GlobalMaxPooling2D(keepdims=tail == "gmp_keep"))
        if tail == "gmp":
            model.add(L.Dense(2))
    randomise(model, rng)
    return model


@pytest.mark.parametrize("case", range(40))
def test_random_model_with_new_layers_port_and_source_match_keras(case):
    rng = np.random.default_rng(8000 + case)
    model = random_model(rng)
    x = rng.standard_normal((2, *model.input_shape[1:])).astype("float32")
    check_everything(model, x)


def test_random_models_cover_every_new_layer_and_option():
    kinds, options = set(), set()
    for case in range(40):
        for layer in random_model(np.random.default_rng(8000 + case)).layers:
            kinds.add(type(layer).__name__)
            cfg = layer.get_config()
            options.add((type(layer).__name__, cfg.get("padding"), cfg.get("interpolation")))
            if cfg.get("output_padding") is not None:
                options.add(("output_padding", cfg["padding"]))
    assert kinds >= NEW_LAYERS
    for option in [
        ("Conv1D", "causal", None),
        ("Conv1D", "same", None),
        ("Conv2DTranspose", "same", None),
        ("Conv2DTranspose", "valid", None),
        ("UpSampling2D", None, "bilinear"),
        ("UpSampling2D", None, "nearest"),
        ("output_padding", "same"),
        ("output_padding", "valid"),
    ]:
        assert option in options, option


# ---------------------------------------------------------------------------------------
# specific translations
# ---------------------------------------------------------------------------------------


def _seq(*layers_, shape=(6, 7, 2)):
    model = keras.Sequential([keras.Input(shape), *layers_])
    randomise(model, np.random.default_rng(len(model.layers)))
    return model


def _x(shape, seed=0):
    return np.random.default_rng(seed).standard_normal((2, *shape)).astype("float32")


@pytest.mark.parametrize(
    "kwargs, cls, padding, output_padding",
    [
        (dict(kernel_size=4, strides=2, padding="same"), torch.nn.ConvTranspose2d, 1, 0),
        (dict(kernel_size=3, strides=2, padding="same"), layers.ConvTranspose2dSame, 0, 0),
        (dict(kernel_size=1, strides=3, padding="same"), torch.nn.ConvTranspose2d, 0, 2),
        (dict(kernel_size=1, strides=3, padding="valid"), torch.nn.ConvTranspose2d, 0, 2),
        (dict(kernel_size=5, strides=2, padding="valid"), torch.nn.ConvTranspose2d, 0, 0),
        (
            dict(kernel_size=3, strides=2, padding="same", output_padding=0),
            torch.nn.ConvTranspose2d,
            1,
            0,
        ),
        (
            dict(kernel_size=3, strides=2, padding="valid", output_padding=1),
            torch.nn.ConvTranspose2d,
            0,
            1,
        ),
    ],
)
def test_conv2d_transpose_uses_padding_and_output_padding_and_crops_only_when_needed(
    kwargs, cls, padding, output_padding
):
    model = _seq(L.Conv2DTranspose(3, **kwargs))
    module = check_everything(model, _x((6, 7, 2)))
    conv = list(module.children())[0]
    assert type(conv) is cls
    assert conv.padding == (padding, padding) and conv.output_padding == (output_padding,) * 2
    assert conv.weight.shape[:2] == (2, 3)  # (in, out, kh, kw)


def test_conv2d_transpose_with_an_odd_removal_and_output_padding_crops_with_zero_pad():
    # 'same', K=4, S=2, output_padding=1: T = 2·2 − 1 = 3 cells removed, 1 at the start
    model = _seq(L.Conv2DTranspose(3, 4, strides=2, padding="same", output_padding=1))
    module = check_everything(model, _x((6, 7, 2)))
    child = list(module.children())[0]
    assert isinstance(child.crop, torch.nn.ZeroPad2d) and child.crop.padding == (0, -1, 0, -1)
    assert child.conv.padding == (1, 1)


def test_conv2d_transpose_tensorflow_refuses_is_unsupported_and_says_why():
    model = _seq(L.Conv2DTranspose(3, 2, strides=2, padding="same", output_padding=0))
    with pytest.raises(port.UnsupportedLayerError, match="TensorFlow refuses it"):
        port.from_keras(model)


@pytest.mark.parametrize("padding", ["causal", "same", "valid"])
@pytest.mark.parametrize("kernel, stride, dilation", [(3, 1, 2), (4, 2, 1), (2, 3, 1)])
def test_conv1d_every_padding(padding, kernel, stride, dilation):
    model = _seq(
        L.Conv1D(3, kernel, strides=stride, dilation_rate=dilation, padding=padding),
        shape=(11, 2),
    )
    module = check_everything(model, _x((11, 2)))
    if padding == "causal":
        pad = list(module.children())[0].pad
        assert pad.padding == (dilation * (kernel - 1), 0)


def test_conv1d_with_an_unknown_length_uses_conv1d_same():
    model = _seq(L.Conv1D(3, 4, strides=2, padding="same"), shape=(None, 2))
    module = port.from_keras(model)
    assert isinstance(list(module.children())[0], layers.Conv1dSame)
    for length in (7, 8):
        max_diff(module, model, _x((length, 2), length))


def test_depthwise_and_separable_keep_keras_channel_order():
    model = _seq(
        L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=3),
        L.SeparableConv2D(4, 3, padding="same", depth_multiplier=2, activation="relu"),
        shape=(8, 8, 2),
    )
    module = check_everything(model, _x((8, 8, 2)))
    depthwise, separable = list(module.children())
    assert isinstance(depthwise, layers.Conv2dSame) and depthwise.groups == 2
    assert separable.depthwise.groups == 6 and separable.pointwise.kernel_size == (1, 1)
    assert separable.depthwise.bias is None


def bilinear_half_pixel(x, factor):
    """tf.image.resize's bilinear upsampling (half-pixel centres), one axis at a time."""
    for axis, f in zip((1, 2), factor, strict=True):
        n = x.shape[axis]
        src = np.clip((np.arange(n * f) + 0.5) / f - 0.5, 0, n - 1)
        lo = np.floor(src).astype(int)
        hi = np.minimum(lo + 1, n - 1)
        w = (src - lo).reshape([-1 if a == axis else 1 for a in range(x.ndim)])
        x = np.take(x, lo, axis=axis) * (1 - w) + np.take(x, hi, axis=axis) * w
    return x


def test_upsampling_bilinear_is_half_pixel_align_corners_false():
    model = _seq(L.UpSampling2D((2, 3), interpolation="bilinear"), shape=(4, 5, 2))
    x = _x((4, 5, 2))
    keras_out = keras.ops.convert_to_numpy(model(x))
    np.testing.assert_allclose(keras_out, bilinear_half_pixel(x, (2, 3)), rtol=1e-5, atol=1e-6)
    up = list(check_everything(model, x).children())[0]
    assert up.mode == "bilinear" and up.align_corners is False
    corners = torch.nn.Upsample(scale_factor=(2, 3), mode="bilinear", align_corners=True)
    assert np.abs(to_nhwc(corners(to_nchw(x))) - keras_out).max() > 0.1


def test_cropping_and_global_max_pooling():
    model = _seq(L.Cropping2D(((1, 0), (2, 1))), L.GlobalMaxPooling2D())
    module = check_everything(model, _x((6, 7, 2)))
    crop, pool = list(module.children())
    assert crop.padding == (-2, -1, -1, 0)
    assert isinstance(pool.pool, torch.nn.AdaptiveMaxPool2d)


def test_standalone_new_same_layers_equal_samepad_viz_layers():
    namespace = {}
    exec(
        "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n"
        + port._standalone_definitions(["Conv1dSame", "ConvTranspose2dSame"]),
        namespace,
    )
    rng = np.random.default_rng(9)
    torch.manual_seed(0)
    for _ in range(60):
        k, s, d = (int(v) for v in rng.integers(1, 5, 3))
        d = min(d, 3)
        length = int(rng.integers(1, 15))
        ours = layers.Conv1dSame(4, 2, k, s, d, groups=2)
        theirs = namespace["Conv1dSame"](4, 2, k, s, d, groups=2)
        theirs.load_state_dict(ours.state_dict())
        x = torch.randn(2, 4, length)
        torch.testing.assert_close(theirs(x), ours(x), rtol=1e-5, atol=1e-6)
        kk = tuple(int(v) for v in rng.integers(1, 6, 2))
        ss = tuple(int(v) for v in rng.integers(1, 4, 2))
        dd = tuple(int(v) for v in rng.integers(1, 3, 2))
        ours = layers.ConvTranspose2dSame(3, 2, kk, ss, dd)
        theirs = namespace["ConvTranspose2dSame"](3, 2, kk, ss, dd)
        theirs.load_state_dict(ours.state_dict())
        x = torch.randn(2, 3, *(int(v) for v in rng.integers(1, 8, 2)))
        torch.testing.assert_close(theirs(x), ours(x), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------------------
# PortReport prints the same on every machine
# ---------------------------------------------------------------------------------------


def test_report_prints_differences_within_tolerance_machine_independently():
    model = _seq(L.Conv2D(8, 3, padding="same"), L.Conv2DTranspose(4, 3, strides=2, padding="same"))
    report = port.compare(model, port.from_keras(model), (6, 7, 2))
    assert report.ok
    text = str(report)
    assert repr(report) == text
    assert not re.search(r"\d\.\d+e-0[6-9]", text), text  # no rounding-level digits
    for row in report.rows:
        assert row.max_abs_diff <= row.tolerance  # exact values kept as attributes
        assert row.diff_text().startswith("< ") or row.diff_text() == "ok"
        assert row.diff_text() in text
        assert html.escape(row.diff_text()) in report._repr_html_()
    assert "within tolerance at every layer" in text
    assert isinstance(report.max_abs_diff, float)


def test_report_prints_real_differences_with_their_value():
    model = _seq(L.Conv2D(4, 3, strides=2, padding="same"), shape=(8, 8, 3))
    bad = torch.nn.Sequential()
    good = port.from_keras(model)
    conv = torch.nn.Conv2d(3, 4, 3, stride=2, padding=1)
    conv.load_state_dict(list(good.children())[0].state_dict())
    bad.add_module(model.layers[0].name, conv)
    report = port.compare(model, bad, (8, 8, 3))
    assert not report.ok
    assert f"{report.rows[0].max_abs_diff:.3g}" in repr(report)
    assert "max abs diff " + f"{report.max_abs_diff:.3g}" in repr(report)


# ---------------------------------------------------------------------------------------
# python -m samepad_viz.port
# ---------------------------------------------------------------------------------------


def run_command(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}  # the command sets it
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    env.setdefault("OMP_NUM_THREADS", "1")
    return subprocess.run(
        [sys.executable, "-m", "samepad_viz.port", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def decoder():
    model = _seq(
        L.Conv2D(6, 3, strides=2, padding="same", activation="relu"),
        L.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu"),
        L.SeparableConv2D(3, 3, padding="same"),
        L.UpSampling2D(2),
        L.Cropping2D(((1, 1), (0, 2))),
        L.AveragePooling2D(3, 2, padding="same"),  # where Keras' torch backend is wrong
        shape=(8, 9, 3),
    )
    return model


@pytest.fixture(scope="module")
def ported_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("command")
    model = decoder()
    model.save(folder / "decoder.keras")
    result = run_command("decoder.keras", cwd=folder)
    return folder, model, result


def test_command_writes_source_and_weights_and_exits_0(ported_files):
    folder, model, result = ported_files
    assert result.returncode == 0, result.stderr
    assert (folder / "decoder.py").is_file() and (folder / "decoder.pt").is_file()
    for layer in model.layers:
        assert layer.name in result.stdout  # the table
        assert re.search(rf"\[\d/6\] {layer.name} \(", result.stderr)  # a progress line each
    assert "torch backend" in result.stderr
    # the layer Keras' own PyTorch backend gets wrong is checked against TensorFlow's rule
    assert "Keras' torch backend differs from TensorFlow" in result.stdout
    assert "checked against TensorFlow's definition" in result.stdout
    assert "samepad_viz" not in (folder / "decoder.py").read_text().split('"""', 2)[2]


def test_written_source_run_as_a_file_loads_the_weights_and_reproduces_keras(ported_files):
    folder, model, _ = ported_files
    code = (
        "import runpy, sys, numpy as np, torch; "
        "m = runpy.run_path(sys.argv[1])['model']; "
        "x = torch.from_numpy(np.load(sys.argv[2])); "
        "np.save(sys.argv[3], m(x).detach().numpy())"
    )
    x = _x((8, 9, 3), 5)
    np.save(folder / "x.npy", np.ascontiguousarray(np.moveaxis(x, -1, 1)))
    other = folder / "elsewhere"
    other.mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, "-c", code, folder / "decoder.py", folder / "x.npy", folder / "y.npy"],
        cwd=other, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    got = np.moveaxis(np.load(folder / "y.npy"), 1, -1)
    ref = x
    for layer in model.layers[:-1]:
        ref = keras.ops.convert_to_numpy(layer(ref))
    ref = port._np_avg_pool_same(ref, (3, 3), (2, 2))  # TensorFlow's average pooling
    assert np.abs(got - ref).max() <= RTOL * max(1.0, float(np.abs(ref).max()))
    # exec'd from a string, the same text keeps its initial weights
    from_string = exec_source((folder / "decoder.py").read_text())
    saved = torch.load(folder / "decoder.pt", weights_only=True)
    assert from_string.state_dict().keys() == saved.keys()
    assert not all(torch.equal(from_string.state_dict()[k], saved[k]) for k in saved)


def test_command_exits_1_when_a_checked_port_differs(ported_files):
    folder, _, _ = ported_files
    state = torch.load(folder / "decoder.pt", weights_only=True)
    name = next(k for k in state if k.endswith("weight"))
    state[name] = state[name] * 1.5  # a port whose weights were copied wrong
    torch.save(state, folder / "broken.pt")
    (folder / "broken.py").write_text(
        (folder / "decoder.py").read_text().replace("'decoder.pt'", "'broken.pt'")
    )
    result = run_command("decoder.keras", "-o", "broken.py", "--check", cwd=folder)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "first divergence" in result.stdout and name.split(".")[0] in result.stdout


def test_command_exits_2_naming_every_unsupported_layer_in_one_line(tmp_path):
    model = _seq(
        L.Conv2D(2, 3),
        L.UnitNormalization(name="norm"),
        L.Conv2D(2, 1, data_format="channels_first", name="cf"),
    )
    model.save(tmp_path / "m.h5")
    result = run_command("m.h5", cwd=tmp_path)
    assert result.returncode == 2
    (line,) = [t for t in result.stderr.splitlines() if "cannot port" in t]
    assert "'norm' (UnitNormalization)" in line and "'cf' (Conv2D): data_format" in line
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "m.py").exists()


def test_command_works_on_h5_with_an_output_path(tmp_path):
    model = _seq(L.Conv1D(3, 3, padding="causal"), L.Conv1D(2, 4, strides=2, padding="same"),
                 shape=(9, 2))  # fmt: skip
    model.save(tmp_path / "seq.h5")
    result = run_command("seq.h5", "-o", tmp_path / "out" / "ported.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "ported.pt").is_file()
