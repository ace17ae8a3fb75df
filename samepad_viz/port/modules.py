"""The two small modules torch.nn lacks (their source is copied into standalone output)."""

from __future__ import annotations

from torch import nn


class BatchNormAxis(nn.modules.batchnorm._BatchNorm):
    """Batch normalisation over any one dimension ``dim`` (``nn.BatchNorm2d`` uses dim 1).

    Keras' ``BatchNormalization(axis=1)`` on channels-last ``(N, H, W, C)`` data keeps one
    mean/variance per *row*; in NCHW that is ``dim=2``.
    """

    def __init__(self, num_features, dim, eps=1e-3, momentum=0.01, affine=True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats=True)
        self.dim = dim

    def _check_input_dim(self, input):
        pass  # forward checks the unflattened input

    def forward(self, input):
        if input.dim() <= self.dim:
            raise ValueError(f"expected an input with more than {self.dim} dimensions")
        # (N, C, H, W) with dim=2 is (N·C, H, W) with dim=1: a view, no transpose or copy
        return super().forward(input.flatten(0, self.dim - 1)).reshape(input.shape)

    def extra_repr(self):
        return f"{super().extra_repr()}, dim={self.dim}"


class FlattenChannelsLast(nn.Module):
    """Flatten ``(N, C, *spatial)`` in Keras' channels-last order ``(*spatial, C)``."""

    def forward(self, input):
        return input.movedim(1, -1).flatten(1)
