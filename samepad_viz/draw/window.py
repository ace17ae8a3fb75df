"""The kernel window at one output position, beside the output grid with the formula."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._canvas import (
    TEXT,
    TITLE,
    _above_legend,
    _Bands,
    _cached,
    _legend,
    _new_figure,
    _outline,
    _Panel,
    _png,
    _swatch,
    _value_texts,
)
from ._plan import (
    Drawn,
    _cells,
    _output_title,
    _padded_input,
    _paint_window,
    _plan,
    _pos_text,
    _position,
    _previous,
    _side_caption,
    _span,
    _user_pos,
)
from .palette import (
    _COLOURS,
    OUTPUT,
    OUTPUT_HIGHLIGHT,
    PADDING,
    PALETTE,
    WINDOW,
    WINDOW_PADDING,
)

# points between the grid and its title: the stride label (TEXT high, 2 pt above the
# window's row, in a 1 pt box) fits in between
STRIDE_LABEL_ROOM = 2 + 1.2 * TEXT + 2 + 4


class WindowFigure:
    """Two panels — padded input with the window, output grid — updated in place.

    ``update(...)`` takes the arithmetic arguments and an output ``position`` and returns
    the :class:`Drawn` description; ``png()`` renders the current picture. Keeping one
    WindowFigure between redraws (as the explorers and the animation do) only moves
    artists, which is what makes a redraw fast. A figure made here fits a 1-D picture's
    height to its row of cells (no white bands above and below); a 2-D one keeps
    ``figsize``. A figure passed in keeps its size.
    """

    def __init__(self, fig: Figure | None = None, *, figsize=(8, 4), dpi=80, legend=True):
        self.figure = fig if fig is not None else _new_figure(figsize, dpi, layout=None)
        # a fixed layout: a layout engine would cost a second draw on every redraw
        ax_in = self.figure.add_axes((0.02, 0.27, 0.56, 0.63))
        ax_out = self.figure.add_axes((0.63, 0.27, 0.35, 0.63))
        self.input, self.output = _Panel(ax_in), _Panel(ax_out)
        self.input.ax.set_title("", fontsize=TITLE, pad=STRIDE_LABEL_ROOM)
        # the formula spans the figure above the legend: it is often wider than the output
        transform, (x, y) = _above_legend(self.figure, 0.985, 0.4 if legend else 0.05)
        self.formula = _cached(
            self.figure.text(x, y, "", ha="right", va="bottom", fontsize=TEXT, transform=transform)
        )
        self.legend_entries = _legend(
            self.figure if legend else None,
            [
                _swatch(PALETTE.input, "input"),
                _swatch(_COLOURS[PADDING], "padding"),
                _swatch(PALETTE.window, "window"),
                _swatch(_COLOURS[WINDOW_PADDING], "window on padding or past the end"),
                _outline(PALETTE.previous, "previous window", ":"),
                _swatch(_COLOURS[OUTPUT], "output"),
                _swatch(_COLOURS[OUTPUT_HIGHLIGHT], "this window's output"),
            ],
        )
        self._bands = _Bands(self.figure) if fig is None else None
        self.description: Drawn | None = None

    def update(
        self,
        size,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        ceil_mode=False,
        position=None,
        values=None,
    ) -> Drawn:
        plan = _plan(size, kernel_size, stride, padding, dilation, ceil_mode)
        pos = _position(plan, position)
        cat, origin, sides = _padded_input(plan)
        _paint_window(cat, origin, plan, pos)
        window = _cells(np.isin(cat, (WINDOW, WINDOW_PADDING)), origin, plan.ndim)
        self.input.set_grid(cat, origin)
        self.input.outline_input(plan.size[1], plan.size[0])
        self.input.outline_window(_span(plan, pos))
        prev = _previous(plan, pos)
        previous_cells, step = frozenset(), None
        if prev is None:
            self.input.box("previous", None, colour=PALETTE.previous, style=":")
            self.input.step_arrow(None, None, "")
        else:
            px, py, _, _ = _span(plan, prev)
            x, y, _, _ = _span(plan, pos)
            self.input.box("previous", _span(plan, prev), colour=PALETTE.previous, style=":")
            step = (int(y - py), int(x - px))
            self.input.step_arrow(
                (px + 0.5, py + 0.5),
                (x + 0.5, y + 0.5),
                f"stride {max(abs(step[0]), abs(step[1]))}",
            )
            rows = plan.windows[0][prev[0]]
            cols = plan.windows[1][prev[1]]
            previous_cells = frozenset((r, c) for r in rows for c in cols)
            if plan.ndim == 1:
                previous_cells = frozenset(c for _, c in previous_cells)
                step = step[1:]
        if values is not None:
            self.input.values(_value_texts(values, plan.size, plan.pads, plan.ndim))
        self.input.caption.set_text(_side_caption(sides))
        in_shape = "×".join(map(str, plan.in_shape))
        padded = " + padding" if any(any(side) for side in plan.pads) else ""
        self.input.title.set_text(
            f"input {in_shape}{padded}, window of output {_pos_text(plan, pos)}"
        )

        out = np.full(plan.out, OUTPUT, dtype=np.int8)
        out[pos] = OUTPUT_HIGHLIGHT
        self.output.set_grid(out, (0, 0))
        self.output.title.set_text(_output_title(plan))
        self.formula.set_text(f"output size {plan.formula_text()}")
        if self._bands is not None:
            self._bands.follow(plan.ndim)
        self.description = Drawn(
            "window",
            plan.ndim,
            plan.in_shape,
            sides,
            plan.out_shape,
            _user_pos(plan, pos),
            window,
            previous_cells,
            step,
            plan.formula_text(),
            categories=cat,
            origin=origin if plan.ndim == 2 else origin[1:],
        )
        self.figure.samepad = self.description
        return self.description

    def png(self) -> bytes:
        return _png(self.figure)


def draw_window(
    size,
    kernel_size,
    stride=1,
    padding=0,
    dilation=1,
    ceil_mode=False,
    position=None,
    *,
    values=None,
    fig: Figure | None = None,
) -> Figure:
    """The kernel window at output ``position`` (default the first), beside the output.

    Taps are orange, dilation holes left in their own colour inside the dashed window
    outline; the previous window (dotted blue) and an arrow show the stride step; the
    output grid has the position highlighted and the formula, numbers substituted, below.
    """
    wf = WindowFigure(fig)
    wf.update(size, kernel_size, stride, padding, dilation, ceil_mode, position, values)
    return wf.figure
