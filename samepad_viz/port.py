"""Keras model → PyTorch module, readable PyTorch source, and a layer-by-layer check.

* :func:`from_keras` turns a Keras ``Sequential`` (or single-chain functional) model,
  or a ``.keras`` / legacy ``.h5`` file, into an ``nn.Sequential`` with one named child
  per Keras layer and the weights copied. It takes NCHW input.
* :func:`to_torch_source` writes the same module as PyTorch source with a comment per
  layer saying where it came from and why its padding is what it is.
* :func:`compare` runs a Keras model and a torch module on one seeded batch, layer by
  layer, and names the likely cause of the first difference.

Every padding number comes from :mod:`samepad_viz.arithmetic`; a plain ``nn.Conv2d`` /
``nn.MaxPool2d`` / ``nn.AvgPool2d`` with ``padding=int`` is used wherever TensorFlow's
split is symmetric for the model's static input size, the ``*Same`` layers of
:mod:`samepad_viz.layers` only where it is not.

Keras is imported lazily. On import this module sets ``KERAS_BACKEND=torch`` when the
variable is unset and Keras is not imported yet, so a PyTorch-only machine can load a
model; an existing setting or an already imported Keras is respected (weights are read
with ``get_weights()``, which works on every backend).
"""

from __future__ import annotations

import html
import inspect
import os
import sys
import textwrap
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from . import arithmetic

if "KERAS_BACKEND" not in os.environ and "keras" not in sys.modules:
    os.environ["KERAS_BACKEND"] = "torch"

__all__ = [
    "BatchNormAxis",
    "FlattenChannelsLast",
    "PortReport",
    "UnsupportedLayerError",
    "compare",
    "from_keras",
    "to_torch_source",
]

SUPPORTED_LAYERS = (
    "InputLayer",
    "Conv2D",
    "Conv1D",
    "Conv2DTranspose",
    "DepthwiseConv2D",
    "SeparableConv2D",
    "BatchNormalization",
    "Activation",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "Softmax",
    "Dropout",
    "MaxPooling2D",
    "AveragePooling2D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling2D",
    "UpSampling2D",
    "ZeroPadding2D",
    "Cropping2D",
    "Flatten",
    "Dense",
)


class UnsupportedLayerError(ValueError):
    """A Keras layer, or an option of one, that the port does not translate."""


# ---------------------------------------------------------------------------------------
# the two small modules torch.nn lacks (their source is copied into standalone output)
# ---------------------------------------------------------------------------------------


class BatchNormAxis(nn.modules.batchnorm._BatchNorm):
    """Batch normalisation over any one dimension ``dim`` (``nn.BatchNorm2d`` uses dim 1).

    Keras' ``BatchNormalization(axis=1)`` on channels-last ``(N, H, W, C)`` data keeps one
    mean/variance per *row*; in NCHW that is ``dim=2``.
    """

    def __init__(self, num_features, dim, eps=1e-3, momentum=0.01, affine=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats=True)
        self.dim = dim

    def _check_input_dim(self, input):
        pass  # forward checks the unflattened input

    def forward(self, input):
        if input.dim() <= self.dim:
            raise ValueError(f"expected an input with more than {self.dim} dimensions")
        # (N, C, H, W) with dim=2 is (N·C, H, W) with dim=1: a view, no transpose or copy
        return super().forward(input.flatten(0, self.dim - 1)).reshape(input.shape)

    def extra_repr(self):
        return f"{super().extra_repr()}, dim={self.dim}"


class FlattenChannelsLast(nn.Module):
    """Flatten ``(N, C, *spatial)`` in Keras' channels-last order ``(*spatial, C)``."""

    def forward(self, input):
        return input.movedim(1, -1).flatten(1)


# ---------------------------------------------------------------------------------------
# keras access
# ---------------------------------------------------------------------------------------


def _keras():
    import keras

    return keras


def _load(model_or_path):
    """A Keras model object, or one loaded from a ``.keras`` / ``.h5`` path."""
    if isinstance(model_or_path, (str, os.PathLike)):
        path = os.fspath(model_or_path)
        if not path.endswith((".keras", ".h5", ".hdf5")):
            raise ValueError(
                f"model_or_path {path!r} must end in .keras, .h5 or .hdf5 "
                "(a Keras 3 archive or a legacy HDF5 file)"
            )
        if not os.path.exists(path):
            raise FileNotFoundError(f"no Keras model file at {path!r}")
        return _keras().saving.load_model(path, compile=False)
    keras = _keras()
    if not isinstance(model_or_path, keras.Model):
        raise TypeError(
            "model_or_path must be a Keras model or a path to a .keras/.h5 file, "
            f"got {type(model_or_path).__name__}"
        )
    return model_or_path


def _chain(model) -> list:
    """The model's layers in order (InputLayer left out); refuses anything but a chain."""
    keras = _keras()
    name = f"model {model.name!r}"
    if not isinstance(model, keras.Sequential) and not getattr(model, "_is_graph_network", True):
        raise UnsupportedLayerError(
            f"{name} is a subclassed model; only Sequential or functional models can be read"
        )
    try:
        inputs, outputs = list(model.inputs), list(model.outputs)
    except (AttributeError, ValueError):
        inputs = outputs = None
    if not inputs:
        raise ValueError(
            f"{name} has no known input shape; start it with keras.Input(shape) "
            "(the 'same' splits depend on the input size)"
        )
    if len(inputs) != 1 or len(outputs) != 1:
        raise UnsupportedLayerError(
            f"{name} has {len(inputs)} inputs and {len(outputs)} outputs; "
            "only single-input, single-output chains are supported"
        )
    layers = [layer for layer in model.layers if type(layer).__name__ != "InputLayer"]
    if isinstance(model, keras.Sequential):
        return layers
    previous = inputs[0]
    for layer in layers:
        nodes = [n for n in layer._inbound_nodes if n.input_tensors]
        if len(nodes) != 1 or len(nodes[0].input_tensors) != 1:
            raise UnsupportedLayerError(
                f"layer {layer.name!r} ({type(layer).__name__}) is called {len(nodes)} times or "
                "on several inputs; only single-chain functional models are supported"
            )
        if nodes[0].input_tensors[0] is not previous:
            raise UnsupportedLayerError(
                f"layer {layer.name!r} ({type(layer).__name__}) does not take the previous "
                "layer's output; only single-chain functional models are supported"
            )
        previous = nodes[0].output_tensors[0]
    if previous is not outputs[0]:
        raise UnsupportedLayerError(f"{name}'s output is not its last layer's output")
    return layers


def _input_shape(model) -> tuple:
    return tuple(model.inputs[0].shape)


def _torch_name(name: str) -> str:
    """A Keras layer name as a torch child name (no dots, a valid identifier)."""
    out = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    return out if out and not out[0].isdigit() else f"layer_{out}"


def _torch_dim(axis: int, rank: int) -> int:
    """Where Keras' channels-last ``axis`` lives in PyTorch's channels-first layout."""
    axis = axis % rank
    if rank <= 2 or axis == 0:
        return axis
    return 1 if axis == rank - 1 else axis + 1


def _flatten_perm(shape) -> np.ndarray:
    """``perm[j]`` = Keras' flat index of PyTorch's flat position ``j`` for ``(*S, C)``."""
    keras_index = np.arange(int(np.prod(shape))).reshape(shape)
    return np.moveaxis(keras_index, -1, 0).reshape(-1)


# ---------------------------------------------------------------------------------------
# the plan: one spec per Keras layer, built as objects or rendered as source
# ---------------------------------------------------------------------------------------


