"""Causal padding on a 1-D sequence: every output reads only the present and the past.

Keras ``Conv1D(padding='causal')`` puts all ``D·(K − 1)`` padding before the sequence
(:func:`~samepad_viz.arithmetic.causal_padding`). One row per output, as in
:func:`~samepad_viz.draw.draw_all_windows`: the window's taps in orange, the output's own
time step outlined, and the future (cells after it) faded: no window ever reaches it.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..arithmetic import causal_padding
from ._canvas import SMALL, _fit_height, _new_figure, _Panel
from ._plan import _padded_categories, _padding_read_back, _paint_window, _plan, _side_caption
from .palette import _COLOURS, PALETTE
from .transposed import TransposedDrawn

_FUTURE_FADE = 0.3


def draw_causal(
    size: int,
    kernel_size: int,
    dilation: int = 1,
    stride: int = 1,
    *,
    fig: Figure | None = None,
    max_windows: int = 36,
) -> Figure:
    """Causal padding drawn on a sequence of ``size`` steps: output ``t`` sees only the past.

    All the padding (``causal_padding(K, D)`` = ``(D·(K − 1), 0)``) is on the left; row
    ``t`` shows the window of output ``t``, whose last tap is time step ``t·S`` (outlined
    in blue); later steps are faded. ``description(fig).frames`` lists the input cells
    each window reads (padding cells negative).
    """
    if isinstance(size, (tuple, list)):
        raise ValueError(f"causal padding is 1-D (a time axis): size must be an int, got {size!r}")
    pads = causal_padding(kernel_size, dilation)
    plan = _plan(size, kernel_size, stride, pads, dilation)
    count = plan.out[1]
    if count > max_windows:
        raise ValueError(
            f"{count} outputs is too many to draw one row each (max_windows={max_windows}); "
            "use a shorter sequence"
        )
    extent = (plan.lo_hi(0), plan.lo_hi(1))
    base, origin = _padded_categories(plan.size, plan.pads, extent)
    sides = _padding_read_back(base, origin, plan.size, 1)
    cols = np.arange(extent[1][0], extent[1][1] + 1)
    rows, fade, windows, nows = [], [], [], []
    for j in range(count):
        cat = base.copy()
        _paint_window(cat, origin, plan, (0, j))
        window = plan.windows[1][j]
        now = window[-1]
        rows.append(cat[0])
        fade.append(cols > now)
        windows.append(frozenset(int(c) for c in window))
        nows.append(int(now))
    grid = np.array(rows)
    rgba = _COLOURS[grid].copy()
    future = np.array(fade)
    rgba[future, :3] = 1 - _FUTURE_FADE * (1 - rgba[future, :3])
    fit = fig is None  # a new figure: as tall as its rows of cells
    fig = fig if fig is not None else _new_figure((6.5, 0.9 + 0.42 * count), 80)
    ax = fig.add_subplot()
    panel = _Panel(ax)
    panel.set_grid(grid, (0, origin[1]), rgba=rgba)
    panel.outline_input(size, count)
    xs = np.array(nows)
    ax.plot(
        xs,
        np.arange(count),
        linestyle="none",
        marker="s",
        markersize=max(4.0, min(14.0, 220 / grid.shape[1])),
        markerfacecolor="none",
        markeredgecolor=PALETTE.previous,
        markeredgewidth=2,
    )
    for j in range(count):
        ax.text(origin[1] - 0.8, j, f"out {j}", ha="right", va="center", fontsize=SMALL)
    dil = f", D={dilation}" if dilation > 1 else ""
    step = "t" if stride == 1 else f"{stride}·t"
    ax.set_title(
        f"causal padding {pads}, K={kernel_size}{dil}: output t reads inputs ≤ {step}",
        fontsize=10,
    )
    panel.caption.set_text(
        f"{_side_caption(sides)} — all of it before the sequence; faded: the future, never read\n"
        "orange: the window's taps (pale: on padding), blue: input, grey: padding; "
        "blue square: step t itself"
    )
    panel.caption.set_fontsize(SMALL)
    fig.samepad = TransposedDrawn(
        "causal",
        1,
        (size,),
        sides,
        plan.out_shape,
        formula=plan.formula_text(),
        frames=windows,
        categories=base,
        origin=origin[1:],
    )
    if fit:
        _fit_height(fig)
    return fig
