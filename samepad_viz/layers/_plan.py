"""The plan: how a layer reaches Keras' 'same' for one input size (integer arithmetic, cached).

:func:`samepad_viz.same_padding` gives TensorFlow's ``(before, after)`` split per
dimension; a plan turns it into the op's own arguments. Convolution and pooling share
the first two routes and differ only where ``after = before + 1`` at stride ≥ 2 (see
:func:`_split_routes`). Every plan is checked against :func:`samepad_viz.output_size`
and :func:`samepad_viz.keras_output_size` before it is returned.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import torch

from ..arithmetic import keras_output_size, output_size, same_padding, window_indices
from ._arguments import Sizes, _check_input


class _Plan(NamedTuple):
    """How one layer reaches Keras' 'same' for one input size (all plain ints).

    Every field has one entry per spatial dimension (1, 2 or 3 of them), except ``pad``,
    which is in ``F.pad``'s order: the last dimension first, ``(before, after)`` each.
    """

    route: str  # "symmetric", "slice", "ceil", "pad", a "+"-join of them, or "sum" (avg)
    padding: Sizes  # the op's own padding= (symmetric per dimension)
    pad: tuple[int, ...] | None  # F.pad (last dim's before, after, then the one before...)
    ceil_mode: bool  # pooling only
    crop: Sizes  # outputs to drop at the start of each dimension (0 or 1)
    counts: tuple[tuple[int, ...], ...] | None  # avg "sum"/"pad": real cells per window


def _f_pad(splits) -> tuple[int, ...]:
    """Per-dimension ``(before, after)`` splits in ``F.pad``'s order (last dimension first).

    >>> _f_pad(((0, 1), (2, 3)))
    (2, 3, 0, 1)
    """
    return tuple(v for split in reversed(splits) for v in split)


def _route_name(routes) -> str:
    names = [r for r in ("slice", "ceil", "pad") if r in routes]
    return "+".join(names) if names else "symmetric"


def _split_routes(splits, stride, uneven: str):
    """Per dimension: the op's ``padding``, the first outputs to ``crop``, the routes taken.

    ``before == after`` → ``padding=before``. ``after == before + 1`` at stride 1 →
    ``padding=after`` and one output dropped (window ``i`` of the split is window
    ``i + 1`` of the symmetric padding). At stride ≥ 2 → ``padding=before`` and the route
    ``uneven`` (``"pad"``: one zero after with ``F.pad``; ``"ceil"``: ``ceil_mode``).

    >>> _split_routes(((0, 1), (1, 1)), (1, 2), "pad")
    ([1, 1], [1, 0], ['slice'])
    """
    padding, crop, routes = [], [], []
    for (before, after), s in zip(splits, stride, strict=True):
        if before == after:
            padding.append(before)
            crop.append(0)
        elif s == 1:  # window i of the split equals window i + 1 of symmetric `after`
            padding.append(after)
            crop.append(1)
            routes.append("slice")
        else:  # no copy-free way for a convolution; ceil_mode for pooling
            padding.append(before)
            crop.append(0)
            routes.append(uneven)
    return padding, crop, routes


@functools.lru_cache(maxsize=512)
def _conv_plan(size: Sizes, kernel_size: Sizes, stride: Sizes, dilation: Sizes) -> _Plan:
    """Plan for a convolution: ``padding=``, a dropped first output row at stride 1, or F.pad.

    >>> _conv_plan((32, 32), (3, 3), (1, 1), (1, 1)).padding
    (1, 1)
    >>> p = _conv_plan((32, 33), (3, 3), (2, 2), (1, 1))
    >>> p.route, p.padding, p.pad
    ('pad', (0, 1), (0, 0, 0, 1))
    >>> _conv_plan((16, 17, 16), (3, 3, 3), (2, 2, 2), (1, 1, 1)).pad   # depth, width uneven
    (0, 1, 0, 0, 0, 1)
    """
    splits = same_padding(size, kernel_size, stride, dilation)
    padding, crop, routes = _split_routes(splits, stride, "pad")
    # one zero row/column after where the split is uneven at stride >= 2, the rest symmetric
    extra = [
        (0, after - before if s > 1 else 0)
        for (before, after), s in zip(splits, stride, strict=True)
    ]
    pad = _f_pad(extra) if any(e for _, e in extra) else None
    plan = _Plan(_route_name(routes), tuple(padding), pad, False, tuple(crop), None)
    _check_plan(plan, size, kernel_size, stride, dilation)
    return plan


@functools.lru_cache(maxsize=512)
def _pool_plan(
    size: Sizes, kernel_size: Sizes, stride: Sizes, average: bool, copy_free: bool = True
) -> _Plan:
    """Plan for a pooling layer: no copy of the input whenever PyTorch allows it.

    ``copy_free=False`` forces the explicit-pad fallback (for tests and benchmarks).
    Average pooling whose only uneven dimensions are at stride 1 takes the route
    ``"sum"``: the ``"slice"`` padding and crop, with the real cells per window in
    ``counts`` (see :class:`~samepad_viz.layers.AvgPool2dSame`).

    >>> _pool_plan((30, 30), (2, 2), (2, 2), False).route   # 30 = 15·2: no padding
    'symmetric'
    >>> p = _pool_plan((31, 31), (2, 2), (2, 2), True)      # split (0, 1): ceil_mode
    >>> p.route, p.padding, p.ceil_mode
    ('ceil', (0, 0), True)
    >>> p = _pool_plan((8, 8), (2, 2), (1, 1), False)       # split (0, 1): pad 1, drop 1
    >>> p.route, p.padding, p.crop
    ('slice', (1, 1), (1, 1))
    >>> p = _pool_plan((3, 4), (2, 3), (1, 1), True)        # rows (0, 1), columns (1, 1)
    >>> p.route, p.padding, p.crop, p.counts
    ('sum', (1, 1), (1, 0), ((2, 2, 1), (2, 3, 3, 2)))
    >>> _pool_plan((1, 4, 4), (2, 2, 2), (1, 1, 1), True).route   # avg_pool3d: 1 < 2
    'pad'
    >>> _pool_plan((8, 8, 8), (2, 2, 2), (1, 1, 1), False).route  # 3-D max, stride 1
    'pad'

    """
    splits = same_padding(size, kernel_size, stride)
    padding, crop, routes = _split_routes(splits, stride, "ceil")
    plan = _Plan(_route_name(routes), tuple(padding), None, "ceil" in routes, tuple(crop), None)
    fits = all(p <= k // 2 for p, k in zip(plan.padding, kernel_size, strict=True))
    # avg_pool3d, unlike the 1-D and 2-D ops and max pooling, refuses an input smaller than
    # its kernel before padding ("input image smaller than kernel size"): pad explicitly
    fits = fits and not (
        average and len(size) == 3 and any(n < k for n, k in zip(size, kernel_size, strict=True))
    )
    # 3-D max pooling at stride 1: the slice route's extra first slab in each uneven
    # dimension adds more windows than 2-D's extra row and column (a sixth more at 16³),
    # and benchmarks/layers.py measured it slower than padding once; the pad it is
    fits = fits and not (not average and len(size) == 3 and "slice" in routes)
    if (
        copy_free
        and fits
        and _plan_size(plan, size, kernel_size, stride)
        == keras_output_size(size, kernel_size, stride, "same")
    ):
        if average and plan.route == "slice":
            plan = plan._replace(route="sum", counts=_real_cells(size, kernel_size, stride, splits))
            _check_plan(plan, size, kernel_size, stride, (1,) * len(size))
        return plan
    # Explicit pad of the split (3-D max pooling at stride 1, avg_pool3d on a tiny input).
    counts = _real_cells(size, kernel_size, stride, splits) if average else None
    zeros = (0,) * len(size)
    plan = _Plan("pad", zeros, _f_pad(splits), False, zeros, counts)
    _check_plan(plan, size, kernel_size, stride, (1,) * len(size))
    return plan


def _real_cells(size, kernel_size, stride, splits) -> tuple[tuple[int, ...], ...]:
    """Per dimension, how many real (not padded) cells each window of the split covers."""
    return tuple(
        tuple(sum(0 <= i < w for i in window) for window in window_indices(w, k, s, split))
        for w, k, s, split in zip(size, kernel_size, stride, splits, strict=True)
    )


def _plan_size(plan: _Plan, size, kernel_size, stride, dilation=None) -> tuple[int, ...]:
    n = len(size)
    pad = plan.pad or (0,) * (2 * n)
    padding = tuple(
        (p + pad[2 * (n - 1 - i)], p + pad[2 * (n - 1 - i) + 1])
        for i, p in enumerate(plan.padding)
    )
    dilation = dilation or (1,) * n
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


def _input_plan(layer, x: torch.Tensor) -> _Plan:
    """``layer``'s plan for the spatial size of ``x``: after the first call with a size, a
    dict lookup on the layer (the checks and the cached plan function run once per size).

    Small layers on a busy CPU pay for every line of Python before the op: the per-layer
    memo keeps the forward's own work to a lookup. While torch.compile traces, the sizes
    are plain ints and the plan is computed directly.

    The direct route: a memory-bound op (1-D max pooling, a quarter of a millisecond) runs
    right after other work has emptied the caches, and every line of Python before it then
    costs a cache miss (1.03-1.06x the plain layer with the plan looked up on every call).
    So a plan that is just the op's own arguments (no F.pad, no crop) is also kept as the
    op's positional arguments under the input's whole shape (``layer._direct``; ``False``:
    this shape needs the planned forward), and forward calls the op with them at once.
    """
    if torch.compiler.is_compiling():
        _check_input(type(layer).__name__, x, layer.spatial)
        return layer.plan(*(int(n) for n in x.shape[2:]))
    size = x.shape[2:]
    plan = layer._plans.get(size)
    if plan is None:  # a new size, or an input of the wrong rank (the check says so)
        _check_input(type(layer).__name__, x, layer.spatial)
        _make_room(layer._plans)
        plan = layer._plans[size] = layer.plan(*(int(n) for n in size))
    if x.shape not in layer._direct:
        _make_room(layer._direct)
        layer._direct[x.shape] = layer._direct_args(plan) or False
    return plan


#: sizes (and shapes) a layer remembers; one that sees more (variable-length audio, say)
#: starts its memo again rather than grow it without bound
MEMO_SIZE = 64


def _make_room(memo: dict) -> None:
    if len(memo) >= MEMO_SIZE:
        memo.clear()


def _crop(y: torch.Tensor, crop: Sizes) -> torch.Tensor:
    """Drop the first ``crop[i]`` outputs of spatial dimension ``i`` (a view, no copy)."""
    if not any(crop):
        return y
    return y[(..., *(slice(c, None) for c in crop))]