@dataclass
class _Spec:
    cls: str  # "nn.Conv2d", "Conv2dSame", "BatchNormAxis", ...
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    children: list | None = None  # [(name, _Spec)] for an nn.Sequential

    def build(self, namespace):
        if self.children is not None:
            return nn.Sequential(OrderedDict((n, s.build(namespace)) for n, s in self.children))
        factory = namespace
        for part in self.cls.split("."):
            factory = factory[part] if isinstance(factory, dict) else getattr(factory, part)
        return factory(*self.args, **self.kwargs)

    def render(self, indent: int) -> str:
        if self.children is not None:
            pad = " " * (indent + 4)
            items = "".join(f'{pad}("{n}", {s.render(indent + 4)}),\n' for n, s in self.children)
            return f"nn.Sequential(OrderedDict([\n{items}{' ' * indent}]))"
        parts = [_literal(a) for a in self.args]
        parts += [f"{k}={_literal(v)}" for k, v in self.kwargs.items()]
        return f"{self.cls}({', '.join(parts)})"

    def classes(self):
        if self.children is None:
            yield self.cls
        else:
            for _, s in self.children:
                yield from s.classes()


def _literal(value) -> str:
    if isinstance(value, float):
        return repr(float(f"{value:.12g}"))
    if isinstance(value, tuple) and len(set(value)) == 1 and value:
        return _literal(value[0])
    return repr(value)


@dataclass
class _Step:
    layer: object  # the Keras layer
    name: str  # the torch child name
    spec: _Spec
    comment: list[str]
    state: dict  # state_dict entries relative to the child, as numpy arrays
    in_shape: tuple
    out_shape: tuple


def _unsupported(layer, option: str) -> UnsupportedLayerError:
    return UnsupportedLayerError(
        f"layer {layer.name!r} ({type(layer).__name__}): {option} is not supported by "
        "samepad_viz.port"
    )


_ACTIVATIONS = {
    "linear": ("nn.Identity", {}),
    "relu": ("nn.ReLU", {}),
    "relu6": ("nn.ReLU6", {}),
    "leaky_relu": ("nn.LeakyReLU", {"negative_slope": 0.2}),
    "elu": ("nn.ELU", {}),
    "selu": ("nn.SELU", {}),
    "gelu": ("nn.GELU", {}),
    "sigmoid": ("nn.Sigmoid", {}),
    "hard_sigmoid": ("nn.Hardsigmoid", {}),
    "hard_silu": ("nn.Hardswish", {}),
    "hard_swish": ("nn.Hardswish", {}),
    "silu": ("nn.SiLU", {}),
    "swish": ("nn.SiLU", {}),
    "mish": ("nn.Mish", {}),
    "tanh": ("nn.Tanh", {}),
    "softplus": ("nn.Softplus", {}),
    "softsign": ("nn.Softsign", {}),
    "softmax": ("nn.Softmax", {"dim": 1}),
    "log_softmax": ("nn.LogSoftmax", {"dim": 1}),
}


def _activation(layer, name) -> _Spec:
    if not isinstance(name, str) or name not in _ACTIVATIONS:
        raise _unsupported(layer, f"activation {name!r} (supported: {', '.join(_ACTIVATIONS)})")
    cls, kwargs = _ACTIVATIONS[name]
    return _Spec(cls, kwargs=dict(kwargs))


def _with_activation(layer, parts: list, cfg) -> tuple[_Spec, str]:
    """One module, or an nn.Sequential of (pad,) main and activation; prefix of weights."""
    prefix = f"{parts[-1][0]}."
    act = cfg.get("activation", "linear")
    if act != "linear":
        parts = parts + [("activation", _activation(layer, act))]
    if len(parts) == 1:
        return parts[0][1], ""
    return _Spec("nn.Sequential", children=parts), prefix


def _split_text(splits) -> str:
    return " × ".join(f"({b}, {a})" for b, a in splits)


def _size_text(sizes) -> str:
    return "×".join(str(s) for s in sizes)


def _check_channels_last(layer, cfg) -> None:
    if cfg.get("data_format", "channels_last") != "channels_last":
        raise _unsupported(layer, f"data_format={cfg['data_format']!r} (only 'channels_last')")


def _conv(layer, cfg, in_shape, out_shape, weights, ndim, title=None) -> tuple[_Spec, list, dict]:
    """A Conv1D/Conv2D (or, with ``cfg`` rewritten, a DepthwiseConv2D) as torch specs.

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
        same_cls = "Conv2dSame" if ndim == 2 else "Conv1dSame"
        main = _Spec(same_cls, (in_ch, out_ch, k), {"stride": s, **extra})
    else:
        tp = arithmetic.torch_padding(spatial, k, s, d)
        splits = arithmetic.same_padding(spatial, k, s, d)
        if tp.symmetric:
            why = (
                f"'same' here pads {_split_text(splits)} (TensorFlow's split): symmetric, so "
                f"padding={_literal(tp.padding)} is exact"
            )
            main = _Spec(torch_conv, (in_ch, out_ch), {**common, "padding": tp.padding, **extra})
        elif ndim == 2:
            why = (
                f"'same' here pads {_split_text(splits)}: more after than before, which "
                "padding= cannot express; Conv2dSame pads exactly TensorFlow's split"
            )
            main = _Spec("Conv2dSame", (in_ch, out_ch, k), {"stride": s, **extra})
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


def _conv_transpose(layer, cfg, in_shape, out_shape, weights) -> tuple[_Spec, list, dict]:
    """Keras Conv2DTranspose: PyTorch's padding/output_padding, and a crop only if needed.

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
        f"{layer.name}: Keras Conv2DTranspose({out_ch}, {k}, strides={s}"
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
        "nn.ConvTranspose2d",
        (in_ch, out_ch),
        {"kernel_size": k, "stride": s, "padding": torch_padding}
        | ({"output_padding": torch_op} if any(torch_op) else {})
        | extra,
    )
    if not any(crop):
        parts = [("conv", plain)]
        why += ": exact"
    elif padding == "same" and op is None:
        why += (
            f"; one cell more is left at the end (T = {_literal(tuple(total))} is odd), "
            "which ConvTranspose2dSame crops"
        )
        parts = [("conv", _Spec("ConvTranspose2dSame", (in_ch, out_ch, k), {"stride": s, **extra}))]
    else:
        why += (
            f"; one cell more is left at the end (T = {_literal(tuple(total))} is odd): a "
            "negative ZeroPad2d crops it"
        )
        parts = [("conv", plain), ("crop", _Spec("nn.ZeroPad2d", ((0, -crop[1], 0, -crop[0]),)))]
    spec, _ = _with_activation(layer, parts, cfg)
    prefix = "" if spec.children is None else "conv."
    # Keras stores transposed kernels (kh, kw, out, in); PyTorch wants (in, out, kh, kw).
    state = {f"{prefix}weight": np.transpose(weights[0], (3, 2, 0, 1))}
    if bias:
        state[f"{prefix}bias"] = weights[1]
    return spec, [head, why], state


def _depthwise(layer, cfg, in_shape, out_shape, weights) -> tuple[_Spec, list, dict]:
    """Keras DepthwiseConv2D: a Conv2d with groups = in_channels, out = in · multiplier."""
    in_ch, mult = in_shape[-1], int(cfg["depth_multiplier"])
    kernel = weights[0]  # (kh, kw, in, multiplier): output channel c·multiplier + m
    as_conv = {**cfg, "filters": in_ch * mult, "groups": in_ch}
    kh, kw = kernel.shape[:2]
    weights = [kernel.reshape(kh, kw, 1, in_ch * mult), *weights[1:]]
    title = f"DepthwiseConv2D({tuple(cfg['kernel_size'])}, depth_multiplier={mult}"
    spec, comment, state = _conv(layer, as_conv, in_shape, out_shape, weights, 2, title)
    comment.insert(
        1,
        f"one {kh}×{kw} filter per input channel ({mult} per channel): groups={in_ch}; "
        "kernel (kh, kw, in, m) -> (in·m, 1, kh, kw)",
    )
    return spec, comment, state


