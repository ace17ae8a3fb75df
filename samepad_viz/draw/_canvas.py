"""Drawing machinery shared by the pictures: a grid panel updated in place, PNG output."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle
from PIL import Image

from .palette import _COLOURS, PALETTE

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
                bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1},
            )
        visible = start is not None
        self.arrow.set_visible(visible)
        self.arrow_label.set_visible(visible)
        if visible:
            self.arrow.set_positions(start, end)
            self.arrow_label.set_position(((start[0] + end[0]) / 2, min(start[1], end[1]) - 0.6))
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
