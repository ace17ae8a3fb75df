"""All windows at once: the coverage map, and small multiples (one row per window in 1-D)."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from ._canvas import SMALL, TEXT, _fit_height, _new_figure, _Panel
from ._plan import (
    Drawn,
    _cells,
    _count,
    _padded_input,
    _paint_window,
    _Plan,
    _plan,
    _side_caption,
)
from .palette import (
    _COLOURS,
    INPUT,
    PADDING,
    PALETTE,
    UNUSED,
    UNUSED_PADDING,
    WINDOW,
    WINDOW_PADDING,
    _mix,
)

COVERAGE_COLOURS = (
    "orange: input read by windows (darker: more), grey: padding read (darker: more);\n"
    "purple ×: input never read, pale purple ×: padding never read"
)
WINDOW_COLOURS = "orange: the window (pale: on padding or past the end), blue: input, grey: padding"


def _coverage(plan: _Plan):
    """How many windows read each cell of the grid :func:`_padded_input` draws."""
    (r0, r1), (c0, c1) = plan.lo_hi(0), plan.lo_hi(1)
    per_row = np.zeros(r1 - r0 + 1, dtype=int)
    per_col = np.zeros(c1 - c0 + 1, dtype=int)
    for w in plan.windows[0]:
        np.add.at(per_row, np.array(w) - r0, 1)
    for w in plan.windows[1]:
        np.add.at(per_col, np.array(w) - c0, 1)
    return per_row[:, None] * per_col[None, :]


def _all_windows(count: int) -> str:
    return "the only window" if count == 1 else f"all {count} windows"


def draw_coverage(
    size,
    kernel_size,
    stride=1,
    padding=0,
    dilation=1,
    ceil_mode=False,
    *,
    ax: Axes | None = None,
    counts: bool | None = None,
) -> Axes:
    """How many windows read each cell; cells no window reaches are marked plainly.

    Darker orange = read by more windows; reddish purple with a × = an input cell no
    window ever reads (the floor dropped it: K=3, S=2, W=8 never reads the last column);
    pale purple with a × = padding no window uses. ``counts`` writes the number in each
    cell (default: when the grid is at most 16 cells wide).
    """
    plan = _plan(size, kernel_size, stride, padding, dilation, ceil_mode)
    cat, origin, sides = _padded_input(plan)
    cov = _coverage(plan)
    unreached = (cat == INPUT) & (cov == 0)
    unused_pad = (cat == PADDING) & (cov == 0)
    rgba = _COLOURS[cat].copy()
    top = max(int(cov.max()), 1)
    for cell_cat in (INPUT, PADDING):
        m = (cat == cell_cat) & (cov > 0)
        base = np.array(to_rgba(PALETTE.window if cell_cat == INPUT else PALETTE.padding))
        strength = 0.25 + 0.75 * cov[m] / top
        rgba[m] = 1 - strength[:, None] * (1 - base)
    rgba[unreached] = to_rgba(PALETTE.unused)
    rgba[unused_pad] = _mix(PALETTE.unused, 0.35)
    cat = cat.copy()
    cat[unreached], cat[unused_pad] = UNUSED, UNUSED_PADDING
    fit = ax is None and plan.ndim == 1  # a new 1-D figure: as tall as its row of cells
    ax = ax if ax is not None else _new_figure((6, 1.9 if plan.ndim == 1 else 5), 80).add_subplot()
    panel = _Panel(ax)
    panel.set_grid(cat, origin, rgba=rgba)
    panel.outline_input(plan.size[1], plan.size[0])
    ys, xs = np.nonzero(unreached | unused_pad)
    panel.cross_out(xs + origin[1], ys + origin[0], max(cat.shape))
    if counts if counts is not None else max(cat.shape) <= 16:
        panel.values(
            {
                (r + origin[0], c + origin[1]): str(cov[r, c])
                for r in range(cat.shape[0])
                for c in range(cat.shape[1])
                if cov[r, c]
            }
        )
    n_unreached, n_unused = int(unreached.sum()), int(unused_pad.sum())
    count = plan.out[0] * plan.out[1]
    windows = f"{count} window" if count == 1 else f"{count} windows"
    if len(plan.out_shape) == 2 and count > 1:  # a grid of windows, not a kernel size
        windows += f" in a {' × '.join(map(str, plan.out_shape))} grid"
    ax.set_title(f"windows per cell ({windows})")
    panel.caption.set_text(
        f"{_count(n_unreached, 'input cell')} never read (×), "
        f"{_count(n_unused, 'padding cell')} unused\n{_side_caption(sides)}\n"
        f"{COVERAGE_COLOURS}"
    )
    o = origin if plan.ndim == 2 else origin[1:]
    ax.samepad = Drawn(
        "coverage",
        plan.ndim,
        plan.in_shape,
        sides,
        plan.out_shape,
        formula=plan.formula_text(),
        coverage=cov if plan.ndim == 2 else cov[0],
        unreached=_cells(unreached, origin, plan.ndim),
        unused_padding=_cells(unused_pad, origin, plan.ndim),
        categories=cat,
        origin=o,
    )
    if fit:
        _fit_height(ax.figure)
    return ax


def draw_all_windows(
    size,
    kernel_size,
    stride=1,
    padding=0,
    dilation=1,
    ceil_mode=False,
    *,
    fig: Figure | None = None,
    max_windows: int = 36,
) -> Figure:
    """Every window at once: one row per window in 1-D, small multiples in 2-D.

    In 1-D, row ``i`` is the padded input with window ``i``'s taps in orange, so the
    stride reads as the staircase. Refuses more than ``max_windows`` windows (use
    :func:`draw_coverage` for large inputs).
    """
    plan = _plan(size, kernel_size, stride, padding, dilation, ceil_mode)
    count = plan.out[0] * plan.out[1]
    if count > max_windows:
        raise ValueError(
            f"{count} windows is too many to draw one by one (max_windows="
            f"{max_windows}); use draw_coverage for this size"
        )
    base, origin, sides = _padded_input(plan)
    fit = fig is None and plan.ndim == 1  # a new 1-D figure: as tall as its rows of cells
    if plan.ndim == 1:
        fig = fig if fig is not None else _new_figure((6, 0.5 + 0.45 * count), 80)
        rows = []
        for j in range(plan.out[1]):
            cat = base.copy()
            _paint_window(cat, origin, plan, (0, j))
            rows.append(cat[0])
        grid = np.array(rows)
        ax = fig.add_subplot()
        panel = _Panel(ax)
        panel.set_grid(grid, (0, origin[1]))
        for j in range(count):
            ax.text(origin[1] - 0.8, j, f"out {j}", ha="right", va="center", fontsize=SMALL)
        ax.set_title(f"{_all_windows(count)}; {_side_caption(sides)}")
        panel.caption.set_text(f"{plan.formula_text()}\n{WINDOW_COLOURS}")
        windows = [frozenset(c for c in w) for w in plan.windows[1]]
    else:
        fig = (
            fig
            if fig is not None
            else _new_figure((1.6 * plan.out[1] + 0.4, 1.6 * plan.out[0] + 0.6), 80)
        )
        axes = fig.subplots(plan.out[0], plan.out[1], squeeze=False)
        windows = []
        for i in range(plan.out[0]):
            for j in range(plan.out[1]):
                cat = base.copy()
                _paint_window(cat, origin, plan, (i, j))
                _Panel(axes[i, j]).set_grid(cat, origin)
                axes[i, j].set_title(f"({i}, {j})", fontsize=SMALL)
                windows.append(_cells(np.isin(cat, (WINDOW, WINDOW_PADDING)), origin, 2))
        fig.suptitle(
            f"{_all_windows(count)}; {_side_caption(sides)}\n{plan.formula_text()}\n"
            + WINDOW_COLOURS.replace(", blue", "\nblue"),
            fontsize=TEXT,
        )
    o = origin if plan.ndim == 2 else origin[1:]
    fig.samepad = Drawn(
        "all_windows",
        plan.ndim,
        plan.in_shape,
        sides,
        plan.out_shape,
        formula=plan.formula_text(),
        frames=windows,
        categories=base,
        origin=o,
    )
    if fit:
        _fit_height(fig)
    return fig
