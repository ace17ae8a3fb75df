"""Drawing machinery shared by the pictures: a grid panel updated in place, PNG output."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch, Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox, blended_transform_factory, offset_copy
from PIL import Image

from .palette import _COLOURS, PALETTE

PIXEL_RATIO = 2  # PNG pixels per pixel shown: crisp on a HiDPI screen, same size elsewhere

# Font sizes in points. A picture's ``dpi`` is its size as shown (80 pixels per inch);
# shown, a font is ``points × 80 / 72`` px high: 9.5 pt is 10.6 px, the least used.
SMALL = 9.5  # cell values, row labels, captions
TEXT = 10.0  # formulas, arrow labels
TITLE = 11.0  # panel titles

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
        # y given: matplotlib then never moves the title clear of tick labels (there are
        # none), which costs a tight-bbox computation of both axes on every draw
        self.title = _cached(ax.set_title("", y=1.0))
        below = offset_copy(ax.transAxes, fig=ax.figure, y=-4, units="points")
        self.caption = _cached(ax.text(0.5, 0.0, "", transform=below, ha="center", va="top"))
        self.boxes: dict[str, Rectangle] = {}
        self.arrow: FancyArrowPatch | None = None
        self.arrow_label = None
        self.texts: list = []

    def set_grid(self, cat: np.ndarray, origin, rgba=None) -> None:
        h, w = cat.shape
        r0, c0 = origin
        colours = rgba if rgba is not None else _COLOURS[cat]
        # bytes, not floats: matplotlib resamples a uint8 image in half the time
        self.image.set_data(np.round(colours * 255).astype(np.uint8))
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

    def outline_input(self, width, height) -> None:
        """The real input's outline (solid blue): ``width`` × ``height`` cells from (0, 0)."""
        self.box("input", (-0.5, -0.5, width, height), colour=PALETTE.previous, width=1.5)

    def outline_window(self, span) -> None:
        """The kernel window's outline (dashed orange); ``span`` is ``(x, y, width, height)``."""
        self.box("window", span, colour=PALETTE.window, style="--", width=2.5)

    def cross_out(self, xs, ys, cells: int) -> None:
        """An × on each given cell (one nothing reaches), sized for a grid ``cells`` across."""
        self.ax.plot(
            xs,
            ys,
            linestyle="none",
            marker="x",
            color=PALETTE.ink,
            markersize=max(3.0, min(9.0, 160 / cells)),
        )

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
            # 2 pt above the top edge of the windows' row, whatever the cell size
            above = offset_copy(self.ax.transData, fig=self.ax.figure, y=2, units="points")
            self.arrow_label = _cached(
                self.ax.text(
                    0,
                    0,
                    "",
                    transform=above,
                    color=PALETTE.previous,
                    fontsize=TEXT,
                    ha="center",
                    va="bottom",
                    zorder=5,
                    fontweight="bold",
                    bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1},
                )
            )
        visible = start is not None
        self.arrow.set_visible(visible)
        self.arrow_label.set_visible(visible)
        if visible:
            self.arrow.set_positions(start, end)
            self.arrow_label.set_position(((start[0] + end[0]) / 2, min(start[1], end[1]) - 0.5))
            self.arrow_label.set_text(label)

    def values(self, cells: dict, fontsize=SMALL) -> None:
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
    Its ``dpi`` is ``pixel_ratio`` times the size it is shown at: the PNG has twice the
    pixels and the notebook shows it at half its pixel size (crisp on a HiDPI screen,
    the same size on any other).
    """

    pixel_ratio: int = PIXEL_RATIO

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_size_inches(self.get_size_inches())  # whole shown pixels from the start

    def set_size_inches(self, w, h=None, forward=True):
        """Set the size, rounded to whole pixels *as shown*: the PNG's width and height are
        then multiples of ``pixel_ratio``, so it is shown at exactly 1/``pixel_ratio`` of
        its pixels (a 1,295-pixel PNG would be stretched to 648 shown pixels, and blur)."""
        if h is None:
            w, h = w
        step = self.pixel_ratio / self.dpi  # inches per shown pixel
        # a quarter pixel over the multiple: Agg truncates the size in pixels to an int
        w, h = ((round(v / step) * self.pixel_ratio + 0.25) / self.dpi for v in (w, h))
        super().set_size_inches(w, h, forward=forward)

    def _repr_png_(self) -> tuple[bytes, dict]:
        """The PNG and the size to show it at, in pixels (IPython's ``(data, metadata)``)."""
        png = _png(self, compress_level=6)
        width, height = _png_size(png)
        return png, {"width": shown_size(width, self), "height": shown_size(height, self)}

    def _ipython_display_(self) -> None:
        from IPython.display import display

        png, shown = self._repr_png_()
        display({"image/png": png}, raw=True, metadata={"image/png": shown})


def _png_size(png: bytes) -> tuple[int, int]:
    """Pixel width and height from a PNG's header (IHDR)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def pixel_ratio(fig: Figure) -> int:
    """PNG pixels per pixel shown: a Picture's ``pixel_ratio``, 1 for any other figure."""
    return getattr(fig, "pixel_ratio", 1)


def shown_size(pixels: int, fig: Figure) -> int:
    """How many pixels ``pixels`` of ``fig``'s PNG are shown as (rounded up)."""
    return -(-pixels // pixel_ratio(fig))


def _new_figure(figsize, dpi, layout="constrained") -> Picture:
    """A Picture shown at ``dpi`` (rendered at ``PIXEL_RATIO`` times it)."""
    fig = Picture(figsize=figsize, dpi=dpi * PIXEL_RATIO, layout=layout)
    if layout == "constrained":  # the default 3 pt margin lets an equal-aspect grid's
        fig.get_layout_engine().set(w_pad=0.06, h_pad=0.06)  # title touch the edge
    FigureCanvasAgg(fig)
    return fig


def _swatch(colour, label: str) -> Patch:
    """A legend entry: a cell of ``colour``."""
    return Patch(facecolor=colour, edgecolor="none", label=label)


def _outline(colour, label: str, style: str = "-") -> Line2D:
    """A legend entry: an outline drawn in ``colour`` and ``style``."""
    return Line2D([], [], color=colour, linestyle=style, linewidth=2, label=label)


def _legend(fig: Figure | None, entries: list, *, x: float = 0.08, y: float = 0.02) -> list:
    """Name every colour of a fixed-layout figure along its bottom edge (left-aligned).

    ``x``, ``y``: inches from the bottom-left corner (so a figure whose height is fitted
    later keeps it there). As many entries a row as fit the figure's width (estimated
    from the labels' lengths). It is kept as pixels (:class:`_CachedLegend`), so an
    explorer's redraw costs next to nothing for it. Returns ``entries``; with
    ``fig=None`` draws nothing.
    """
    if fig is None:
        return entries
    width_px = (fig.get_figwidth() - 2 * x) * 72  # in points
    per_entry = [(len(e.get_label()) * 0.6 + 3.2) * SMALL for e in entries]
    ncols = len(entries)
    while ncols > 1:
        rows = [per_entry[i::ncols] for i in range(ncols)]  # column i's entries
        if sum(max(col) for col in rows) <= width_px:
            break
        ncols -= 1
    legend = fig.legend(
        handles=entries,
        loc="lower left",
        bbox_to_anchor=(x, y),
        bbox_transform=fig.dpi_scale_trans,
        ncols=ncols,
        frameon=False,
        fontsize=SMALL,
        handlelength=1.3,
        handleheight=1.0,
        handletextpad=0.4,
        columnspacing=1.0,
        borderpad=0.1,
        borderaxespad=0.0,
    )
    legend.__class__ = _CachedLegend  # drawn once, reused on every redraw
    return entries


def _above_legend(fig: Figure, x: float, inches: float):
    """A transform for text at figure fraction ``x``, ``inches`` above the bottom edge."""
    return blended_transform_factory(fig.transFigure, fig.dpi_scale_trans), (x, inches)


def _fit_height(fig: Figure, *, min_height: float = 0.0, pad: float = 0.06) -> Figure:
    """A one-axes constrained-layout figure made exactly as tall as what it draws.

    A 1-D row of cells is as tall as one cell is wide; a figure of a guessed height shows it
    between bands of white. The layout is run once without rendering; then the figure's
    height becomes the grid's plus the title, labels and caption around it (``pad`` inches
    each side, at least ``min_height`` inches in all, the drawing centred), and the axes
    are fixed where the layout put the grid (the layout engine is then switched off).
    """
    fig.draw_without_rendering()
    (ax,) = fig.axes
    width, height = fig.get_size_inches()
    box = ax.get_position()  # where the grid is drawn (equal aspect), figure fraction
    tight = ax.get_tightbbox(fig.canvas.get_renderer())  # with every label, in pixels
    # labels' reach beyond the grid on each side, inches
    left = max(box.x0 * width - tight.x0 / fig.dpi, 0.0)
    right = max(tight.x1 / fig.dpi - box.x1 * width, 0.0)
    above = max(tight.y1 / fig.dpi - box.y1 * height, 0.0)
    below = max(box.y0 * height - tight.y0 / fig.dpi, 0.0)
    # the layout only kept labels inside the axes' box: keep them inside the figure too
    grid_w, grid_h = box.width * width, box.height * height
    scale = min(1.0, (width - left - right - 2 * pad) / grid_w)
    grid_w, grid_h = grid_w * scale, grid_h * scale
    x0 = min(max(box.x0 * width, left + pad), width - pad - right - grid_w)
    drawn = above + grid_h + below
    new = max(drawn + 2 * pad, min_height)
    fig.set_layout_engine("none")
    fig.set_figheight(new)
    y0 = below + (new - drawn) / 2
    ax.set_position((x0 / width, y0 / new, grid_w / width, grid_h / new))
    return fig


class _Bands:
    """Fixed-layout panels in horizontal bands, fitted to their grids' height (1-D rows).

    ``fit()`` first restores the figure's own size and the axes' rectangles, then, per
    band of axes that share a rectangle's height, cuts the room the equal-aspect grids
    leave empty (the least over the band): the margins keep their size in inches.
    ``restore()`` alone is the 2-D case (a grid fills its band).
    """

    def __init__(self, fig: Figure):
        self.fig = fig
        self.size = tuple(fig.get_size_inches())
        self.rects = [tuple(ax.get_position(original=True).bounds) for ax in fig.axes]

    def follow(self, ndim: int) -> None:
        """Fit the bands to 1-D rows; give a 2-D picture the figure's own size back."""
        if ndim == 1:
            self.fit()
        else:
            self.restore()

    def restore(self) -> None:
        if tuple(self.fig.get_size_inches()) != self.size:
            self.fig.set_size_inches(self.size)
        for ax, rect in zip(self.fig.axes, self.rects, strict=False):
            ax.set_position(rect)

    def fit(self) -> None:
        self.restore()
        height = self.size[1]
        cuts: dict[tuple[float, float], float] = {}
        for ax, (_, y, _, h) in zip(self.fig.axes, self.rects, strict=False):
            ax.apply_aspect()
            slack = (h - ax.get_position().height) * height
            band = (round(y, 6), round(h, 6))
            cuts[band] = min(cuts.get(band, slack), slack)
        new_height = height - sum(cuts.values())

        def moved(y: float, h: float) -> tuple[float, float]:
            below = sum(c for (by, _), c in cuts.items() if by < y)
            cut = cuts[(round(y, 6), round(h, 6))]
            return (y * height - below) / new_height, (h * height - cut) / new_height

        self.fig.set_size_inches(self.size[0], new_height)
        for ax, (x, y, w, h) in zip(self.fig.axes, self.rects, strict=False):
            new_y, new_h = moved(y, h)
            ax.set_position((x, new_y, w, new_h))


def _png(fig: Figure, compress_level: int = 1) -> bytes:
    """Render with Agg and encode as PNG.

    ``compress_level`` 1 (the explorers' redraws): unfiltered RGBA rows, zlib level 1 —
    about half the time Pillow takes, for the same size. Higher levels (a notebook's
    stored picture): reduced to a 256-colour palette by Pillow, about a third the bytes.
    """
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()  # runs the layout engine, if any, then renders
    rgba = np.asarray(canvas.buffer_rgba())
    if compress_level <= 1:
        return _fast_png(rgba, compress_level)
    buf = io.BytesIO()
    image = Image.fromarray(rgba[..., :3]).quantize(256, method=Image.Quantize.FASTOCTREE)
    image.save(buf, format="png", compress_level=compress_level)
    return buf.getvalue()


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def _fast_png(rgba: np.ndarray, level: int = 1) -> bytes:
    """An RGBA PNG of ``rgba``, filter type 0 rows (copying RGBA rows whole is cheaper
    than dropping alpha, and costs zlib less than that saves)."""
    height, width, _ = rgba.shape
    rows = np.empty((height, 1 + 4 * width), dtype=np.uint8)
    rows[:, 0] = 0  # filter type None: the flat cells compress well without one
    rows[:, 1:] = rgba.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(rows, level)),
            _png_chunk(b"IEND", b""),
        )
    )


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
# texts drawn once: an explorer's redraw re-renders only the texts that changed
# ---------------------------------------------------------------------------------------

