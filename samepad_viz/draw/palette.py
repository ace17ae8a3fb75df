"""The one visual language: a colour per role (Okabe & Ito's colour-blind-safe set).

Cells of a drawn grid carry a category code (``INPUT``, ``PADDING``, ``WINDOW``, …, as in
``Drawn.categories``); ``category_colours()[code]`` is the RGBA the picture uses for it.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgba


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


def category_colours() -> np.ndarray:
    """RGBA of each cell category (``INPUT``, ``PADDING``, …), indexable by the codes."""
    return _COLOURS.copy()
