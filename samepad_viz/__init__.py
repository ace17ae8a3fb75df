"""samepad_viz — see, play with and verify convolution and pooling arithmetic.

The top level is pure Python: it re-exports :mod:`samepad_viz.arithmetic`. The torch
layers (``Conv2dSame``, ``MaxPool2dSame``, ``AvgPool2dSame``, …) and the Keras port load
lazily, on first use, so ``import samepad_viz`` never imports torch.
"""

from __future__ import annotations

import importlib

from . import arithmetic
from .arithmetic import *  # noqa: F403 — exactly the names in arithmetic.__all__

__version__ = "0.1.0"

# name -> module that defines it, imported on first attribute access (PEP 562)
_LAYERS = (
    "Conv1dSame",
    "Conv2dSame",
    "Conv3dSame",
    "MaxPool1dSame",
    "MaxPool2dSame",
    "MaxPool3dSame",
    "AvgPool1dSame",
    "AvgPool2dSame",
    "AvgPool3dSame",
    "ConvTranspose1dSame",
    "ConvTranspose2dSame",
    "ConvTranspose3dSame",
    "CausalConv1d",
)
_LAZY = {
    **dict.fromkeys(_LAYERS, "layers"),
    "from_keras": "port",
    "to_torch_source": "port",
    "compare": "port",
}

__all__ = [*arithmetic.__all__, *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'samepad_viz' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
