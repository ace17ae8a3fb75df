"""The inverse problem drawn: every (before, after) padding that gives a target output size.

One row per candidate from :func:`~samepad_viz.arithmetic.solve_padding`, the input cells
aligned so the padding visibly moves from one side to the other; cells no window reads are
reddish purple (as in :func:`~samepad_viz.draw.draw_coverage`). TensorFlow's ``'same'``
split (from :func:`~samepad_viz.arithmetic.same_padding`, when the target is its output
``⌈W / S⌉``) is outlined in blue; the symmetric pairs, which PyTorch's integer
``padding=`` can express, are marked too.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..arithmetic import (
    keras_output_size,
    same_padding,
    solve_padding,
    symmetric_paddings,
    window_indices,
)
from ._canvas import SMALL, TEXT, _fit_height, _new_figure, _Panel, _png
from ._plan import _count, _padded_categories
from .palette import INPUT, PADDING, PALETTE, UNUSED, UNUSED_PADDING
from .transposed import TransposedDrawn


def padding_marks(size: int, kernel_size: int, stride: int, target: int, dilation: int = 1):
    """``(candidates, tensorflow, pytorch)``: solve_padding's pairs, TF's split or None,
    and the symmetric pairs (PyTorch's ``padding=P``)."""
    candidates = solve_padding(size, kernel_size, stride, target, dilation)
    tf = None
    if keras_output_size(size, kernel_size, stride, "same", dilation) == target:
        tf = same_padding(size, kernel_size, stride, dilation)
    pytorch = [(p, p) for p in symmetric_paddings(size, kernel_size, stride, target, dilation)]
    return candidates, tf, pytorch


def draw_solutions(
    size: int,
    kernel_size: int,
    stride: int,
    target: int,
    dilation: int = 1,
    *,
    fig: Figure | None = None,
    max_rows: int = 20,
) -> Figure:
    """Every ``(before, after)`` padding whose output is ``target``, one row each.

    Rows follow :func:`~samepad_viz.arithmetic.solve_padding`'s order (by total, then by
    ``before``); beyond ``max_rows`` only the first rows and the marked ones are drawn.
    ``description(fig)``: ``.candidates`` every pair, ``.frames`` the pairs drawn,
    ``.tensorflow`` TF's split (or None), ``.pytorch`` the symmetric pairs.
    """
    if isinstance(size, (tuple, list)):
        raise ValueError(
            f"the inverse-problem picture is 1-D (each dimension is solved on its own): size "
            f"must be an int, got {size!r}"
        )
    candidates, tf, pytorch = padding_marks(size, kernel_size, stride, target, dilation)
    shown = candidates[:max_rows]
    shown += [p for p in [tf, *pytorch] if p is not None and p not in shown]
    lo = -max(b for b, _ in shown)
    hi = size - 1 + max(a for _, a in shown)
    rows = []
    for pair in shown:
        cat, _ = _padded_categories((1, size), ((0, 0), pair), ((0, 0), (lo, hi)))
        read = {c for w in window_indices(size, kernel_size, stride, pair, dilation) for c in w}
        cols = np.arange(lo, hi + 1)
        unread = ~np.isin(cols, list(read))
        row = cat[0]
        row[(row == INPUT) & unread] = UNUSED
        row[(row == PADDING) & unread] = UNUSED_PADDING
        rows.append(row)
    grid = np.array(rows)
    n = len(shown)
    fit = fig is None  # a new figure: as tall as its rows of cells
    fig = fig if fig is not None else _new_figure((7, 1.5 + 0.3 * n), 80)
    ax = fig.add_subplot()
    panel = _Panel(ax)
    panel.set_grid(grid, (0, lo))
    if grid.shape[1] > 40:  # very wide rows: keep each row readable rather than cells square
        ax.set_aspect("auto")
    panel.outline_input(size, n)
    if tf is not None:
        panel.box(
            "tensorflow",
            (lo - 0.5, shown.index(tf) - 0.5, hi - lo + 1, 1),
            colour=PALETTE.ink,
            width=2.5,
        )
    for i, pair in enumerate(shown):
        marks = []
        if pair == tf:
            marks.append("TensorFlow 'same'")
        if pair in pytorch:
            marks.append(f"PyTorch padding={pair[0]}")
        bold = "bold" if marks else "normal"
        ax.text(lo - 0.8, i, str(pair), ha="right", va="center", fontsize=SMALL, fontweight=bold)
        if marks:
            ax.text(hi + 0.8, i, " · ".join(marks), ha="left", va="center", fontsize=SMALL)
    dil = f", D={dilation}" if dilation > 1 else ""
    more = f" (showing {n} of {len(candidates)})" if n < len(candidates) else ""
    ax.set_title(
        f"(before, after) paddings giving {_count(target, 'output')}: W={size}, K={kernel_size}, "
        f"S={stride}{dil}{more}",
        fontsize=TEXT,
    )
    if tf is None:
        same_out = keras_output_size(size, kernel_size, stride, "same", dilation)
        tf_note = (
            f"TensorFlow 'same' gives ⌈{size}/{stride}⌉ = {_count(same_out, 'output')}, "
            f"not {target}"
        )
    else:
        tf_note = f"TensorFlow 'same' pads {tf} (outlined)"
    torch_note = (
        f"PyTorch padding={', '.join(str(p[0]) for p in pytorch)}"
        if pytorch
        else "no symmetric pair: PyTorch's int padding= cannot (F.pad first)"
    )
    panel.caption.set_text(
        f"{tf_note}\n{torch_note}\nblue: input, grey: padding, "
        "purple (pale: on padding): cells no window reads"
    )
    panel.caption.set_fontsize(SMALL)
    fig.samepad = TransposedDrawn(
        "solutions",
        1,
        (size,),
        output_shape=(target,),
        frames=list(shown),
        categories=grid,
        origin=(lo,),
        candidates=list(candidates),
        tensorflow=tf,
        pytorch=list(pytorch),
    )
    if fit:
        _fit_height(fig)
    return fig


class SolutionsFigure:
    """:func:`draw_solutions` for an explorer: ``update(...)`` redraws, ``png()`` renders.

    The figure's height follows the number of candidate rows (fitted to them, never under
    ``min_pixels``' height; the width is fixed), so each update draws a new figure
    (available as ``.figure``) rather than moving artists.
    """

    def __init__(self, *, dpi=80, width=8.0, min_pixels=(600, 300)):
        self.dpi = dpi
        self.width = max(width, min_pixels[0] / dpi)
        self.min_height = min_pixels[1] / dpi
        self.figure: Figure | None = None
        self.description: TransposedDrawn | None = None
        self.legend_entries: list = []  # the caption names the colours

    def update(self, size, kernel_size, stride, target, dilation=1, **kwargs) -> TransposedDrawn:
        candidates = solve_padding(size, kernel_size, stride, target, dilation)  # raises first
        rows = min(len(candidates), kwargs.get("max_rows", 20)) + 2
        fig = _new_figure((self.width, 1.5 + 0.4 * rows), self.dpi)
        self.figure = draw_solutions(size, kernel_size, stride, target, dilation, fig=fig, **kwargs)
        if self.figure.axes[0].get_aspect() == "auto":  # rows past 40 cells: 0.3 inch each
            self.figure.set_figheight(1.5 + 0.3 * rows)
        _fit_height(self.figure, min_height=self.min_height)
        self.description = self.figure.samepad
        return self.description

    def png(self) -> bytes:
        return _png(self.figure)
