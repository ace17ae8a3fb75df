"""Keras model → PyTorch module, readable PyTorch source, and a layer-by-layer check.

* :func:`from_keras` turns a Keras ``Sequential`` or functional model (merges, branches,
  several inputs and outputs, nested models, shared layers), or a ``.keras`` / legacy
  ``.h5`` file, into a torch module with one named child per Keras layer and the weights
  copied: an ``nn.Sequential`` for a chain, a :class:`KerasGraph` otherwise. It takes
  channels-first (NCHW) input.
* :func:`to_torch_source` writes the same module as PyTorch source with a comment per
  layer saying where it came from and why its padding is what it is; a graph's
  ``forward`` names each tensor after its Keras layer.
* :func:`compare` runs a Keras model and a torch module on one seeded batch, layer by
  layer, and names the likely cause of the first difference.

Models on 1-D (sequences), 2-D (images) and 3-D (volumes) data are read; each layer family
has one converter for every rank. Every padding number comes from
:mod:`samepad_viz.arithmetic`, per dimension; a plain ``nn.Conv1d/2d/3d``,
``nn.MaxPool*d`` or ``nn.AvgPool*d`` with ``padding=int`` is used wherever TensorFlow's
split is symmetric for the model's static input size, the ``*Same`` layers of
:mod:`samepad_viz.layers` (or, for a 1-D convolution, an explicit pad) only where it is not.

Keras is imported lazily. On import this module sets ``KERAS_BACKEND=torch`` when the
variable is unset and Keras is not imported yet, so a PyTorch-only machine can load a
model; an existing setting or an already imported Keras is respected (weights are read
with ``get_weights()``, which works on every backend).

The package holds one idea per file: ``reading`` (loading, names, axes), ``graph`` (the
model read once into layer calls in topological order), ``registry`` (one converter per
Keras layer class, registered with ``@converts``), the converter families
(``convolutions``, ``pooling``, ``normalization``, ``activations``, ``core``, ``shaping``,
``merging``, ``preprocessing``), ``spec`` (a torch module as data), ``plan`` (every layer
call converted, every problem collected), ``build`` (:func:`from_keras`), ``source``
(:func:`to_torch_source`), ``compare`` / ``report`` / ``diagnose`` (the layer-by-layer
check), ``modules`` (the modules torch.nn lacks) and ``command``
(``python -m samepad_viz.port``).
"""

from __future__ import annotations

import os
import sys

if "KERAS_BACKEND" not in os.environ and "keras" not in sys.modules:
    os.environ["KERAS_BACKEND"] = "torch"

from .build import from_keras  # noqa: E402
from .command import COMMAND_RTOL, EXIT_DIFFERS, EXIT_OK, EXIT_UNSUPPORTED, main  # noqa: E402, F401
from .compare import _np_avg_pool_same, compare  # noqa: E402, F401
from .modules import BatchNormAxis, FlattenChannelsLast, KerasGraph  # noqa: E402
from .reading import UnsupportedLayerError  # noqa: E402
from .registry import CONVERTERS, Converted, converts, layer_table, supported_layers  # noqa: E402
from .report import PortReport, Row  # noqa: E402
from .source import _SAME_CLASSES, _standalone_definitions, to_torch_source  # noqa: E402, F401
from .spec import _ACTIVATIONS  # noqa: E402, F401

SUPPORTED_LAYERS = supported_layers()

__all__ = [
    "BatchNormAxis",
    "CONVERTERS",
    "Converted",
    "KerasGraph",
    "converts",
    "layer_table",
    "FlattenChannelsLast",
    "PortReport",
    "Row",
    "SUPPORTED_LAYERS",
    "UnsupportedLayerError",
    "compare",
    "from_keras",
    "main",
    "to_torch_source",
]
