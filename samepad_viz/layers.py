"""PyTorch layers with Keras/TensorFlow ``padding='same'``: drop-in, exact and cheap.

``Conv2dSame``, ``MaxPool2dSame`` and ``AvgPool2dSame`` give the output of Keras'
``Conv2D`` / ``MaxPooling2D`` / ``AveragePooling2D`` with ``padding='same'`` for every
input size, kernel (odd or even), stride and dilation, square or not.
``ConvTranspose2dSame``, ``Conv1dSame`` and ``CausalConv1d`` do the same for Keras'
``Conv2DTranspose(padding='same')``, ``Conv1D(padding='same')`` and
``Conv1D(padding='causal')`` (see their docstrings; the transposed and causal ones need
no per-size plan).

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
  copy of the input; the price is one extra output row/column. In
  ``benchmarks/layers.py`` that beats ``F.pad`` on every call for the convolution
  (0.89-1.00×) and max pooling (0.98-0.99×) and halves the memory; for average pooling
  on small inputs (32×32) the extra outputs cost about 2 % more time than an exact
  pad-and-divide, still with half the memory.
* ``after == before + 1`` at stride ≥ 2: pooling runs with ``padding=before`` and
  ``ceil_mode=True``, whose last window overhangs the input by exactly the one missing
  cell, which PyTorch leaves out of the max and of the mean (``count_include_pad=False``):
  exact, no copy. The convolution has no such mode; it pads the one extra zero row/column
  with ``F.pad`` and passes the symmetric part as ``padding=before``.

Every plan is checked against :func:`samepad_viz.output_size` (PyTorch's size rule) and
:func:`samepad_viz.keras_output_size` before it is used; pooling falls back to an
explicit ``F.pad`` (−∞ for max, zeros with a count of real cells for the mean) if a
shortcut would not give Keras' size or would break PyTorch's ``padding ≤ kernel / 2``.

The input height and width are read as Python ints, so under ``torch.compile`` and
``torch.export`` they are specialised (the padding depends on them); the batch size
stays free.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from .arithmetic import (
    causal_padding,
    keras_output_size,
    output_size,
    same_padding,
    torch_transposed_padding,
    window_indices,
)

__all__ = [
    "AvgPool2dSame",
    "CausalConv1d",
    "Conv1dSame",
    "Conv2dSame",
    "ConvTranspose2dSame",
    "MaxPool2dSame",
]

Pair = tuple[int, int]


# ---------------------------------------------------------------------------------------
# arguments
# ---------------------------------------------------------------------------------------


def _pair(name: str, value) -> Pair:
    """An int for both dimensions or a (height, width) pair; validated by ``arithmetic``."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be an int or a (height, width) pair, got {tuple(value)!r}"
            )
        return tuple(value)
    return (value, value)


def _check_positive(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int >= 1, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value}")
    return value


def _check_sizes(kernel_size, stride, dilation=1) -> tuple[Pair, Pair, Pair]:
    """Normalise to pairs and let ``arithmetic`` refuse 0, bools, floats, negatives.

    >>> _check_sizes(3, (2, 1))
    ((3, 3), (2, 1), (1, 1))
    >>> _check_sizes(0, 1)
    Traceback (most recent call last):
    ...
    ValueError: kernel_size must be >= 1, got 0
    """
    k, s, d = (
        _pair("kernel_size", kernel_size),
        _pair("stride", stride),
        _pair("dilation", dilation),
    )
    # same_padding validates every entry (int, not bool, >= 1) and names the argument.
    same_padding((1, 1), k, s, d)
    return tuple(int(v) for v in k), tuple(int(v) for v in s), tuple(int(v) for v in d)


def _check_input(layer: str, x: torch.Tensor) -> None:
    if x.dim() != 4:
        raise ValueError(
            f"{layer} expects a 4-D input (batch, channels, height, width), got shape "
            f"{tuple(x.shape)}"
            + ("; add a batch dimension with x.unsqueeze(0)" if x.dim() == 3 else "")
        )


# ---------------------------------------------------------------------------------------
# the plan: integer arithmetic, once per input size
# ---------------------------------------------------------------------------------------


class _Plan(NamedTuple):
    """How one layer reaches Keras' 'same' for one input size (all plain ints)."""

    route: str  # "symmetric", "slice", "ceil", "pad" or a "+"-join of them
    padding: Pair  # the op's own padding= (symmetric per dimension)
    pad: tuple[int, int, int, int] | None  # F.pad (left, right, top, bottom), or None
    ceil_mode: bool  # pooling only
    crop: Pair  # output rows / columns to drop at the start (0 or 1)
    counts: tuple[tuple[int, ...], tuple[int, ...]] | None  # avg fallback: real cells


def _route_name(routes) -> str:
    names = [r for r in ("slice", "ceil", "pad") if r in routes]
    return "+".join(names) if names else "symmetric"


