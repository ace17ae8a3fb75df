"""Keras convolutions (Conv1D/2D/3D, Conv1D/2D/3DTranspose, depthwise, separable) as torch
modules, one implementation per kind for every rank."""

from __future__ import annotations

import re

import numpy as np

from .. import arithmetic
from .registry import Converted, converts
from .spec import (
    _check_channels_last,
    _literal,
    _size_text,
    _Spec,
    _split_text,
    _unsupported,
    _with_activation,
)


def _conv(layer, cfg, in_shape, out_shape, weights, ndim, title=None) -> tuple[_Spec, list, dict]:
    """A Conv1D/2D/3D (or, with ``cfg`` rewritten, a DepthwiseConv1D/2D) as torch specs.

    ``weights[0]`` is a Keras kernel ``(*k, in/groups, out)``; ``title`` replaces the
    ``Conv2D(filters, ...`` part of the comment.
    """
    _check_channels_last(layer, cfg)
    padding = cfg["padding"]
    allowed = ("valid", "same", "causal") if ndim == 1 else ("valid", "same")
    if padding not in allowed:
        raise _unsupported(layer, f"padding={padding!r} (only {', '.join(map(repr, allowed))})")
    k, s, d = (tuple(cfg[key]) for key in ("kernel_size", "strides", "dilation_rate"))
    groups, bias = int(cfg.get("groups", 1)), bool(cfg["use_bias"])
    in_ch, out_ch = in_shape[-1], cfg["filters"]
    spatial = tuple(in_shape[1:-1])
    kind = f"Conv{ndim}D"
    head = (
        f"{layer.name}: Keras {title or f'{kind}({out_ch}, {k}'}, strides={s}"
        + (f", dilation_rate={d}" if any(x > 1 for x in d) else "")
        + (f", groups={groups}" if groups > 1 and title is None else "")
        + f", padding={padding!r}) on {_size_text(spatial)} -> {_size_text(out_shape[1:-1])}"
    )
    common = {"kernel_size": k, "stride": s}
    extra = {}
    if any(x > 1 for x in d):
        extra["dilation"] = d
    if groups > 1:
        extra["groups"] = groups
    if not bias:
        extra["bias"] = False
    torch_conv = f"nn.Conv{ndim}d"
    pad_part = None
    if padding == "valid":
        why = "'valid' never pads: padding=0"
        main = _Spec(torch_conv, (in_ch, out_ch), {**common, "padding": 0, **extra})
    elif padding == "causal":
        left_right = arithmetic.causal_padding(k[0], d[0])
        why = (
            f"'causal' pads {left_right} (left, right): all D·(K - 1) zeros before the "
            "sequence, so output t sees inputs <= t; ConstantPad1d, then padding=0"
        )
        pad_part = ("pad", _Spec("nn.ConstantPad1d", (left_right, 0.0)))
        main = _Spec(torch_conv, (in_ch, out_ch), {**common, "padding": 0, **extra})
    elif None in spatial:
        why = "'same' with an unknown input size: the split depends on it, so pad at run time"
        main = _Spec(f"Conv{ndim}dSame", (in_ch, out_ch, k), {"stride": s, **extra})
    else:
        tp = arithmetic.torch_padding(spatial, k, s, d)
        splits = arithmetic.same_padding(spatial, k, s, d)
        if tp.symmetric:
            why = (
                f"'same' here pads {_split_text(splits)} (TensorFlow's split): symmetric, so "
                f"padding={_literal(tp.padding)} is exact"
            )
            main = _Spec(torch_conv, (in_ch, out_ch), {**common, "padding": tp.padding, **extra})
        elif ndim > 1:
            why = (
                f"'same' here pads {_split_text(splits)}: more after than before, which "
                f"padding= cannot express; Conv{ndim}dSame pads exactly TensorFlow's split"
            )
            main = _Spec(f"Conv{ndim}dSame", (in_ch, out_ch, k), {"stride": s, **extra})
        else:
            why = (
                f"'same' here pads {_split_text(splits)}: asymmetric, so an explicit "
                "ConstantPad1d (left, right) goes first and the conv runs with padding=0"
            )
            pad_part = ("pad", _Spec("nn.ConstantPad1d", (tp.pad, 0.0)))
            main = _Spec(torch_conv, (in_ch, out_ch), {**common, "padding": 0, **extra})
    parts = ([pad_part] if pad_part else []) + [("conv", main)]
    spec, prefix = _with_activation(layer, parts, cfg)
    kernel = weights[0]
    # Keras stores (*k, in/groups, out); PyTorch wants (out, in/groups, *k).
    state = {f"{prefix}weight": np.transpose(kernel, (ndim + 1, ndim, *range(ndim)))}
    if bias:
        state[f"{prefix}bias"] = weights[1]
    comment = [head, why]
    if bias:
        comment.append("Keras convolutions have a bias by default (use_bias=True)")
    return spec, comment, state