def _separable(layer, cfg, in_shape, out_shape, weights) -> tuple[_Spec, list, dict]:
    """Keras SeparableConv2D: the depthwise conv (with the padding), then a 1×1 conv."""
    in_ch, mult = in_shape[-1], int(cfg["depth_multiplier"])
    depthwise, pointwise, *bias = weights
    kh, kw = depthwise.shape[:2]
    dw_cfg = {**cfg, "filters": in_ch * mult, "groups": in_ch, "use_bias": False}
    dw_cfg["activation"] = "linear"
    dw_shape = (*out_shape[:-1], in_ch * mult)
    dw_kernel = depthwise.reshape(kh, kw, 1, in_ch * mult)
    title = f"SeparableConv2D({cfg['filters']}, {tuple(cfg['kernel_size'])}"
    dw_spec, comment, dw_state = _conv(layer, dw_cfg, in_shape, dw_shape, [dw_kernel], 2, title)
    comment = [c for c in comment if "bias by default" not in c]
    pw = _Spec(
        "nn.Conv2d",
        (in_ch * mult, cfg["filters"]),
        {"kernel_size": 1} | ({} if cfg["use_bias"] else {"bias": False}),
    )
    spec, _ = _with_activation(layer, [("depthwise", dw_spec), ("pointwise", pw)], cfg)
    state = {f"depthwise.{key}": value for key, value in dw_state.items()}
    state["pointwise.weight"] = np.transpose(pointwise, (3, 2, 0, 1))
    if bias:
        state["pointwise.bias"] = bias[0]
    comment.insert(
        1,
        f"a depthwise conv (groups={in_ch}, {mult} filter(s) per channel, no bias) that "
        f"does the padding, then a 1×1 pointwise conv {in_ch * mult} -> {cfg['filters']}",
    )
    return spec, comment, state


def _pool(layer, cfg, in_shape, out_shape, kind) -> tuple[_Spec, list]:
    _check_channels_last(layer, cfg)
    k, s, padding = tuple(cfg["pool_size"]), tuple(cfg["strides"]), cfg["padding"]
    spatial = tuple(in_shape[1:-1])
    cls = {"max": "MaxPool2d", "avg": "AvgPool2d"}[kind]
    head = (
        f"{layer.name}: Keras {type(layer).__name__}({k}, strides={s}, padding={padding!r}) "
        f"on {_size_text(spatial)} -> {_size_text(out_shape[1:-1])}"
    )
    if padding == "valid":
        return _Spec(f"nn.{cls}", (k,), {"stride": s}), [head, "'valid' never pads"]
    if padding != "same":
        raise _unsupported(layer, f"padding={padding!r}")
    if None in spatial:
        why = "'same' with an unknown input size: the split is found at run time"
        return _Spec(f"{cls}Same", (k,), {"stride": s}), [head, why]
    tp = arithmetic.torch_padding(spatial, k, s)
    splits = arithmetic.same_padding(spatial, k, s)
    fits = all(2 * p <= kk for p, kk in zip(_pairs(tp.padding, len(k)), k, strict=True))
    if tp.symmetric and fits:
        p = tp.padding
        if all(v == 0 for v in _pairs(p, len(k))):
            why = f"'same' here pads {_split_text(splits)}: the windows tile the input, no padding"
            return _Spec(f"nn.{cls}", (k,), {"stride": s}), [head, why]
        kwargs = {"stride": s, "padding": p}
        if kind == "max":
            why = (
                f"'same' here pads {_split_text(splits)}: symmetric, and nn.MaxPool2d pads "
                "with -inf like Keras"
            )
        else:
            kwargs["count_include_pad"] = False
            why = (
                f"'same' here pads {_split_text(splits)}: symmetric; Keras leaves padded cells "
                "out of the mean, hence count_include_pad=False"
            )
        return _Spec(f"nn.{cls}", (k,), kwargs), [head, why]
    why = (
        f"'same' here pads {_split_text(splits)}: more after than before, which padding= "
        f"cannot express; {cls}Same pads exactly TensorFlow's split"
        + (" with -inf" if kind == "max" else " and leaves padding out of the mean")
    )
    return _Spec(f"{cls}Same", (k,), {"stride": s}), [head, why]


def _pairs(padding, n) -> tuple:
    return tuple(padding) if isinstance(padding, tuple) else (padding,) * n


def _batch_norm(layer, cfg, in_shape, weights, perm) -> tuple[_Spec, list, dict]:
    axis = cfg["axis"]
    if isinstance(axis, (list, tuple)):
        if len(axis) != 1:
            raise _unsupported(layer, f"axis={axis!r} (one axis only)")
        axis = axis[0]
    for option in ("center", "scale"):
        if not cfg.get(option, True):
            raise _unsupported(layer, f"{option}=False")
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
        cls = {2: "nn.BatchNorm1d", 3: "nn.BatchNorm1d", 4: "nn.BatchNorm2d"}.get(rank)
        if cls is None:
            raise _unsupported(layer, f"a {rank}-D input")
        spec = _Spec(cls, (features,), kwargs)
    else:
        spec = _Spec("BatchNormAxis", (features,), {"dim": dim, **kwargs})
    gamma, beta, mean, var = weights
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


def _simple_activation(layer, cfg, kind) -> _Spec:
    if kind == "Activation":
        return _activation(layer, cfg["activation"])
    if kind == "ReLU":
        max_value, slope = cfg.get("max_value"), float(cfg.get("negative_slope") or 0.0)
        if float(cfg.get("threshold") or 0.0) != 0.0:
            raise _unsupported(layer, f"threshold={cfg['threshold']!r}")
        if max_value is None:
            if slope == 0.0:
                return _Spec("nn.ReLU")
            return _Spec("nn.LeakyReLU", kwargs={"negative_slope": slope})
        if slope != 0.0:
            raise _unsupported(layer, "max_value together with negative_slope")
        if float(max_value) == 6.0:
            return _Spec("nn.ReLU6")
        return _Spec("nn.Hardtanh", (0.0, float(max_value)))
    if kind == "LeakyReLU":
        return _Spec("nn.LeakyReLU", kwargs={"negative_slope": float(cfg["negative_slope"])})
    if kind == "ELU":
        return _Spec("nn.ELU", kwargs={"alpha": float(cfg["alpha"])})
    raise AssertionError(kind)  # pragma: no cover


_HWC = ("(H, W, C)", "(C, H, W)")


def _flatten_folds(layers, i) -> bool:
    """Whether the Flatten at ``layers[i]`` reaches a Dense through elementwise layers."""
    for layer in layers[i + 1 :]:
        kind = type(layer).__name__
        if kind == "Dense":
            return True
        if kind in ("Dropout", "Activation", "ReLU", "LeakyReLU", "ELU"):
            continue
        if kind == "BatchNormalization":
            continue
        return False
    return False


