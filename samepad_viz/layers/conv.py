"""Conv1dSame, Conv2dSame, Conv3dSame: convolutions with Keras' ``padding='same'``.

One implementation, :class:`_ConvSame`, for every rank: the plan (``_plan._conv_plan``)
works per spatial dimension, and the op is ``F.conv1d``/``conv2d``/``conv3d`` by rank. The
three public classes only join it to their ``torch.nn`` counterpart and say, in their
docstrings, how a Keras kernel of that rank goes in.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ._arguments import _check_channels, _check_same, _check_sizes, _conv_repr
from ._plan import _cached, _conv_plan, _crop, _input_plan, _Plan

_CONV = {1: "conv1d", 2: "conv2d", 3: "conv3d"}  # the op of each rank, looked up in F per call
_CONV_OP = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}  # the direct route's (see _plan.py)


def _safe_weight(weight: torch.Tensor) -> torch.Tensor:
    """Give a one-input-channel 2-D weight its canonical strides (a PyTorch 2.13 CPU bug).

    ``module.to(memory_format=torch.channels_last)`` gives a ``(out, 1, kh, kw)`` weight
    the strides ``(kh·kw, 1, kw, 1)``; with those, ``F.conv2d`` on CPU returns garbage when
    the output is one column wide at a horizontal stride > 1 (``tests/test_layers.py``
    pins it). The copy is of the tiny weight only, and only in that layout.
    """
    if (
        weight.dim() == 4
        and weight.shape[1] == 1
        and weight.stride(1) != weight.shape[2] * weight.shape[3]
    ):
        return weight.clone(memory_format=torch.contiguous_format)
    return weight


class _ConvSame:
    """Keras' ``'same'`` for a convolution of any rank (1, 2 or 3 spatial dimensions).

    The constructor is Keras-like and checked (the op itself gets ``padding=0``: the plan
    pads per call); ``forward`` asks the cached plan for the input's spatial size and runs
    the op of its rank with the plan's symmetric ``padding``, an ``F.pad`` of the one
    extra cell where a split is uneven at stride ≥ 2, and a crop of the first output
    where it is uneven at stride 1.
    """

    #: number of spatial dimensions (set by each public class)
    spatial = 2

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
        k, s, d = _check_sizes(kernel_size, stride, dilation, self.spatial)
        super().__init__(
            in_channels, out_channels, k, stride=s, padding=0, dilation=d, groups=groups,
            bias=bias, device=device, dtype=dtype,
        )  # fmt: skip
        self._plans: dict = {}  # spatial size -> plan, filled by forward
        self._direct: dict = {}  # input shape -> the op's arguments, or False (_plan.py)

    def plan(self, *size: int) -> _Plan:
        """The padding plan for an input of spatial ``size`` (cached per size)."""
        return _cached(_conv_plan)(size, self.kernel_size, self.stride, self.dilation)

    def _direct_args(self, plan: _Plan) -> tuple | None:
        """The op's arguments after input, weight and bias, for a symmetric plan; not for a
        depthwise layer, whose weight may need a copy first (``_safe_weight``)."""
        if plan.route != "symmetric" or self.in_channels == self.groups:
            return None
        return (self.stride, plan.padding, self.dilation, self.groups)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not torch.compiler.is_compiling():
            args = self._direct.get(x.shape)
            if args:
                return _CONV_OP[self.spatial](x, self.weight, self.bias, *args)
        plan = _input_plan(self, x)
        if plan.pad is not None:
            x = F.pad(x, plan.pad)
        weight = _safe_weight(self.weight) if self.in_channels == self.groups else self.weight
        conv = getattr(F, _CONV[self.spatial])
        y = conv(x, weight, self.bias, self.stride, plan.padding, self.dilation, self.groups)
        return _crop(y, plan.crop) if any(plan.crop) else y

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

    spatial = 2


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

    spatial = 1


class Conv3dSame(_ConvSame, nn.Conv3d):
    """``nn.Conv3d`` with Keras ``Conv3D(..., padding='same')``: ``out = ⌈W / S⌉`` per axis.

    The 2-D rule with one more dimension (depth, height, width): each axis gets
    TensorFlow's split, decided per input size by the same cached plan as
    :class:`Conv2dSame` — ``padding=before`` where it is symmetric, ``padding=after`` and
    a dropped first output where ``after = before + 1`` at stride 1, one zero added with
    ``F.pad`` where it is uneven at stride ≥ 2. Weights ``(out, in / groups, kd, kh, kw)``:
    a Keras kernel ``(kd, kh, kw, in, out)`` goes in as ``kernel.permute(4, 3, 0, 1, 2)``.

    >>> conv = Conv3dSame(1, 2, (3, 2, 3), stride=2)
    >>> conv
    Conv3dSame(1, 2, kernel_size=(3, 2, 3), stride=(2, 2, 2), padding='same')
    >>> conv(torch.zeros(1, 1, 16, 17, 9)).shape
    torch.Size([1, 2, 8, 9, 5])
    """

    spatial = 3

