"""Write the README's pictures, and the GIFs beside the notebooks' animations, from samepad_viz.

    .venv/bin/python scripts/make_readme_images.py [OUTPUT_DIR]   (default: docs/)

A repository page (GitHub's notebook view, the README) runs no JavaScript, so an
animation that plays inside a notebook (``to_jshtml``) shows nothing there: each one is
also written here as a GIF, which the notebook shows beside it —
``sliding_01.gif`` is lesson 01's animation. A GIF or a Markdown image is shown at its
own pixel size, so these are written at ``DPI``, where the pictures' smallest text is
10 px high. ``tests/test_readme_images.py`` re-creates every file and checks that the
committed ones are current; ``tests/test_picture_text.py`` checks their text.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from samepad_viz import draw, same_padding  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DPI = 80  # shown at their own pixel size: 9.5 pt text is 10.6 px

# The course's key example: K=3, S=2 on an 8×8 input, where TensorFlow pads (0, 1).
SIZE, KERNEL, STRIDE = (8, 8), 3, 2

# name -> (sliding_animation's arguments, frames per second)
GIFS = {
    "sliding.gif": (
        {
            "size": SIZE,
            "kernel_size": KERNEL,
            "stride": STRIDE,
            "padding": same_padding(SIZE, KERNEL, STRIDE),
            "max_frames": 16,
        },
        1.5,
    ),
    # lesson 01: draw.sliding_animation((6, 6), kernel_size=3, stride=2, padding=1,
    # interval=900): all 9 positions, 900 ms each
    "sliding_01.gif": (
        {"size": (6, 6), "kernel_size": 3, "stride": 2, "padding": 1, "max_frames": 9},
        1000 / 900,
    ),
    # A2 — Gallery: draw.sliding_animation((6, 6), 3, stride=2, padding="same")
    "sliding_gallery.gif": (
        {"size": (6, 6), "kernel_size": 3, "stride": 2, "padding": "same", "max_frames": 9},
        1000 / 700,
    ),
}


def _animation(arguments: dict):
    return draw.sliding_animation(**arguments, dpi=DPI)


def pictures():
    """``(file name, figure, dpi, frames)`` of every file written; ``frames(fig)`` steps
    the figure through what each frame shows (for the text checks)."""
    out = []
    for name, (arguments, _) in GIFS.items():
        anim = _animation(arguments)
        anim._draw_was_started = True  # stepped by hand by the caller, never saved

        def frames(fig, anim=anim):
            for frame in anim.new_frame_seq():
                anim._func(frame)
                yield frame

        out.append((name, anim._fig, DPI, frames))
    comparison = draw.draw_comparison(SIZE, KERNEL, STRIDE, padding_a="same", padding_b=1)
    out.append(("comparison.png", comparison, DPI, lambda fig: [None]))
    return out


def make(out_dir: Path) -> list[Path]:
    """Write the GIFs and ``comparison.png`` into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (arguments, fps) in GIFS.items():
        arguments = dict(arguments)
        gif = draw.save_sliding_gif(
            out_dir / name,
            arguments.pop("size"),
            arguments.pop("kernel_size"),
            fps=fps,
            dpi=DPI,
            **arguments,
        )
        paths.append(Path(gif))
    png = out_dir / "comparison.png"
    fig = draw.draw_comparison(SIZE, KERNEL, STRIDE, padding_a="same", padding_b=1)
    fig.savefig(png, dpi=DPI, metadata={"Software": None})
    return [*paths, png]


if __name__ == "__main__":
    for path in make(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