@functools.lru_cache(maxsize=512)
def _conv_plan(size: Pair, kernel_size: Pair, stride: Pair, dilation: Pair) -> _Plan:
    """Plan for a convolution: ``padding=``, a dropped first output row at stride 1, or F.pad.

    >>> _conv_plan((32, 32), (3, 3), (1, 1), (1, 1)).padding
    (1, 1)
    >>> p = _conv_plan((32, 33), (3, 3), (2, 2), (1, 1))
    >>> p.route, p.padding, p.pad
    ('pad', (0, 1), (0, 0, 0, 1))
    """
    splits = same_padding(size, kernel_size, stride, dilation)
    padding, crop, extra, routes = [], [], [], []
    for (before, after), s in zip(splits, stride, strict=True):
        if before == after:
            padding.append(before)
            crop.append(0)
            extra.append(0)
        elif s == 1:  # window i of the split equals window i + 1 of symmetric `after`
            padding.append(after)
            crop.append(1)
            extra.append(0)
            routes.append("slice")
        else:  # no copy-free way: one zero row/column after, the rest symmetric
            padding.append(before)
            crop.append(0)
            extra.append(after - before)
            routes.append("pad")
    pad = (0, extra[1], 0, extra[0]) if any(extra) else None
    plan = _Plan(_route_name(routes), tuple(padding), pad, False, tuple(crop), None)
    _check_plan(plan, size, kernel_size, stride, dilation)
    return plan


