"""Pictures of convolution arithmetic: padded grids, kernel windows, coverage, differences.

One visual language throughout, named once in :data:`PALETTE` (Okabe–Ito, colour-blind
safe): sky-blue input cells, grey padding, an orange kernel window, green output cells,
vermillion for cells that differ, reddish purple for cells no window ever reaches.

Every number drawn comes from :mod:`samepad_viz.arithmetic`. A size given as an int draws
one dimension (a single row of cells); a ``(height, width)`` tuple draws a 2-D grid, with
the other arguments following the arithmetic API (one value for both dimensions, or one
per dimension). ``padding`` may also be ``'same'`` (TensorFlow's split, from
:func:`~samepad_viz.arithmetic.same_padding`) or ``'valid'``.

Functions follow the matplotlib convention: they draw on the ``ax``/``fig`` given, or on a
new :class:`matplotlib.figure.Figure` (never pyplot, so nothing leaks), and return it.
What was drawn is described by a :class:`Drawn` object, ``description(result)``, so that
tests can check the picture's content rather than its pixels. Whole grids are one
``imshow`` each, so a 128×128 grid redraws about as fast as an 8×8 one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle
from PIL import Image

from .arithmetic import output_size, output_size_formula, same_padding, window_indices

__all__ = [
    "PALETTE",
    "ComparisonFigure",
    "Drawn",
    "Palette",
    "Picture",
    "WindowFigure",
    "description",
    "draw_all_windows",
    "draw_comparison",
    "draw_coverage",
    "draw_padded_input",
    "draw_window",
    "save_sliding_gif",
    "sliding_animation",
]


@dataclass(frozen=True)
class Palette:
    """The colour of each role in every picture (Okabe & Ito's colour-blind-safe set)."""

    input: str = "#56B4E9"  # sky blue
    padding: str = "#C8C8C8"  # neutral grey: not data
    window: str = "#E69F00"  # orange
    output: str = "#009E73"  # bluish green
    differ: str = "#D55E00"  # vermillion
    unused: str = "#CC79A7"  # reddish purple
    previous: str = "#0072B2"  # blue: the previous window and the stride step
    outside: str = "#FFFFFF"  # beyond the padding (only a ceil_mode window reaches it)
    ink: str = "#000000"


PALETTE = Palette()

# cell categories of a drawn grid (Drawn.categories)
INPUT, PADDING, OUTSIDE, WINDOW, WINDOW_PADDING, UNUSED, UNUSED_PADDING = range(7)
OUTPUT, OUTPUT_HIGHLIGHT, DIFFER, DIFFER_HIGHLIGHT = range(7, 11)


def _mix(colour: str, amount: float) -> tuple:
    """``colour`` faded towards white (amount 1 = the colour, 0 = white)."""
    r, g, b, _ = to_rgba(colour)
    return (1 - amount + amount * r, 1 - amount + amount * g, 1 - amount + amount * b, 1.0)


def _category_colours(p: Palette) -> np.ndarray:
    return np.array(
        [
            to_rgba(p.input),
            to_rgba(p.padding),
            to_rgba(p.outside),
            to_rgba(p.window),
            _mix(p.window, 0.55),
            to_rgba(p.unused),
            _mix(p.unused, 0.45),
            _mix(p.output, 0.3),
            to_rgba(p.output),
            _mix(p.differ, 0.45),
            to_rgba(p.differ),
        ]
    )


_COLOURS = _category_colours(PALETTE)


@dataclass
class Drawn:
    """What a picture shows, read back from the drawn grid (not from the arguments).

    Coordinates are input coordinates: ``(row, col)`` in 2-D, ``col`` in 1-D; negative
    indices and indices ``>= size`` are padding cells.
    """

    kind: str
    ndim: int
    size: tuple[int, ...]
    padding: dict[str, int] = field(default_factory=dict)  # padding cells drawn per side
    output_shape: tuple[int, ...] | None = None
    position: tuple[int, ...] | None = None
    window: frozenset = frozenset()  # cells the highlighted window reads
    previous_window: frozenset = frozenset()
    step: tuple[int, ...] | None = None  # from the previous window to this one
    formula: str = ""  # the output-size label, numbers substituted
    coverage: np.ndarray | None = None  # windows touching each drawn cell
    unreached: frozenset = frozenset()  # input cells no window reads
    unused_padding: frozenset = frozenset()  # padding cells no window reads
    differing: frozenset = frozenset()  # output cells whose receptive field differs
    differing_b: frozenset = frozenset()  # the same, in the second picture's output grid
    padding_b: dict[str, int] = field(default_factory=dict)  # comparison: B's padding per side
    output_shape_b: tuple[int, ...] | None = None  # comparison: B's output shape
    frames: list = field(default_factory=list)  # animation: positions shown
    categories: np.ndarray | None = None  # the drawn grid, one category code per cell
    origin: tuple[int, ...] = ()  # input coordinate of categories[0, 0]


def description(obj) -> Drawn:
    """The :class:`Drawn` description attached to an Axes, Figure or animation."""
    return obj.samepad


# ---------------------------------------------------------------------------------------
# the plan: arguments → per-dimension numbers, all from arithmetic
# ---------------------------------------------------------------------------------------


def _per_dim(name: str, value, n: int) -> tuple:
    if isinstance(value, (tuple, list)):
        if len(value) != n:
            raise ValueError(f"{name} has {len(value)} entries but size has {n}")
        return tuple(value)
    return (value,) * n


@dataclass(frozen=True)
class _Plan:
    ndim: int
    size: tuple[int, int]  # (H, W); H = 1 in 1-D
    kernel: tuple[int, int]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    pads: tuple[tuple[int, int], tuple[int, int]]
    ceil_mode: bool
    out: tuple[int, int]
    windows: tuple[list, list]  # window_indices per dimension
    formulas: tuple[str, ...]  # one per real dimension

    @property
    def out_shape(self) -> tuple[int, ...]:
        return self.out if self.ndim == 2 else self.out[1:]

    def lo_hi(self, d: int) -> tuple[int, int]:
        cells = [c for w in self.windows[d] for c in w]
        lo = min([-self.pads[d][0], *cells])
        hi = max([self.size[d] + self.pads[d][1] - 1, *cells])
        return lo, hi

    def formula_text(self) -> str:
        if self.ndim == 1 or self.formulas[0] == self.formulas[1]:
            return self.formulas[-1]
        return f"rows: {self.formulas[0]}\ncols: {self.formulas[1]}"


def _plan(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False) -> _Plan:
    """Validate via arithmetic and collect everything a picture needs."""
    if isinstance(padding, str):
        if padding.lower() == "same":
            padding = same_padding(size, kernel_size, stride, dilation)
        elif padding.lower() == "valid":
            padding = 0
        else:
            raise ValueError(f"padding must be an int, a pair, 'same' or 'valid', got {padding!r}")
    output_size(size, kernel_size, stride, padding, dilation, ceil_mode)  # raises if invalid
    if isinstance(size, (tuple, list)):
        if len(size) != 2:
            raise ValueError(f"pictures are 1-D (int size) or 2-D (a pair), got size {size!r}")
        n, sizes = 2, tuple(size)
        pads = tuple(
            p if isinstance(p, (tuple, list)) else (p, p) for p in _per_dim("padding", padding, 2)
        )
        ks, ss, ds = (
            _per_dim(name, v, 2)
            for name, v in (
                ("kernel_size", kernel_size),
                ("stride", stride),
                ("dilation", dilation),
            )
        )
    else:
        n, sizes = 1, (1, size)
        pad = tuple(padding) if isinstance(padding, (tuple, list)) else (padding, padding)
        pads, ks, ss, ds = ((0, 0), pad), (1, kernel_size), (1, stride), (1, dilation)
    windows = tuple(
        window_indices(sizes[d], ks[d], ss[d], pads[d], ds[d], ceil_mode) for d in range(2)
    )
    formulas = tuple(
        output_size_formula(sizes[d], ks[d], ss[d], pads[d], ds[d], ceil_mode)
        for d in range(2 - n, 2)
    )
    return _Plan(
        n,
        sizes,
        ks,
        ss,
        ds,
        tuple(tuple(p) for p in pads),
        ceil_mode,
        (len(windows[0]), len(windows[1])),
        windows,
        formulas,
    )


def _padded_categories(size, pads, extent=None) -> tuple[np.ndarray, tuple[int, int]]:
    """Category grid of the padded input; ``extent`` = ((lo_r, hi_r), (lo_c, hi_c))."""
    if extent is None:
        extent = tuple((-pads[d][0], size[d] + pads[d][1] - 1) for d in range(2))
    (r0, r1), (c0, c1) = extent
    rows = np.arange(r0, r1 + 1)[:, None]
    cols = np.arange(c0, c1 + 1)[None, :]
    inside_r = (rows >= 0) & (rows < size[0])
    inside_c = (cols >= 0) & (cols < size[1])
    padded_r = (rows >= -pads[0][0]) & (rows < size[0] + pads[0][1])
    padded_c = (cols >= -pads[1][0]) & (cols < size[1] + pads[1][1])
    cat = np.full((r1 - r0 + 1, c1 - c0 + 1), OUTSIDE, dtype=np.int8)
    cat[padded_r & padded_c] = PADDING
    cat[inside_r & inside_c] = INPUT
    return cat, (r0, c0)


def _padding_read_back(cat: np.ndarray, origin, size, ndim) -> dict[str, int]:
    """Count the padding rows/columns actually drawn on each side of the input."""
    r0, c0 = origin
    row_mid = -r0 + size[0] // 2
    col_mid = -c0 + size[1] // 2
    is_pad = np.isin(cat, (PADDING, WINDOW_PADDING, UNUSED_PADDING))
    row, col = is_pad[row_mid], is_pad[:, col_mid]
    sides = {"left": int(row[:-c0].sum()), "right": int(row[-c0 + size[1] :].sum())}
    if ndim == 2:
        sides = {"top": int(col[:-r0].sum()), "bottom": int(col[-r0 + size[0] :].sum()), **sides}
    return sides


def _cells(mask: np.ndarray, origin, ndim) -> frozenset:
    rows, cols = np.nonzero(mask)
    if ndim == 1:
        return frozenset(int(c + origin[1]) for c in cols)
    return frozenset(
        (int(r + origin[0]), int(c + origin[1])) for r, c in zip(rows, cols, strict=True)
    )


def _paint_window(cat, origin, plan: _Plan, pos) -> None:
    rows = np.array(plan.windows[0][pos[0]]) - origin[0]
    cols = np.array(plan.windows[1][pos[1]]) - origin[1]
    sub = cat[np.ix_(rows, cols)]
    cat[np.ix_(rows, cols)] = np.where(sub == INPUT, WINDOW, WINDOW_PADDING)


def _position(plan: _Plan, position) -> tuple[int, int]:
    if position is None:
        return (0, 0)
    pos = tuple(position) if isinstance(position, (tuple, list)) else (0, position)
    if plan.ndim == 1 and len(pos) == 1:
        pos = (0, pos[0])
    if len(pos) != 2 or not all(0 <= p < o for p, o in zip(pos, plan.out, strict=True)):
        raise ValueError(f"position {position!r} is outside the output {plan.out_shape}")
    return pos


def _previous(plan: _Plan, pos) -> tuple[int, int] | None:
    if pos[1] > 0:
        return (pos[0], pos[1] - 1)
    if pos[0] > 0:
        return (pos[0] - 1, pos[1])
    return None


def _span(plan: _Plan, pos) -> tuple[float, float, float, float]:
    """(x, y, width, height) of the window's outline, effective-kernel wide."""
    rows, cols = plan.windows[0][pos[0]], plan.windows[1][pos[1]]
    return (cols[0] - 0.5, rows[0] - 0.5, cols[-1] - cols[0] + 1, rows[-1] - rows[0] + 1)


def _user_pos(plan: _Plan, pos):
    return pos if plan.ndim == 2 else (pos[1],)


def _pos_text(plan: _Plan, pos) -> str:
    return str(pos) if plan.ndim == 2 else str(pos[1])


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _side_caption(sides: dict[str, int]) -> str:
    return "padding " + ", ".join(f"{k} {v}" for k, v in sides.items())


# ---------------------------------------------------------------------------------------
# one panel: a grid as one image, its cell lines as one LineCollection
# ---------------------------------------------------------------------------------------


class _Panel:
    """A grid of coloured cells on one Axes whose artists are updated, not rebuilt."""

    def __init__(self, ax: Axes):
        self.ax = ax
        self.image = ax.imshow(np.zeros((1, 1, 4)), interpolation="nearest", resample=False)
        self.lines = LineCollection([], colors="white", linewidths=1.0)
        ax.add_collection(self.lines)
        ax.set_axis_off()  # no ticks or spines to lay out and draw: grids label themselves
        self.title = ax.set_title("")
        self.caption = ax.text(0.5, -0.03, "", transform=ax.transAxes, ha="center", va="top")
        self.boxes: dict[str, Rectangle] = {}
        self.arrow: FancyArrowPatch | None = None
        self.arrow_label = None
        self.texts: list = []

    def set_grid(self, cat: np.ndarray, origin, rgba=None) -> None:
        h, w = cat.shape
        r0, c0 = origin
        self.image.set_data(rgba if rgba is not None else _COLOURS[cat])
        extent = (c0 - 0.5, c0 + w - 0.5, r0 + h - 0.5, r0 - 0.5)
        self.image.set_extent(extent)
        xs = np.arange(c0 - 0.5, c0 + w)
        ys = np.arange(r0 - 0.5, r0 + h)
        cells = max(h, w)
        if cells > 96:
            segments = []
        else:
            segments = [((x, ys[0]), (x, ys[-1])) for x in xs]
            segments += [((xs[0], y), (xs[-1], y)) for y in ys]
        self.lines.set_segments(segments)
        self.lines.set_linewidth(min(1.5, 40 / cells))
        self.ax.set_xlim(extent[0], extent[1])
        self.ax.set_ylim(extent[2], extent[3])

    def box(self, name: str, bounds, *, colour: str, style="-", width=2.0) -> None:
        """Show (or hide, with ``bounds=None``) a named outline rectangle."""
        rect = self.boxes.get(name)
        if rect is None:
            rect = Rectangle(
                (0, 0),
                1,
                1,
                fill=False,
                edgecolor=colour,
                linestyle=style,
                linewidth=width,
                zorder=3,
            )
            self.ax.add_patch(rect)
            self.boxes[name] = rect
        rect.set_visible(bounds is not None)
        if bounds is not None:
            rect.set_bounds(*bounds)

    def step_arrow(self, start, end, label: str) -> None:
        if self.arrow is None:
            self.arrow = FancyArrowPatch(
                (0, 0),
                (1, 1),
                arrowstyle="-|>",
                mutation_scale=14,
                color=PALETTE.previous,
                linewidth=2,
                zorder=4,
            )
            self.ax.add_patch(self.arrow)
            self.arrow_label = self.ax.text(
                0,
                0,
                "",
                color=PALETTE.previous,
                fontsize=9,
                ha="center",
                va="bottom",
                zorder=5,
                fontweight="bold",
            )
        visible = start is not None
        self.arrow.set_visible(visible)
        self.arrow_label.set_visible(visible)
        if visible:
            self.arrow.set_positions(start, end)
            self.arrow_label.set_position(((start[0] + end[0]) / 2, min(start[1], end[1]) - 0.15))
            self.arrow_label.set_text(label)

    def values(self, cells: dict, fontsize=8) -> None:
        """Write ``{(row, col): text}`` into cells (small grids only; one Text each)."""
        for t in self.texts:
            t.remove()
        self.texts = [
            self.ax.text(c, r, s, ha="center", va="center", fontsize=fontsize, zorder=2)
            for (r, c), s in cells.items()
        ]


class Picture(Figure):
    """A Figure that shows itself in a notebook as a PNG, with no pyplot or backend setup.

    Every picture here is a Picture (never a pyplot figure, so nothing accumulates in
    pyplot's figure manager); in Jupyter, a cell ending with one shows only the image.
    """

    def _repr_png_(self) -> bytes:
        return _png(self, compress_level=6)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display({"image/png": self._repr_png_()}, raw=True)


def _new_figure(figsize, dpi, layout="constrained") -> Picture:
    fig = Picture(figsize=figsize, dpi=dpi, layout=layout)
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure, compress_level: int = 1) -> bytes:
    """Render with Agg and encode (zlib level 1 by default: fast, for redraws)."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()  # runs the layout engine, if any, then renders
    buf = io.BytesIO()
    rgba = np.asarray(canvas.buffer_rgba())
    Image.fromarray(rgba).save(buf, format="png", compress_level=compress_level)
    return buf.getvalue()


def _value_texts(values, plan_size, pads, ndim) -> dict:
    arr = np.asarray(values)
    if ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.shape != tuple(plan_size):
        raise ValueError(f"values has shape {np.asarray(values).shape}, the input is {plan_size}")
    cells = {}
    for r in range(-pads[0][0], plan_size[0] + pads[0][1]):
        for c in range(-pads[1][0], plan_size[1] + pads[1][1]):
            inside = 0 <= r < plan_size[0] and 0 <= c < plan_size[1]
            cells[(r, c)] = f"{arr[r, c]:g}" if inside else "0"
    return cells


# ---------------------------------------------------------------------------------------
# the padded input
# ---------------------------------------------------------------------------------------


def draw_padded_input(
    size, padding=0, *, values=None, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """The input grid with its padding drawn on each side (``(0, 1)`` is one-sided).

    ``size`` an int draws one row; ``(H, W)`` a grid. ``padding`` is an int, a
    ``(before, after)`` pair (1-D), one entry per dimension (2-D), or ``'same'`` is not
    accepted here (it needs a kernel: use :func:`draw_window`). ``values`` (shape of the
    input) writes each cell's number, padding cells showing 0.
    """
    plan = _plan(size, 1, 1, padding)
    ax = ax if ax is not None else _new_figure((5, 1.5 if plan.ndim == 1 else 4), 80).add_subplot()
    cat, origin = _padded_categories(plan.size, plan.pads)
    panel = _Panel(ax)
    panel.set_grid(cat, origin)
    panel.box("input", (-0.5, -0.5, plan.size[1], plan.size[0]), colour=PALETTE.previous, width=1.5)
    if values is not None:
        panel.values(_value_texts(values, plan.size, plan.pads, plan.ndim))
    sides = _padding_read_back(cat, origin, plan.size, plan.ndim)
    panel.caption.set_text(_side_caption(sides))
    shape = "×".join(map(str, plan.size[2 - plan.ndim :]))
    ax.set_title(title if title is not None else f"input {shape}, padded")
    ax.samepad = Drawn(
        "padded_input",
        plan.ndim,
        plan.size[2 - plan.ndim :],
        sides,
        categories=cat,
        origin=origin[2 - plan.ndim :],
    )
    return ax


# ---------------------------------------------------------------------------------------
# the kernel window at one output position, beside the output grid
# ---------------------------------------------------------------------------------------


class WindowFigure:
    """Two panels — padded input with the window, output grid — updated in place.

    ``update(...)`` takes the arithmetic arguments and an output ``position`` and returns
    the :class:`Drawn` description; ``png()`` renders the current picture. Keeping one
    WindowFigure between redraws (as the explorers and the animation do) only moves
    artists, which is what makes a redraw fast.
    """

    def __init__(self, fig: Figure | None = None, *, figsize=(8, 4), dpi=80):
        self.figure = fig if fig is not None else _new_figure(figsize, dpi, layout=None)
        # a fixed layout: a layout engine would cost a second draw on every redraw
        ax_in = self.figure.add_axes((0.02, 0.2, 0.56, 0.7))
        ax_out = self.figure.add_axes((0.63, 0.2, 0.35, 0.7))
        self.input, self.output = _Panel(ax_in), _Panel(ax_out)
        self.input.title.set_fontsize(10)
        # the formula spans the bottom of the figure: it is often wider than the output grid
        self.formula = self.figure.text(0.985, 0.02, "", ha="right", va="bottom", fontsize=10)
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
        extent = (plan.lo_hi(0), plan.lo_hi(1))
        cat, origin = _padded_categories(plan.size, plan.pads, extent)
        sides = _padding_read_back(cat, origin, plan.size, plan.ndim)
        _paint_window(cat, origin, plan, pos)
        window = _cells(np.isin(cat, (WINDOW, WINDOW_PADDING)), origin, plan.ndim)
        self.input.set_grid(cat, origin)
        self.input.box(
            "input", (-0.5, -0.5, plan.size[1], plan.size[0]), colour=PALETTE.previous, width=1.5
        )
        self.input.box("window", _span(plan, pos), colour=PALETTE.window, style="--", width=2.5)
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
        in_shape = "×".join(map(str, plan.size[2 - plan.ndim :]))
        self.input.title.set_text(
            f"input {in_shape} + padding, window of output {_pos_text(plan, pos)}"
        )

        out = np.full(plan.out, OUTPUT, dtype=np.int8)
        out[pos] = OUTPUT_HIGHLIGHT
        self.output.set_grid(out, (0, 0))
        out_shape = " × ".join(map(str, plan.out_shape))
        self.output.title.set_text(f"output {out_shape}")
        self.formula.set_text(f"output size {plan.formula_text()}")
        self.description = Drawn(
            "window",
            plan.ndim,
            plan.size[2 - plan.ndim :],
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


# ---------------------------------------------------------------------------------------
# all windows: coverage map and small multiples
# ---------------------------------------------------------------------------------------


def _coverage(plan: _Plan, extent):
    (r0, r1), (c0, c1) = extent
    per_row = np.zeros(r1 - r0 + 1, dtype=int)
    per_col = np.zeros(c1 - c0 + 1, dtype=int)
    for w in plan.windows[0]:
        np.add.at(per_row, np.array(w) - r0, 1)
    for w in plan.windows[1]:
        np.add.at(per_col, np.array(w) - c0, 1)
    return per_row[:, None] * per_col[None, :]


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
    extent = (plan.lo_hi(0), plan.lo_hi(1))
    cat, origin = _padded_categories(plan.size, plan.pads, extent)
    sides = _padding_read_back(cat, origin, plan.size, plan.ndim)
    cov = _coverage(plan, extent)
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
    ax = ax if ax is not None else _new_figure((6, 1.9 if plan.ndim == 1 else 5), 80).add_subplot()
    panel = _Panel(ax)
    panel.set_grid(cat, origin, rgba=rgba)
    panel.box("input", (-0.5, -0.5, plan.size[1], plan.size[0]), colour=PALETTE.previous, width=1.5)
    ys, xs = np.nonzero(unreached | unused_pad)
    ax.plot(
        xs + origin[1],
        ys + origin[0],
        linestyle="none",
        marker="x",
        color=PALETTE.ink,
        markersize=max(3.0, min(9.0, 160 / max(cat.shape))),
    )
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
    ax.set_title(f"windows per cell ({' × '.join(map(str, plan.out_shape))} windows)")
    panel.caption.set_text(
        f"{_count(n_unreached, 'input cell')} never read (×), "
        f"{_count(n_unused, 'padding cell')} unused\n{_side_caption(sides)}"
    )
    o = origin if plan.ndim == 2 else origin[1:]
    ax.samepad = Drawn(
        "coverage",
        plan.ndim,
        plan.size[2 - plan.ndim :],
        sides,
        plan.out_shape,
        formula=plan.formula_text(),
        coverage=cov if plan.ndim == 2 else cov[0],
        unreached=_cells(unreached, origin, plan.ndim),
        unused_padding=_cells(unused_pad, origin, plan.ndim),
        categories=cat,
        origin=o,
    )
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
    extent = (plan.lo_hi(0), plan.lo_hi(1))
    base, origin = _padded_categories(plan.size, plan.pads, extent)
    sides = _padding_read_back(base, origin, plan.size, plan.ndim)
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
            ax.text(origin[1] - 0.8, j, f"out {j}", ha="right", va="center", fontsize=8)
        ax.set_title(f"all {count} windows; {_side_caption(sides)}")
        panel.caption.set_text(plan.formula_text())
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
                axes[i, j].set_title(f"({i}, {j})", fontsize=8)
                windows.append(_cells(np.isin(cat, (WINDOW, WINDOW_PADDING)), origin, 2))
        fig.suptitle(
            f"all {count} windows; {_side_caption(sides)}\n{plan.formula_text()}", fontsize=9
        )
    o = origin if plan.ndim == 2 else origin[1:]
    fig.samepad = Drawn(
        "all_windows",
        plan.ndim,
        plan.size[2 - plan.ndim :],
        sides,
        plan.out_shape,
        formula=plan.formula_text(),
        frames=windows,
        categories=base,
        origin=o,
    )
    return fig


# ---------------------------------------------------------------------------------------
# the sliding animation
# ---------------------------------------------------------------------------------------


def _frames(plan: _Plan, max_frames: int) -> list[tuple[int, int]]:
    every = [(i, j) for i in range(plan.out[0]) for j in range(plan.out[1])]
    if len(every) <= max_frames:
        return every
    picks = np.linspace(0, len(every) - 1, max_frames).round().astype(int)
    return [every[k] for k in sorted(set(picks))]


def sliding_animation(
    size,
    kernel_size,
    stride=1,
    padding=0,
    dilation=1,
    ceil_mode=False,
    *,
    max_frames: int = 16,
    interval: int = 700,
    dpi: int = 60,
    figsize=(8, 4),
) -> FuncAnimation:
    """The kernel sliding over the padded input, one frame per output position.

    At most ``max_frames`` frames (evenly spaced positions when there are more). Embed in
    a notebook with ``IPython.display.HTML(anim.to_jshtml())``; it then plays without a
    kernel. ``description(anim).frames`` lists the positions shown.
    """
    plan = _plan(size, kernel_size, stride, padding, dilation, ceil_mode)
    frames = _frames(plan, max_frames)
    wf = WindowFigure(figsize=figsize, dpi=dpi)
    args = (size, kernel_size, stride, padding, dilation, ceil_mode)

    def show(pos):
        wf.update(*args, position=_user_pos(plan, pos))
        return []

    show(frames[0])
    anim = FuncAnimation(
        wf.figure, show, frames=frames, interval=interval, repeat=True, cache_frame_data=False
    )
    anim._samepad_window = wf  # keep the updater alive as long as the animation
    anim.samepad = Drawn(
        "animation",
        plan.ndim,
        plan.size[2 - plan.ndim :],
        wf.description.padding,
        plan.out_shape,
        formula=plan.formula_text(),
        frames=[_user_pos(plan, p) for p in frames],
    )
    return anim


def save_sliding_gif(
    path,
    size,
    kernel_size,
    stride=1,
    padding=0,
    dilation=1,
    ceil_mode=False,
    *,
    max_frames: int = 12,
    fps: float = 1.5,
    dpi: int = 60,
):
    """Write the sliding animation as a small GIF with Pillow (for the README); return path."""
    anim = sliding_animation(
        size, kernel_size, stride, padding, dilation, ceil_mode, max_frames=max_frames, dpi=dpi
    )
    anim.save(str(path), writer=PillowWriter(fps=fps), dpi=dpi)
    return path


# ---------------------------------------------------------------------------------------
# two paddings of the same input, side by side
# ---------------------------------------------------------------------------------------


def _fields(plan: _Plan, d: int) -> list[tuple]:
    """Per output index, the (tap, input cell) pairs read along dimension d (padding left out)."""
    n = plan.size[d]
    return [tuple((t, x) for t, x in enumerate(w) if 0 <= x < n) for w in plan.windows[d]]


def _differing(a: _Plan, b: _Plan) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks over a's and b's output grids: receptive field differs or is missing."""
    fa = [_fields(a, d) for d in range(2)]
    fb = [_fields(b, d) for d in range(2)]
    masks = []
    for mine, other, shape in ((fa, fb, a.out), (fb, fa, b.out)):
        m = np.ones(shape, dtype=bool)
        for i in range(shape[0]):
            for j in range(shape[1]):
                if i < len(other[0]) and j < len(other[1]):
                    empty_m = not mine[0][i] or not mine[1][j]
                    empty_o = not other[0][i] or not other[1][j]
                    same = (empty_m and empty_o) or (
                        not empty_m
                        and not empty_o
                        and mine[0][i] == other[0][i]
                        and mine[1][j] == other[1][j]
                    )
                    m[i, j] = not same
        masks.append(m)
    return masks[0], masks[1]


