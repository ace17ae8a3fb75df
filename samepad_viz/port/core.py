"""Keras core layers (Dense, and the layers that are the identity at inference)."""

from __future__ import annotations

import numpy as np

from .registry import Converted, converts
from .spec import _Spec, _unsupported, _with_activation


@converts("Dense")
def dense(node) -> Converted:
    """nn.Linear on a 2-D input; on more dimensions a 1×1 convolution over the channels
    (Dense acts on the last axis, which channels-first holds at dim 1: no permute)."""
    layer, cfg, rank = node.layer, node.cfg, len(node.in_shape)
    if cfg.get("lora_rank") or cfg.get("quantization_config"):
        raise _unsupported(layer, "LoRA or quantization")
    if rank > 5:
        raise _unsupported(layer, f"a {rank}-D input")
    kernel, *bias = node.weights
    features, units, use_bias = node.in_shape[-1], cfg["units"], bool(cfg["use_bias"])
    head = (
        f"{layer.name}: Keras Dense({units}"
        + (f", activation={cfg['activation']!r}" if cfg["activation"] != "linear" else "")
        + ")"
    )
    extra = {} if use_bias else {"bias": False}
    perm = node.perm
    if rank == 2:
        if perm is not None:
            kernel = kernel[perm]
        main = ("linear", _Spec("nn.Linear", (features, units), extra))
        weight = np.ascontiguousarray(kernel.T)
        comment = [head + ": kernel (in, out) transposed to (out, in)"]
        if perm is not None:
            comment.append(
                "input columns permuted from Keras' channels-last flatten order to "
                "PyTorch's channels-first one"
            )
    else:
        ndim = rank - 2
        main = ("conv", _Spec(f"nn.Conv{ndim}d", (features, units), {"kernel_size": 1} | extra))
        weight = np.ascontiguousarray(kernel.T).reshape(units, features, *(1,) * ndim)
        comment = [
            head + f" on a {rank}-D input acts on the last axis, the channels: a 1×1 "
            f"nn.Conv{ndim}d on channels-first data is the same map, with no permute"
        ]
    spec, prefix = _with_activation(layer, [main], cfg)
    state = {f"{prefix}weight": weight}
    if use_bias:
        state[f"{prefix}bias"] = bias[0]
    return Converted(spec, comment, state)


_IDENTITIES = (
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
    "GaussianNoise",
    "GaussianDropout",
    "AlphaDropout",
    "ActivityRegularization",
    "Identity",
)


@converts("Dropout")
def dropout(node) -> Converted:
    """nn.Dropout with Keras' rate (the identity in eval mode)."""
    spec = _Spec("nn.Dropout", kwargs={"p": float(node.cfg["rate"])})
    comment = [f"{node.layer.name}: Keras Dropout({node.cfg['rate']}); identity in inference mode"]
    return Converted(spec, comment, perm=node.perm)


@converts(*_IDENTITIES)
def identity(node) -> Converted:
    """nn.Identity: the layer changes nothing at inference."""
    comment = [f"{node.layer.name}: Keras {node.kind}: the identity at inference"]
    return Converted(_Spec("nn.Identity"), comment, perm=node.perm)
