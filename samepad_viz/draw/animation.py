"""The kernel sliding over the input: a matplotlib animation (to_jshtml) and a GIF."""

from __future__ import annotations

import base64
from pathlib import Path
from tempfile import TemporaryDirectory

import numpy as np
from matplotlib.animation import FuncAnimation, HTMLWriter, PillowWriter

from ._canvas import _png, pixel_ratio
from ._plan import Drawn, _Plan, _plan, _user_pos
from .window import WindowFigure


class _PaletteHTMLWriter(HTMLWriter):
    """HTMLWriter embedding each frame as the 256-colour PNG a notebook picture is."""

    def grab_frame(self, **savefig_kwargs) -> None:
        png = _png(self.fig, compress_level=6)
        self._saved_frames.append(base64.encodebytes(png).decode("ascii"))


class SlidingAnimation(FuncAnimation):
    """A FuncAnimation whose ``to_jshtml`` shows its frames at ``shown_dpi``.

    The frames are rendered at the figure's dpi (twice ``shown_dpi``: crisp on a HiDPI
    screen) as 256-colour PNGs (a third of the bytes); the player's image is given the
    width they are shown at.
    """

    shown_dpi: float = 80

    def to_jshtml(self, fps=None, embed_frames=True, default_mode=None) -> str:
        fps = 1000 / self._interval if fps is None else fps
        default_mode = default_mode or ("loop" if self._repeat else "once")
        writer = _PaletteHTMLWriter(fps=fps, embed_frames=True, default_mode=default_mode)
        with TemporaryDirectory() as tmpdir:
            path = Path(tmpdir, "animation.html")
            self.save(str(path), writer=writer)
            html = path.read_text()
        width = round(self._fig.get_figwidth() * self.shown_dpi)
        return html.replace('<img id="_anim_img', f'<img style="width:{width}px" id="_anim_img', 1)


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
    dpi: int = 80,
    figsize=(8, 4),
) -> SlidingAnimation:
    """The kernel sliding over the padded input, one frame per output position.

    At most ``max_frames`` frames (evenly spaced positions when there are more). Embed in
    a notebook with ``IPython.display.HTML(anim.to_jshtml())``; it then plays without a
    kernel, shown at ``dpi`` (its frames have twice the pixels). A page that runs no
    JavaScript shows nothing of it: put a GIF beside it (:func:`save_sliding_gif`).
    ``description(anim).frames`` lists the positions shown.
    """
    plan = _plan(size, kernel_size, stride, padding, dilation, ceil_mode)
    frames = _frames(plan, max_frames)
    wf = WindowFigure(figsize=figsize, dpi=dpi)
    args = (size, kernel_size, stride, padding, dilation, ceil_mode)

    def show(pos):
        wf.update(*args, position=_user_pos(plan, pos))
        return []

    show(frames[0])
    anim = SlidingAnimation(
        wf.figure, show, frames=frames, interval=interval, repeat=True, cache_frame_data=False
    )
    anim.shown_dpi = wf.figure.dpi / pixel_ratio(wf.figure)
    anim._samepad_window = wf  # keep the updater alive as long as the animation
    anim.samepad = Drawn(
        "animation",
        plan.ndim,
        plan.in_shape,
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
    dpi: int = 80,
):
    """Write the sliding animation as a GIF with Pillow (for a page that runs no JavaScript).

    A GIF is shown at its own pixel size, so its frames are written at ``dpi``, where the
    pictures' smallest text is 10 px high. Returns ``path``."""
    anim = sliding_animation(
        size, kernel_size, stride, padding, dilation, ceil_mode, max_frames=max_frames, dpi=dpi
    )
    anim.save(str(path), writer=PillowWriter(fps=fps), dpi=dpi)
    return path
