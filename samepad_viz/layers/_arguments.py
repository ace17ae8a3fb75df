"""The layers' arguments: validated on construction, printed back as Keras-like text.

Every size check is :mod:`samepad_viz.arithmetic`'s (``same_padding`` refuses 0, bools,
floats and negatives and names the argument); this file only normalises the shapes the
layers accept (an int, or one value per spatial dimension: a 1-tuple, pair or triple) and checks
what arithmetic does not know about: channels, groups, ``bias``, ``padding=`` and the
rank of an input.
"""

from __future__ import annotations

import torch

from ..arithmetic import same_padding

Pair = tuple[int, int]
Sizes = tuple[int, ...]  # one entry per spatial dimension

#: the spatial axes of each rank, as the errors name them
AXES = {1: "length", 2: "height, width", 3: "depth, height, width"}
_TUPLE = {2: "a (height, width) pair", 3: "a (depth, height, width) triple"}


def _per_axis(name: str, value, rank: int) -> Sizes:
    """An int for every spatial dimension or one value per dimension; validated by arithmetic.

    >>> _per_axis("stride", 2, 3), _per_axis("stride", (2, 1), 2), _per_axis("stride", (4,), 1)
    ((2, 2, 2), (2, 1), (4,))
    """
    if isinstance(value, (tuple, list)):
        if len(value) != rank:
            allowed = "an int for the one time axis" if rank == 1 else f"an int or {_TUPLE[rank]}"
            raise ValueError(f"{name} must be {allowed}, got {tuple(value)!r}")
        return tuple(value)
    return (value,) * rank


def _check_positive(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int >= 1, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be an int >= 1, got {value}")
    return value


def _check_sizes(kernel_size, stride, dilation=1, rank: int = 2) -> tuple[Sizes, Sizes, Sizes]:
    """Normalise to one value per spatial dimension and let ``arithmetic`` refuse 0, bools,
    floats and negatives (naming the argument).

    >>> _check_sizes(3, (2, 1))
    ((3, 3), (2, 1), (1, 1))
    >>> _check_sizes((3, 1, 2), 2, rank=3)
    ((3, 1, 2), (2, 2, 2), (1, 1, 1))
    >>> _check_sizes(0, 1)
    Traceback (most recent call last):
    ...
    ValueError: kernel_size must be >= 1, got 0
    """
    k, s, d = (
        _per_axis("kernel_size", kernel_size, rank),
        _per_axis("stride", stride, rank),
        _per_axis("dilation", dilation, rank),
    )
    # same_padding validates every entry (int, not bool, >= 1) and names the argument.
    same_padding((1,) * rank, k, s, d)
    return tuple(int(v) for v in k), tuple(int(v) for v in s), tuple(int(v) for v in d)


def _lengths(kernel_size, stride, dilation) -> tuple:
    """``kernel_size``, ``stride`` and ``dilation`` of a 1-D layer, each one time-axis value."""
    return tuple(_per_axis(name, value, 1)[0] for name, value in (
        ("kernel_size", kernel_size), ("stride", stride), ("dilation", dilation)))  # fmt: skip


def _check_sizes_1d(kernel_size, stride, dilation) -> tuple[int, int, int]:
    """:func:`_check_sizes` for the one time axis, as plain ints.

    >>> _check_sizes_1d((4,), 2, 1)
    (4, 2, 1)
    """
    k, s, d = _check_sizes(kernel_size, stride, dilation, rank=1)
    return k[0], s[0], d[0]


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


def _check_same(padding) -> None:
    if padding != "same":
        raise ValueError(
            f"padding must be 'same' (the point of this layer), got {padding!r}; "
            "for a number of cells use the torch.nn layer itself"
        )


def _check_rank(layer: str, x: torch.Tensor, rank: int, axes: str) -> None:
    if x.dim() != rank:
        raise ValueError(
            f"{layer} expects a {rank}-D input ({axes}), got shape {tuple(x.shape)}"
            + ("; add a batch dimension with x.unsqueeze(0)" if x.dim() == rank - 1 else "")
        )


def _check_input(layer: str, x: torch.Tensor, spatial: int = 2) -> None:
    """A layer's input: (batch, channels, *spatial dimensions)."""
    _check_rank(layer, x, spatial + 2, "batch, channels, " + AXES[spatial])


def _keras_repr(kernel_size, stride, padding: str = "same", **extra) -> str:
    parts = [f"kernel_size={kernel_size}", f"stride={stride}", f"padding={padding!r}"]
    parts += [f"{key}={value!r}" for key, value in extra.items()]
    return ", ".join(parts)


def _conv_repr(conv, padding: str = "same") -> str:
    """A convolution's ``extra_repr``: its constructor call, non-default options only."""
    extra = {}
    if any(d != 1 for d in conv.dilation):
        extra["dilation"] = conv.dilation
    if conv.groups != 1:
        extra["groups"] = conv.groups
    if conv.bias is None:
        extra["bias"] = False
    head = f"{conv.in_channels}, {conv.out_channels}, "
    return head + _keras_repr(conv.kernel_size, conv.stride, padding, **extra)
