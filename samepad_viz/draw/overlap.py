"""The overlap map of a transposed convolution: how many kernel taps land on each output cell.

Drawn like :func:`~samepad_viz.draw.draw_coverage` (darker orange = more, counts written
in small grids). When the kernel size is not a multiple of the stride the counts alternate
inside the output — the cause of the checkerboard artifacts of Odena, Dumoulin & Olah,
"Deconvolution and Checkerboard Artifacts" (Distill, 2016); a kernel divisible by the
stride lands the same number of taps on every interior cell.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from ._canvas import SMALL, TEXT, _fit_height, _new_figure, _Panel
from ._plan import _per_dim
from .palette import _COLOURS, OUTPUT, PALETTE, UNUSED
from .transposed import TransposedDrawn, _spread_plan


def _taps_per_output(size, kernel_size, stride, padding, output_padding, dilation):
    """Per output cell: taps landing there, and whether its window lies inside the input."""
    spread, plan = _spread_plan(size, kernel_size, stride, padding, output_padding, dilation)
    taps, interior = [], []
    for w in plan.windows[1]:
        cells = np.asarray(w)
        taps.append(int(((cells >= 0) & (cells < spread) & (cells % stride == 0)).sum()))
        interior.append(bool(cells[0] >= 0 and cells[-1] < spread))
    return np.array(taps), np.array(interior)


def _compact(values: tuple) -> str:
    return str(values[0]) if len(set(values)) == 1 else "×".join(map(str, values))


def draw_overlap(
    size,
    kernel_size,
    stride=1,
    padding=0,
    output_padding=0,
    dilation=1,
    *,
    ax: Axes | None = None,
    counts: bool | None = None,
) -> Axes:
    """How many kernel taps a transposed convolution lands on each output cell.

    ``size`` an int draws one row, ``(H, W)`` the 2-D map (the product of the two 1-D
    counts). Orange darkens with the count; a cell no tap reaches (kernel shorter than
    the stride) is reddish purple with a ×. ``description(ax).overlap`` holds the counts,
    ``.interior`` the cells whose whole window lies inside the spread input, and
    ``.uniform`` whether those all get the same count (no checkerboard).
    """
    n = 2 if isinstance(size, (tuple, list)) else 1
    sizes = tuple(size) if n == 2 else (size,)
    dims = [
        _taps_per_output(*args)
        for args in zip(
            sizes,
            _per_dim("kernel_size", kernel_size, n),
            _per_dim("stride", stride, n),
            _per_dim("padding", padding, n) if n == 2 else (padding,),
            _per_dim("output_padding", output_padding, n),
            _per_dim("dilation", dilation, n),
            strict=True,
        )
    ]
    if n == 1:
        dims = [(np.ones(1, dtype=int), np.ones(1, dtype=bool)), *dims]
    cov = dims[0][0][:, None] * dims[1][0][None, :]
    interior = dims[0][1][:, None] & dims[1][1][None, :]
    cat = np.where(cov > 0, OUTPUT, UNUSED).astype(np.int8)
    rgba = _COLOURS[cat].copy()
    top = max(int(cov.max()), 1)
    base = np.array(to_rgba(PALETTE.window))
    strength = 0.25 + 0.75 * cov[cov > 0] / top
    rgba[cov > 0] = 1 - strength[:, None] * (1 - base)
    fit = ax is None and n == 1  # a new 1-D figure: as tall as its row of cells
    ax = ax if ax is not None else _new_figure((6, 1.9 if n == 1 else 5), 80).add_subplot()
    panel = _Panel(ax)
    panel.set_grid(cat, (0, 0), rgba=rgba)
    ys, xs = np.nonzero(cov == 0)
    panel.cross_out(xs, ys, max(cat.shape))
    if counts if counts is not None else max(cat.shape) <= 24:
        panel.values(
            {(r, c): str(cov[r, c]) for r in range(cat.shape[0]) for c in range(cat.shape[1])},
            fontsize=SMALL,
        )
    inner = sorted({int(v) for v in cov[interior]})
    uniform = len(inner) == 1 if inner else None
    ks, ss = (_compact(_per_dim(name, v, n)) for name, v in (("k", kernel_size), ("s", stride)))
    if uniform is None:
        verdict = "no interior cell: make the input larger"
    elif uniform:
        verdict = f"even: {inner[0]} on every interior cell"
    else:
        verdict = f"uneven ({', '.join(map(str, inner))}): checkerboard"
    shape = cov.shape[2 - n :]
    ax.set_title(f"kernel taps per output cell, K={ks}, S={ss}\n{verdict}", fontsize=TEXT)
    panel.caption.set_text(
        f"transposed convolution of a {'×'.join(map(str, sizes))} input → output "
        f"{' × '.join(map(str, shape))}\norange: the taps landing on a cell (darker: more)"
        + ("; purple ×: no tap" if (cov == 0).any() else "")
    )
    panel.caption.set_fontsize(SMALL)
    ax.samepad = TransposedDrawn(
        "overlap",
        n,
        sizes,
        output_shape=shape,
        coverage=cov if n == 2 else cov[0],
        categories=cat,
        origin=(0, 0) if n == 2 else (0,),
        overlap=cov if n == 2 else cov[0],
        interior=interior if n == 2 else interior[0],
        uniform=uniform,
    )
    if fit:
        _fit_height(ax.figure)
    return ax


def draw_overlaps(
    size=(6, 6),
    kernel_sizes=(3, 4),
    stride=2,
    *,
    padding=0,
    dilation=1,
    fig: Figure | None = None,
) -> Figure:
    """Overlap maps side by side, one per kernel size: uneven (checkerboard) against even.

    The default, K=3 against K=4 with stride 2, is Odena, Dumoulin & Olah's example.
    ``description(fig).frames`` holds each map's description.
    """
    fig = fig if fig is not None else _new_figure((4.4 * len(kernel_sizes), 5), 80)
    axes = fig.subplots(1, len(kernel_sizes), squeeze=False)[0]
    described = [
        draw_overlap(size, k, stride, padding, dilation=dilation, ax=ax).samepad
        for k, ax in zip(kernel_sizes, axes, strict=True)
    ]
    fig.samepad = TransposedDrawn(
        "overlaps", described[0].ndim, described[0].size, frames=described
    )
    return fig
