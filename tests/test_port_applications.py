"""keras.applications models through samepad_viz.port.

CI runs a small instance of each architecture's pattern (seconds). The full models —
ResNet50, MobileNetV2, EfficientNetB0, DenseNet121 and MobileNet with its classifier,
64×64×3 (plus MobileNetV3Small, and Xception and InceptionV3 at 96 px), ``weights=None``,
``classes=10``, random BatchNorm statistics and biases — go
through the command and then run from the written file with only torch importable; they
take minutes, so they run only with ``SAMEPAD_SLOW=1``.
"""

import os
import subprocess
import sys
import time

import keras
import numpy as np
import pytest
from helpers import KERAS_NUMPY2_WARNINGS
from keras import layers as L
from test_port_command import TORCH_ONLY, run_command
from test_port_graphs import check_everything, randomise

pytestmark = KERAS_NUMPY2_WARNINGS

SLOW = os.environ.get("SAMEPAD_SLOW") == "1"


# ---------------------------------------------------------------------------------------
# small instances of each architecture's pattern (CI)
# ---------------------------------------------------------------------------------------


def resnet_stem_and_block(size=20):
    """ResNet50: ZeroPadding2D(3) + 7×7/2 conv, ZeroPadding2D(1) + 3×3/2 max pool, then a
    bottleneck block whose 1×1/2 shortcut conv is added to the main branch."""
    x = keras.Input((size, size, 3))
    y = L.ZeroPadding2D(3)(x)
    y = L.Conv2D(8, 7, strides=2)(y)
    y = L.Activation("relu")(L.BatchNormalization(epsilon=1.001e-5)(y))
    y = L.MaxPooling2D(3, strides=2)(L.ZeroPadding2D(1)(y))
    shortcut = L.BatchNormalization()(L.Conv2D(16, 1, strides=2)(y))
    main = L.Activation("relu")(L.BatchNormalization()(L.Conv2D(4, 1, strides=2)(y)))
    main = L.Activation("relu")(L.Conv2D(4, 3, padding="same")(main))
    main = L.BatchNormalization()(L.Conv2D(16, 1)(main))
    y = L.Activation("relu")(L.Add()([shortcut, main]))
    y = L.Dense(10, activation="softmax")(L.GlobalAveragePooling2D()(y))
    return keras.Model(x, y, name="resnet_like")


def mobilenet_v2_blocks(size=16):
    """MobileNetV2: a 'same' strided conv on an even size, ReLU(6), an inverted residual
    with a strided depthwise conv after explicit correct_pad padding, and one with Add."""
    x = keras.Input((size, size, 3))
    y = L.ReLU(6.0)(L.BatchNormalization()(L.Conv2D(8, 3, strides=2, padding="same")(x)))
    e = L.ReLU(6.0)(L.BatchNormalization()(L.Conv2D(16, 1)(y)))
    e = L.ZeroPadding2D(((0, 1), (0, 1)))(e)
    e = L.ReLU(6.0)(L.BatchNormalization()(L.DepthwiseConv2D(3, strides=2)(e)))
    y = L.BatchNormalization()(L.Conv2D(8, 1)(e))
    e = L.ReLU(6.0)(L.DepthwiseConv2D(3, padding="same")(L.Conv2D(16, 1)(y)))
    y = L.Add()([y, L.BatchNormalization()(L.Conv2D(8, 1)(e))])
    y = L.Dense(10)(L.GlobalAveragePooling2D()(y))
    return keras.Model(x, y, name="mobilenet_v2_like")


def efficientnet_stem_and_block(size=16):
    """EfficientNet: Rescaling, Normalization, per-channel Rescaling, swish, a 'same'
    strided depthwise conv, squeeze-and-excite (GAP, Reshape, two 1×1 convs, Multiply),
    Dropout and Add."""
    x = keras.Input((size, size, 3))
    y = L.Rescaling(1.0 / 255.0)(x)
    y = L.Normalization(axis=-1)(y)
    y = L.Rescaling([1 / 0.229**0.5, 1 / 0.224**0.5, 1 / 0.225**0.5])(y)
    y = L.Activation("swish")(L.BatchNormalization()(L.Conv2D(8, 3, strides=2, padding="same")(y)))
    d = L.Activation("swish")(L.BatchNormalization()(L.DepthwiseConv2D(5, padding="same")(y)))
    se = L.Reshape((1, 1, 8))(L.GlobalAveragePooling2D()(d))
    se = L.Conv2D(2, 1, activation="swish")(se)
    se = L.Conv2D(8, 1, activation="sigmoid")(se)
    d = L.Multiply()([d, se])
    d = L.Dropout(0.2, noise_shape=(None, 1, 1, 1))(L.BatchNormalization()(L.Conv2D(8, 1)(d)))
    y = L.Add()([d, y])
    y = L.DepthwiseConv2D(3, strides=2, padding="same")(y)  # strided 'same', even size
    y = L.Dense(10, activation="softmax")(L.Dropout(0.2)(L.GlobalAveragePooling2D()(y)))
    return keras.Model(x, y, name="efficientnet_like")


