"""Keras preprocessing layers that are part of a model (Rescaling, Normalization)."""

from __future__ import annotations

import numpy as np

from .reading import _keras
from .registry import Converted, converts
from .spec import _Spec, _unsupported


def _channel_values(layer, value, channels):
    """A Rescaling scale/offset as a float or a per-channel tuple."""
    array = np.asarray(value, dtype=np.float32)
    if array.size == 1:
        return float(array.reshape(()))
    if array.reshape(-1).size != channels or array.ndim > 1 and array.shape[-1] != channels:
        raise _unsupported(
            layer, f"a scale or offset of shape {array.shape} (scalar or per channel)"
        )
    return tuple(float(v) for v in array.reshape(-1))


@converts("Rescaling")
def rescaling(node) -> Converted:
    """input · scale + offset (per channel when Keras holds lists)."""
    channels = node.in_shape[-1]
    scale = _channel_values(node.layer, node.cfg["scale"], channels)
    offset = _channel_values(node.layer, node.cfg["offset"], channels)
    spec = _Spec("Rescale", (scale,), {} if offset == 0.0 else {"offset": offset})
    return Converted(spec, [f"{node.layer.name}: Keras Rescaling: x * scale + offset"])


@converts("Normalization")
def normalization(node) -> Converted:
    """(input − mean) / max(√variance, 1e-7), Keras' stored mean and variance as buffers."""
    layer, rank = node.layer, len(node.in_shape)
    if node.cfg.get("invert"):
        raise _unsupported(layer, "invert=True")
    keras = _keras()
    mean, var = (
        np.asarray(keras.ops.convert_to_numpy(v), np.float32) for v in (layer.mean, layer.variance)
    )
    mean = mean.reshape((1,) * (rank - mean.ndim) + mean.shape)
    var = var.reshape((1,) * (rank - var.ndim) + var.shape)
    denominator = np.maximum(np.sqrt(var), np.float32(keras.backend.epsilon()))
    if rank > 2:
        mean, denominator = (np.moveaxis(a, -1, 1) for a in (mean, denominator))
    shape = tuple(int(s) for s in mean.shape[1:])
    spec = _Spec("Normalize", (list(shape),))
    comment = [
        f"{layer.name}: Keras Normalization(axis={node.cfg['axis']}): (x - mean) / "
        "max(sqrt(variance), 1e-7), the stored mean and denominator as buffers"
    ]
    return Converted(spec, comment, {"mean": mean[0], "denominator": denominator[0]})