def _plan(model) -> list[_Step]:
    keras_layers = _chain(model)
    shape = _input_shape(model)
    if len(shape) not in (2, 3, 4):
        raise UnsupportedLayerError(f"model input shape {shape}: only 1-D, 2-D or flat data")
    steps, perm, names = [], None, set()
    for i, layer in enumerate(keras_layers):
        kind = type(layer).__name__
        if kind not in SUPPORTED_LAYERS:
            raise UnsupportedLayerError(
                f"layer {layer.name!r} ({kind}) is not supported by samepad_viz.port; "
                f"supported: {', '.join(SUPPORTED_LAYERS)}"
            )
        policy = getattr(getattr(layer, "dtype_policy", None), "name", "float32")
        if policy != "float32":
            raise _unsupported(layer, f"dtype policy {policy!r} (only float32)")
        cfg = layer.get_config()
        weights = [np.asarray(w) for w in layer.get_weights()]
        out_shape = tuple(layer.compute_output_shape(shape))
        name = _torch_name(layer.name)
        if name in names:
            raise ValueError(f"two layers map to the torch name {name!r}; rename one")
        names.add(name)
        state, comment = {}, []
        rank = len(shape)
        if kind == "Conv2D":
            if rank != 4:
                raise _unsupported(layer, f"a {rank}-D input")
            spec, comment, state = _conv(layer, cfg, shape, out_shape, weights, 2)
        elif kind == "Conv1D":
            if rank != 3:
                raise _unsupported(layer, f"a {rank}-D input")
            spec, comment, state = _conv(layer, cfg, shape, out_shape, weights, 1)
        elif kind in ("Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D"):
            if rank != 4:
                raise _unsupported(layer, f"a {rank}-D input")
            build = {
                "Conv2DTranspose": _conv_transpose,
                "DepthwiseConv2D": _depthwise,
                "SeparableConv2D": _separable,
            }[kind]
            spec, comment, state = build(layer, cfg, shape, out_shape, weights)
        elif kind == "BatchNormalization":
            spec, comment, state = _batch_norm(layer, cfg, shape, weights, perm)
        elif kind in ("Activation", "ReLU", "LeakyReLU", "ELU"):
            spec = _simple_activation(layer, cfg, kind)
            comment = [f"{layer.name}: Keras {kind} ({cfg.get('activation', kind)})"]
        elif kind == "Softmax":
            axis = cfg["axis"]
            if not isinstance(axis, int):
                raise _unsupported(layer, f"axis={axis!r} (one axis only)")
            spec = _Spec("nn.Softmax", kwargs={"dim": _torch_dim(axis, rank)})
            comment = [f"{layer.name}: Keras Softmax(axis={axis}) -> dim {_torch_dim(axis, rank)}"]
        elif kind == "Dropout":
            spec = _Spec("nn.Dropout", kwargs={"p": float(cfg["rate"])})
            comment = [f"{layer.name}: Keras Dropout({cfg['rate']}); identity in inference mode"]
        elif kind in ("MaxPooling2D", "AveragePooling2D"):
            if rank != 4:
                raise _unsupported(layer, f"a {rank}-D input")
            pool = "max" if kind == "MaxPooling2D" else "avg"
            spec, comment = _pool(layer, cfg, shape, out_shape, pool)
        elif kind in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
            _check_channels_last(layer, cfg)
            if rank != 4:
                raise _unsupported(layer, f"a {rank}-D input")
            average = kind == "GlobalAveragePooling2D"
            pool = _Spec("nn.AdaptiveAvgPool2d" if average else "nn.AdaptiveMaxPool2d", (1,))
            if cfg.get("keepdims"):
                spec = pool
            else:
                spec = _Spec(
                    "nn.Sequential", children=[("pool", pool), ("flatten", _Spec("nn.Flatten"))]
                )
            what = "mean" if average else "maximum"
            comment = [f"{layer.name}: Keras {kind}: the {what} over H and W"]
        elif kind == "UpSampling2D":
            _check_channels_last(layer, cfg)
            if rank != 4:
                raise _unsupported(layer, f"a {rank}-D input")
            size, mode = tuple(int(v) for v in cfg["size"]), cfg["interpolation"]
            if mode == "nearest":
                spec = _Spec("nn.Upsample", kwargs={"scale_factor": size, "mode": "nearest"})
                why = "each cell repeated"
            elif mode == "bilinear":
                spec = _Spec(
                    "nn.Upsample",
                    kwargs={"scale_factor": size, "mode": "bilinear", "align_corners": False},
                )
                why = (
                    "Keras (like tf.image.resize) samples at half-pixel centres: "
                    "align_corners=False"
                )
            else:
                raise _unsupported(layer, f"interpolation={mode!r} (only 'nearest', 'bilinear')")
            comment = [f"{layer.name}: Keras UpSampling2D({size}, interpolation={mode!r}): {why}"]
        elif kind == "Cropping2D":
            _check_channels_last(layer, cfg)
            (top, bottom), (left, right) = cfg["cropping"]
            spec = _Spec("nn.ZeroPad2d", ((-left, -right, -top, -bottom),))
            comment = [
                f"{layer.name}: Keras Cropping2D(((top, bottom), (left, right)) = "
                f"{((top, bottom), (left, right))}): a negative ZeroPad2d crops, in PyTorch's "
                "order (left, right, top, bottom)"
            ]
        elif kind == "ZeroPadding2D":
            _check_channels_last(layer, cfg)
            (top, bottom), (left, right) = cfg["padding"]
            spec = _Spec("nn.ZeroPad2d", ((left, right, top, bottom),))
            comment = [
                f"{layer.name}: Keras ZeroPadding2D(((top, bottom), (left, right)) = "
                f"{((top, bottom), (left, right))}) -> PyTorch's order (left, right, top, bottom)"
            ]
        elif kind == "Flatten":
            _check_channels_last(layer, cfg)
            if None in shape[1:]:
                raise _unsupported(layer, f"an input of unknown size {shape}")
            spatial, channels = shape[1:-1], shape[-1]
            needs_order = rank > 2 and channels > 1 and int(np.prod(spatial)) > 1
            if not needs_order:
                spec = _Spec("nn.Flatten")
                comment = [
                    f"{layer.name}: Keras Flatten of {shape}: one axis of size > 1, "
                    "so both flatten orders agree"
                ]
            elif _flatten_folds(keras_layers, i):
                spec = _Spec("nn.Flatten")
                perm = _flatten_perm(shape[1:])
                keras_order, torch_order = ("(L, C)", "(C, L)") if rank == 3 else _HWC
                comment = [
                    f"{layer.name}: Keras Flatten of {shape} flattens channels-last "
                    f"{keras_order}; nn.Flatten gives {torch_order}: the next Dense's input "
                    "columns are permuted once at port time, so no transpose runs on each call"
                ]
            else:
                spec = _Spec("FlattenChannelsLast")
                comment = [
                    f"{layer.name}: Keras Flatten of {shape}, in Keras' channels-last "
                    "order (no Dense follows to fold the order into)"
                ]
        elif kind == "Dense":
            if rank != 2:
                raise _unsupported(
                    layer,
                    f"a {rank}-D input (Dense acts on the last axis; "
                    "add Flatten or GlobalAveragePooling2D first)",
                )
            if cfg.get("lora_rank") or cfg.get("quantization_config"):
                raise _unsupported(layer, "LoRA or quantization")
            kernel = weights[0]
            if perm is not None:
                kernel = kernel[perm]
            spec, prefix = _with_activation(
                layer,
                [
                    (
                        "linear",
                        _Spec(
                            "nn.Linear",
                            (shape[-1], cfg["units"]),
                            {} if cfg["use_bias"] else {"bias": False},
                        ),
                    )
                ],
                cfg,
            )
            state = {f"{prefix}weight": np.ascontiguousarray(kernel.T)}
            if cfg["use_bias"]:
                state[f"{prefix}bias"] = weights[1]
            comment = [
                f"{layer.name}: Keras Dense({cfg['units']}"
                + (f", activation={cfg['activation']!r}" if cfg["activation"] != "linear" else "")
                + "): kernel (in, out) transposed to (out, in)"
            ]
            if perm is not None:
                comment.append(
                    "input columns permuted from Keras' channels-last flatten order to "
                    "PyTorch's channels-first one"
                )
            perm = None
        else:  # InputLayer never reaches here (left out by _chain)
            raise AssertionError(kind)  # pragma: no cover
        steps.append(_Step(layer, name, spec, comment, state, shape, out_shape))
        shape = out_shape
    return steps


# ---------------------------------------------------------------------------------------
# from_keras
# ---------------------------------------------------------------------------------------


def _namespace() -> dict:
    from . import layers

    return {
        "nn": nn,
        "Conv2dSame": layers.Conv2dSame,
        "MaxPool2dSame": layers.MaxPool2dSame,
        "AvgPool2dSame": layers.AvgPool2dSame,
        "ConvTranspose2dSame": layers.ConvTranspose2dSame,
        "Conv1dSame": layers.Conv1dSame,
        "BatchNormAxis": BatchNormAxis,
        "FlattenChannelsLast": FlattenChannelsLast,
    }