CACHE_TEXT = True  # False: every text drawn glyph by glyph on every draw (tests compare)


class _CachedText(Text):
    """A Text that keeps its rendered pixels and reuses them while nothing about it moved.

    matplotlib lays out and renders every glyph of every text on each draw, which at
    twice the pixels is a third of an explorer's redraw; most texts (captions, the
    formula, titles) do not change when only the window moves. The key is everything the
    pixels depend on: the string, its anchor on the canvas, alignment, the canvas, colour,
    font and the box patch; a hit costs neither layout nor glyphs.
    """

    def draw(self, renderer) -> None:
        if not (CACHE_TEXT and self.get_visible() and self.get_text()):
            return super().draw(renderer)
        clipped = self.get_clip_on() and (
            self.get_clip_box() is not None or self.get_clip_path() is not None
        )
        if clipped or not isinstance(renderer, RendererAgg):
            return super().draw(renderer)
        anchor = self.get_transform().transform(self.get_unitless_position())
        patch = self.get_bbox_patch()
        key = (
            self.get_text(),
            tuple(np.round(anchor, 3)),
            (self.get_ha(), self.get_va(), self.get_rotation(), self.get_linespacing()),
            (int(renderer.width), int(renderer.height), renderer.dpi),
            hash(self.get_fontproperties()),
            str(self.get_color()),
            self.get_alpha(),
            None if patch is None else (str(patch.get_facecolor()), patch.get_alpha()),
        )
        cached = getattr(self, "_pixels", None)
        if cached is None or cached[0] != key:
            cached = self._pixels = (key, *self._render(renderer))
        _blit(renderer, *cached[1:])
        self.stale = False
        return None

    def _render(self, renderer):
        """``(x0, y0, pixels)``: the text drawn alone, cut to its box (and its patch's)."""
        box = self.get_window_extent(renderer)
        patch = self.get_bbox_patch()
        if patch is not None:
            self.update_bbox_position_size(renderer)
            box = Bbox.union([box, patch.get_window_extent(renderer)])
        return _drawn_alone(lambda r: Text.draw(self, r), box, renderer)