def _conv_transpose(layer, cfg, in_shape, out_shape, weights, ndim) -> tuple[_Spec, list, dict]:
    """Keras Conv1D/2D/3DTranspose: PyTorch's padding/output_padding, a crop only if needed.

    TensorFlow keeps ``N`` cells (:func:`arithmetic.keras_transposed_output_size`) of the
    stamped output (:func:`arithmetic.transposed_output_size` with no padding), removing
    ``T = stamped − N``, ``⌊T / 2⌋`` of them at the start. PyTorch's ``padding`` removes
    the same number from both ends, its ``output_padding`` adds cells at the end.
    """
    _check_channels_last(layer, cfg)
    padding, op = cfg["padding"], cfg.get("output_padding")
    if padding not in ("valid", "same"):
        raise _unsupported(layer, f"padding={padding!r} (only 'valid' and 'same')")
    k, s, d = (tuple(cfg[key]) for key in ("kernel_size", "strides", "dilation_rate"))
    op = None if op is None else tuple(op)
    bias = bool(cfg["use_bias"])
    in_ch, out_ch = in_shape[-1], cfg["filters"]
    spatial = tuple(in_shape[1:-1])
    sizes = tuple(8 if w is None else w for w in spatial)  # T does not depend on W
    try:
        kept = arithmetic.keras_transposed_output_size(sizes, k, s, padding, op, d)
    except ValueError as exc:
        raise _unsupported(layer, f"output_padding={op} here ({exc})") from None
    stamped = arithmetic.transposed_output_size(sizes, k, s, 0, 0, d)
    total = [a - b for a, b in zip(stamped, kept, strict=True)]
    torch_padding = tuple(max(t, 0) // 2 for t in total)
    torch_op = tuple(max(-t, 0) for t in total)
    crop = tuple(max(t, 0) % 2 for t in total)
    if padding == "same" and op is None:
        tp = arithmetic.torch_transposed_padding(sizes, k, s, d)
        assert (tp.padding, tp.output_padding) == (torch_padding, torch_op)  # one rule
    head = (
        f"{layer.name}: Keras Conv{ndim}DTranspose({out_ch}, {k}, strides={s}"
        + (f", dilation_rate={d}" if any(x > 1 for x in d) else "")
        + f", padding={padding!r}"
        + (f", output_padding={op}" if op is not None else "")
        + f") on {_size_text(spatial)} -> {_size_text(out_shape[1:-1])}"
    )
    why = (
        f"the kernel stamps cover {_size_text(stamped)} cells and Keras keeps "
        f"{_size_text(kept)}, dropping {_literal(tuple(max(t, 0) // 2 for t in total))} at "
        f"the start: PyTorch's padding={_literal(torch_padding)} drops that at both ends"
        + (
            f", output_padding={_literal(torch_op)} adds the cells the stamps miss at the end"
            if any(torch_op)
            else ""
        )
    )
    extra = {}
    if any(x > 1 for x in d):
        extra["dilation"] = d
    if not bias:
        extra["bias"] = False
    plain = _Spec(
        f"nn.ConvTranspose{ndim}d",
        (in_ch, out_ch),
        {"kernel_size": k, "stride": s, "padding": torch_padding}
        | ({"output_padding": torch_op} if any(torch_op) else {})
        | extra,
    )
    same_cls = f"ConvTranspose{ndim}dSame"
    if not any(crop):
        parts = [("conv", plain)]
        why += ": exact"
    elif padding == "same" and op is None:
        why += (
            f"; one cell more is left at the end (T = {_literal(tuple(total))} is odd), "
            f"which {same_cls} crops"
        )
        parts = [("conv", _Spec(same_cls, (in_ch, out_ch, k), {"stride": s, **extra}))]
    else:
        # a negative pad crops; PyTorch's order is last dimension first, (start, end) each
        pads = tuple(v for c in reversed(crop) for v in (0, -c))
        crop_spec = (
            _Spec("nn.ZeroPad2d", (pads,))
            if ndim == 2
            else _Spec(f"nn.ConstantPad{ndim}d", (pads, 0.0))
        )
        why += (
            f"; one cell more is left at the end (T = {_literal(tuple(total))} is odd): a "
            f"negative {crop_spec.cls.removeprefix('nn.')} crops it"
        )
        parts = [("conv", plain), ("crop", crop_spec)]
    spec, _ = _with_activation(layer, parts, cfg)
    prefix = "" if spec.children is None else "conv."
    # Keras stores transposed kernels (*k, out, in); PyTorch wants (in, out, *k).
    state = {f"{prefix}weight": np.transpose(weights[0], (ndim + 1, ndim, *range(ndim)))}
    if bias:
        state[f"{prefix}bias"] = weights[1]
    return spec, [head, why], state


def _depthwise(layer, cfg, in_shape, out_shape, weights, ndim) -> tuple[_Spec, list, dict]:
    """Keras DepthwiseConv1D/2D: a grouped conv, groups = in_channels, out = in · multiplier."""
    in_ch, mult = in_shape[-1], int(cfg["depth_multiplier"])
    kernel = weights[0]  # (*k, in, multiplier): output channel c·multiplier + m
    as_conv = {**cfg, "filters": in_ch * mult, "groups": in_ch}
    k = kernel.shape[:ndim]
    weights = [kernel.reshape(*k, 1, in_ch * mult), *weights[1:]]
    title = f"DepthwiseConv{ndim}D({tuple(cfg['kernel_size'])}, depth_multiplier={mult}"
    spec, comment, state = _conv(layer, as_conv, in_shape, out_shape, weights, ndim, title)
    axes = ("k",) if ndim == 1 else ("kh", "kw")
    comment.insert(
        1,
        f"one {_size_text(k)} filter per input channel ({mult} per channel): groups={in_ch}; "
        f"kernel ({', '.join(axes)}, in, m) -> (in·m, 1, {', '.join(axes)})",
    )
    return spec, comment, state


def _separable(layer, cfg, in_shape, out_shape, weights, ndim) -> tuple[_Spec, list, dict]:
    """Keras SeparableConv1D/2D: the depthwise conv (with the padding), then a 1×1 conv."""
    in_ch, mult = in_shape[-1], int(cfg["depth_multiplier"])
    depthwise, pointwise, *bias = weights
    k = depthwise.shape[:ndim]
    dw_cfg = {**cfg, "filters": in_ch * mult, "groups": in_ch, "use_bias": False}
    dw_cfg["activation"] = "linear"
    dw_shape = (*out_shape[:-1], in_ch * mult)
    dw_kernel = depthwise.reshape(*k, 1, in_ch * mult)
    title = f"SeparableConv{ndim}D({cfg['filters']}, {tuple(cfg['kernel_size'])}"
    dw_spec, comment, dw_state = _conv(layer, dw_cfg, in_shape, dw_shape, [dw_kernel], ndim, title)
    comment = [c for c in comment if "bias by default" not in c]
    pw = _Spec(
        f"nn.Conv{ndim}d",
        (in_ch * mult, cfg["filters"]),
        {"kernel_size": 1} | ({} if cfg["use_bias"] else {"bias": False}),
    )
    spec, _ = _with_activation(layer, [("depthwise", dw_spec), ("pointwise", pw)], cfg)
    state = {f"depthwise.{key}": value for key, value in dw_state.items()}
    # (*1, in·m, filters) -> (filters, in·m, *1)
    state["pointwise.weight"] = np.transpose(pointwise, (ndim + 1, ndim, *range(ndim)))
    if bias:
        state["pointwise.bias"] = bias[0]
    one = "×".join("1" * ndim)  # the pointwise kernel: 1 (1-D), 1×1 (2-D)
    comment.insert(
        1,
        f"a depthwise conv (groups={in_ch}, {mult} filter(s) per channel, no bias) that "
        f"does the padding, then a pointwise conv (kernel {one}) {in_ch * mult} -> "
        f"{cfg['filters']}",
    )
    return spec, comment, state


def _rank(node) -> int:
    """The number of spatial dimensions the layer class takes (its name's 1D/2D/3D), checked
    against its input."""
    ndim = int(re.search(r"(\d)D", node.kind).group(1))  # Conv3DTranspose -> 3
    rank = len(node.in_shape)
    if rank != ndim + 2:
        raise _unsupported(node.layer, f"a {rank}-D input")
    return ndim


@converts("Conv1D", "Conv2D", "Conv3D")
def convolution(node) -> Converted:
    """nn.Conv1d/2d/3d with padding= where TensorFlow's split is symmetric, else an explicit
    pad (1-D) or Conv2dSame/Conv3dSame."""
    ndim = _rank(node)
    spec, comment, state = _conv(
        node.layer, node.cfg, node.in_shape, node.out_shape, node.weights, ndim
    )
    return Converted(spec, comment, state)


@converts("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose")
def transposed_convolution(node) -> Converted:
    """nn.ConvTranspose1d/2d/3d with padding and output_padding, cropped only where needed."""
    ndim = _rank(node)
    spec, comment, state = _conv_transpose(
        node.layer, node.cfg, node.in_shape, node.out_shape, node.weights, ndim
    )
    return Converted(spec, comment, state)


@converts("DepthwiseConv1D", "DepthwiseConv2D")
def depthwise_convolution(node) -> Converted:
    """A grouped convolution (groups = input channels), padded like Conv1D/Conv2D."""
    ndim = _rank(node)
    spec, comment, state = _depthwise(
        node.layer, node.cfg, node.in_shape, node.out_shape, node.weights, ndim
    )
    return Converted(spec, comment, state)


@converts("SeparableConv1D", "SeparableConv2D")
def separable_convolution(node) -> Converted:
    """The depthwise convolution (with the padding), then a pointwise (kernel 1) convolution."""
    ndim = _rank(node)
    spec, comment, state = _separable(
        node.layer, node.cfg, node.in_shape, node.out_shape, node.weights, ndim
    )
    return Converted(spec, comment, state)
