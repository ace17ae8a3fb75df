"""Max and average pooling with Keras' ``padding='same'`` in 1, 2 and 3 dimensions, copy-free.

One implementation per kind (:class:`_MaxPoolSame`, :class:`_AvgPoolSame`) for every
rank: the plan (``_plan._pool_plan``) works per spatial dimension and the op is picked by
rank. The public classes join it to their ``torch.nn`` counterpart.
"""

from __future__ import annotations

import functools
import math

import torch
import torch.nn.functional as F
from torch import nn

from ._arguments import _check_same, _check_sizes, _keras_repr
from ._plan import _cached, _crop, _input_plan, _Plan, _pool_plan
from .conv import _CONV

#: the ops of each rank, looked up in F per call
_MAX_POOL = {1: "max_pool1d", 2: "max_pool2d", 3: "max_pool3d"}
_AVG_POOL = {1: "avg_pool1d", 2: "avg_pool2d", 3: "avg_pool3d"}
#: the direct route's ops, called with positional arguments (``F.max_poolNd`` is a Python
#: wrapper around torch's op; ``F.avg_poolNd`` is the op)
_MAX_POOL_OP = {1: torch.max_pool1d, 2: torch.max_pool2d, 3: torch.max_pool3d}
_AVG_POOL_OP = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


