"""From arithmetic arguments to what a picture needs: per-dimension windows, category grids.

Every number comes from :mod:`samepad_viz.arithmetic`; nothing here recomputes a padding
or an output size. Also the :class:`Drawn` description that every picture carries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..arithmetic import output_size, output_size_formula, same_padding, window_indices
from .palette import INPUT, OUTSIDE, PADDING, UNUSED_PADDING, WINDOW, WINDOW_PADDING


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

    @property
    def in_shape(self) -> tuple[int, ...]:
        """The input's shape as given: ``(W,)`` in 1-D, ``(H, W)`` in 2-D."""
        return self.size[2 - self.ndim :]

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


def _padded_input(plan: _Plan) -> tuple[np.ndarray, tuple[int, int], dict[str, int]]:
    """The padded input over every cell a window reads: categories, origin, padding per side."""
    extent = (plan.lo_hi(0), plan.lo_hi(1))
    cat, origin = _padded_categories(plan.size, plan.pads, extent)
    return cat, origin, _padding_read_back(cat, origin, plan.size, plan.ndim)


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
    """``1 input cell``, ``0 input cells``, ``2 input cells``: the noun agrees."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _output_title(plan: _Plan) -> str:
    """``4 outputs`` for a row of cells (not "output 4": that reads as output number 4),
    ``output 4 × 4`` for a grid."""
    if plan.ndim == 1:
        return _count(plan.out_shape[0], "output")
    return "output " + " × ".join(map(str, plan.out_shape))


def _differ(n: int, noun: str = "") -> str:
    """``1 cell differs``, ``4 cells differ`` (``1 differs`` without a noun)."""
    return f"{_count(n, noun) if noun else n} {'differs' if n == 1 else 'differ'}"


def _side_caption(sides: dict[str, int]) -> str:
    return "padding " + ", ".join(f"{k} {v}" for k, v in sides.items())
