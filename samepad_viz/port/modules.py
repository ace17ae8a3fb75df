"""The modules torch.nn lacks (the source of those a port uses is copied into standalone output)."""

from __future__ import annotations

import torch
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


# ---------------------------------------------------------------------------------------
# Keras layers torch.nn has no module for (channels-first inside, like every port)
# ---------------------------------------------------------------------------------------


class ReshapeChannelsLast(nn.Module):
    """Keras ``Reshape(shape)``: reshape in Keras' channels-last element order."""

    def __init__(self, shape):
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, input):
        x = input.movedim(1, -1) if input.dim() > 2 else input
        x = x.reshape(x.shape[0], *self.shape)
        return x.movedim(-1, 1) if x.dim() > 2 else x

    def extra_repr(self):
        return f"shape={self.shape}"


class Reshape(nn.Module):
    """Reshape each sample to ``shape`` (where both layouts keep the same element order)."""

    def __init__(self, shape):
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, input):
        return input.reshape(input.shape[0], *self.shape)

    def extra_repr(self):
        return f"shape={self.shape}"


class Permute(nn.Module):
    """``input.permute(0, *dims)``: Keras' ``Permute``, its axes moved to channels-first."""

    def __init__(self, dims):
        super().__init__()
        self.dims = tuple(dims)

    def forward(self, input):
        return input.permute(0, *self.dims)

    def extra_repr(self):
        return f"dims={self.dims}"


class Rescale(nn.Module):
    """Keras ``Rescaling``: ``input * scale + offset``, per channel when given as lists."""

    def __init__(self, scale, offset=0.0):
        super().__init__()
        self.register_buffer("scale", torch.tensor(scale, dtype=torch.float32), persistent=False)
        self.register_buffer("offset", torch.tensor(offset, dtype=torch.float32), persistent=False)

    def forward(self, input):
        per_channel = (-1,) + (1,) * (input.dim() - 2)
        scale, offset = (
            v.reshape(per_channel) if v.dim() else v for v in (self.scale, self.offset)
        )
        return input * scale + offset


class Normalize(nn.Module):
    """Keras ``Normalization``: ``(input - mean) / denominator``, both stored in NCHW
    broadcast shape; the denominator is Keras' ``max(sqrt(variance), 1e-7)``."""

    def __init__(self, shape):
        super().__init__()
        self.register_buffer("mean", torch.zeros(tuple(shape)))
        self.register_buffer("denominator", torch.ones(tuple(shape)))

    def forward(self, input):
        return (input - self.mean) / self.denominator


class LayerNormDims(nn.Module):
    """Keras ``LayerNormalization`` over the dims ``dims`` of a channels-first tensor:
    ``(x - mean) · rsqrt(var + eps) · weight + bias``, weight and bias in broadcast shape."""

    def __init__(self, shape, dims, eps=1e-3, scale=True, center=True):
        super().__init__()
        self.dims, self.eps = tuple(dims), eps
        shape = tuple(shape)
        self.weight = nn.Parameter(torch.ones(shape)) if scale else None
        self.bias = nn.Parameter(torch.zeros(shape)) if center else None

    def forward(self, input):
        mean = input.mean(self.dims, keepdim=True)
        var = (input - mean).square().mean(self.dims, keepdim=True)
        x = (input - mean) * torch.rsqrt(var + self.eps)
        if self.weight is not None:
            x = x * self.weight
        return x if self.bias is None else x + self.bias

    def extra_repr(self):
        return f"dims={self.dims}, eps={self.eps}"


class PReLUAxes(nn.Module):
    """Keras ``PReLU`` with its ``alpha`` of any broadcast shape (``nn.PReLU`` has one per
    channel at most): ``relu(x) - alpha · relu(-x)``."""

    def __init__(self, shape):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(tuple(shape)))

    def forward(self, input):
        return torch.relu(input) - self.weight * torch.relu(-input)


class KerasReLU(nn.Module):
    """Keras ``ReLU(max_value, negative_slope, threshold)`` in full: ``x`` on
    ``[threshold, max_value)``, ``negative_slope · (x - threshold)`` below, clipped above."""

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0):
        super().__init__()
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def forward(self, input):
        below = self.negative_slope * (input - self.threshold)
        x = torch.where(input >= self.threshold, input, below)
        return x if self.max_value is None else x.clamp(max=self.max_value)