@functools.lru_cache(maxsize=64)
def _cell_counts(counts, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    """The map of real cells per window, one axis per spatial dimension (cached per size,
    dtype and device): the outer product of the per-dimension counts."""
    total = torch.ones((), dtype=dtype, device=device)
    for axis in counts:
        total = total[..., None] * torch.tensor(axis, dtype=dtype, device=device)
    return total


def _sums_by_convolution(x: torch.Tensor) -> bool:
    """Whether a depthwise all-ones convolution sums windows exactly and fastest here.

    Float32 on the CPU with oneDNN at full float32 precision (its default): the products
    by 1 are exact, so the sums are those of ``avg_pool2d`` up to the order of addition.
    Not on GPUs, where TF32 convolutions (on by default in cuDNN) would round the input,
    and not while torch.compile/export traces (the precision setting cannot be read in a
    graph; ``avg_pool2d`` is exact there and the compiler generates its own kernel).
    """
    if x.dtype != torch.float32 or x.device.type != "cpu" or torch.compiler.is_compiling():
        return False
    # an older torch has no fp32_precision setting; its CPU convolutions default to float32
    conv = getattr(torch.backends.mkldnn, "conv", None)
    return getattr(conv, "fp32_precision", "ieee") in ("none", "ieee")


class _PoolSame:
    """Keras' ``'same'`` for a pooling layer of any rank (1, 2 or 3 spatial dimensions).

    Keras-like constructor: ``(kernel_size, stride=None)``, ``None`` meaning the kernel
    size; the ``torch.nn`` parent gets ``padding=0`` (the plan pads per call).
    """

    #: number of spatial dimensions, and whether the layer averages (set by each class)
    spatial = 2
    average = False

    def __init__(self, kernel_size, stride=None, *, padding: str = "same") -> None:
        _check_same(padding)
        k, s, _ = _check_sizes(
            kernel_size, kernel_size if stride is None else stride, 1, self.spatial
        )
        super().__init__(k, s)
        self._plans: dict = {}  # spatial size -> plan, filled by forward
        self._direct: dict = {}  # input shape -> the op's arguments, or False (_plan.py)

    def plan(self, *size: int) -> _Plan:
        """The padding plan for an input of spatial ``size`` (cached per size)."""
        return _cached(_pool_plan)(size, self.kernel_size, self.stride, self.average)

    def extra_repr(self) -> str:
        return _keras_repr(self.kernel_size, self.stride)


class _MaxPoolSame(_PoolSame):
    """Max pooling of any rank; the split maps onto the op's −∞ padding (see below)."""

    def _direct_args(self, plan: _Plan) -> tuple | None:
        """The op's positional arguments after the input, for a plan of no pad or crop."""
        if plan.pad is not None or any(plan.crop):
            return None
        ones = (1,) * self.spatial
        return (self.kernel_size, self.stride, plan.padding, ones, plan.ceil_mode)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not torch.compiler.is_compiling():
            args = self._direct.get(x.shape)
            if args:
                return _MAX_POOL_OP[self.spatial](x, *args)
        plan = _input_plan(self, x)
        if plan.pad is not None:
            x = F.pad(x, plan.pad, value=float("-inf"))
        pool = getattr(F, _MAX_POOL[self.spatial])
        y = pool(x, self.kernel_size, self.stride, plan.padding, ceil_mode=plan.ceil_mode)
        return _crop(y, plan.crop) if any(plan.crop) else y


class _AvgPoolSame(_PoolSame):
    """Average pooling of any rank, TensorFlow's definition (padding never counted)."""

    average = True

    def __init__(self, kernel_size, stride=None, *, padding: str = "same") -> None:
        super().__init__(kernel_size, stride, padding=padding)
        self.count_include_pad = False  # as the torch.nn attribute reads: padding is not counted

    def _direct_args(self, plan: _Plan) -> tuple | None:
        """The op's positional arguments after the input, for a plan of no pad or crop."""
        if plan.pad is not None or any(plan.crop):
            return None
        return (self.kernel_size, self.stride, plan.padding, plan.ceil_mode, False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not torch.compiler.is_compiling():
            args = self._direct.get(x.shape)
            if args:
                return _AVG_POOL_OP[self.spatial](x, *args)
        plan = _input_plan(self, x)
        n = self.spatial
        if plan.route == "sum" and _sums_by_convolution(x):
            channels = int(x.shape[1])
            ones = x.new_ones((channels, 1, *self.kernel_size))
            conv = getattr(F, _CONV[n])
            sums = conv(x, ones, None, self.stride, plan.padding, 1, channels)
            count = _cached(_cell_counts)(plan.counts, x.dtype, x.device)
            return _crop(sums, plan.crop).div_(count)  # in place: one output-sized tensor
        pool = getattr(F, _AVG_POOL[n])
        if plan.pad is None:
            y = pool(
                x,
                self.kernel_size,
                self.stride,
                plan.padding,
                ceil_mode=plan.ceil_mode,
                count_include_pad=False,
            )
            return _crop(y, plan.crop) if any(plan.crop) else y
        # explicit pad: the mean of the zero-padded windows times the window size is their sum;
        # divided by the real cells per window (avg_pool1d has no divisor_override)
        sums = pool(F.pad(x, plan.pad), self.kernel_size, self.stride) * math.prod(
            self.kernel_size
        )
        return sums / _cell_counts(plan.counts, x.dtype, x.device)


class MaxPool2dSame(_MaxPoolSame, nn.MaxPool2d):
    """Keras ``MaxPooling2D(pool_size, strides, padding='same')``: padding never wins.

    ``out = ⌈W / S⌉`` with TensorFlow's split (``before = ⌊total/2⌋``, the extra cell
    after). ``stride`` defaults to ``kernel_size`` as in Keras. PyTorch's ``max_pool2d``
    pads with −∞, so the split maps onto its own arguments without a copy: symmetric →
    ``padding=before``; one extra cell at stride 1 → ``padding=after`` and the first
    output row/column dropped; at stride ≥ 2 → ``padding=before, ceil_mode=True`` (the
    last window overhangs the input by the missing cell, which is ignored).

    >>> pool = MaxPool2dSame(2)
    >>> pool
    MaxPool2dSame(kernel_size=(2, 2), stride=(2, 2), padding='same')
    >>> pool(-torch.arange(1.0, 10.0).reshape(1, 1, 3, 3))
    tensor([[[[-1., -3.],
              [-7., -9.]]]])
    """

    spatial = 2


class AvgPool2dSame(_AvgPoolSame, nn.AvgPool2d):
    """Keras ``AveragePooling2D(pool_size, strides, padding='same')`` as TensorFlow defines it.

    Each output is the mean of the *real* input cells its window covers; padding is never
    counted, also when the split is asymmetric (timm's ``AvgPool2dSame`` counts it, and
    Keras 3.15's PyTorch backend replicates the edge instead). ``out = ⌈W / S⌉``.
    ``avg_pool2d(count_include_pad=False)`` with the same routes as
    :class:`MaxPool2dSame` (symmetric ``padding``; ``padding=after`` and a dropped first
    row/column at stride 1; ``ceil_mode=True`` at stride ≥ 2) is exact without a copy.

    Route ``"sum"`` (an uneven split at stride 1 only, i.e. an even kernel): PyTorch's CPU
    ``avg_pool2d`` on NCHW is a scalar loop and the sliced route adds ``H + W + 1``
    windows, which made it slower than padding on every call. Float32 on the CPU
    therefore sums the windows with a depthwise convolution by ones (oneDNN, vectorised)
    on the same symmetric ``padding=after``, drops the first output row/column, and
    divides by the real cells per window (a per-size map, cached), with the same memory
    as the slice route (the division is in place on the convolution's output; the result
    is a view of it). ``benchmarks/layers.py`` prints the measured times. Other dtypes and devices,
    and graphs traced by torch.compile/export, keep ``avg_pool2d`` on the same padding and
    crop (on GPUs a TF32 convolution would round the input).

    >>> AvgPool2dSame(3, 2)(torch.arange(1.0, 7.0).reshape(1, 1, 1, 6).expand(1, 1, 3, 6))
    tensor([[[[2.0000, 4.0000, 5.5000],
              [2.0000, 4.0000, 5.5000]]]])
    """

    spatial = 2


class MaxPool1dSame(_MaxPoolSame, nn.MaxPool1d):
    """Keras ``MaxPooling1D(pool_size, strides, padding='same')`` on ``(batch, channels, L)``.

    The 2-D rule on one axis: ``out = ⌈L / S⌉``, TensorFlow's split with the extra cell
    at the end, mapped without a copy onto ``max_pool1d``'s −∞ padding (symmetric →
    ``padding=before``; uneven at stride 1 → ``padding=after`` and the first output
    dropped; uneven at stride ≥ 2 → ``ceil_mode=True``). ``stride`` defaults to
    ``kernel_size``, as in Keras.

    >>> MaxPool1dSame(2)(-torch.arange(1.0, 6.0).reshape(1, 1, 5))
    tensor([[[-1., -3., -5.]]])
    """

    spatial = 1


class MaxPool3dSame(_MaxPoolSame, nn.MaxPool3d):
    """Keras ``MaxPooling3D(pool_size, strides, padding='same')`` on ``(N, C, D, H, W)``.

    :class:`MaxPool2dSame` with one more axis: each of depth, height and width gets
    TensorFlow's split and ``⌈size / S⌉`` outputs, without a copy of the input.

    >>> MaxPool3dSame(2)(torch.zeros(1, 1, 5, 4, 3)).shape
    torch.Size([1, 1, 3, 2, 2])
    """

    spatial = 3


class AvgPool1dSame(_AvgPoolSame, nn.AvgPool1d):
    """Keras ``AveragePooling1D(pool_size, strides, padding='same')`` as TensorFlow defines it.

    Each output is the mean of the real cells its window covers (padding never counted);
    ``out = ⌈L / S⌉``. Same routes as :class:`AvgPool2dSame`, on one axis.

    >>> AvgPool1dSame(3, 2)(torch.arange(1.0, 7.0).reshape(1, 1, 6))
    tensor([[[2.0000, 4.0000, 5.5000]]])
    """

    spatial = 1


class AvgPool3dSame(_AvgPoolSame, nn.AvgPool3d):
    """Keras ``AveragePooling3D(pool_size, strides, padding='same')`` as TensorFlow defines it.

    :class:`AvgPool2dSame` with one more axis: the mean of the real cells of each window,
    ``⌈size / S⌉`` outputs per axis, padding never counted.

    >>> AvgPool3dSame(2)(torch.ones(1, 1, 3, 3, 3))
    tensor([[[[[1., 1.],
               [1., 1.]],
    <BLANKLINE>
              [[1., 1.],
               [1., 1.]]]]])
    """

    spatial = 3