def densenet_blocks(size=16):
    """DenseNet: each conv block's output concatenated to its input, then a transition
    (BN, ReLU, 1×1 conv, 2×2 average pooling)."""
    x = keras.Input((size, size, 3))
    y = L.Conv2D(8, 3, padding="same")(x)
    for _ in range(2):
        b = L.Conv2D(8, 1)(L.Activation("relu")(L.BatchNormalization()(y)))
        b = L.Conv2D(4, 3, padding="same")(L.Activation("relu")(L.BatchNormalization()(b)))
        y = L.Concatenate(axis=3)([y, b])
    y = L.Conv2D(8, 1)(L.Activation("relu")(L.BatchNormalization()(y)))
    y = L.AveragePooling2D(2, strides=2)(y)
    y = L.Dense(10, activation="softmax")(L.GlobalAveragePooling2D()(y))
    return keras.Model(x, y, name="densenet_like")


def mobilenet_with_classifier(size=16):
    """MobileNet's classifier: GAP with keepdims, Dropout, a 1×1 conv, Reshape to
    (classes,), Activation('softmax') — after a ZeroPadding + strided depthwise conv."""
    x = keras.Input((size, size, 3))
    y = L.ReLU(6.0)(L.BatchNormalization()(L.Conv2D(8, 3, strides=2, padding="same")(x)))
    y = L.ZeroPadding2D(((0, 1), (0, 1)))(y)
    y = L.ReLU(6.0)(L.BatchNormalization()(L.DepthwiseConv2D(3, strides=2)(y)))
    y = L.GlobalAveragePooling2D(keepdims=True)(y)
    y = L.Conv2D(10, 1, padding="same")(L.Dropout(1e-3)(y))
    y = L.Activation("softmax")(L.Reshape((10,))(y))
    return keras.Model(x, y, name="mobilenet_like")


PATTERNS = [
    resnet_stem_and_block,
    mobilenet_v2_blocks,
    efficientnet_stem_and_block,
    densenet_blocks,
    mobilenet_with_classifier,
]


@pytest.mark.parametrize("build", PATTERNS)
def test_application_pattern_ports_exactly(build):
    model = randomise(build(), np.random.default_rng(7))
    check_everything(model)


# ---------------------------------------------------------------------------------------
# the full models (SAMEPAD_SLOW=1)
# ---------------------------------------------------------------------------------------

# the five at 64 px; three more (Xception and InceptionV3 need at least 71 and 75 px)
APPLICATIONS = [
    ("ResNet50", 64),
    ("MobileNetV2", 64),
    ("EfficientNetB0", 64),
    ("DenseNet121", 64),
    ("MobileNet", 64),
    ("MobileNetV3Small", 64),
    ("Xception", 96),
    ("InceptionV3", 96),
]


@pytest.mark.skipif(not SLOW, reason="full keras.applications models: set SAMEPAD_SLOW=1")
@pytest.mark.parametrize("name, size", APPLICATIONS)
def test_application_ports_with_the_command_and_runs_with_only_torch(name, size, tmp_path):
    model = getattr(keras.applications, name)(weights=None, input_shape=(size, size, 3), classes=10)
    randomise(model, np.random.default_rng(0))
    model.save(tmp_path / f"{name}.keras")
    start = time.perf_counter()
    result = run_command(f"{name}.keras", cwd=tmp_path)
    seconds = time.perf_counter() - start
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert seconds < 60, f"the command took {seconds:.0f} s"  # < 30 s on a quiet machine
    x = np.random.default_rng(1).standard_normal((2, size, size, 3)).astype("float32")
    np.save(tmp_path / "x.npy", np.ascontiguousarray(np.moveaxis(x, -1, 1)))
    subprocess.run(
        [sys.executable, "-c", TORCH_ONLY, tmp_path / f"{name}.py", tmp_path / "out.npz",
         tmp_path / "x.npy"],
        check=True, capture_output=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    got = np.load(tmp_path / "out.npz")["arr_0"]
    ref = keras.ops.convert_to_numpy(model(x, training=False))
    assert np.abs(got - ref).max() <= 1e-4 * max(1.0, float(np.abs(ref).max()))
