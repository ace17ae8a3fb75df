"""PyTorch layers with Keras/TensorFlow ``padding='same'``: drop-in, exact and cheap.

``Conv{1,2,3}dSame``, ``MaxPool{1,2,3}dSame`` and ``AvgPool{1,2,3}dSame`` give the output
of Keras' ``Conv1D/2D/3D``, ``MaxPooling1D/2D/3D`` and ``AveragePooling1D/2D/3D`` with
``padding='same'`` for every input size, kernel (odd or even), stride and dilation,
cubic or not. ``ConvTranspose{1,2,3}dSame`` and ``CausalConv1d`` do the same for Keras'
``Conv1DTranspose/2D/3D(padding='same')`` and ``Conv1D(padding='causal')`` (see their
docstrings; the transposed and causal ones need no per-size plan).

TensorFlow's rule, per dimension (``W`` input size, ``K_eff = D·(K − 1) + 1``)::

    out    = ⌈W / S⌉
    total  = max((out − 1)·S + K_eff − W, 0)
    before = ⌊total / 2⌋,  after = total − before      (the odd cell goes bottom/right)

The split depends on ``W``, so it is decided per input size, on the first call with that
size: :func:`samepad_viz.same_padding` gives the numbers and a small cached function turns
them into a *plan* (pure integer arithmetic, ``functools.lru_cache``). The plan picks the
cheapest exact route, per dimension:

* ``before == after`` (odd kernels at stride 1, and strided cases such as K=3, S=2 on an
  odd W): the op's own ``padding=before``; no copy of the input.
* ``after == before + 1`` at stride 1 (even effective kernels): the op runs with the
  symmetric ``padding=after`` and the first output row/column is dropped (window ``i``
  of the split is window ``i + 1`` of the symmetric padding). The result is a view: no
  copy of the input; the price is one extra output row/column, and the input's memory
  is not doubled. Average pooling in float32 on the CPU goes further (route ``"sum"``):
  the window sums come from a depthwise convolution by ones on the same padding, divided
  in place by a cached map of real cells per window (PyTorch's NCHW ``avg_pool2d`` is a
  scalar loop, and the sliced route's extra windows cost more than they save).
  ``benchmarks/layers.py`` measures every route against the plain layer and against
  ``F.pad`` on every call, and prints the figures.
* ``after == before + 1`` at stride ≥ 2: pooling runs with ``padding=before`` and
  ``ceil_mode=True``, whose last window overhangs the input by exactly the one missing
  cell, which PyTorch leaves out of the max and of the mean (``count_include_pad=False``):
  exact, no copy. The convolution has no such mode; it pads the one extra zero row/column
  with ``F.pad`` and passes the symmetric part as ``padding=before``.

Every plan is checked against :func:`samepad_viz.output_size` (PyTorch's size rule) and
:func:`samepad_viz.keras_output_size` before it is used; pooling falls back to an
explicit ``F.pad`` (−∞ for max, zeros with a count of real cells for the mean) if a
shortcut would not give Keras' size or would break PyTorch's ``padding ≤ kernel / 2``,
and in two 3-D cases: max pooling at stride 1 with an uneven split (the sliced route's
extra slab in each dimension costs more than the pad) and ``avg_pool3d`` on an input
smaller than its kernel (which that op refuses before padding).

Under ``torch.compile`` give 3-D layers ``dynamic=False`` when they see several input
sizes: after a second size torch.compile makes sizes symbolic by itself, and PyTorch
2.13's inductor then fails on ``F.pad`` followed by ``conv3d`` ("Invalid ranges"; pinned
in ``tests/test_layers_rank.py``). With static sizes each size compiles with its own plan.

Every rank (1-D sequences, 2-D images, 3-D volumes) has the same layers, from one
implementation per kind parameterised by the number of spatial dimensions: the plan works
per dimension, and a 3-D layer is the 2-D idea with one more axis. The input's spatial
sizes are read as Python ints, so under ``torch.compile`` and ``torch.export`` they are
specialised; the batch size stays free.

One idea per file: :mod:`.conv` (``Conv1dSame``, ``Conv2dSame``, ``Conv3dSame``),
:mod:`.pool` (``MaxPool1d/2d/3dSame``, ``AvgPool1d/2d/3dSame``), :mod:`.transposed`
(``ConvTranspose1d/2d/3dSame``), :mod:`.causal` (``CausalConv1d``); ``_plan`` holds the
cached per-size plans and ``_arguments`` the checks of the layers' arguments and their
Keras-like reprs.
"""

from __future__ import annotations

# F is the functional module every layer calls (tests patch ``layers.F.pad`` through it).
import torch.nn.functional as F  # noqa: F401

from ._plan import _pool_plan  # noqa: F401
from .causal import CausalConv1d
from .conv import Conv1dSame, Conv2dSame, Conv3dSame, _safe_weight  # noqa: F401
from .pool import (
    AvgPool1dSame,
    AvgPool2dSame,
    AvgPool3dSame,
    MaxPool1dSame,
    MaxPool2dSame,
    MaxPool3dSame,
)
from .transposed import ConvTranspose1dSame, ConvTranspose2dSame, ConvTranspose3dSame

__all__ = [
    "AvgPool1dSame",
    "AvgPool2dSame",
    "AvgPool3dSame",
    "CausalConv1d",
    "Conv1dSame",
    "Conv2dSame",
    "Conv3dSame",
    "ConvTranspose1dSame",
    "ConvTranspose2dSame",
    "ConvTranspose3dSame",
    "MaxPool1dSame",
    "MaxPool2dSame",
    "MaxPool3dSame",
]
