"""CausalConv1d: Keras' ``Conv1D(padding='causal')``, all the padding before the sequence."""

from __future__ import annotations

import torch
from torch import nn

from ..arithmetic import causal_padding, keras_output_size
from ._arguments import _check_channels, _check_rank, _check_sizes_1d, _conv_repr, _lengths


class CausalConv1d(nn.Conv1d):
    """``nn.Conv1d`` with Keras ``Conv1D(..., padding='causal')``: output ``t`` sees inputs ≤ t.

    Keras pads ``D·(K − 1)`` zeros before the sequence and none after
    (:func:`samepad_viz.causal_padding`), so ``out = ⌈L / S⌉``. Window ``i`` then starts
    at ``i·S − D·(K − 1)``, exactly as with the symmetric ``padding=D·(K − 1)``: the
    convolution runs with that padding and keeps the first ``⌈L / S⌉`` outputs (a view,
    no copy of the input; the price is ``⌊D·(K − 1) / S⌋`` extra outputs at the end).
    Weights ``(out_channels, in_channels, k)``: a Keras kernel ``(k, in, out)`` goes in
    as ``kernel.permute(2, 1, 0)``.

    >>> conv = CausalConv1d(1, 1, 3, dilation=2)
    >>> conv
    CausalConv1d(1, 1, kernel_size=(3,), stride=(1,), padding='causal', dilation=(2,))
    >>> conv.causal_padding
    (4, 0)
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
        padding: str = "causal",
        device=None,
        dtype=None,
    ) -> None:
        if padding != "causal":
            raise ValueError(
                f"padding must be 'causal' (the point of this layer), got {padding!r}; "
                "for 'same' use Conv1dSame, for a number of cells nn.Conv1d itself"
            )
        _check_channels(in_channels, out_channels, bias=bias)
        k, s, d = _lengths(kernel_size, stride, dilation)
        #: Keras' (left, right) pad of the sequence: (D·(K − 1), 0)
        self.causal_padding = causal_padding(k, d)
        k, s, d = _check_sizes_1d(k, s, d)
        super().__init__(
            in_channels, out_channels, k, stride=s, padding=self.causal_padding[0],
            dilation=d, bias=bias, device=device, dtype=dtype,
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_rank(type(self).__name__, x, 3, "batch, channels, length")
        length = int(x.shape[-1])
        keep = keras_output_size(
            length, self.kernel_size[0], self.stride[0], "causal", self.dilation[0]
        )
        return super().forward(x)[:, :, :keep]

    def extra_repr(self) -> str:
        return _conv_repr(self, padding="causal")