class Exponential(nn.Module):
    """Keras' ``exponential`` activation."""

    def forward(self, input):
        return torch.exp(input)


class SparsePlus(nn.Module):
    """Keras' ``sparse_plus``: 0 below -1, ``(x + 1)² / 4`` on (-1, 1), ``x`` above."""

    def forward(self, input):
        middle = (input + 1).square() / 4
        return torch.where(input <= -1, 0.0, torch.where(input >= 1, input, middle))


class SparseSigmoid(nn.Module):
    """Keras' ``sparse_sigmoid``: ``clip((x + 1) / 2, 0, 1)``."""

    def forward(self, input):
        return ((input + 1) / 2).clamp(0.0, 1.0)


class Squareplus(nn.Module):
    """Keras' ``squareplus``: ``(x + sqrt(x² + b)) / 2``."""

    def __init__(self, b=4.0):
        super().__init__()
        self.b = b

    def forward(self, input):
        return (input + torch.sqrt(input.square() + self.b)) / 2


class Sparsemax(nn.Module):
    """Keras' ``sparsemax`` over ``dim``: the Euclidean projection onto the simplex."""

    def __init__(self, dim=1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        z = input.movedim(self.dim, -1)
        z_sorted = z.sort(dim=-1, descending=True).values
        k = torch.arange(1, z.shape[-1] + 1, dtype=z.dtype, device=z.device)
        cumulative = z_sorted.cumsum(-1)
        support = (1 + k * z_sorted > cumulative).to(z.dtype)
        count = support.sum(-1, keepdim=True)
        tau = ((z_sorted * support).sum(-1, keepdim=True) - 1) / count
        return (z - tau).clamp(min=0).movedim(-1, self.dim)


class Merge(nn.Module):
    """Keras ``Add``/``Subtract``/``Multiply``/``Average``/``Maximum``/``Minimum``
    (``from_keras`` only; the written source spells the operation out in ``forward``)."""

    def __init__(self, op):
        super().__init__()
        self.op = op

    def forward(self, *inputs):
        out = inputs[0]
        for x in inputs[1:]:
            if self.op in ("add", "average"):
                out = out + x
            elif self.op == "subtract":
                out = out - x
            elif self.op == "multiply":
                out = out * x
            elif self.op == "maximum":
                out = torch.maximum(out, x)
            else:
                out = torch.minimum(out, x)
        return out / len(inputs) if self.op == "average" else out

    def extra_repr(self):
        return repr(self.op)


class ElementwiseOp(nn.Module):
    """A keras.ops ``add``/``subtract``/``multiply``/``divide`` of two operands, each a
    tensor (``None`` in ``slots``, filled from the inputs in order) or a number
    (``from_keras`` only; the written source spells it out in ``forward``)."""

    def __init__(self, op, slots):
        super().__init__()
        self.op, self.slots = op, list(slots)

    def forward(self, *inputs):
        it = iter(inputs)
        a, b = (next(it) if v is None else v for v in self.slots)
        if self.op == "add":
            return a + b
        if self.op == "subtract":
            return a - b
        return a * b if self.op == "multiply" else a / b

    def extra_repr(self):
        return f"{self.op!r}, {self.slots}"


class Concatenate(nn.Module):
    """Keras ``Concatenate(axis)`` as ``torch.cat(inputs, dim)`` (``from_keras`` only)."""

    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def forward(self, *inputs):
        return torch.cat(inputs, dim=self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class KerasGraph(nn.Module):
    """A functional Keras model as one module: a child per layer, called in Keras' order.

    ``steps`` holds ``(child, input names, output name)``; ``forward`` takes the model's
    inputs in order and returns its output (a tuple for several). The written source
    (``to_torch_source``) is the same graph with ``forward`` spelled out line by line.
    """

    def __init__(self, children, steps, inputs, outputs):
        super().__init__()
        for name, module in children.items():
            self.add_module(name, module)
        self.steps = [(child, tuple(ins), out) for child, ins, out in steps]
        self.input_names, self.output_names = tuple(inputs), tuple(outputs)

    def forward(self, *inputs):
        values = dict(zip(self.input_names, inputs, strict=True))
        modules = self._modules
        for child, ins, out in self.steps:
            values[out] = modules[child](*[values[n] for n in ins])
        outputs = tuple(values[n] for n in self.output_names)
        return outputs[0] if len(outputs) == 1 else outputs
