"""Keras activation layers (Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax) as torch modules."""

from __future__ import annotations

import numpy as np

from .reading import _torch_dim
from .registry import Converted, converts
from .spec import _activation, _Spec, _unsupported


@converts("Activation")
def activation(node) -> Converted:
    """Every built-in activation of Keras 3, by name (softmax-like ones over the channels)."""
    spec = _activation(node.layer, node.cfg["activation"])
    name = node.cfg["activation"]
    # every activation but glu maps a permuted feature order to the same permuted order
    # (softmax over the features does not care about their order): a folded Flatten passes
    keeps_order = spec.cls != "nn.GLU"
    return Converted(
        spec,
        [f"{node.layer.name}: Keras Activation ({name})"],
        perm=node.perm if keeps_order else None,
    )


@converts("ReLU")
def relu(node) -> Converted:
    """nn.ReLU, ReLU6, Hardtanh or LeakyReLU where they are exact, KerasReLU otherwise."""
    cfg = node.cfg
    max_value = None if cfg.get("max_value") is None else float(cfg["max_value"])
    slope, threshold = float(cfg.get("negative_slope") or 0.0), float(cfg.get("threshold") or 0.0)
    if threshold == 0.0 and slope == 0.0:
        if max_value is None:
            spec = _Spec("nn.ReLU")
        elif max_value == 6.0:
            spec = _Spec("nn.ReLU6")
        else:
            spec = _Spec("nn.Hardtanh", (0.0, max_value))
    elif threshold == 0.0 and max_value is None:
        spec = _Spec("nn.LeakyReLU", kwargs={"negative_slope": slope})
    else:
        spec = _Spec(
            "KerasReLU", kwargs={"max_value": max_value, "negative_slope": slope,
                                 "threshold": threshold},
        )  # fmt: skip
    options = ", ".join(
        f"{k}={v!r}"
        for k, v in (("max_value", max_value), ("negative_slope", slope), ("threshold", threshold))
        if v
    )
    comment = [f"{node.layer.name}: Keras ReLU (ReLU)"] + (
        [f"options: {options}"] if options else []
    )
    return Converted(spec, comment, perm=node.perm)


@converts("LeakyReLU")
def leaky_relu(node) -> Converted:
    """nn.LeakyReLU with Keras' negative_slope (its default is 0.3, PyTorch's 0.01)."""
    slope = float(node.cfg["negative_slope"])
    spec = _Spec("nn.LeakyReLU", kwargs={"negative_slope": slope})
    comment = [f"{node.layer.name}: Keras LeakyReLU (LeakyReLU)", f"negative_slope {slope:g}"]
    return Converted(spec, comment, perm=node.perm)


@converts("ELU")
def elu(node) -> Converted:
    """nn.ELU with Keras' alpha."""
    spec = _Spec("nn.ELU", kwargs={"alpha": float(node.cfg["alpha"])})
    comment = [f"{node.layer.name}: Keras ELU (ELU)", f"alpha {node.cfg['alpha']:g}"]
    return Converted(spec, comment, perm=node.perm)


@converts("PReLU")
def prelu(node) -> Converted:
    """nn.PReLU when alpha is one per channel (shared_axes over the rest), PReLUAxes else."""
    (alpha,) = node.weights
    rank = len(node.in_shape)
    full = alpha.reshape((1,) * (rank - alpha.ndim) + alpha.shape)
    torch_alpha = (np.moveaxis(full, -1, 1) if rank > 2 else full)[0]
    head = f"{node.layer.name}: Keras PReLU(shared_axes={node.cfg.get('shared_axes')})"
    channels = node.in_shape[-1]
    if alpha.size == channels and alpha.shape[-1] == channels:
        spec = _Spec("nn.PReLU", (channels,))
        why = "one alpha per channel: nn.PReLU (it acts on dim 1, the channels)"
        return Converted(spec, [head, why], {"weight": torch_alpha.reshape(-1)})
    spec = _Spec("PReLUAxes", ([int(s) for s in torch_alpha.shape],))
    why = "alpha per element (nn.PReLU has one per channel at most): relu(x) - alpha * relu(-x)"
    return Converted(spec, [head, why], {"weight": torch_alpha})


@converts("Softmax")
def softmax(node) -> Converted:
    """nn.Softmax over Keras' axis, moved to channels-first."""
    axis = node.cfg["axis"]
    if isinstance(axis, (list, tuple)) and len(axis) == 1:
        axis = axis[0]
    if not isinstance(axis, int):
        raise _unsupported(node.layer, f"axis={tuple(axis)!r} (one axis only)")
    rank = len(node.in_shape)
    dim = _torch_dim(axis, rank)
    spec = _Spec("nn.Softmax", kwargs={"dim": dim})
    return Converted(spec, [f"{node.layer.name}: Keras Softmax(axis={axis}) -> dim {dim}"])
