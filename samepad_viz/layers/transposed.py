"""Transposed convolutions with Keras' ``padding='same'`` (``out = W·S``) in 1, 2 and 3 dimensions.

One implementation, :class:`_ConvTransposeSame`, for every rank: the op's own
``padding``/``output_padding`` from :func:`samepad_viz.torch_transposed_padding` and a crop
of the last output where TensorFlow removes an odd number of cells.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..arithmetic import torch_transposed_padding
from ._arguments import _check_channels, _check_input, _check_same, _check_sizes, _conv_repr


class _ConvTransposeSame:
    """Keras' ``'same'`` transposed convolution of any rank (see :class:`ConvTranspose2dSame`)."""

    #: number of spatial dimensions (set by each public class)
    spatial = 2

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        dilation=1,
        bias: bool = True,
        *,
        padding: str = "same",
        device=None,
        dtype=None,
    ) -> None:
        _check_same(padding)
        _check_channels(in_channels, out_channels, bias=bias)
        k, s, d = _check_sizes(kernel_size, stride, dilation, self.spatial)
        tp = torch_transposed_padding((1,) * self.spatial, k, s, d)
        super().__init__(
            in_channels, out_channels, k, stride=s, padding=tp.padding,
            output_padding=tp.output_padding, bias=bias, dilation=d, device=device,
            dtype=dtype,
        )  # fmt: skip
        #: last outputs cropped from the op's output (0 or 1 per spatial dimension)
        self.crop = tuple(0 if c is None else c[1] for c in tp.crop)

    def forward(self, x: torch.Tensor, output_size=None) -> torch.Tensor:
        name = type(self).__name__
        if output_size is not None:
            raise TypeError(
                f"{name} takes no output_size: Keras' 'same' output is "
                f"input size × stride; use nn.{name.removesuffix('Same')} for another size"
            )
        _check_input(name, x, self.spatial)
        conv = getattr(F, f"conv_transpose{self.spatial}d")
        y = conv(
            x, self.weight, self.bias, self.stride, self.padding, self.output_padding,
            1, self.dilation,
        )  # fmt: skip
        if not any(self.crop):
            return y
        ends = y.shape[2:]
        return y[(..., *(slice(0, n - c) for n, c in zip(ends, self.crop, strict=True)))]

    def extra_repr(self) -> str:
        return _conv_repr(self)


class ConvTranspose2dSame(_ConvTransposeSame, nn.ConvTranspose2d):
    """``nn.ConvTranspose2d`` with Keras ``Conv2DTranspose(..., padding='same')``: ``out = W·S``.

    Every input cell stamps the dilated kernel (``K_eff = D·(K − 1) + 1`` cells) ``S``
    cells further along than the one before; TensorFlow's ``'same'`` keeps ``W·S`` cells
    of the stamps, removing ``T = max(K_eff − S, 0)`` in total, ``⌊T / 2⌋`` at the start.
    :func:`samepad_viz.torch_transposed_padding` turns that into the op's own arguments,
    independent of ``W``: ``padding = ⌊T / 2⌋`` and ``output_padding = max(S − K_eff, 0)``
    go into ``F.conv_transpose2d``; when ``T`` is odd one more cell is left at the end,
    and the last row/column is cropped (a view, no copy). No crop otherwise.

    Weights are ``(in_channels, out_channels, kh, kw)`` as in ``nn.ConvTranspose2d``: a
    Keras kernel ``(kh, kw, out, in)`` goes in as ``kernel.permute(3, 2, 0, 1)``. Strides
    > 1 with dilation > 1 are accepted (Keras refuses them) and follow the same definition.
    Keras' ``output_padding`` argument is not this layer's business: with it, Keras'
    output size is no longer ``W·S`` (see :func:`samepad_viz.keras_transposed_output_size`).

    >>> up = ConvTranspose2dSame(8, 4, 3, stride=2)
    >>> up
    ConvTranspose2dSame(8, 4, kernel_size=(3, 3), stride=(2, 2), padding='same')
    >>> up.padding, up.output_padding, up.crop
    ((0, 0), (0, 0), (1, 1))
    >>> up(torch.zeros(1, 8, 15, 16)).shape
    torch.Size([1, 4, 30, 32])
    """

    spatial = 2


class ConvTranspose1dSame(_ConvTransposeSame, nn.ConvTranspose1d):
    """``nn.ConvTranspose1d`` with Keras ``Conv1DTranspose(..., padding='same')``: ``out = L·S``.

    :class:`ConvTranspose2dSame` on one axis. Weights ``(in, out, k)``: a Keras kernel
    ``(k, out, in)`` goes in as ``kernel.permute(2, 1, 0)``.

    >>> up = ConvTranspose1dSame(2, 3, 4, stride=2)
    >>> up.padding, up.output_padding, up.crop
    ((1,), (0,), (0,))
    >>> up(torch.zeros(1, 2, 7)).shape
    torch.Size([1, 3, 14])
    """

    spatial = 1


class ConvTranspose3dSame(_ConvTransposeSame, nn.ConvTranspose3d):
    """``nn.ConvTranspose3d`` with Keras ``Conv3DTranspose(..., padding='same')``: ``W·S`` per axis.

    :class:`ConvTranspose2dSame` with one more axis. Weights ``(in, out, kd, kh, kw)``: a
    Keras kernel ``(kd, kh, kw, out, in)`` goes in as ``kernel.permute(4, 3, 0, 1, 2)``.

    >>> up = ConvTranspose3dSame(1, 1, (3, 2, 1), stride=2)
    >>> up(torch.zeros(1, 1, 2, 3, 4)).shape
    torch.Size([1, 1, 4, 6, 8])
    """

    spatial = 3
