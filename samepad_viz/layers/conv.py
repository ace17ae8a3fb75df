"""Conv2dSame and Conv1dSame: convolutions with Keras' ``padding='same'``, planned per size."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ._arguments import (
    _check_channels,
    _check_input,
    _check_rank,
    _check_same,
    _check_sizes,
    _check_sizes_1d,
    _conv_repr,
)
from ._plan import _cached, _conv_plan, _crop, _Plan


def _safe_weight(weight: torch.Tensor) -> torch.Tensor:
    """Give a one-input-channel weight its canonical strides (a PyTorch 2.13 CPU bug).

    ``module.to(memory_format=torch.channels_last)`` gives a ``(out, 1, kh, kw)`` weight
    the strides ``(kh·kw, 1, kw, 1)``; with those, ``F.conv2d`` on CPU returns garbage when
    the output is one column wide at a horizontal stride > 1 (``tests/test_layers.py``
    pins it). The copy is of the tiny weight only, and only in that layout.
    """
    if weight.shape[1] == 1 and weight.stride(1) != weight.shape[2] * weight.shape[3]:
        return weight.clone(memory_format=torch.contiguous_format)
    return weight


class _ConvSame:
    """What :class:`Conv2dSame` and :class:`Conv1dSame` share: the Keras-like constructor
    (checked, ``padding=0`` for the op: the plan pads per call) and the repr."""

    #: (kernel_size, stride, dilation) → the checked sizes, one per spatial dimension
    _sizes = staticmethod(_check_sizes)

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        dilation=1,
        groups: int = 1,
        bias: bool = True,
        *,
        padding: str = "same",
        device=None,
        dtype=None,
    ) -> None:
        _check_same(padding)
        _check_channels(in_channels, out_channels, groups, bias)
        k, s, d = self._sizes(kernel_size, stride, dilation)
        super().__init__(
            in_channels, out_channels, k, stride=s, padding=0, dilation=d, groups=groups,
            bias=bias, device=device, dtype=dtype,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return _conv_repr(self)


class Conv2dSame(_ConvSame, nn.Conv2d):
    """``nn.Conv2d`` with Keras/TensorFlow ``padding='same'``: ``out = ⌈W / S⌉``.

    Per dimension TensorFlow pads ``total = max((⌈W/S⌉ − 1)·S + D·(K − 1) + 1 − W, 0)``,
    ``before = ⌊total / 2⌋`` and ``after = total − before``, decided per input size.
    A symmetric split goes into ``F.conv2d(padding=before)`` (no copy). When
    ``after = before + 1`` at stride 1, the convolution runs with ``padding=after`` and
    drops its first output row/column (a view; no copy). At stride ≥ 2 there is no
    exact copy-free way to pad one side more than the other: one zero row/column is added
    with ``F.pad`` and the symmetric rest passed as ``padding=before``.

    Weights are ``(out_channels, in_channels / groups, kh, kw)``: a Keras kernel
    ``(kh, kw, in, out)`` goes in as ``kernel.permute(3, 2, 0, 1)``. Strides > 1 with
    dilation > 1 are accepted (Keras refuses them) and follow the same formula.

    >>> conv = Conv2dSame(3, 8, 3, stride=2)
    >>> conv
    Conv2dSame(3, 8, kernel_size=(3, 3), stride=(2, 2), padding='same')
    >>> conv(torch.zeros(1, 3, 30, 31)).shape
    torch.Size([1, 8, 15, 16])
    """

    def plan(self, height: int, width: int) -> _Plan:
        """The padding plan for an input of ``height × width`` (cached)."""
        return _cached(_conv_plan)((height, width), self.kernel_size, self.stride, self.dilation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(type(self).__name__, x)
        plan = self.plan(int(x.shape[-2]), int(x.shape[-1]))
        if plan.pad is not None:
            x = F.pad(x, plan.pad)
        weight = _safe_weight(self.weight) if self.in_channels == self.groups else self.weight
        y = F.conv2d(x, weight, self.bias, self.stride, plan.padding, self.dilation, self.groups)
        return _crop(y, plan.crop)


class Conv1dSame(_ConvSame, nn.Conv1d):
    """``nn.Conv1d`` with Keras ``Conv1D(..., padding='same')``: ``out = ⌈L / S⌉``.

    TensorFlow's split of the sequence length ``L`` is decided per length with the same
    cached plan as :class:`Conv2dSame` (one dimension of it): a symmetric split goes into
    ``F.conv1d(padding=before)``; ``after = before + 1`` at stride 1 runs with
    ``padding=after`` and drops the first output (a view); at stride ≥ 2 one zero is
    added at the end with ``F.pad``. Weights ``(out_channels, in_channels / groups, k)``:
    a Keras kernel ``(k, in, out)`` goes in as ``kernel.permute(2, 1, 0)``.

    >>> conv = Conv1dSame(2, 4, 4, stride=2)
    >>> conv
    Conv1dSame(2, 4, kernel_size=(4,), stride=(2,), padding='same')
    >>> conv(torch.zeros(1, 2, 9)).shape
    torch.Size([1, 4, 5])
    """

    _sizes = staticmethod(_check_sizes_1d)

    def plan(self, length: int) -> _Plan:
        """The padding plan for a sequence of ``length`` (the 2-D plan of a 1 × L input)."""
        return _cached(_conv_plan)(
            (1, length), (1, *self.kernel_size), (1, *self.stride), (1, *self.dilation)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_rank(type(self).__name__, x, 3, "batch, channels, length")
        plan = self.plan(int(x.shape[-1]))
        if plan.pad is not None:
            x = F.pad(x, plan.pad[:2])
        y = F.conv1d(x, self.weight, self.bias, self.stride, plan.padding[1], self.dilation,
                     self.groups)  # fmt: skip
        return y[:, :, plan.crop[1] :] if plan.crop[1] else y