def from_keras(model_or_path) -> nn.Sequential:
    """A Keras model (object or ``.keras`` / ``.h5`` path) as a PyTorch module.

    The result is an ``nn.Sequential`` with one child per Keras layer, named after the
    layer, weights copied, in eval mode, taking NCHW input. Raises
    :class:`UnsupportedLayerError` naming the layer and option it cannot translate.

    >>> import keras  # doctest: +SKIP
    >>> m = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Conv2D(8, 3)])  # doctest:+SKIP
    >>> from_keras(m)  # doctest: +SKIP
    Sequential(
      (conv2d): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1))
    )
    """
    model = _load(model_or_path)
    steps = _plan(model)
    namespace = _namespace()
    module = nn.Sequential(OrderedDict((st.name, st.spec.build(namespace)) for st in steps))
    state = {
        f"{st.name}.{key}": torch.from_numpy(np.ascontiguousarray(value, dtype=np.float32))
        for st in steps
        for key, value in st.state.items()
    }
    current = module.state_dict()
    for key, value in current.items():
        if key not in state:
            state[key] = value  # num_batches_tracked
        elif tuple(state[key].shape) != tuple(value.shape):
            raise AssertionError(
                f"{key}: port gives {tuple(state[key].shape)}, module wants {tuple(value.shape)}"
            )  # pragma: no cover
    module.load_state_dict(state, strict=True)
    return module.eval()


# ---------------------------------------------------------------------------------------
# to_torch_source
# ---------------------------------------------------------------------------------------

_PORT_CLASSES = ("BatchNormAxis", "FlattenChannelsLast")
_SAME_CLASSES = (
    "Conv2dSame",
    "MaxPool2dSame",
    "AvgPool2dSame",
    "Conv1dSame",
    "ConvTranspose2dSame",
)
_NEEDS_SAME_PAD = ("Conv2dSame", "MaxPool2dSame", "AvgPool2dSame", "Conv1dSame")


# The *Same layers for standalone source: short, torch-only, and pinned equal to
# samepad_viz.layers by tests/test_port.py. They pad explicitly with F.pad (a copy per
# call); samepad_viz.layers avoids the copy where it can. Each block is emitted only
# when the model needs it.
_STANDALONE_SAME = {
    "_same_pad": '''
def _same_pad(x, kernel_size, stride, dilation=(1, 1), value=0.0):
    """Pad the last len(kernel_size) dims of ``x`` with TensorFlow's 'same' split: total =
    max((ceil(W/S) - 1)*S + D*(K - 1) + 1 - W, 0), before = total // 2, the odd cell after."""
    pads = []
    spatial = x.shape[x.dim() - len(kernel_size) :]
    for size, k, s, d in zip(spatial, kernel_size, stride, dilation):
        total = max((-(-size // s) - 1) * s + d * (k - 1) + 1 - size, 0)
        pads = [total // 2, total - total // 2] + pads
    return F.pad(x, pads, value=value)
''',
    "Conv2dSame": '''
class Conv2dSame(nn.Conv2d):
    """nn.Conv2d with Keras' padding='same' for any input size, stride and dilation."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, dilation=1,
                 groups=1, bias=True):
        super().__init__(in_channels, out_channels, kernel_size, stride, 0, dilation,
                         groups, bias)

    def forward(self, x):
        return super().forward(_same_pad(x, self.kernel_size, self.stride, self.dilation))
''',
    "MaxPool2dSame": '''
class MaxPool2dSame(nn.Module):
    """Keras MaxPooling2D(padding='same'): pads with -inf, so padding never wins."""

    def __init__(self, kernel_size, stride=None):
        super().__init__()
        self.kernel_size = nn.modules.utils._pair(kernel_size)
        self.stride = nn.modules.utils._pair(stride or kernel_size)

    def forward(self, x):
        x = _same_pad(x, self.kernel_size, self.stride, value=float("-inf"))
        return F.max_pool2d(x, self.kernel_size, self.stride)
''',
    "AvgPool2dSame": '''
class AvgPool2dSame(nn.Module):
    """Keras AveragePooling2D(padding='same') as TensorFlow defines it: the mean of the
    real cells each window covers (padding never counted)."""

    def __init__(self, kernel_size, stride=None):
        super().__init__()
        self.kernel_size = nn.modules.utils._pair(kernel_size)
        self.stride = nn.modules.utils._pair(stride or kernel_size)

    def forward(self, x):
        k, s = self.kernel_size, self.stride
        real = _same_pad(torch.ones_like(x[:1, :1]), k, s)  # 1 on real cells, 0 on padding
        return F.avg_pool2d(_same_pad(x, k, s), k, s) / F.avg_pool2d(real, k, s)
''',
    "Conv1dSame": '''
class Conv1dSame(nn.Conv1d):
    """nn.Conv1d with Keras' Conv1D(padding='same') for any length, stride and dilation."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, dilation=1,
                 groups=1, bias=True):
        super().__init__(in_channels, out_channels, kernel_size, stride, 0, dilation,
                         groups, bias)

    def forward(self, x):
        return super().forward(_same_pad(x, self.kernel_size, self.stride, self.dilation))
''',
    "ConvTranspose2dSame": '''
class ConvTranspose2dSame(nn.ConvTranspose2d):
    """nn.ConvTranspose2d with Keras' Conv2DTranspose(padding='same'): out = W*S. Per
    dimension T = max(D*(K - 1) + 1 - S, 0): padding T // 2, output_padding
    max(S - D*(K - 1) - 1, 0), and the last row/column cropped when T is odd."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, dilation=1,
                 bias=True):
        k, s, d = (nn.modules.utils._pair(v) for v in (kernel_size, stride, dilation))
        eff = [dd * (kk - 1) + 1 for kk, dd in zip(k, d)]
        total = [max(e - ss, 0) for e, ss in zip(eff, s)]
        output_padding = [max(ss - e, 0) for e, ss in zip(eff, s)]
        super().__init__(in_channels, out_channels, k, s, [t // 2 for t in total],
                         output_padding, 1, bias, d)
        self.crop = [t % 2 for t in total]

    def forward(self, x):
        y = super().forward(x)
        return y[..., : y.shape[-2] - self.crop[0], : y.shape[-1] - self.crop[1]]
''',
}


def _standalone_definitions(needed: list[str]) -> str:
    """Source of the ``*Same`` layers and port helpers in ``needed``, needing only torch."""
    blocks = []
    same = [name for name in _SAME_CLASSES if name in needed]
    if any(name in _NEEDS_SAME_PAD for name in same):
        blocks.append(_STANDALONE_SAME["_same_pad"])
    blocks += [_STANDALONE_SAME[name] for name in same]
    for name in _PORT_CLASSES:
        if name in needed:
            blocks.append(inspect.getsource(globals()[name]))
    return "\n\n\n".join(b.strip() for b in blocks)


