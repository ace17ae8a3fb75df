"""Two paddings of the same input side by side, output cells whose windows differ marked."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._canvas import SMALL, TEXT, _Bands, _legend, _new_figure, _Panel, _png, _swatch
from ._plan import (
    Drawn,
    _cells,
    _differ,
    _output_title,
    _padded_input,
    _paint_window,
    _Plan,
    _plan,
    _pos_text,
    _position,
    _side_caption,
    _span,
    _user_pos,
)
from .palette import (
    _COLOURS,
    DIFFER,
    DIFFER_HIGHLIGHT,
    OUTPUT,
    OUTPUT_HIGHLIGHT,
    PADDING,
    PALETTE,
    WINDOW_PADDING,
)


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
    """A padding against the reference one on the same input: cells whose windows differ.

    Row 1 is padding A, the reference (Keras/TensorFlow ``'same'`` by default), row 2
    padding B, the one compared with it; each row shows the padded input with the window
    of the focus output cell (the first differing one unless ``position`` is given) and
    the output grid. Only B's output marks and counts differences (vermillion); the
    reference's output is drawn plain. A legend names every colour. Updated in place like
    :class:`WindowFigure` (and, like it, fitted to a 1-D picture's height when the
    figure is made here).
    """

    def __init__(self, fig: Figure | None = None, *, figsize=(8, 6.4), dpi=80, legend=True):
        self.figure = fig if fig is not None else _new_figure(figsize, dpi, layout=None)
        rows = (0.615, 0.18 if legend else 0.1)  # the legend's room at the bottom
        boxes = [((0.02, y, 0.56, 0.31), (0.63, y, 0.35, 0.31)) for y in rows]
        self.panels = [[_Panel(self.figure.add_axes(b)) for b in row] for row in boxes]
        for row in self.panels:
            for panel in row:
                panel.title.set_fontsize(TEXT)
                panel.caption.set_fontsize(SMALL)
        self.legend_entries = _legend(
            self.figure if legend else None,
            [
                _swatch(PALETTE.input, "input"),
                _swatch(_COLOURS[PADDING], "padding"),
                _swatch(PALETTE.window, "window"),
                _swatch(_COLOURS[WINDOW_PADDING], "window on padding"),
                _swatch(_COLOURS[OUTPUT], "output (as the reference)"),
                _swatch(_COLOURS[DIFFER], "differs from the reference"),
                _swatch(_COLOURS[OUTPUT_HIGHLIGHT], "the window's output"),
                _swatch(_COLOURS[DIFFER_HIGHLIGHT], "(when it differs)"),
            ],
        )
        self._bands = _Bands(self.figure) if fig is None else None
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
        rows = zip(self.panels, plans, masks, labels, strict=True)
        for i, ((p_in, p_out), plan, mask, label) in enumerate(rows):
            reference = i == 0
            cat, origin, sides = _padded_input(plan)
            all_sides.append(sides)
            pos = tuple(min(f, o - 1) for f, o in zip(focus, plan.out, strict=True))
            _paint_window(cat, origin, plan, pos)
            p_in.set_grid(cat, origin)
            p_in.outline_input(plan.size[1], plan.size[0])
            p_in.outline_window(_span(plan, pos))
            role = "reference" if reference else "compared"
            p_in.title.set_text(f"{label} ({role})")
            p_in.caption.set_text(
                f"{_side_caption(sides)}\nwindow of output {_pos_text(plan, pos)}"
            )
            if reference:  # the reference is right by definition: nothing to mark
                out = np.full(plan.out, OUTPUT, dtype=np.int8)
                out[pos] = OUTPUT_HIGHLIGHT
            else:
                out = np.where(mask, DIFFER, OUTPUT).astype(np.int8)
                out[pos] = DIFFER_HIGHLIGHT if mask[pos] else OUTPUT_HIGHLIGHT
            p_out.set_grid(out, (0, 0))
            count = "the reference" if reference else _differ(int(mask.sum()))
            p_out.title.set_text(f"{_output_title(plan)}: {count}")
            p_out.caption.set_text(plan.formula_text())

        if self._bands is not None:
            self._bands.follow(plans[0].ndim)

        def cells(mask):
            return _cells(mask, (0, 0), plans[0].ndim)

        self.description = Drawn(
            "comparison",
            plans[0].ndim,
            plans[0].in_shape,
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
    """Padding B against the reference padding A on the same input, B's differing cells marked.

    The default compares the reference, Keras/TensorFlow ``'same'``, with ``padding_b``
    (e.g. the naive symmetric ``1`` for a 3×3 kernel). An output cell of B differs when
    the input cells its window reads (tap by tap) differ from A's, or when A has no such
    cell; it is drawn in vermillion and counted in B's title. A's output is drawn plain.
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
