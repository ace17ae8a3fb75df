"""Keras pooling layers (max, average, global; 1-D, 2-D and 3-D) as torch modules."""

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
    """A MaxPooling/AveragePooling of any rank (1-D, 2-D, 3-D) as one torch spec."""
    _check_channels_last(layer, cfg)
    k, s, padding = tuple(cfg["pool_size"]), tuple(cfg["strides"]), cfg["padding"]
    spatial = tuple(in_shape[1:-1])
    cls = {"max": "MaxPool", "avg": "AvgPool"}[kind] + f"{len(k)}d"
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
                f"'same' here pads {_split_text(splits)}: symmetric, and nn.{cls} pads "
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


_POOLS = tuple(f"{kind}Pooling{n}D" for kind in ("Max", "Average") for n in (1, 2, 3))


@converts(*_POOLS)
def pooling(node) -> Converted:
    """nn.MaxPool/AvgPool1d/2d/3d where the split is symmetric, else MaxPool/AvgPool*dSame."""
    ndim = int(node.kind[-2])
    rank = len(node.in_shape)
    if rank != ndim + 2:
        raise _unsupported(node.layer, f"a {rank}-D input")
    kind = "max" if node.kind.startswith("Max") else "avg"
    spec, comment = _pool(node.layer, node.cfg, node.in_shape, node.out_shape, kind)
    return Converted(spec, comment)


_GLOBALS = tuple(f"Global{kind}Pooling{n}D" for kind in ("Average", "Max") for n in (1, 2, 3))


@converts(*_GLOBALS)
def global_pooling(node) -> Converted:
    """nn.AdaptiveAvgPool/AdaptiveMaxPool to size 1, flattened unless keepdims=True."""
    _check_channels_last(node.layer, node.cfg)
    ndim = int(node.kind[-2])
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
    over = {1: "the length", 2: "H and W", 3: "D, H and W"}[ndim]
    keep = ", size 1 kept (keepdims=True)" if node.cfg.get("keepdims") else ""
    return Converted(spec, [f"{node.layer.name}: Keras {node.kind}: the {what} over {over}{keep}"])
