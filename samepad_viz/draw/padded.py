"""The padded input grid, padding drawn on the side where it goes."""

from __future__ import annotations

from matplotlib.axes import Axes

from ._canvas import _fit_height, _new_figure, _Panel, _value_texts
from ._plan import Drawn, _padded_categories, _padding_read_back, _plan, _side_caption


def draw_padded_input(
    size, padding=0, *, values=None, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """The input grid with its padding drawn on each side (``(0, 1)`` is one-sided).

    ``size`` an int draws one row; ``(H, W)`` a grid. ``padding`` is an int, a
    ``(before, after)`` pair (1-D) or one of those per dimension (2-D); ``'same'`` needs a
    kernel and a stride, so it is refused here (pass ``same_padding(...)``, or use
    :func:`draw_window`). ``values`` (shape of the input) writes each cell's number,
    padding cells showing 0.
    """
    if isinstance(padding, str):
        raise ValueError(
            f"draw_padded_input needs the padding in cells, got {padding!r}; 'same' depends "
            "on the kernel and stride: pass same_padding(size, kernel_size, stride)"
        )
    plan = _plan(size, 1, 1, padding)
    fit = ax is None and plan.ndim == 1  # a new 1-D figure: as tall as its row of cells
    ax = ax if ax is not None else _new_figure((5, 1.5 if plan.ndim == 1 else 4), 80).add_subplot()
    cat, origin = _padded_categories(plan.size, plan.pads)
    panel = _Panel(ax)
    panel.set_grid(cat, origin)
    panel.outline_input(plan.size[1], plan.size[0])
    if values is not None:
        panel.values(_value_texts(values, plan.size, plan.pads, plan.ndim))
    sides = _padding_read_back(cat, origin, plan.size, plan.ndim)
    panel.caption.set_text(f"{_side_caption(sides)}\nblue: input, grey: padding")
    shape = "×".join(map(str, plan.in_shape))
    ax.set_title(title if title is not None else f"input {shape}, padded")
    ax.samepad = Drawn(
        "padded_input",
        plan.ndim,
        plan.in_shape,
        sides,
        categories=cat,
        origin=origin[2 - plan.ndim :],
    )
    if fit:
        _fit_height(ax.figure)
    return ax
