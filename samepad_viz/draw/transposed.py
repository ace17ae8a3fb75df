"""A transposed convolution drawn as what it is: spread, pad, convolve with the kernel rotated.

Each input cell is spread ``S`` cells apart (``S − 1`` zeros between cells), the row is
padded by ``D·(K − 1) − padding`` on each side (``output_padding`` more at the end), and a
plain stride-1 convolution with the kernel rotated by 180° runs over it. The numbers come
from :func:`~samepad_viz.arithmetic.transposed_as_convolution`. Keras ``'same'`` (as
:func:`~samepad_viz.arithmetic.torch_transposed_padding` reproduces it) is drawn above a
PyTorch choice of ``padding``/``output_padding``; output cells that sum different
(kernel tap, input cell) products are vermillion.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure

from ..arithmetic import (
    half_padding,
    keras_transposed_output_size,
    torch_transposed_padding,
    transposed_as_convolution,
    transposed_output_size,
    transposed_same_crop,
)
from ._canvas import SMALL, TEXT, _legend, _new_figure, _Panel, _png, _swatch
from ._plan import Drawn, _count, _differ, _padded_categories, _paint_window, _Plan, _plan
from .palette import (
    _COLOURS,
    DIFFER,
    DIFFER_HIGHLIGHT,
    OUTPUT,
    OUTPUT_HIGHLIGHT,
    OUTSIDE,
    PADDING,
    PALETTE,
    WINDOW,
    WINDOW_PADDING,
)

_ZERO_FADE = 0.45  # inserted zeros: the padding grey, paler (zeros, but not padding)


@dataclass
class TransposedDrawn(Drawn):
    """:class:`Drawn` with what the spread-and-pad pictures add (read from the grids).

    ``zeros_between`` — zero cells drawn between two neighbouring input cells;
    ``kernel_taps`` — the kernel labels under the focus window, left to right (rotated);
    ``spread`` — cells of the spread input; ``padding`` / ``padding_b`` — padding drawn
    on each side of the spread input for A (Keras) and B (PyTorch); ``overlap``,
    ``interior``, ``uniform`` — see :func:`~samepad_viz.draw.draw_overlap`; ``candidates``,
    ``tensorflow``, ``pytorch`` — see :func:`~samepad_viz.draw.draw_solutions`.
    """

    zeros_between: int | None = None
    zeros_between_b: int | None = None
    kernel_taps: tuple[str, ...] = ()
    spread: int = 0
    products: list = field(default_factory=list)  # per output of A: {(tap, input index)}
    products_b: list = field(default_factory=list)
    labels: tuple[str, ...] = ()
    overlap: np.ndarray | None = None  # overlap map: kernel taps landing on each output cell
    interior: np.ndarray | None = None  # overlap map: windows wholly inside the spread input
    uniform: bool | None = None  # overlap map: every interior cell gets the same count
    candidates: list = field(default_factory=list)  # inverse problem: solve_padding's pairs
    tensorflow: tuple[int, int] | None = None  # inverse problem: TensorFlow's 'same' split
    pytorch: list = field(default_factory=list)  # inverse problem: symmetric pairs


def keras_same_as_torch(size: int, kernel_size: int, stride: int = 1, dilation: int = 1):
    """Keras' transposed ``'same'`` as PyTorch arguments: ``((before, after), output_padding)``.

    :func:`~samepad_viz.arithmetic.transposed_same_crop` (``size`` is checked, but the
    answer does not depend on it).
    """
    torch_transposed_padding(size, kernel_size, stride, dilation)  # validates the arguments
    return transposed_same_crop(kernel_size, stride, dilation)


def _spread_plan(size, kernel_size, stride, padding, output_padding, dilation):
    spread, pads = transposed_as_convolution(
        size, kernel_size, stride, padding, output_padding, dilation
    )
    return spread, _plan(spread, kernel_size, 1, pads, dilation)


def _products(plan: _Plan, stride: int) -> list[frozenset]:
    """Per output: the (kernel tap, input cell) products summed there (rotated kernel)."""
    k = plan.kernel[1]
    spread = plan.size[1]
    return [
        frozenset(
            (k - 1 - t, c // stride) for t, c in enumerate(w) if 0 <= c < spread and c % stride == 0
        )
        for w in plan.windows[1]
    ]


def _input_row(plan: _Plan, stride: int, extent) -> tuple[np.ndarray, np.ndarray]:
    """Category row of the spread, padded input and the mask of inserted zeros."""
    cat, origin = _padded_categories(plan.size, plan.pads, ((0, 0), extent))
    cols = np.arange(extent[0], extent[1] + 1)
    zeros = (cols >= 0) & (cols < plan.size[1]) & (cols % stride != 0)
    cat[0, zeros] = PADDING
    return cat, zeros


def _read_back(row: np.ndarray, zeros: np.ndarray, lo: int, spread: int, stride: int):
    cols = np.arange(lo, lo + row.size)
    is_pad = np.isin(row, (PADDING, WINDOW_PADDING)) & ~zeros
    sides = {"left": int(is_pad[cols < 0].sum()), "right": int(is_pad[cols >= spread].sum())}
    between = None
    if spread > 1:
        between = int(zeros[(cols > 0) & (cols < stride)].sum())
    return sides, between


class TransposedFigure:
    """Keras ``'same'`` (top) and a PyTorch ``padding``/``output_padding`` (bottom), 1-D.

    Each panel: the spread input (``x0``, ``x1``, … with pale zeros between) and its
    padding (grey), the kernel rotated by 180° under the window of the focus output, and
    the output row, each output cell under the first cell of its window. Updated in place.
    """

    def __init__(self, fig: Figure | None = None, *, figsize=(9, 4.8), dpi=80, legend=True):
        self.figure = fig if fig is not None else _new_figure(figsize, dpi, layout=None)
        rows = (0.63, 0.23 if legend else 0.12)  # the legend's room at the bottom
        self.panels = [_Panel(self.figure.add_axes((0.2, y, 0.78, 0.27))) for y in rows]
        for panel in self.panels:
            panel.title.set_fontsize(TEXT)
            panel.caption.set_fontsize(SMALL)
        zero = _COLOURS[PADDING].copy()
        zero[:3] = 1 - _ZERO_FADE * (1 - zero[:3])
        on_zero = _COLOURS[WINDOW_PADDING].copy()
        on_zero[:3] = 1 - _ZERO_FADE * (1 - on_zero[:3])
        self.legend_entries = _legend(
            self.figure if legend else None,
            [
                _swatch(PALETTE.input, "input"),
                _swatch(zero, "zero between cells"),
                _swatch(_COLOURS[PADDING], "padding"),
                _swatch(PALETTE.window, "window, kernel"),
                _swatch(_COLOURS[WINDOW_PADDING], "window on padding"),
                _swatch(on_zero, "window on a zero"),
                _swatch(_COLOURS[OUTPUT], "output (as the reference)"),
                _swatch(_COLOURS[DIFFER], "differs from the reference"),
                _swatch(_COLOURS[OUTPUT_HIGHLIGHT], "the window's output"),
                _swatch(_COLOURS[DIFFER_HIGHLIGHT], "(when it differs)"),
            ],
        )
        self.row_labels = [[] for _ in self.panels]
        self.description: TransposedDrawn | None = None

    def update(
        self,
        size: int,
        kernel_size: int,
        stride: int = 1,
        padding=None,
        output_padding=None,
        dilation: int = 1,
        *,
        labels=None,
        position=None,
    ) -> TransposedDrawn:
        if isinstance(size, (tuple, list)):
            raise ValueError(
                f"the transposed picture is 1-D (every dimension works the same way): "
                f"size must be an int, got {size!r}"
            )
        if padding is None:
            padding = half_padding(kernel_size, dilation)
        if output_padding is None:
            output_padding = stride - 1
        keras_pad, keras_op = keras_same_as_torch(size, kernel_size, stride, dilation)
        args = [(keras_pad, keras_op), (padding, output_padding)]
        outs = [
            keras_transposed_output_size(size, kernel_size, stride, "same"),
            transposed_output_size(size, kernel_size, stride, padding, output_padding, dilation),
        ]
        spread_plans = [_spread_plan(size, kernel_size, stride, p, op, dilation) for p, op in args]
        spread = spread_plans[0][0]
        plans = [pl for _, pl in spread_plans]
        products = [_products(pl, stride) for pl in plans]
        masks = []
        for mine, other in ((products[0], products[1]), (products[1], products[0])):
            masks.append(
                np.array(
                    [i >= len(other) or mine[i] != other[i] for i in range(len(mine))], dtype=bool
                )
            )
        if position is not None:
            if not 0 <= position < len(products[0]):
                raise ValueError(f"position {position!r} is outside the output {outs[0]}")
            focus = position
        else:
            focus = int(np.argmax(masks[0])) if masks[0].any() else 0
        lo = min(-pl.pads[1][0] for pl in plans)
        hi = max(spread - 1 + pl.pads[1][1] for pl in plans)
        if labels is None:
            labels = (
                "Keras Conv1DTranspose(padding='same')",
                f"PyTorch padding={padding!r}, output_padding={output_padding}",
            )
        sides_all, between_all = [], []
        taps: tuple[str, ...] = ()
        for i, (panel, plan, mask, label, out) in enumerate(
            zip(self.panels, plans, masks, labels, outs, strict=True)
        ):
            row, zeros = _input_row(plan, stride, (lo, hi))
            pos = min(focus, out - 1)
            _paint_window(row, (0, lo), plan, (0, pos))
            sides, between = _read_back(row[0], zeros, lo, spread, stride)
            sides_all.append(sides)
            between_all.append(between)
            grid = np.full((3, hi - lo + 1), OUTSIDE, dtype=np.int8)
            grid[0] = row[0]
            window = plan.windows[1][pos]
            for c in window:
                grid[1, c - lo] = WINDOW
            before = plan.pads[1][0]
            out_cols = np.arange(out) - before - lo
            reference = i == 0  # Keras: right by definition, nothing to mark
            marked = mask & (not reference)
            grid[2, out_cols] = np.where(marked, DIFFER, OUTPUT)
            grid[2, pos - before - lo] = DIFFER_HIGHLIGHT if marked[pos] else OUTPUT_HIGHLIGHT
            rgba = _COLOURS[grid].copy()
            rgba[0, zeros, :3] = 1 - _ZERO_FADE * (1 - rgba[0, zeros, :3])
            panel.set_grid(grid, (0, lo), rgba=rgba)
            # long rows: fill the panel's height rather than keep cells square and tiny
            panel.ax.set_aspect("auto" if hi - lo + 1 > 40 else "equal")
            panel.outline_input(spread, 1)
            panel.box(
                "window",
                (window[0] - 0.5, -0.5, window[-1] - window[0] + 1, 2),
                colour=PALETTE.window,
                style="--",
                width=2.0,
            )
            k = kernel_size
            tap_text = {(1, c): f"w{k - 1 - t}" for t, c in enumerate(window)}
            if i == 0:
                taps = tuple(tap_text[(1, c)] for c in window)
            texts = {}
            if hi - lo + 1 <= 40:  # labels only where cells are wide enough to hold them
                texts.update(tap_text)
                for c in range(lo, hi + 1):
                    if 0 <= c < spread and c % stride == 0:
                        texts[(0, c)] = f"x{c // stride}"
                    elif grid[0, c - lo] != OUTSIDE:
                        texts[(0, c)] = "0"
                for o in range(out):
                    texts[(2, o - before)] = f"y{o}"
            panel.values(texts, fontsize=SMALL)
            for t in self.row_labels[i]:
                t.remove()
            self.row_labels[i] = [
                panel.ax.text(lo - 0.8, r, name, ha="right", va="center", fontsize=SMALL)
                for r, name in enumerate(("spread + padded", "kernel, rotated", "output"))
            ]
            count = "the reference" if reference else _differ(int(mask.sum()), "cell")
            panel.title.set_text(f"{label}: output {out}, {count}")
            pad_i, op = args[i]
            pb, pa = tuple(pad_i) if isinstance(pad_i, (tuple, list)) else (pad_i, pad_i)
            panel.caption.set_text(
                f"S − 1 = {_count(stride - 1, 'zero')} between input cells (pale); padding "
                f"{sides['left']} left = D·(K − 1) − {pb}, "
                f"{sides['right']} right = D·(K − 1) − {pa} + {op}"
            )

        def cells(mask):
            return frozenset(int(i) for i in np.nonzero(mask)[0])

        self.description = TransposedDrawn(
            "transposed",
            1,
            (size,),
            sides_all[0],
            (outs[0],),
            (focus,),
            differing=cells(masks[0]),
            differing_b=cells(masks[1]),
            padding_b=sides_all[1],
            output_shape_b=(outs[1],),
            zeros_between=between_all[0],
            zeros_between_b=between_all[1],
            kernel_taps=taps,
            spread=spread,
            products=products[0],
            products_b=products[1],
            labels=tuple(labels),
        )
        self.figure.samepad = self.description
        return self.description

    def png(self) -> bytes:
        return _png(self.figure)


def draw_transposed(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding=None,
    output_padding=None,
    dilation: int = 1,
    *,
    labels=None,
    position=None,
    fig: Figure | None = None,
) -> Figure:
    """Keras' transposed ``'same'`` against PyTorch's ``ConvTranspose1d`` arguments.

    Both drawn as the plain convolution a transposed one is: the input spread by the
    stride (``S − 1`` zeros between cells), padded by ``D·(K − 1) − padding`` on each side
    and ``output_padding`` more on the right, and the kernel rotated by 180°. The default
    PyTorch side is the naive port ``padding=D·(K − 1)//2, output_padding=S − 1``; pass
    ``padding=(before, after)`` for a crop. Output cells that sum different (kernel tap,
    input cell) products are vermillion; the focus window is the first of them.
    """
    tf = TransposedFigure(fig)
    tf.update(
        size,
        kernel_size,
        stride,
        padding,
        output_padding,
        dilation,
        labels=labels,
        position=position,
    )
    return tf.figure
