"""Which line of a port is likely wrong: the cause compare names for a divergence."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .. import arithmetic
from .reading import _torch_dim
from .report import _shape_text
from .spec import _pairs, _size_text, _split_text


def _modules(child):
    return [child] + [m for _, m in child.named_modules() if m is not child]


_SAME_LAYERS = tuple(
    f"{kind}{n}dSame" for kind in ("Conv", "MaxPool", "AvgPool", "ConvTranspose") for n in (1, 2, 3)
)


# the torch modules whose own ``padding`` the split is read from
_PADDED = (
    nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d,
    nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d,
)  # fmt: skip
_SPLIT_KINDS = (
    "Conv1D", "Conv2D", "Conv3D", "DepthwiseConv1D", "DepthwiseConv2D",
    *(f"{kind}Pooling{n}D" for kind in ("Max", "Average") for n in (1, 2, 3)),
)  # fmt: skip


def _torch_split(child, ndim):
    """(before, after) per spatial dimension that ``child`` pads by, or None if unknown."""
    from .. import layers

    extra = [(0, 0)] * ndim
    main = None
    for m in _modules(child):
        if isinstance(m, layers.CausalConv1d):
            return [m.causal_padding]
        if isinstance(m, tuple(getattr(layers, name) for name in _SAME_LAYERS)):
            return "same"
        if isinstance(m, (nn.ZeroPad2d, nn.ConstantPad1d, nn.ConstantPad2d, nn.ConstantPad3d)):
            pad = tuple(m.padding)
            pairs = [(pad[2 * j], pad[2 * j + 1]) for j in range(len(pad) // 2)][::-1]
            extra = [(a + p, b + q) for (a, b), (p, q) in zip(extra, pairs[-ndim:], strict=True)]
        if isinstance(m, _PADDED):
            main = m
    if main is None:
        return None
    p = main.padding
    if isinstance(p, str):
        return None
    p = _pairs(p if isinstance(p, tuple) else int(p), ndim)
    return [(a + q, b + q) for (a, b), q in zip(extra, p, strict=True)]


def _diagnose(layer, child, k_in, i, prev_t, t_out, what) -> str:
    """The likely cause of a difference at layer call ``i`` (``k_in``: Keras' input)."""
    kind = type(layer).__name__
    if not hasattr(layer, "get_config") or not hasattr(layer, "count_params"):
        return f"values differ at layer {i + 1} {layer.name!r} ({kind})"
    cfg = layer.get_config()
    where = f"layer {i + 1} {layer.name!r} ({kind})"
    if what.startswith("torch raised"):
        return f"{where}: the torch layer cannot run on the previous output ({what})"
    if kind in _SPLIT_KINDS:
        ndim = k_in.ndim - 2
        spatial = tuple(k_in.shape[1:-1])
        if "Conv" in kind:
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
        if "Conv" in kind:
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
        if lin is not None and prev_t is not None and prev_t.dim() == 2 and k_in.ndim == 2:
            keras_flat = torch.from_numpy(np.ascontiguousarray(k_in))
            with torch.no_grad():
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
