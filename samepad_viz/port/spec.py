"""One spec per Keras layer, built into torch objects or rendered as source; shared helpers."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from torch import nn

from .reading import UnsupportedLayerError


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


def _pairs(padding, n) -> tuple:
    return tuple(padding) if isinstance(padding, tuple) else (padding,) * n