class _CachedLegend(Legend):
    """A figure legend kept as pixels, like :class:`_CachedText` (it never changes; its
    layout alone, redone by matplotlib on every draw, costs a quarter of a redraw)."""

    def draw(self, renderer) -> None:
        if not (CACHE_TEXT and self.get_visible()) or not isinstance(renderer, RendererAgg):
            return super().draw(renderer)
        key = (int(renderer.width), int(renderer.height), renderer.dpi)
        cached = getattr(self, "_pixels", None)
        if cached is None or cached[0] != key:
            box = self.get_window_extent(renderer)
            drawn = _drawn_alone(lambda r: Legend.draw(self, r), box, renderer)
            cached = self._pixels = (key, *drawn)
        _blit(renderer, *cached[1:])
        self.stale = False
        return None


def _blit(renderer, x0, y0, pixels) -> None:
    """Draw cached pixels (from :func:`_drawn_alone`) at ``(x0, y0)``; nothing if empty."""
    if pixels is not None:
        gc = renderer.new_gc()
        renderer.draw_image(gc, x0, y0, pixels)
        gc.restore()


def _drawn_alone(draw, box: Bbox, renderer):
    """``(x0, y0, pixels)``: what ``draw(renderer)`` draws on a transparent canvas of
    ``renderer``'s size, cut to ``box`` (3 px more each side), bottom row first."""
    width, height = int(renderer.width), int(renderer.height)
    x0, y0 = max(int(np.floor(box.x0)) - 3, 0), max(int(np.floor(box.y0)) - 3, 0)
    x1, y1 = min(int(np.ceil(box.x1)) + 3, width), min(int(np.ceil(box.y1)) + 3, height)
    if x1 <= x0 or y1 <= y0:
        return x0, y0, None
    offscreen = _offscreen(width, height, renderer.dpi)
    draw(offscreen)
    pixels = np.asarray(offscreen.buffer_rgba())[height - y1 : height - y0, x0:x1]
    return x0, y0, pixels[::-1].copy()  # draw_image wants the bottom row first


_OFFSCREEN: dict = {}


def _offscreen(width: int, height: int, dpi: float) -> RendererAgg:
    """A cleared, transparent canvas of that size, reused (one per size)."""
    renderer = _OFFSCREEN.get((width, height, dpi))
    if renderer is None:
        _OFFSCREEN.clear()  # keep one: explorers redraw at one size
        renderer = _OFFSCREEN[(width, height, dpi)] = RendererAgg(width, height, dpi)
    else:
        renderer.clear()
    return renderer


def _cached(text: Text) -> Text:
    """Make ``text`` (e.g. an Axes' title) draw through the cache; return it."""
    text.__class__ = _CachedText
    return text
