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

Pictures are made to be read: a :class:`Picture` renders at ``PIXEL_RATIO`` (2) times
the pixels it is shown at (crisp on a HiDPI screen; a notebook and an explorer show it
at half its pixel size), every text is at least 10 px high as shown, none overlaps
another or the figure's edge (``tests/test_picture_text.py`` checks every picture the
notebooks draw), and every colour is named in a legend or the caption. In a comparison
the first padding is the reference: drawn plain, only the other side counts and marks
differences.

One file per picture: :mod:`.padded` (the padded input), :mod:`.window` (the kernel window
beside the output), :mod:`.coverage` (coverage map, all windows), :mod:`.animation`
(sliding animation, GIF), :mod:`.compare` (two paddings side by side), :mod:`.transposed`
(a transposed convolution as spread, pad and convolve; Keras against PyTorch),
:mod:`.overlap` (kernel taps per output cell: checkerboards), :mod:`.causal` (causal
padding on a sequence), :mod:`.inverse` (every padding giving a target size); :mod:`.palette`
holds the colours, ``_plan`` turns arithmetic into grids, ``_canvas`` draws them.
"""

from ._canvas import PIXEL_RATIO, Picture, pixel_ratio, shown_size
from ._plan import Drawn, description
from .animation import save_sliding_gif, sliding_animation
from .causal import draw_causal
from .compare import ComparisonFigure, draw_comparison
from .coverage import draw_all_windows, draw_coverage
from .inverse import SolutionsFigure, draw_solutions, padding_marks
from .overlap import draw_overlap, draw_overlaps
from .padded import draw_padded_input
from .palette import (
    DIFFER,
    DIFFER_HIGHLIGHT,
    INPUT,
    OUTPUT,
    OUTPUT_HIGHLIGHT,
    OUTSIDE,
    PADDING,
    PALETTE,
    UNUSED,
    UNUSED_PADDING,
    WINDOW,
    WINDOW_PADDING,
    Palette,
    category_colours,
)
from .transposed import TransposedDrawn, TransposedFigure, draw_transposed, keras_same_as_torch
from .window import WindowFigure, draw_window

__all__ = [
    "DIFFER",
    "DIFFER_HIGHLIGHT",
    "INPUT",
    "OUTPUT",
    "OUTPUT_HIGHLIGHT",
    "OUTSIDE",
    "PIXEL_RATIO",
    "PADDING",
    "PALETTE",
    "UNUSED",
    "UNUSED_PADDING",
    "WINDOW",
    "WINDOW_PADDING",
    "ComparisonFigure",
    "Drawn",
    "Palette",
    "Picture",
    "SolutionsFigure",
    "TransposedDrawn",
    "TransposedFigure",
    "WindowFigure",
    "category_colours",
    "description",
    "draw_all_windows",
    "draw_causal",
    "draw_comparison",
    "draw_coverage",
    "draw_padded_input",
    "draw_overlap",
    "draw_overlaps",
    "draw_solutions",
    "draw_transposed",
    "draw_window",
    "keras_same_as_torch",
    "padding_marks",
    "pixel_ratio",
    "save_sliding_gif",
    "shown_size",
    "sliding_animation",
]
