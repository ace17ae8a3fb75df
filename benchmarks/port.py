"""Forward time of ported models against the same Keras models on Keras' torch backend.

Running the Keras model on Keras' PyTorch backend is what a porter could do instead of
porting, so the port has to be faster. Each pair gets the same weights and the same
batch; Keras is called as ``model(x, training=False)`` under ``torch.no_grad()``, the port
as ``module(x)`` under ``torch.no_grad()``. The two are timed interleaved (one call each,
alternating) so that load on the machine hits both alike; the median per call is reported.

Models: the seed model (the first eight layers of a porting question's model: conv,
BatchNorm on axis 1, ReLU, dropout, conv, BatchNorm, ReLU, 'same' max pooling) at 32×32
and 33×33 (where the pool needs MaxPool2dSame), batch 64; ResNet50 and MobileNetV2
(``keras.applications``, ``weights=None``, random BatchNorm statistics and biases) at
64×64, batch 8 (``--apps all``: also EfficientNetB0, DenseNet121, MobileNet with its
classifier, MobileNetV3Small, and Xception and InceptionV3 at 96×96). For the
applications the command's port time (``python -m samepad_viz.port``: load, port, write,
run and compare layer by layer) and exit status are reported too.

    KERAS_BACKEND=torch python benchmarks/port.py [--repeats 30] [--only seed|apps]
                                                  [--apps all | NAME ...]

Floors: forward time <= 0.9 × Keras for the seed model, <= 1.0 × Keras for the
applications (aim 0.7 ×), and the command under 30 s. Exits non-zero below a floor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from keras import layers as L  # noqa: E402

from samepad_viz import port  # noqa: E402

SEED_FLOOR, APP_FLOOR, APP_AIM, COMMAND_SECONDS = 0.9, 1.0, 0.7, 30.0
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def randomise(model, rng) -> None:
    """Random BatchNorm statistics, Normalization statistics and biases (fresh zeros and
    ones hide mapping errors), each variable by its name: a BatchNorm with ``scale=False``
    has no gamma, and a variance must stay positive."""
    positive = ("gamma", "moving_variance", "variance")
    for layer in model.layers:
        if not isinstance(layer, (L.BatchNormalization, L.Normalization)) and not layer.weights:
            continue
        weights = []
        for variable, value in zip(layer.weights, layer.get_weights(), strict=True):
            name = variable.path.rsplit("/", 1)[-1]
            if isinstance(layer, (L.BatchNormalization, L.Normalization)) and name != "count":
                value = (
                    rng.uniform(0.5, 1.5, value.shape)
                    if name in positive
                    else rng.normal(0, 0.5, value.shape)
                )
            elif value.ndim == 1 and name == "bias":
                value = rng.normal(0, 0.1, value.shape)
            weights.append(np.asarray(value, dtype=value.dtype))
        layer.set_weights(weights)


def seed_model(size: int) -> keras.Model:
    """The seed model's first eight layers on a size x size x 3 input."""
    model = keras.Sequential(
        [
            keras.Input((size, size, 3)),
            L.Conv2D(64, (3, 3)),
            L.BatchNormalization(axis=1),
            L.Activation("relu"),
            L.Dropout(0.3),
            L.Conv2D(64, (3, 3), padding="same"),
            L.BatchNormalization(axis=1),
            L.Activation("relu"),
            L.MaxPooling2D(pool_size=(2, 2), strides=(2, 2), padding="same"),
        ]
    )
    randomise(model, np.random.default_rng(size))
    return model


#: every keras.applications model the port is proven on, and its input size (Xception and
#: InceptionV3 refuse inputs under 71 and 75 px); ``--apps all`` times them all
APPLICATIONS = {
    "ResNet50": 64, "MobileNetV2": 64, "EfficientNetB0": 64, "DenseNet121": 64,
    "MobileNet": 64, "MobileNetV3Small": 64, "Xception": 96, "InceptionV3": 96,
}  # fmt: skip


def application(name: str) -> keras.Model:
    size = APPLICATIONS[name]
    model = getattr(keras.applications, name)(weights=None, input_shape=(size, size, 3), classes=10)
    randomise(model, np.random.default_rng(0))
    return model


def time_pair(model, module, batch: int, repeats: int) -> tuple[float, float, float]:
    """Median ms per call for Keras and for the port, and their max abs difference."""
    shape = model.input_shape[1:]
    rng = np.random.default_rng(0)
    x_keras = torch.from_numpy(rng.standard_normal((batch, *shape)).astype(np.float32))
    x_port = x_keras.permute(0, 3, 1, 2).contiguous()

    def run_keras():
        return model(x_keras, training=False)

    def run_port():
        return module(x_port)

    with torch.no_grad():
        got = run_port()
        got = got.permute(0, 2, 3, 1) if got.dim() == 4 else got
        diff = float((got - keras.ops.convert_to_tensor(run_keras())).abs().max())
        for _ in range(3):  # warm-up
            run_keras(), run_port()
        times = {"keras": [], "port": []}
        for i in range(repeats):
            order = (("keras", run_keras), ("port", run_port))
            for name, fn in order if i % 2 else order[::-1]:
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
    return 1e3 * statistics.median(times["keras"]), 1e3 * statistics.median(times["port"]), diff


def command_seconds(model, name: str) -> tuple[float, int]:
    """Wall time of ``python -m samepad_viz.port`` on the saved model, and its exit status."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"{name}.keras")
        model.save(path)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "samepad_viz.port", path], env=env, capture_output=True,
            text=True, cwd=folder,
        )  # fmt: skip
        return time.perf_counter() - start, result.returncode


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--only", choices=["seed", "apps"])
    parser.add_argument(
        "--apps", nargs="+", default=["ResNet50", "MobileNetV2"],
        choices=[*APPLICATIONS, "all"], help="applications to time ('all': every one)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    print(
        f"torch {torch.__version__}, keras {keras.__version__}, threads {torch.get_num_threads()}"
    )
    print(
        f"{'model':<16} {'batch':>5} {'Keras ms':>9} {'port ms':>8} {'ratio':>6} "
        f"{'max diff':>9} {'command s':>10} {'exit':>4}"
    )
    ok = True
    if args.only != "apps":
        for size in (32, 33):
            model = seed_model(size)
            keras_ms, port_ms, diff = time_pair(model, port.from_keras(model), 64, args.repeats)
            ratio = port_ms / keras_ms
            ok &= ratio <= SEED_FLOOR and diff < 1e-4
            print(f"{f'seed {size}x{size}':<16} {64:>5} {keras_ms:>9.2f} {port_ms:>8.2f} "
                  f"{ratio:>6.2f} {diff:>9.2g} {'':>10} {'':>4}")  # fmt: skip
    if args.only != "seed":
        for name in APPLICATIONS if "all" in args.apps else args.apps:
            model = application(name)
            module = port.from_keras(model)
            keras_ms, port_ms, diff = time_pair(model, module, 8, args.repeats)
            seconds, status = command_seconds(model, name)
            ratio = port_ms / keras_ms
            ok &= ratio <= APP_FLOOR and seconds < COMMAND_SECONDS and status == 0
            print(f"{name:<16} {8:>5} {keras_ms:>9.2f} {port_ms:>8.2f} {ratio:>6.2f} "
                  f"{diff:>9.2g} {seconds:>10.1f} {status:>4}")  # fmt: skip
    print(
        f"floors: seed <= {SEED_FLOOR}, applications <= {APP_FLOOR} (aim {APP_AIM}), "
        f"command < {COMMAND_SECONDS:.0f} s: {'ok' if ok else 'BELOW A FLOOR'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