def _label(padding) -> str:
    if isinstance(padding, str):
        return f"padding='{padding}'"
    return f"padding={padding!r}"


class ComparisonFigure:
    """Two paddings of one input, each with its output: cells whose windows differ in red.

    Row 1 is padding A, row 2 padding B; each row shows the padded input with the window
    of the focus output cell (the first differing one unless ``position`` is given) and
    the output grid with differing cells in vermillion. Updated in place like
    :class:`WindowFigure`.
    """

    def __init__(self, fig: Figure | None = None, *, figsize=(8, 6), dpi=80):
        self.figure = fig if fig is not None else _new_figure(figsize, dpi, layout=None)
        boxes = [((0.02, y, 0.56, 0.36), (0.63, y, 0.35, 0.36)) for y in (0.56, 0.07)]
        self.panels = [[_Panel(self.figure.add_axes(b)) for b in row] for row in boxes]
        for row in self.panels:
            for panel in row:
                panel.title.set_fontsize(9)
                panel.caption.set_fontsize(8)
        self.description: Drawn | None = None

    def update(
        self,
        size,
        kernel_size,
        stride=1,
        padding_a="same",
        padding_b=0,
        dilation=1,
        ceil_mode=False,
        *,
        labels=None,
        position=None,
    ) -> Drawn:
        plans = [
            _plan(size, kernel_size, stride, p, dilation, ceil_mode) for p in (padding_a, padding_b)
        ]
        masks = _differing(*plans)
        if position is not None:
            focus = _position(plans[0], position)
        elif masks[0].any():
            focus = tuple(int(v) for v in np.argwhere(masks[0])[0])
        else:
            focus = (0, 0)
        labels = labels or (_label(padding_a), _label(padding_b))
        all_sides = []
        for (p_in, p_out), plan, mask, label in zip(self.panels, plans, masks, labels, strict=True):
            extent = (plan.lo_hi(0), plan.lo_hi(1))
            cat, origin = _padded_categories(plan.size, plan.pads, extent)
            sides = _padding_read_back(cat, origin, plan.size, plan.ndim)
            all_sides.append(sides)
            pos = tuple(min(f, o - 1) for f, o in zip(focus, plan.out, strict=True))
            _paint_window(cat, origin, plan, pos)
            p_in.set_grid(cat, origin)
            p_in.box(
                "input",
                (-0.5, -0.5, plan.size[1], plan.size[0]),
                colour=PALETTE.previous,
                width=1.5,
            )
            p_in.box("window", _span(plan, pos), colour=PALETTE.window, style="--", width=2.5)
            p_in.title.set_text(f"{label}: {_side_caption(sides)}")
            p_in.caption.set_text(f"window of output {_pos_text(plan, pos)}")
            out = np.where(mask, DIFFER, OUTPUT).astype(np.int8)
            out[pos] = DIFFER_HIGHLIGHT if mask[pos] else OUTPUT_HIGHLIGHT
            p_out.set_grid(out, (0, 0))
            shape = " × ".join(map(str, plan.out_shape))
            p_out.title.set_text(f"output {shape}: {int(mask.sum())} differ")
            p_out.caption.set_text(plan.formula_text())

        def cells(mask):
            return _cells(mask, (0, 0), plans[0].ndim)

        self.description = Drawn(
            "comparison",
            plans[0].ndim,
            plans[0].size[2 - plans[0].ndim :],
            all_sides[0],
            plans[0].out_shape,
            _user_pos(plans[0], focus),
            formula=plans[0].formula_text(),
            differing=cells(masks[0]),
            differing_b=cells(masks[1]),
            padding_b=all_sides[1],
            output_shape_b=plans[1].out_shape,
        )
        self.figure.samepad = self.description
        return self.description

    def png(self) -> bytes:
        return _png(self.figure)


def draw_comparison(
    size,
    kernel_size,
    stride=1,
    padding_a="same",
    padding_b=0,
    dilation=1,
    ceil_mode=False,
    *,
    labels=None,
    position=None,
    fig: Figure | None = None,
) -> Figure:
    """Padding A against padding B on the same input, differing output cells in vermillion.

    The default compares Keras/TensorFlow ``'same'`` with ``padding_b`` (e.g. the naive
    symmetric ``1`` for a 3×3 kernel). An output cell differs when the input cells its
    window reads (tap by tap) differ, or when it exists in one output only.
    ``description(fig).differing`` lists them in A's grid, ``.differing_b`` in B's;
    ``.padding_b`` and ``.output_shape_b`` describe B's side.
    """
    cf = ComparisonFigure(fig)
    cf.update(
        size,
        kernel_size,
        stride,
        padding_a,
        padding_b,
        dilation,
        ceil_mode,
        labels=labels,
        position=position,
    )
    return cf.figure
