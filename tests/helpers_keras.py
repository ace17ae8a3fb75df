"""Keras and torch helpers shared by the tests that check against the real thing
(``from helpers_keras import …``): running a Keras layer, moving between channels-last and
channels-first, and checking a PyTorch port against a Keras reference."""

import keras
import numpy as np
import torch
from helpers import random_array

RTOL = 1e-5  # a port's tolerance, relative to the output's magnitude


def run_keras(layer, x, seed=None):
    """Build ``layer`` for ``x``; give a conv layer a random bias; return its output."""
    layer.build(x.shape)
    weights = layer.get_weights()
    if len(weights) == 2:
        kernel, bias = weights
        layer.set_weights([kernel, random_array(seed, bias.shape)])
    return keras.ops.convert_to_numpy(layer(x))


def run_keras_nchw(layer, x: torch.Tensor) -> torch.Tensor:
    """Channels-first torch in and out, through a channels-last Keras layer (any rank)."""
    y = layer(x.detach().movedim(1, -1).numpy())
    return torch.as_tensor(keras.ops.convert_to_numpy(y)).movedim(-1, 1)


def onnx_output(module, x: torch.Tensor, path) -> np.ndarray:
    """``module`` exported to ONNX at ``path`` (dynamo exporter) and run on ``x`` in
    onnxruntime; skips the test when onnxruntime or onnxscript is missing."""
    import warnings

    import pytest

    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnxscript")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (x,), str(path), dynamo=True, verbose=False)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (y,) = session.run(None, {session.get_inputs()[0].name: x.numpy()})
    return y


def nhwc_to_nchw(x):
    return torch.from_numpy(x).permute(0, 3, 1, 2)


def nchw_to_nhwc(t):
    return t.detach().permute(0, 2, 3, 1).numpy()


# ---------------------------------------------------------------------------------------
# ports: any rank (a Dense layer's 2-D output stays as it is)
# ---------------------------------------------------------------------------------------


def to_nchw(x):
    return torch.from_numpy(np.ascontiguousarray(np.moveaxis(x, -1, 1) if x.ndim > 2 else x))


def to_nhwc(y):
    y = y.detach().numpy()
    return np.moveaxis(y, 1, -1) if y.ndim > 2 else y


def assert_port_matches(torch_module, x, ref):
    """The ported module on ``x`` (NHWC) is within RTOL of ``ref``; returns the max difference."""
    with torch.no_grad():
        got = to_nhwc(torch_module.eval()(to_nchw(x)))
    assert got.shape == ref.shape
    scale = max(1.0, float(np.abs(ref).max()))
    diff = float(np.abs(got - ref).max())
    assert diff <= RTOL * scale, f"max abs diff {diff:.3g} > {RTOL * scale:.3g}"
    return diff


def exec_source(source):
    """Run ported source; its ``model``."""
    namespace = {}
    exec(compile(source, "<ported>", "exec"), namespace)
    return namespace["model"]


def standalone_same_layers() -> dict:
    """The ``*Same`` classes that standalone ported source defines, by name (run as a
    ported file would: with torch, ``F`` and ``nn`` only)."""
    from samepad_viz import port

    namespace = {}
    exec(
        "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n"
        + port._standalone_definitions(list(port._SAME_CLASSES)),
        namespace,
    )
    return namespace
