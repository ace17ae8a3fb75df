"""Keras layers that move data around: Flatten, Reshape, Permute, padding, cropping, upsampling.

Inside, every tensor is channels-first. Only where element order matters (Flatten,
Reshape) is the data put back in Keras' channels-last order, and only when the two orders
differ for that shape.
"""

from __future__ import annotations

import numpy as np

from .reading import _flatten_perm
from .registry import Converted, converts
from .spec import _check_channels_last, _Spec, _unsupported

_HWC = ("(H, W, C)", "(C, H, W)")


def _torch_layout(array: np.ndarray) -> np.ndarray:
    return np.moveaxis(array, -1, 1) if array.ndim > 2 else array


@converts("Flatten")
def flatten(node) -> Converted:
    """nn.Flatten, its order folded into the next Dense's weight, or FlattenChannelsLast."""
    _check_channels_last(node.layer, node.cfg)
    shape, rank, name = node.in_shape, len(node.in_shape), node.layer.name
    if None in shape[1:]:
        raise _unsupported(node.layer, f"an input of unknown size {shape}")
    spatial, channels = shape[1:-1], shape[-1]
    needs_order = rank > 2 and channels > 1 and int(np.prod(spatial)) > 1
    if not needs_order:
        comment = [f"{name}: Keras Flatten of {shape}: one axis of size > 1, so both orders agree"]
        return Converted(_Spec("nn.Flatten"), comment)
    if node.folds:
        keras_order, torch_order = {
            3: ("(L, C)", "(C, L)"),
            5: ("(D, H, W, C)", "(C, D, H, W)"),
        }.get(rank, _HWC)
        comment = [
            f"{name}: Keras Flatten of {shape} flattens channels-last {keras_order}; "
            f"nn.Flatten gives {torch_order}: the next Dense's input columns are permuted once "
            "at port time, so no transpose runs on each call"
        ]
        return Converted(_Spec("nn.Flatten"), comment, perm=_flatten_perm(shape[1:]))
    comment = [
        f"{name}: Keras Flatten of {shape}, in Keras' channels-last order (no Dense follows "
        "to fold the order into)"
    ]
    return Converted(_Spec("FlattenChannelsLast"), comment)


@converts("Reshape")
def reshape(node) -> Converted:
    """A plain reshape where both layouts keep the element order (e.g. (C,) <-> (1, 1, C)),
    else ReshapeChannelsLast (to channels-last, reshape, back)."""
    src, dst, name = node.in_shape[1:], node.out_shape[1:], node.layer.name
    head = f"{name}: Keras Reshape {src} -> {dst}"
    if None in src or None in dst:
        target = tuple(node.cfg["target_shape"])
        why = "sizes unknown at port time: reshaped in Keras' channels-last order"
        return Converted(_Spec("ReshapeChannelsLast", (list(target),)), [head, why])
    keras_in = np.arange(int(np.prod(src))).reshape(1, *src)
    torch_in = _torch_layout(keras_in)
    want = _torch_layout(keras_in.reshape(1, *dst))
    if np.array_equal(torch_in.reshape(want.shape), want):
        if len(dst) == 1:
            return Converted(_Spec("nn.Flatten"), [head, "same element order: nn.Flatten"])
        shape = tuple(int(s) for s in want.shape[1:])
        why = f"both layouts keep the element order here: a plain reshape to {shape}"
        return Converted(_Spec("Reshape", (list(shape),)), [head, why])
    why = "the element order differs between layouts: reshaped in Keras' channels-last order"
    return Converted(_Spec("ReshapeChannelsLast", (list(dst),)), [head, why])


@converts("Permute")
def permute(node) -> Converted:
    """One torch permute: Keras' dims composed with the moves to and from channels-first."""
    rank = len(node.in_shape)
    dims = tuple(int(d) for d in node.cfg["dims"])
    probe = np.empty(tuple(range(2, rank + 2)))  # distinct sizes name the axes
    keras_out = np.transpose(probe, (0, *dims))
    torch_in, torch_out = _torch_layout(probe), _torch_layout(keras_out)
    order = tuple(torch_in.shape.index(s) for s in torch_out.shape)
    head = f"{node.layer.name}: Keras Permute({dims}) -> torch permute{order}"
    return Converted(_Spec("Permute", (list(order[1:]),)), [head])


