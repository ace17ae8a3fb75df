"""The kernel sliding over the input: a matplotlib animation (to_jshtml) and a GIF."""

from __future__ import annotations

import numpy as np
from matplotlib.animation import FuncAnimation, PillowWriter

from ._plan import Drawn, _Plan, _plan, _user_pos
from .window import WindowFigure


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
    dpi: int = 60,
    figsize=(8, 4),
) -> FuncAnimation:
    """The kernel sliding over the padded input, one frame per output position.

    At most ``max_frames`` frames (evenly spaced positions when there are more). Embed in
    a notebook with ``IPython.display.HTML(anim.to_jshtml())``; it then plays without a
    kernel. ``description(anim).frames`` lists the positions shown.
    """
    plan = _plan(size, kernel_size, stride, padding, dilation, ceil_mode)
    frames = _frames(plan, max_frames)
    wf = WindowFigure(figsize=figsize, dpi=dpi)
    args = (size, kernel_size, stride, padding, dilation, ceil_mode)

    def show(pos):
        wf.update(*args, position=_user_pos(plan, pos))
        return []

    show(frames[0])
    anim = FuncAnimation(
        wf.figure, show, frames=frames, interval=interval, repeat=True, cache_frame_data=False
    )
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
    dpi: int = 60,
):
    """Write the sliding animation as a small GIF with Pillow (for the README); return path."""
    anim = sliding_animation(
        size, kernel_size, stride, padding, dilation, ceil_mode, max_frames=max_frames, dpi=dpi
    )
    anim.save(str(path), writer=PillowWriter(fps=fps), dpi=dpi)
    return path
