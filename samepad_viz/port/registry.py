"""The converter registry: one function per Keras layer class, registered by a decorator.

A converter takes the :class:`~samepad_viz.port.graph.Node` of one layer call (its layer,
config, weights, input and output shapes) and returns a :class:`Converted`: the torch
module as a spec, the comment the source shows above it, the weights in torch layout,
and, for a layer that takes several tensors, the expression ``forward`` writes for it.
:data:`SUPPORTED_LAYERS`, the README's table and the "not supported" message are all read
from :data:`CONVERTERS`, so adding a layer means adding one decorated function.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .spec import _Spec


@dataclass
class Converted:
    """What one converter returns for one layer call."""

    spec: _Spec  # the torch module (a parameter-free one for a merge, used by from_keras)
    comment: list[str]
    state: dict = field(default_factory=dict)  # state_dict entries relative to the module
    # source for ``forward`` instead of calling the module: a function of the input
    # variable names, e.g. ``lambda a, b: f"{a} + {b}"`` (merges; the module has no state)
    expr: Callable[..., str] | None = None
    # the output's feature order when it is not Keras' (a Flatten folded into the next
    # Dense): torch feature j is Keras feature perm[j]
    perm: np.ndarray | None = None


@dataclass(frozen=True)
class Converter:
    function: Callable
    family: str  # the file it lives in: "convolutions", "pooling", ...
    summary: str  # the first line of its docstring


CONVERTERS: dict[str, Converter] = {}


def converts(*class_names: str):
    """Register the decorated function as the converter of these Keras layer classes."""

    def register(function):
        family = function.__module__.rsplit(".", 1)[-1]
        summary = (function.__doc__ or "").strip().splitlines()[0] if function.__doc__ else ""
        for name in class_names:
            if name in CONVERTERS:
                raise ValueError(f"two converters for Keras {name}")  # pragma: no cover
            CONVERTERS[name] = Converter(function, family, summary)
        return function

    return register


def _load_families() -> None:
    """Import every family file once, so their decorators have run."""
    from . import (  # noqa: F401
        activations,
        convolutions,
        core,
        merging,
        normalization,
        pooling,
        preprocessing,
        shaping,
    )


def supported_layers() -> tuple[str, ...]:
    """Every Keras layer class with a converter, by family then name (InputLayer first)."""
    _load_families()
    return ("InputLayer", *sorted(CONVERTERS, key=lambda n: (CONVERTERS[n].family, n)))


def layer_table() -> str:
    """The README's table of supported layers: one row per family."""
    _load_families()
    families: dict[str, list[str]] = {}
    for name in sorted(CONVERTERS):
        families.setdefault(CONVERTERS[name].family, []).append(name)
    lines = ["| family | Keras layers |", "|---|---|"]
    for family in sorted(families):
        lines.append(f"| {family} | {', '.join(f'`{n}`' for n in families[family])} |")
    return "\n".join(lines)


def __getattr__(name):  # SUPPORTED_LAYERS, read from the registry when first asked for
    if name == "SUPPORTED_LAYERS":
        return supported_layers()
    raise AttributeError(name)