def to_torch_source(model_or_path, standalone: bool = False, weights: str | None = None) -> str:
    """Readable PyTorch source for :func:`from_keras`'s module.

    Executing the source binds ``model`` to an ``nn.Sequential`` whose ``state_dict`` keys
    equal those of ``from_keras(model_or_path)``, so
    ``model.load_state_dict(from_keras(m).state_dict())`` works. The source imports the
    ``*Same`` layers from :mod:`samepad_viz.layers`; with ``standalone=True`` it defines
    them itself and needs only torch.

    ``weights``, a file name (``"model.pt"``), adds lines that load that ``state_dict``
    from the source file's own folder when the source runs as a file (or is imported);
    executed from a string (no ``__file__``) the model keeps its initial weights.
    ``python -m samepad_viz.port`` writes both files.
    """
    model = _load(model_or_path)
    steps = _plan(model)
    used = sorted({c for st in steps for c in st.spec.classes()})
    same = [c for c in _SAME_CLASSES if c in used]
    helpers = [c for c in _PORT_CLASSES if c in used]
    shape = _input_shape(model)
    nchw = (shape[-1], *shape[1:-1]) if len(shape) > 2 else shape[1:]
    lines = [
        f'"""PyTorch port of the Keras model {model.name!r} (samepad_viz.port.to_torch_source).',
        "",
        f"Input: NCHW, shape (N, {', '.join(str(s) for s in nchw)}); Keras took "
        f"(N, {', '.join(str(s) for s in shape[1:])}).",
        (
            "Weights: model.load_state_dict(samepad_viz.port.from_keras(keras_model).state_dict())"
            if weights is None
            else f"Weights: {weights} beside this file, loaded when it runs as a file."
        ),
        '"""',
        "",
        *(["import os"] if weights is not None else []),
        "from collections import OrderedDict",
        "",
        "import torch",
        "import torch.nn.functional as F",
        "from torch import nn",
        "",
    ]
    if standalone and (same or helpers):
        lines += ["", _standalone_definitions(same + helpers), "", ""]
    else:
        if same:
            lines.append(f"from samepad_viz.layers import {', '.join(same)}")
        if helpers:
            lines.append(f"from samepad_viz.port import {', '.join(helpers)}")
        lines.append("")
    lines.append("model = nn.Sequential(OrderedDict([")
    for st in steps:
        for text in st.comment:
            lines += textwrap.wrap(
                text, 96, initial_indent="    # ", subsequent_indent="    #   ",
                break_on_hyphens=False,
            )  # fmt: skip
        lines.append(f'    ("{st.name}", {st.spec.render(4)}),')
    lines.append("]))")
    if weights is not None:
        lines += [
            'if "__file__" in globals():  # run or imported as a file, not exec\'d from a string',
            "    _weights = os.path.join(os.path.dirname(os.path.abspath(__file__)), "
            f"{os.path.basename(weights)!r})",
            "    model.load_state_dict(torch.load(_weights, weights_only=True))",
        ]
    lines.append("model.eval()")
    source = "\n".join(lines) + "\n"
    if "F." not in source.split("from torch import nn", 1)[1]:
        source = source.replace("import torch.nn.functional as F\n", "")
    if "torch." not in source.split("from torch import nn", 1)[1]:
        source = source.replace("import torch\n", "")
    return source


# ---------------------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------------------


@dataclass
class Row:
    """One layer of a :class:`PortReport`."""

    name: str
    kind: str
    keras_shape: tuple
    torch_shape: tuple | None
    keras_params: int
    torch_params: int | None
    max_abs_diff: float | None
    note: str = ""
    tolerance: float | None = None  # what max_abs_diff was held to

    def diff_text(self) -> str:
        """The difference as printed: ``< 1e-05`` within tolerance, else its value.

        A difference at float32 rounding level has digits that depend on the SIMD kernels
        PyTorch picks for the CPU; "below the tolerance" is the same everywhere. The exact
        value stays in :attr:`max_abs_diff`.
        """
        if self.max_abs_diff is None:
            return ""
        if self.tolerance is not None and self.max_abs_diff <= self.tolerance:
            return f"< {self.tolerance:.2g}" if self.max_abs_diff < self.tolerance else "ok"
        return f"{self.max_abs_diff:.3g}"


@dataclass(repr=False)
class PortReport:
    """What :func:`compare` found: one row per layer, the worst difference, and why.

    Printed (``str``, ``repr`` and the notebook HTML), a difference within its tolerance
    reads ``< 1e-05`` rather than digits that vary from CPU to CPU; the exact numbers are
    in :attr:`max_abs_diff` and each row's ``max_abs_diff``.
    """

    rows: list
    max_abs_diff: float
    tolerance: float
    first_divergence: Row | None
    cause: str
    per_layer: bool = True
    keras_own: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.first_divergence is None

    def _table(self):
        head = [
            "#",
            "layer",
            "Keras type",
            "Keras shape (NHWC)",
            "torch shape",
            "Keras params",
            "torch params",
            "max |diff|",
            "note",
        ]
        body = []
        for i, r in enumerate(self.rows, 1):
            body.append(
                [
                    str(i),
                    r.name,
                    r.kind,
                    _shape_text(r.keras_shape),
                    _shape_text(r.torch_shape),
                    f"{r.keras_params:,}",
                    "" if r.torch_params is None else f"{r.torch_params:,}",
                    r.diff_text(),
                    r.note,
                ]
            )
        return head, body

    def _summary(self) -> list[str]:
        if self.ok:
            lines = [
                f"max abs diff within tolerance at every layer (output tolerance "
                f"{self.tolerance:.3g}; exact values in .max_abs_diff)"
            ]
        else:
            lines = [f"max abs diff {self.max_abs_diff:.3g} (tolerance {self.tolerance:.3g})"]
        if self.first_divergence is None:
            lines.append("no divergence")
        else:
            lines.append(f"first divergence: {self.first_divergence.name}")
        lines.append(f"cause: {self.cause}")
        return lines

    def __str__(self) -> str:
        head, body = self._table()
        widths = [max(len(row[c]) for row in [head, *body]) for c in range(len(head))]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        out = [fmt.format(*head).rstrip(), "  ".join("-" * w for w in widths)]
        out += [fmt.format(*row).rstrip() for row in body]
        return "\n".join(out + [""] + self._summary())

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        head, body = self._table()
        esc = html.escape
        rows = "".join(
            "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in body
        )
        summary = "<br>".join(esc(s) for s in self._summary())
        return (
            "<table><thead><tr>"
            + "".join(f"<th>{esc(h)}</th>" for h in head)
            + f"</tr></thead><tbody>{rows}</tbody></table><p>{summary}</p>"
        )


def _shape_text(shape) -> str:
    if shape is None:
        return ""
    return "(" + ", ".join("None" if s is None else str(s) for s in shape) + ")"


def _torch_count(module) -> int:
    """Parameters plus running statistics, counted as Keras counts them."""
    params = sum(p.numel() for p in module.parameters())
    buffers = sum(
        b.numel() for n, b in module.named_buffers() if not n.endswith("num_batches_tracked")
    )
    return params + buffers


def _to_keras_layout(a: np.ndarray) -> np.ndarray:
    return np.moveaxis(a, 1, -1) if a.ndim > 2 else a


def _np_avg_pool_same(x: np.ndarray, pool, strides) -> np.ndarray:
    """TensorFlow's 'same' average pooling on NHWC: the mean of the real cells covered."""
    n, h, w, c = x.shape
    (t, _), (left, _) = arithmetic.same_padding((h, w), pool, strides)
    oh, ow = arithmetic.keras_output_size((h, w), pool, strides, "same")
    out = np.empty((n, oh, ow, c), dtype=np.float64)
    for i in range(oh):
        r0, r1 = max(i * strides[0] - t, 0), min(i * strides[0] - t + pool[0], h)
        for j in range(ow):
            c0, c1 = max(j * strides[1] - left, 0), min(j * strides[1] - left + pool[1], w)
            out[:, i, j] = x[:, r0:r1, c0:c1].mean(axis=(1, 2))
    return out.astype(x.dtype)


def _keras_avg_pool_is_own(layer, in_shape) -> bool:
    """Keras' torch backend mis-averages this layer ('same', asymmetric split)."""
    if type(layer).__name__ != "AveragePooling2D" or layer.get_config()["padding"] != "same":
        return False
    if _keras().backend.backend() != "torch":
        return False
    cfg = layer.get_config()
    splits = arithmetic.same_padding(
        tuple(in_shape[1:3]), tuple(cfg["pool_size"]), tuple(cfg["strides"])
    )
    return any(b != a for b, a in splits)


