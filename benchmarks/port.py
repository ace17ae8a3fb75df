"""Forward time of the ported seed model against the same Keras model on the torch backend.

Running the Keras model on Keras' PyTorch backend is what a porter could do instead of
porting, so the port has to be faster. Both get the same weights and the same batch of 64;
Keras is called as ``model(x, training=False)`` under ``torch.no_grad()``, the port as
``module(x)`` under ``torch.no_grad()``. The two are timed interleaved (one call each,
alternating) so that load on the machine hits both alike; the median per call is reported.

    KERAS_BACKEND=torch python benchmarks/port.py [--repeats 30]

Floor: port time <= 0.9 x Keras time, for the 32x32 seed model and its 33x33 variant
(where the 'same' pool needs MaxPool2dSame). Exits non-zero below the floor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from keras import layers as L  # noqa: E402

from samepad_viz import port  # noqa: E402

FLOOR = 0.9
BATCH = 64


def seed_model(size: int) -> keras.Sequential:
    """The model of CONTEXT.md (its first eight layers) on a size x size x 3 input."""
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
    rng = np.random.default_rng(size)
    for layer in model.layers:  # non-trivial statistics, so BatchNorm does real work
        if isinstance(layer, L.BatchNormalization):
            n = layer.get_weights()[0].shape
            layer.set_weights(
                [
                    rng.uniform(0.5, 1.5, n),
                    rng.normal(0, 0.5, n),
                    rng.normal(0, 0.5, n),
                    rng.uniform(0.5, 2.0, n),
                ]  # fmt: skip
            )
    return model


def bench(size: int, repeats: int) -> float:
    model = seed_model(size)
    module = port.from_keras(model)
    rng = np.random.default_rng(0)
    x_nhwc = torch.from_numpy(rng.standard_normal((BATCH, size, size, 3)).astype(np.float32))
    x_nchw = x_nhwc.permute(0, 3, 1, 2).contiguous()

    def run_keras():
        return model(x_nhwc, training=False)

    def run_port():
        return module(x_nchw)

    with torch.no_grad():
        diff = (run_port().permute(0, 2, 3, 1) - keras.ops.convert_to_tensor(run_keras())).abs()
        assert float(diff.max()) < 1e-4, f"port and Keras differ by {float(diff.max()):.3g}"
        for _ in range(3):  # warm-up
            run_keras(), run_port()
        times = {"keras": [], "port": []}
        for i in range(repeats):
            order = (("keras", run_keras), ("port", run_port))
            for name, fn in order if i % 2 else order[::-1]:
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
    keras_ms = 1e3 * statistics.median(times["keras"])
    port_ms = 1e3 * statistics.median(times["port"])
    ratio = port_ms / keras_ms
    pool = type(list(module.children())[-1]).__name__
    print(
        f"{size}x{size}x3, batch {BATCH}: Keras (torch backend) {keras_ms:7.2f} ms, "
        f"port {port_ms:7.2f} ms, ratio {ratio:.2f}  "
        f"(pool: {pool}, max diff {float(diff.max()):.2g})"
    )
    return ratio


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    print(
        f"torch {torch.__version__}, keras {keras.__version__}, threads {torch.get_num_threads()}"
    )
    ratios = [bench(size, args.repeats) for size in (32, 33)]
    worst = max(ratios)
    verdict = "ok" if worst <= FLOOR else "BELOW THE FLOOR"
    print(f"worst ratio {worst:.2f} (floor {FLOOR}): {verdict}")
    return 0 if worst <= FLOOR else 1


if __name__ == "__main__":
    sys.exit(main())
