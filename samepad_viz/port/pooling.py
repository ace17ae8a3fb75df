"""Keras pooling layers (max, average, global) as torch modules."""

from __future__ import annotations

from .. import arithmetic
from .registry import Converted, converts
from .spec import (
    _check_channels_last,
    _pairs,
    _size_text,
    _Spec,
    _split_text,
    _unsupported,
)


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


@converts("MaxPooling2D", "AveragePooling2D")
def pooling(node) -> Converted:
    """nn.MaxPool2d/AvgPool2d where the split is symmetric, else MaxPool2dSame/AvgPool2dSame."""
    rank = len(node.in_shape)
    if rank != 4:
        raise _unsupported(node.layer, f"a {rank}-D input")
    kind = "max" if node.kind == "MaxPooling2D" else "avg"
    spec, comment = _pool(node.layer, node.cfg, node.in_shape, node.out_shape, kind)
    return Converted(spec, comment)


@converts(
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D"
)
def global_pooling(node) -> Converted:
    """nn.AdaptiveAvgPool/AdaptiveMaxPool to size 1, flattened unless keepdims=True."""
    _check_channels_last(node.layer, node.cfg)
    ndim = 1 if node.kind.endswith("1D") else 2
    rank = len(node.in_shape)
    if rank != ndim + 2:
        raise _unsupported(node.layer, f"a {rank}-D input")
    average = "Average" in node.kind
    cls = f"nn.Adaptive{'Avg' if average else 'Max'}Pool{ndim}d"
    pool = _Spec(cls, (1,))
    if node.cfg.get("keepdims"):
        spec = pool
    else:
        spec = _Spec("nn.Sequential", children=[("pool", pool), ("flatten", _Spec("nn.Flatten"))])
    what = "mean" if average else "maximum"
    over = "the length" if ndim == 1 else "H and W"
    keep = ", size 1 kept (keepdims=True)" if node.cfg.get("keepdims") else ""
    return Converted(spec, [f"{node.layer.name}: Keras {node.kind}: the {what} over {over}{keep}"])


@converts("MaxPooling1D", "AveragePooling1D")
def pooling_1d(node) -> Converted:
    """nn.MaxPool1d/AvgPool1d where the split is symmetric; else the 2-D *Same pool on a
    height-1 view (unflatten, pool, flatten: no copy of the data)."""
    layer, cfg = node.layer, node.cfg
    _check_channels_last(layer, cfg)
    rank = len(node.in_shape)
    if rank != 3:
        raise _unsupported(layer, f"a {rank}-D input")
    (k,), (s,), padding = tuple(cfg["pool_size"]), tuple(cfg["strides"]), cfg["padding"]
    kind = "Max" if node.kind == "MaxPooling1D" else "Avg"
    length = node.in_shape[1]
    head = (
        f"{layer.name}: Keras {node.kind}({k}, strides={s}, padding={padding!r}) on "
        f"{length} -> {node.out_shape[1]}"
    )
    if padding == "valid":
        return Converted(
            _Spec(f"nn.{kind}Pool1d", (k,), {"stride": s}), [head, "'valid' never pads"]
        )
    if padding != "same":
        raise _unsupported(layer, f"padding={padding!r}")
    if length is not None:
        tp = arithmetic.torch_padding((length,), (k,), (s,))
        (p,) = _pairs(tp.padding, 1)
        if tp.symmetric and 2 * p <= k:
            kwargs = {"stride": s} | ({"padding": p} if p else {})
            if kind == "Avg" and p:
                kwargs["count_include_pad"] = False
            why = f"'same' here pads ({p}, {p}): symmetric" + (
                "; padding left out of the mean" if kind == "Avg" and p else ""
            )
            return Converted(_Spec(f"nn.{kind}Pool1d", (k,), kwargs), [head, why])
    why = (
        "'same' here pads more after than before (or the length is unknown): the 2-D "
        f"{kind}Pool2dSame on a height-1 view pads exactly TensorFlow's split"
    )
    spec = _Spec(
        "nn.Sequential",
        children=[
            ("unflatten", _Spec("nn.Unflatten", (2, (1, -1)))),
            ("pool", _Spec(f"{kind}Pool2dSame", ((1, k),), {"stride": (1, s)})),
            ("flatten", _Spec("nn.Flatten", (2,))),
        ],
    )
    return Converted(spec, [head, why])
