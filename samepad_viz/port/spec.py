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


# Every built-in activation of Keras 3 by name: (torch class, kwargs). "dim": 1 is Keras'
# axis=-1 in channels-first layout (the features of a 2-D tensor, the channels otherwise).
_ACTIVATIONS = {
    "linear": ("nn.Identity", {}),
    "relu": ("nn.ReLU", {}),
    "relu6": ("nn.ReLU6", {}),
    "leaky_relu": ("nn.LeakyReLU", {"negative_slope": 0.2}),
    "elu": ("nn.ELU", {}),
    "celu": ("nn.CELU", {}),
    "selu": ("nn.SELU", {}),
    "gelu": ("nn.GELU", {}),
    "sigmoid": ("nn.Sigmoid", {}),
    "hard_sigmoid": ("nn.Hardsigmoid", {}),
    "hard_silu": ("nn.Hardswish", {}),
    "hard_swish": ("nn.Hardswish", {}),
    "hard_tanh": ("nn.Hardtanh", {}),
    "hard_shrink": ("nn.Hardshrink", {"lambd": 0.5}),
    "soft_shrink": ("nn.Softshrink", {"lambd": 0.5}),
    "tanh_shrink": ("nn.Tanhshrink", {}),
    "silu": ("nn.SiLU", {}),
    "swish": ("nn.SiLU", {}),
    "mish": ("nn.Mish", {}),
    "tanh": ("nn.Tanh", {}),
    "softplus": ("nn.Softplus", {}),
    "softsign": ("nn.Softsign", {}),
    "log_sigmoid": ("nn.LogSigmoid", {}),
    "exponential": ("Exponential", {}),
    "sparse_plus": ("SparsePlus", {}),
    "sparse_sigmoid": ("SparseSigmoid", {}),
    "squareplus": ("Squareplus", {}),
    "softmax": ("nn.Softmax", {"dim": 1}),
    "log_softmax": ("nn.LogSoftmax", {"dim": 1}),
    "sparsemax": ("Sparsemax", {"dim": 1}),
    "glu": ("nn.GLU", {"dim": 1}),
}
# keyword arguments of keras.activations.* (given with functools.partial) -> torch
_ACTIVATION_OPTIONS = {
    ("gelu", "approximate"): lambda v: {"approximate": "tanh" if v else "none"},
    ("leaky_relu", "negative_slope"): lambda v: {"negative_slope": float(v)},
    ("elu", "alpha"): lambda v: {"alpha": float(v)},
    ("celu", "alpha"): lambda v: {"alpha": float(v)},
    ("hard_shrink", "threshold"): lambda v: {"lambd": float(v)},
    ("soft_shrink", "threshold"): lambda v: {"lambd": float(v)},
    ("squareplus", "b"): lambda v: {"b": float(v)},
}


def _activation(layer, name) -> _Spec:
    """The torch module of a Keras activation: a name, or a keras.activations function
    (a ``functools.partial`` of one carries its options, e.g. gelu(approximate=True))."""
    import functools

    options = {}
    live = getattr(layer, "activation", None)
    if not isinstance(name, str) or (
        isinstance(live, functools.partial) and getattr(live.func, "__name__", "") == name
    ):
        if isinstance(live, functools.partial):
            options, live = dict(live.keywords), live.func
        name = getattr(live, "__name__", repr(name))
        module = getattr(live, "__module__", "") or ""
        if not module.startswith("keras"):
            raise _unsupported(layer, f"activation {name!r} (not a Keras built-in)")
    if name not in _ACTIVATIONS:
        raise _unsupported(layer, f"activation {name!r} (supported: {', '.join(_ACTIVATIONS)})")
    cls, kwargs = _ACTIVATIONS[name]
    kwargs = dict(kwargs)
    for key, value in options.items():
        if key == "axis" and "dim" in kwargs:
            if value not in (-1,):
                raise _unsupported(layer, f"activation {name}(axis={value!r})")
            continue
        if (name, key) not in _ACTIVATION_OPTIONS:
            raise _unsupported(layer, f"activation {name}({key}={value!r})")
        kwargs.update(_ACTIVATION_OPTIONS[(name, key)](value))
    return _Spec(cls, kwargs=kwargs)


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