def compare(
    keras_model, torch_module, input_shape, seed=0, tol=None, batch=4, *, rtol=1e-5,
    progress=None,
) -> PortReport:  # fmt: skip
    """Run both models on one seeded batch in inference mode and compare them per layer.

    ``input_shape`` is Keras' per-sample shape, e.g. ``(32, 32, 3)``; the torch module gets
    the same batch in NCHW. Activations are compared in Keras' layout. Each layer's
    tolerance is ``rtol · max(1, max |Keras activation|)`` unless ``tol`` (absolute) is
    given; the report's ``tolerance`` is the final output's. ``progress``, if given, is
    called with each finished :class:`Row` and the number of layers.
    """
    keras = _keras()
    model = _load(keras_model)
    layers = _chain(model)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, *input_shape)).astype(np.float32)
    names = [_torch_name(layer.name) for layer in layers]
    children = list(torch_module.named_children())
    per_layer = isinstance(torch_module, nn.Sequential) and [n for n, _ in children] == names
    torch_module.eval()

    # Keras side, layer by layer (a reference where Keras' torch backend is itself wrong)
    keras_acts, keras_own, notes = [], [], {}
    a = x
    for i, layer in enumerate(layers):
        out = keras.ops.convert_to_numpy(layer(a, training=False))
        if _keras_avg_pool_is_own(layer, a.shape):
            cfg = layer.get_config()
            ref = _np_avg_pool_same(a, tuple(cfg["pool_size"]), tuple(cfg["strides"]))
            d = float(np.max(np.abs(ref - out)))
            keras_own.append((layer.name, d))
            notes[i] = (
                f"Keras' torch backend differs from TensorFlow by {d:.3g} here (its own "
                "replicate-padding bug); compared against TensorFlow's definition"
            )
            out = ref
        keras_acts.append(out)
        a = out
    final = keras_acts[-1] if keras_acts else x
    scale = max(1.0, float(np.max(np.abs(final)))) if final.size else 1.0
    tolerance = tol if tol is not None else rtol * scale

    rows, first, cause = [], None, ""
    t_in = torch.from_numpy(np.moveaxis(x, -1, 1).copy() if x.ndim > 2 else x)
    with torch.no_grad():
        if per_layer:
            order, prev_t = None, t_in
            for i, (layer, (_, child)) in enumerate(zip(layers, children, strict=True)):
                k_out = keras_acts[i]
                row = Row(
                    layer.name,
                    type(layer).__name__,
                    tuple(k_out.shape[1:]),
                    None,
                    layer.count_params(),
                    _torch_count(child),
                    None,
                    notes.get(i, ""),
                )
                rows.append(row)
                try:
                    t_out = child(prev_t)
                except Exception as exc:  # the torch layer cannot run on this input
                    row.note = f"torch raised {type(exc).__name__}: {exc}"
                    first = row
                    cause = _diagnose(layer, child, keras_acts, i, x, prev_t, None, row.note)
                    break
                row.torch_shape = tuple(t_out.shape[1:])
                t_np = _to_keras_layout(t_out.numpy())
                if t_np.ndim == 2 and prev_t.dim() > 2 and type(layer).__name__ == "Flatten":
                    perm = _flatten_perm(tuple(prev_t.shape[2:]) + (prev_t.shape[1],))
                    inv = np.argsort(perm)
                    if t_np.shape == k_out.shape and (
                        np.max(np.abs(t_np[:, inv] - k_out)) < np.max(np.abs(t_np - k_out))
                    ):
                        order = inv
                    else:
                        order = None
                elif type(layer).__name__ == "Dense" or t_np.ndim != 2:
                    order = None
                if order is not None and t_np.ndim == 2 and t_np.shape[1] == order.size:
                    t_np = t_np[:, order]
                if t_np.shape != k_out.shape:
                    row.note = (row.note + "; " if row.note else "") + "shapes differ"
                    first = row
                    cause = _diagnose(layer, child, keras_acts, i, x, prev_t, t_out, "shape")
                    break
                row.max_abs_diff = float(np.max(np.abs(t_np - k_out))) if k_out.size else 0.0
                peak = float(np.abs(k_out).max()) if k_out.size else 0.0
                row_tol = tol if tol is not None else rtol * max(1.0, peak)
                row.tolerance = row_tol
                if progress is not None:
                    progress(row, len(layers))
                if first is None and row.max_abs_diff > row_tol:
                    first = row
                    cause = _diagnose(layer, child, keras_acts, i, x, prev_t, t_out, "values")
                prev_t = t_out
        else:
            k_out = final
            try:
                t_out = torch_module(t_in)
                t_np = _to_keras_layout(t_out.numpy())
                shape, diff = tuple(t_out.shape[1:]), None
                if t_np.shape == k_out.shape:
                    diff = float(np.max(np.abs(t_np - k_out)))
                note = "" if diff is not None else "shapes differ"
            except Exception as exc:
                shape, diff, note = None, None, f"torch raised {type(exc).__name__}: {exc}"
            row = Row(
                "output",
                type(model).__name__,
                tuple(k_out.shape[1:]),
                shape,
                model.count_params(),
                _torch_count(torch_module),
                diff,
                note,
                tolerance,
            )
            rows.append(row)
            if progress is not None:
                progress(row, 1)
            if diff is None or diff > tolerance:
                first = row
                cause = (
                    "the module is not one child per Keras layer, so only the final output "
                    f"was compared ({note or f'max abs diff {diff:.3g}'}); port it with "
                    "from_keras or to_torch_source for a per-layer report"
                )
    diffs = [r.max_abs_diff for r in rows if r.max_abs_diff is not None]
    worst = max(diffs) if diffs else float("inf")
    if first is None:
        cause = "none: every layer matches within the tolerance"
    if keras_own:
        own = "; ".join(f"{n} (by {d:.3g})" for n, d in keras_own)
        cause += (
            f". Note: Keras' own PyTorch backend is wrong at {own}: for an asymmetric 'same' "
            "split it pads by replicating edge values and averages the copies (CONTEXT.md); "
            "those layers were checked against TensorFlow's definition, not blamed on the port"
        )
    return PortReport(rows, worst, tolerance, first, cause, per_layer, keras_own)


# ---------------------------------------------------------------------------------------
# diagnosis: which line of the port is likely wrong
# ---------------------------------------------------------------------------------------


def _modules(child):
    return [child] + [m for _, m in child.named_modules() if m is not child]