def _pair(value):
    return tuple(int(v) for v in value)


_AXES = {1: ("left", "right"), 2: ("top", "bottom"), 3: ("front", "back")}  # by dim from the end


def _torch_pad(pairs) -> tuple:
    """Keras' ((start, end) per spatial axis, first axis first) in PyTorch's pad order:
    the last axis first, e.g. (left, right, top, bottom, front, back)."""
    return tuple(v for start, end in reversed(pairs) for v in (start, end))


def _keras_pairs(value, ndim) -> tuple:
    if ndim == 1:
        return (_pair(value),)
    return tuple(_pair(p) for p in value)


def _order_text(ndim) -> str:
    return ", ".join(name for n in range(1, ndim + 1) for name in _AXES[n])


def _pad_spec(pads, ndim) -> _Spec:
    if ndim == 2:
        return _Spec("nn.ZeroPad2d", (pads,))
    return _Spec(f"nn.ConstantPad{ndim}d", (pads, 0.0))


@converts("ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D")
def zero_padding(node) -> Converted:
    """nn.ConstantPad1d / nn.ZeroPad2d / nn.ConstantPad3d in PyTorch's order (last axis first)."""
    _check_channels_last(node.layer, node.cfg)
    name, ndim = node.layer.name, int(node.kind[-2])
    pairs = _keras_pairs(node.cfg["padding"], ndim)
    spec = _pad_spec(_torch_pad(pairs), ndim)
    if ndim == 1:
        return Converted(spec, [f"{name}: Keras ZeroPadding1D({pairs[0]})"])
    comment = [f"{name}: Keras {node.kind}({pairs}) -> PyTorch's order ({_order_text(ndim)})"]
    return Converted(spec, comment)


@converts("Cropping1D", "Cropping2D", "Cropping3D")
def cropping(node) -> Converted:
    """A negative pad crops: nn.ConstantPad1d / nn.ZeroPad2d / nn.ConstantPad3d, negative."""
    _check_channels_last(node.layer, node.cfg)
    name, ndim = node.layer.name, int(node.kind[-2])
    pairs = _keras_pairs(node.cfg["cropping"], ndim)
    spec = _pad_spec(tuple(-v for v in _torch_pad(pairs)), ndim)
    if ndim == 1:
        return Converted(spec, [f"{name}: Keras Cropping1D({pairs[0]}): a negative pad"])
    comment = [
        f"{name}: Keras {node.kind}({pairs}): a negative {spec.cls.removeprefix('nn.')} "
        f"crops, in PyTorch's order ({_order_text(ndim)})"
    ]
    return Converted(spec, comment)


@converts("UpSampling1D", "UpSampling2D", "UpSampling3D")
def upsampling(node) -> Converted:
    """nn.Upsample: nearest repeats each cell; bilinear samples at half-pixel centres."""
    layer, cfg = node.layer, node.cfg
    if node.kind == "UpSampling1D":
        size = int(cfg["size"])
        spec = _Spec("nn.Upsample", kwargs={"scale_factor": float(size), "mode": "nearest"})
        return Converted(spec, [f"{layer.name}: Keras UpSampling1D({size}): each step repeated"])
    _check_channels_last(layer, cfg)
    if node.kind == "UpSampling3D":  # Keras repeats: nearest only
        size = tuple(int(v) for v in cfg["size"])
        spec = _Spec("nn.Upsample", kwargs={"scale_factor": size, "mode": "nearest"})
        return Converted(spec, [f"{layer.name}: Keras UpSampling3D({size}): each cell repeated"])
    size, mode = tuple(int(v) for v in cfg["size"]), cfg["interpolation"]
    if mode == "nearest":
        spec = _Spec("nn.Upsample", kwargs={"scale_factor": size, "mode": "nearest"})
        why = "each cell repeated"
    elif mode == "bilinear":
        spec = _Spec(
            "nn.Upsample",
            kwargs={"scale_factor": size, "mode": "bilinear", "align_corners": False},
        )
        why = "Keras (like tf.image.resize) samples at half-pixel centres: align_corners=False"
    else:
        raise _unsupported(layer, f"interpolation={mode!r} (only 'nearest', 'bilinear')")
    return Converted(
        spec, [f"{layer.name}: Keras UpSampling2D({size}, interpolation={mode!r}): {why}"]
    )
