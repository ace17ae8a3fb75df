"""Write the README's pictures from samepad_viz itself.

    .venv/bin/python scripts/make_readme_images.py [OUTPUT_DIR]   (default: docs/)

GitHub's notebook view strips scripts, so the sliding animation that plays inside the
notebooks (``to_jshtml``) is also written here as a GIF for the repository page.
``tests/test_readme_images.py`` re-creates both files and checks that the committed ones
are current.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from samepad_viz import draw, same_padding  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

# The course's key example: K=3, S=2 on an 8×8 input, where TensorFlow pads (0, 1).
SIZE, KERNEL, STRIDE = (8, 8), 3, 2


def make(out_dir: Path) -> list[Path]:
    """Write ``sliding.gif`` and ``comparison.png`` into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    gif = draw.save_sliding_gif(
        out_dir / "sliding.gif",
        SIZE,
        KERNEL,
        STRIDE,
        padding=same_padding(SIZE, KERNEL, STRIDE),
        max_frames=16,
        fps=1.5,
        dpi=60,
    )
    png = out_dir / "comparison.png"
    fig = draw.draw_comparison(SIZE, KERNEL, STRIDE, padding_a="same", padding_b=1)
    fig.savefig(png, dpi=70, metadata={"Software": None})
    return [Path(gif), png]


if __name__ == "__main__":
    for path in make(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
