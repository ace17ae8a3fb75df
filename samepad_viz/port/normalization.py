"""Keras normalisation layers (BatchNormalization, LayerNormalization) as torch modules."""

from __future__ import annotations

import numpy as np

from .reading import _torch_dim
from .registry import Converted, converts
from .spec import _Spec, _unsupported


def _batch_norm(layer, cfg, in_shape, weights, perm) -> tuple[_Spec, list, dict]:
    axis = cfg["axis"]
    if isinstance(axis, (list, tuple)):
        if len(axis) != 1:
            raise _unsupported(layer, f"axis={axis!r} (one axis only)")
        axis = axis[0]
    if cfg.get("renorm"):
        raise _unsupported(layer, "renorm=True")
    rank = len(in_shape)
    axis = axis % rank
    if axis == 0:
        raise _unsupported(layer, "axis=0 (the batch axis)")
    features = in_shape[axis]
    dim = _torch_dim(axis, rank)
    eps, momentum = float(cfg["epsilon"]), float(f"{1 - float(cfg['momentum']):.12g}")
    kwargs = {"eps": eps, "momentum": momentum}
    if dim == 1:
        cls = {
            2: "nn.BatchNorm1d",
            3: "nn.BatchNorm1d",
            4: "nn.BatchNorm2d",
            5: "nn.BatchNorm3d",
        }.get(rank)
        if cls is None:
            raise _unsupported(layer, f"a {rank}-D input")
        spec = _Spec(cls, (features,), kwargs)
    else:
        spec = _Spec("BatchNormAxis", (features,), {"dim": dim, **kwargs})
    weights = list(weights)
    features_shape = weights[-1].shape
    # scale=False / center=False: Keras has no gamma / beta; ones and zeros do the same
    gamma = weights.pop(0) if cfg.get("scale", True) else np.ones(features_shape, np.float32)
    beta = weights.pop(0) if cfg.get("center", True) else np.zeros(features_shape, np.float32)
    mean, var = weights
    if perm is not None:
        gamma, beta, mean, var = (w[perm] for w in (gamma, beta, mean, var))
    state = {"weight": gamma, "bias": beta, "running_mean": mean, "running_var": var}
    last = "the features" if rank == 2 else "the channels"
    what = last if axis == rank - 1 else f"axis {axis} of {in_shape} ({features} rows)"
    if axis != rank - 1 and rank == 4 and axis == 2:
        what = f"axis 2 (the width, {features} columns)"
    elif axis != rank - 1 and rank >= 3 and axis == 1:
        what = f"axis 1 (the height, {features} rows)" if rank == 4 else f"axis 1 ({features})"
    comment = [
        f"{layer.name}: Keras BatchNormalization(axis={cfg['axis']}) on {in_shape}: "
        f"normalises {what}; in NCHW that is dim {dim} ({features} features)",
        f"epsilon {eps:g} kept (PyTorch's default is 1e-5); Keras momentum {cfg['momentum']:g} "
        f"-> PyTorch momentum {momentum:g} (PyTorch weights the new batch)",
    ]
    if perm is not None:
        comment.append("features permuted to PyTorch's flatten order, like the next Dense")
    return spec, comment, state


@converts("BatchNormalization")
def batch_normalization(node) -> Converted:
    """nn.BatchNorm1d/2d on the channels (epsilon and momentum mapped), BatchNormAxis on
    any other axis."""
    spec, comment, state = _batch_norm(node.layer, node.cfg, node.in_shape, node.weights, node.perm)
    return Converted(spec, comment, state, perm=node.perm)


def _torch_axes(axes, rank: int) -> tuple:
    return tuple(sorted(_torch_dim(a, rank) for a in axes))


def _to_torch_layout(array: np.ndarray) -> np.ndarray:
    """A channels-last array (batch axis included) in channels-first order."""
    return np.moveaxis(array, -1, 1) if array.ndim > 2 else array


@converts("LayerNormalization")
def layer_normalization(node) -> Converted:
    """nn.LayerNorm on the features of a 2-D input; LayerNormDims on the channels (or any
    axes) of a channels-first one."""
    layer, cfg, rank = node.layer, node.cfg, len(node.in_shape)
    if cfg.get("rms_scaling"):
        raise _unsupported(layer, "rms_scaling=True")
    axes = cfg["axis"] if isinstance(cfg["axis"], (list, tuple)) else [cfg["axis"]]
    axes = sorted({a % rank for a in axes})
    if 0 in axes:
        raise _unsupported(layer, "axis 0 (the batch axis)")
    eps, scale, center = float(cfg["epsilon"]), bool(cfg["scale"]), bool(cfg["center"])
    weights = list(node.weights)
    gamma = weights.pop(0) if scale else None
    beta = weights.pop(0) if center else None
    head = f"{layer.name}: Keras LayerNormalization(axis={cfg['axis']}, epsilon={eps:g})"
    if rank == 2 and scale == center:
        spec = _Spec("nn.LayerNorm", (node.in_shape[1],), {"eps": eps} | (
            {} if scale else {"elementwise_affine": False}
        ))  # fmt: skip
        state = {} if not scale else {"weight": gamma, "bias": beta}
        return Converted(spec, [head, "nn.LayerNorm over the features, same epsilon"], state)
    # the parameters in a broadcast shape of the channels-first tensor (batch axis dropped)
    keras_shape = [1] * rank
    for a in axes:
        keras_shape[a] = node.in_shape[a]
    torch_shape = tuple(_to_torch_layout(np.zeros(keras_shape)).shape[1:])
    dims = _torch_axes(axes, rank)
    spec = _Spec(
        "LayerNormDims", (list(torch_shape), list(dims)), {"eps": eps}
        | ({} if scale else {"scale": False}) | ({} if center else {"center": False}),
    )  # fmt: skip
    state = {}
    for key, value in (("weight", gamma), ("bias", beta)):
        if value is not None:
            state[key] = _to_torch_layout(value.reshape(keras_shape))[0]
    why = f"normalises NCHW dims {dims}: the mean and variance per sample over those dims"
    return Converted(spec, [head, why], state)