@functools.lru_cache(maxsize=512)
def _pool_plan(
    size: Pair, kernel_size: Pair, stride: Pair, average: bool, copy_free: bool = True
) -> _Plan:
    """Plan for a pooling layer: no copy of the input whenever PyTorch allows it.

    ``copy_free=False`` forces the explicit-pad fallback (for tests and benchmarks).

    >>> _pool_plan((30, 30), (2, 2), (2, 2), False).route   # 30 = 15·2: no padding
    'symmetric'
    >>> p = _pool_plan((31, 31), (2, 2), (2, 2), True)      # split (0, 1): ceil_mode
    >>> p.route, p.padding, p.ceil_mode
    ('ceil', (0, 0), True)
    >>> p = _pool_plan((8, 8), (2, 2), (1, 1), False)       # split (0, 1): pad 1, drop 1
    >>> p.route, p.padding, p.crop
    ('slice', (1, 1), (1, 1))
    """
    splits = same_padding(size, kernel_size, stride)
    padding, crop, routes = [], [], []
    for (before, after), s in zip(splits, stride, strict=True):
        if before == after:
            padding.append(before)
            crop.append(0)
        elif s == 1:  # window i of the split equals window i + 1 of symmetric `after`
            padding.append(after)
            crop.append(1)
            routes.append("slice")
        else:  # ceil_mode's last window overhangs by the one missing cell
            padding.append(before)
            crop.append(0)
            routes.append("ceil")
    plan = _Plan(_route_name(routes), tuple(padding), None, "ceil" in routes, tuple(crop), None)
    fits = all(p <= k // 2 for p, k in zip(plan.padding, kernel_size, strict=True))
    if (
        copy_free
        and fits
        and _plan_size(plan, size, kernel_size, stride)
        == keras_output_size(size, kernel_size, stride, "same")
    ):
        return plan
    # Fallback (not reached for 'same' splits, kept for safety): explicit pad of the split.
    pad = (*splits[1], *splits[0])
    counts = None
    if average:
        counts = tuple(
            tuple(sum(0 <= i < w for i in window) for window in window_indices(w, k, s, split))
            for w, k, s, split in zip(size, kernel_size, stride, splits, strict=True)
        )
    plan = _Plan("pad", (0, 0), pad, False, (0, 0), counts)
    _check_plan(plan, size, kernel_size, stride, (1, 1))
    return plan


def _plan_size(plan: _Plan, size, kernel_size, stride, dilation=(1, 1)) -> tuple[int, ...]:
    pad = plan.pad or (0, 0, 0, 0)
    padding = (
        (plan.padding[0] + pad[2], plan.padding[0] + pad[3]),
        (plan.padding[1] + pad[0], plan.padding[1] + pad[1]),
    )
    out = output_size(size, kernel_size, stride, padding, dilation, ceil_mode=plan.ceil_mode)
    return tuple(o - c for o, c in zip(out, plan.crop, strict=True))


def _check_plan(plan: _Plan, size, kernel_size, stride, dilation) -> None:
    want = keras_output_size(size, kernel_size, stride, "same", dilation)
    got = _plan_size(plan, size, kernel_size, stride, dilation)
    if got != want:  # pragma: no cover - an arithmetic bug, never a user error
        raise RuntimeError(f"padding plan {plan} gives {got}, Keras 'same' gives {want}")


def _cached(plan_function):
    """The cached plan function, or (while torch.compile/export traces) the plain one.

    Dynamo traces through an ``lru_cache`` wrapper anyway, and warns; the plan is pure
    integer arithmetic on specialised sizes, so tracing it gives constants either way.
    """
    if torch.compiler.is_compiling():
        return plan_function.__wrapped__
    return plan_function


def _crop(y: torch.Tensor, crop: Pair) -> torch.Tensor:
    if crop == (0, 0):
        return y
    return y[:, :, crop[0] :, crop[1] :]


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


def _keras_repr(kernel_size: Pair, stride: Pair, **extra) -> str:
    parts = [f"kernel_size={kernel_size}", f"stride={stride}", "padding='same'"]
    parts += [f"{key}={value!r}" for key, value in extra.items()]
    return ", ".join(parts)


def _check_same(padding) -> None:
    if padding != "same":
        raise ValueError(
            f"padding must be 'same' (the point of this layer), got {padding!r}; "
            "for a number of cells use the torch.nn layer itself"
        )


# ---------------------------------------------------------------------------------------
# layers
# ---------------------------------------------------------------------------------------


class Conv2dSame(nn.Conv2d):
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
        _check_positive("in_channels", in_channels)
        _check_positive("out_channels", out_channels)
        _check_positive("groups", groups)
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"in_channels ({in_channels}) and out_channels ({out_channels}) must both "
                f"be divisible by groups ({groups})"
            )
        if not isinstance(bias, bool):
            raise TypeError(f"bias must be True or False, got {bias!r}")
        k, s, d = _check_sizes(kernel_size, stride, dilation)
        super().__init__(
            in_channels, out_channels, k, stride=s, padding=0, dilation=d, groups=groups,
            bias=bias, device=device, dtype=dtype,
        )  # fmt: skip

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

    def extra_repr(self) -> str:
        extra = {}
        if self.dilation != (1, 1):
            extra["dilation"] = self.dilation
        if self.groups != 1:
            extra["groups"] = self.groups
        if self.bias is None:
            extra["bias"] = False
        head = f"{self.in_channels}, {self.out_channels}, "
        return head + _keras_repr(self.kernel_size, self.stride, **extra)


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

    >>> AvgPool2dSame(3, 2)(torch.arange(1.0, 7.0).reshape(1, 1, 1, 6).expand(1, 1, 3, 6))
    tensor([[[[2.0000, 4.0000, 5.5000],
              [2.0000, 4.0000, 5.5000]]]])
    """

    average = True

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(type(self).__name__, x)
        plan = self.plan(int(x.shape[-2]), int(x.shape[-1]))
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


# ---------------------------------------------------------------------------------------
# transposed and 1-D layers
# ---------------------------------------------------------------------------------------


def _check_channels(in_channels, out_channels, groups: int = 1, bias=True) -> None:
    _check_positive("in_channels", in_channels)
    _check_positive("out_channels", out_channels)
    _check_positive("groups", groups)
    if in_channels % groups or out_channels % groups:
        raise ValueError(
            f"in_channels ({in_channels}) and out_channels ({out_channels}) must both "
            f"be divisible by groups ({groups})"
        )
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {bias!r}")


def _check_rank(layer: str, x: torch.Tensor, rank: int, axes: str) -> None:
    if x.dim() != rank:
        raise ValueError(
            f"{layer} expects a {rank}-D input ({axes}), got shape {tuple(x.shape)}"
            + ("; add a batch dimension with x.unsqueeze(0)" if x.dim() == rank - 1 else "")
        )


def _check_length(name: str, value) -> int:
    """One int for the time axis (a 1-tuple is accepted, as torch.nn writes it)."""
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ValueError(f"{name} must be an int for the one time axis, got {tuple(value)!r}")
        (value,) = value
    return value


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
        extra = {}
        if self.dilation != (1, 1):
            extra["dilation"] = self.dilation
        if self.bias is None:
            extra["bias"] = False
        head = f"{self.in_channels}, {self.out_channels}, "
        return head + _keras_repr(self.kernel_size, self.stride, **extra)


class Conv1dSame(nn.Conv1d):
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
        k, s, d = (
            _check_length(name, value)
            for name, value in (("kernel_size", kernel_size), ("stride", stride),
                                ("dilation", dilation))
        )  # fmt: skip
        k, s, d = (v[1] for v in _check_sizes((1, k), (1, s), (1, d)))
        super().__init__(
            in_channels, out_channels, k, stride=s, padding=0, dilation=d, groups=groups,
            bias=bias, device=device, dtype=dtype,
        )  # fmt: skip

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

    def extra_repr(self) -> str:
        extra = {}
        if self.dilation != (1,):
            extra["dilation"] = self.dilation
        if self.groups != 1:
            extra["groups"] = self.groups
        if self.bias is None:
            extra["bias"] = False
        head = f"{self.in_channels}, {self.out_channels}, "
        return head + _keras_repr(self.kernel_size, self.stride, **extra)


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
        k, s, d = (
            _check_length(name, value)
            for name, value in (("kernel_size", kernel_size), ("stride", stride),
                                ("dilation", dilation))
        )  # fmt: skip
        #: Keras' (left, right) pad of the sequence: (D·(K − 1), 0)
        self.causal_padding = causal_padding(k, d)
        k, s, d = (v[1] for v in _check_sizes((1, k), (1, s), (1, d)))
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
        parts = [f"{self.in_channels}, {self.out_channels}"]
        parts += [f"kernel_size={self.kernel_size}", f"stride={self.stride}", "padding='causal'"]
        if self.dilation != (1,):
            parts.append(f"dilation={self.dilation}")
        if self.bias is None:
            parts.append("bias=False")
        return ", ".join(parts)
