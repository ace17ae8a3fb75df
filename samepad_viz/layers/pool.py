"""MaxPool2dSame and AvgPool2dSame: pooling with Keras' ``padding='same'``, copy-free."""

from __future__ import annotations

import functools

import torch
import torch.nn.functional as F
from torch import nn

from ._arguments import _check_input, _check_same, _check_sizes, _keras_repr
from ._plan import _cached, _crop, _Plan, _pool_plan


@functools.lru_cache(maxsize=64)
def _cell_counts(counts, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    """The ``(H_out, W_out)`` map of real cells per window (cached per size, dtype, device)."""
    rows, cols = counts
    return torch.tensor(rows, dtype=dtype, device=device)[:, None] * torch.tensor(
        cols, dtype=dtype, device=device
    )


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
    return torch.backends.mkldnn.conv.fp32_precision in ("none", "ieee")


class _Pool2dSame(nn.Module):
    average = False

    def __init__(self, kernel_size, stride=None, *, padding: str = "same") -> None:
        super().__init__()
        _check_same(padding)
        k, s, _ = _check_sizes(kernel_size, kernel_size if stride is None else stride)
        self.kernel_size, self.stride = k, s

    def plan(self, height: int, width: int) -> _Plan:
        """The padding plan for an input of ``height × width`` (cached)."""
        return _cached(_pool_plan)((height, width), self.kernel_size, self.stride, self.average)

    def extra_repr(self) -> str:
        return _keras_repr(self.kernel_size, self.stride)


class MaxPool2dSame(_Pool2dSame):
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

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(type(self).__name__, x)
        plan = self.plan(int(x.shape[-2]), int(x.shape[-1]))
        if plan.pad is not None:
            x = F.pad(x, plan.pad, value=float("-inf"))
        y = F.max_pool2d(x, self.kernel_size, self.stride, plan.padding, ceil_mode=plan.ceil_mode)
        return _crop(y, plan.crop)


class AvgPool2dSame(_Pool2dSame):
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

    average = True

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(type(self).__name__, x)
        plan = self.plan(int(x.shape[-2]), int(x.shape[-1]))
        if plan.route == "sum" and _sums_by_convolution(x):
            channels = int(x.shape[1])
            ones = x.new_ones((channels, 1, *self.kernel_size))
            sums = F.conv2d(x, ones, None, self.stride, plan.padding, 1, channels)
            count = _cached(_cell_counts)(plan.counts, x.dtype, x.device)
            return _crop(sums, plan.crop).div_(count)  # in place: one output-sized tensor
        if plan.pad is None:
            y = F.avg_pool2d(
                x,
                self.kernel_size,
                self.stride,
                plan.padding,
                ceil_mode=plan.ceil_mode,
                count_include_pad=False,
            )
            return _crop(y, plan.crop)
        # fallback: sum over the zero-padded input, divided by the real cells per window
        sums = F.avg_pool2d(F.pad(x, plan.pad), self.kernel_size, self.stride, divisor_override=1)
        rows, cols = plan.counts
        count = torch.tensor(rows, dtype=x.dtype, device=x.device)[:, None] * torch.tensor(
            cols, dtype=x.dtype, device=x.device
        )
        return sums / count
