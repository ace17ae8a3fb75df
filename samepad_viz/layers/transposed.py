"""ConvTranspose2dSame: Keras' ``Conv2DTranspose(padding='same')``, ``out = W·S`` for every W."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..arithmetic import torch_transposed_padding
from ._arguments import _check_channels, _check_input, _check_same, _check_sizes, _conv_repr


class ConvTranspose2dSame(nn.ConvTranspose2d):
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
        k, s, d = _check_sizes(kernel_size, stride, dilation)
        tp = torch_transposed_padding((1, 1), k, s, d)
        super().__init__(
            in_channels, out_channels, k, stride=s, padding=tp.padding,
            output_padding=tp.output_padding, bias=bias, dilation=d, device=device,
            dtype=dtype,
        )  # fmt: skip
        #: last rows / columns cropped from the op's output (0 or 1 per dimension)
        self.crop = tuple(0 if c is None else c[1] for c in tp.crop)

    def forward(self, x: torch.Tensor, output_size=None) -> torch.Tensor:
        if output_size is not None:
            raise TypeError(
                "ConvTranspose2dSame takes no output_size: Keras' 'same' output is "
                "input size × stride; use nn.ConvTranspose2d for another size"
            )
        _check_input(type(self).__name__, x)
        y = F.conv_transpose2d(
            x, self.weight, self.bias, self.stride, self.padding, self.output_padding,
            1, self.dilation,
        )  # fmt: skip
        if self.crop == (0, 0):
            return y
        return y[:, :, : y.shape[2] - self.crop[0], : y.shape[3] - self.crop[1]]

    def extra_repr(self) -> str:
        return _conv_repr(self)