def _torch_split(child, ndim):
    """(before, after) per spatial dimension that ``child`` pads by, or None if unknown."""
    from . import layers

    extra = [(0, 0)] * ndim
    main = None
    for m in _modules(child):
        if isinstance(m, layers.CausalConv1d):
            return [m.causal_padding]
        if isinstance(
            m,
            (
                layers.Conv2dSame,
                layers.MaxPool2dSame,
                layers.AvgPool2dSame,
                layers.Conv1dSame,
                layers.ConvTranspose2dSame,
            ),
        ):
            return "same"
        if isinstance(m, (nn.ZeroPad2d, nn.ConstantPad2d, nn.ConstantPad1d)):
            pad = tuple(m.padding)
            pairs = [(pad[2 * j], pad[2 * j + 1]) for j in range(len(pad) // 2)][::-1]
            extra = [(a + p, b + q) for (a, b), (p, q) in zip(extra, pairs[-ndim:], strict=True)]
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
            main = m
    if main is None:
        return None
    p = main.padding
    if isinstance(p, str):
        return None
    p = _pairs(p if isinstance(p, tuple) else int(p), ndim)
    return [(a + q, b + q) for (a, b), q in zip(extra, p, strict=True)]


def _diagnose(layer, child, keras_acts, i, x, prev_t, t_out, what) -> str:
    kind = type(layer).__name__
    cfg = layer.get_config()
    k_in = keras_acts[i - 1] if i > 0 else x
    where = f"layer {i + 1} {layer.name!r} ({kind})"
    if what.startswith("torch raised"):
        return f"{where}: the torch layer cannot run on the previous output ({what})"
    if kind in ("Conv2D", "Conv1D", "DepthwiseConv2D", "MaxPooling2D", "AveragePooling2D"):
        ndim = 1 if kind == "Conv1D" else 2
        spatial = tuple(k_in.shape[1:-1])
        if kind.startswith("Conv"):
            k, s, d = (tuple(cfg[key]) for key in ("kernel_size", "strides", "dilation_rate"))
        else:
            k, s, d = tuple(cfg["pool_size"]), tuple(cfg["strides"]), (1,) * ndim
        if cfg["padding"] == "same":
            want = list(arithmetic.same_padding(spatial, k, s, d))
        elif cfg["padding"] == "causal":
            want = [arithmetic.causal_padding(k[0], d[0])]
        else:
            want = [(0, 0)] * ndim
        have = _torch_split(child, ndim)
        if isinstance(have, list) and [tuple(h) for h in have] != [tuple(w) for w in want]:
            return (
                f"padding split at {where}: the torch layer pads {_split_text(have)} where "
                f"TensorFlow's {cfg['padding']!r} pads {_split_text(want)} on "
                f"{_size_text(spatial)} (kernel {k}, stride {s}); "
                + (
                    "use the *Same layer or an explicit asymmetric pad"
                    if any(b != a for b, a in want)
                    else f"use padding={want[0][0]}"
                )
            )
        if kind == "AveragePooling2D":
            for m in _modules(child):
                if (
                    isinstance(m, nn.AvgPool2d)
                    and m.count_include_pad
                    and any(v for v in _pairs(m.padding, 2))
                ):
                    return (
                        f"pooling pad value at {where}: the torch layer counts padded zeros "
                        "in the average (count_include_pad=True); Keras leaves them out"
                    )
        if kind == "MaxPooling2D" and any(
            isinstance(m, (nn.ZeroPad2d, nn.ConstantPad2d)) for m in _modules(child)
        ):
            return (
                f"pooling pad value at {where}: the torch layer pads with zeros; Keras max "
                "pooling pads with -inf (differs wherever a window's real cells are all negative)"
            )
        if what == "shape":
            return f"output size at {where}: check kernel, stride and padding against Keras"
        if kind.startswith("Conv"):
            return _weights_cause(layer, child, where, "kernel")
        return f"values differ at {where} although the padding matches: check kernel and stride"
    if kind == "BatchNormalization":
        bns = [m for m in _modules(child) if isinstance(m, nn.modules.batchnorm._BatchNorm)]
        axis = cfg["axis"][0] if isinstance(cfg["axis"], (list, tuple)) else cfg["axis"]
        rank = k_in.ndim
        axis %= rank
        if not bns:
            return f"{where}: the torch layer is not a batch normalisation"
        bn = bns[0]
        dim = getattr(bn, "dim", 1)
        want_dim, want_n = _torch_dim(axis, rank), k_in.shape[axis]
        if dim != want_dim or bn.num_features != want_n:
            return (
                f"BatchNorm axis at {where}: Keras normalises axis {cfg['axis']} of "
                f"{_shape_text((None, *k_in.shape[1:]))} ({want_n} features, NCHW dim "
                f"{want_dim}); the torch "
                f"layer normalises dim {dim} with {bn.num_features} features"
            )
        if not np.isclose(bn.eps, cfg["epsilon"], rtol=1e-6, atol=0):
            return (
                f"BatchNorm epsilon at {where}: torch eps={bn.eps:g}, Keras epsilon="
                f"{cfg['epsilon']:g} (PyTorch's default 1e-5 is not Keras' 1e-3)"
            )
        return _weights_cause(layer, child, where, "statistics")
    if kind == "Dense":
        lin = next((m for m in _modules(child) if isinstance(m, nn.Linear)), None)
        if lin is not None and prev_t is not None and prev_t.dim() == 2 and i > 0:
            keras_flat = torch.from_numpy(np.ascontiguousarray(k_in))
            direct = lin(keras_flat).numpy()
            if np.allclose(direct, _pre_activation(layer, k_in), atol=1e-4, rtol=1e-4):
                return (
                    f"flatten order at {where}: its weight expects Keras' channels-last "
                    "(H, W, C) flatten order but receives PyTorch's (C, H, W); permute the "
                    "Dense input columns once (or flatten channels-last)"
                )
        return _weights_cause(layer, child, where, "kernel")
    if kind == "Flatten":
        return f"flatten order at {where}: the torch flatten matches neither order"
    return f"values differ at {where}: check its settings (activation, rate, padding)"


def _pre_activation(layer, k_in):
    kernel, *bias = layer.get_weights()
    out = k_in @ np.asarray(kernel)
    return out + np.asarray(bias[0]) if bias else out


def _weights_cause(layer, child, where, what) -> str:
    return (
        f"{where}: settings and padding match Keras, so the {what} values likely differ: "
        "check that the weights were copied (conv kernels (kh, kw, in, out) -> (out, in, kh, kw), "
        "Dense transposed, BatchNorm gamma/beta/moving mean/variance) and the activation"
    )


# ---------------------------------------------------------------------------------------
# the command: python -m samepad_viz.port MODEL.keras [-o model.py]
# ---------------------------------------------------------------------------------------

EXIT_OK, EXIT_DIFFERS, EXIT_UNSUPPORTED = 0, 1, 2
COMMAND_RTOL = 1e-4  # every difference within 1e-4 of the activation's magnitude


def _progress_printer():
    """A ``compare`` progress callback printing ``[i/n] name (kind) shape: max |diff| …``."""
    done = []

    def progress(row: Row, n: int) -> None:
        done.append(row)
        diff = row.diff_text() or row.note or "?"
        print(
            f"[{len(done)}/{n}] {row.name} ({row.kind}) {_shape_text(row.keras_shape)}: "
            f"max |diff| {diff}",
            file=sys.stderr,
            flush=True,
        )

    return progress


def main(argv=None) -> int:
    """Port a ``.keras`` / ``.h5`` file: write ``model.py`` and ``model.pt``, check them.

    Exit status 0 when every layer matches Keras within ``1e-4 · max(1, |activation|)``,
    1 when one does not, 2 when the model cannot be ported (the layer is named).
    """
    import argparse
    import runpy

    parser = argparse.ArgumentParser(
        prog="python -m samepad_viz.port",
        description=(
            "Port a Keras model file to standalone PyTorch source plus a state_dict, run "
            "both on a seeded batch and compare them layer by layer."
        ),
    )
    parser.add_argument("model", help="a Keras 3 .keras archive or a legacy .h5 file")
    parser.add_argument(
        "-o", "--output", help="PyTorch source to write (default: the model's name with .py)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the test batch")
    parser.add_argument("--batch", type=int, default=4, help="test batch size")
    parser.add_argument(
        "--size", type=int, default=32, help="for input dimensions the model leaves open"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="check an existing OUTPUT and its .pt against the model instead of writing them",
    )
    args = parser.parse_args(argv)
    source_path = args.output or os.path.splitext(args.model)[0] + ".py"
    weights_path = os.path.splitext(source_path)[0] + ".pt"
    keras = _keras()
    print(f"Keras {keras.__version__} on its {keras.backend.backend()} backend", file=sys.stderr)
    try:
        model = _load(args.model)
        if not args.check:
            module = from_keras(model)
            source = to_torch_source(model, standalone=True, weights=os.path.basename(weights_path))
    except UnsupportedLayerError as exc:
        print(f"unsupported: {exc}", file=sys.stderr)
        return EXIT_UNSUPPORTED
    except (OSError, TypeError, ValueError) as exc:
        print(f"cannot port {args.model}: {exc}", file=sys.stderr)
        return EXIT_UNSUPPORTED
    if not args.check:
        os.makedirs(os.path.dirname(os.path.abspath(source_path)), exist_ok=True)
        with open(source_path, "w", encoding="utf-8") as f:
            f.write(source)
        torch.save(module.state_dict(), weights_path)
        print(f"wrote {source_path} and {weights_path}", file=sys.stderr)
    ported = runpy.run_path(source_path)["model"]  # as a user runs it: loads the .pt
    shape = tuple(args.size if s is None else s for s in _input_shape(model)[1:])
    if None in _input_shape(model)[1:]:
        print(f"open input dimensions set to {args.size}: {shape}", file=sys.stderr)
    report = compare(
        model, ported, shape, seed=args.seed, batch=args.batch, rtol=COMMAND_RTOL,
        progress=_progress_printer(),
    )  # fmt: skip
    print(report)
    return EXIT_OK if report.ok else EXIT_DIFFERS


if __name__ == "__main__":
    # Run the package's own module (not this __main__ copy), so classes keep their names.
    from samepad_viz.port import main as _main

    sys.exit(_main())
