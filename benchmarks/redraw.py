"""How long one explorer redraw takes, from a moved slider to PNG bytes.

Run: ``MPLBACKEND=Agg python benchmarks/redraw.py``. Every picture is rendered as the
explorers show it: at ``draw.PIXEL_RATIO`` times the pixels it is shown at (HiDPI; the
first line of the output gives both sizes). For input sizes 8 … 128 it times

* ``explorer``: ``FormulaExplorer`` (its figure kept between redraws, artists updated in
  place, each grid one ``imshow``, texts redrawn only when they change): the kernel
  moves one step, then ``render_png()``;
* ``resized``: the same explorer when the input size changes by one (every text and
  both grids change: the slowest redraw a slider makes);
* ``rectangles``: the same two-panel picture (same size, titles, colours, formula) built
  the naive way, one ``Rectangle`` per cell, rebuilt on every redraw,

and prints the median and 95th percentile of each, wall-clock and CPU time (the process's
own, which other programs competing for the cores do not inflate), with the floors the
issue sets for a moved kernel: median under 40 ms at 32×32, and 128×128 under 3× the time
of 8×8. The rectangle version takes seconds per picture at the large sizes, so it is
repeated less.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matplotlib.patches import Rectangle  # noqa: E402

from samepad_viz import draw  # noqa: E402
from samepad_viz.draw import description  # noqa: E402
from samepad_viz.draw._canvas import _new_figure, _png  # noqa: E402
from samepad_viz.widgets import FormulaExplorer  # noqa: E402

SIZES = (8, 16, 32, 64, 128)
COLOURS = draw.category_colours()
KERNEL, STRIDE, PADDING = 3, 1, 1


def timed(func, repeats: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of ``func(k)`` for k = 0 … repeats − 1."""
    wall, cpu = [], []
    for k in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        func(k)
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def time_explorer(explorer: FormulaExplorer, size: int, repeats: int):
    explorer.set(size=size, kernel_size=KERNEL, stride=STRIDE, padding=PADDING, position=(1, 1))
    explorer.render_png()  # warm up

    def redraw(k):
        explorer.set(position=(1, 2 + k % 2))  # a person moves the output column slider
        assert explorer.render_png().startswith(b"\x89PNG")

    return timed(redraw, repeats)


def time_resized(explorer: FormulaExplorer, size: int, repeats: int):
    explorer.set(size=size, kernel_size=KERNEL, stride=STRIDE, padding=PADDING, position=(1, 1))
    explorer.render_png()  # warm up

    def redraw(k):
        explorer.set(size=size - k % 2)  # a person moves the input size slider
        assert explorer.render_png().startswith(b"\x89PNG")

    return timed(redraw, repeats)


def rectangles_png(size: int, col: int) -> bytes:
    """The explorer's picture drawn with one Rectangle per cell, from scratch."""
    shown = draw.draw_window((size, size), KERNEL, STRIDE, PADDING, position=(1, col))
    drawn = description(shown)
    fig = _new_figure((8, 4), 80, layout=None)
    ax_in = fig.add_axes((0.02, 0.2, 0.56, 0.7))
    ax_out = fig.add_axes((0.63, 0.2, 0.35, 0.7))
    out = drawn.output_shape
    grids = (
        (ax_in, drawn.categories, drawn.origin),
        (ax_out, [[draw.OUTPUT] * out[1] for _ in range(out[0])], (0, 0)),
    )
    for ax, cats, (r0, c0) in grids:
        for r, row in enumerate(cats):
            for c, cat in enumerate(row):
                ax.add_patch(
                    Rectangle(
                        (c0 + c - 0.5, r0 + r - 0.5),
                        1,
                        1,
                        facecolor=COLOURS[cat],
                        edgecolor="white",
                        linewidth=min(1.5, 40 / len(row)),
                    )
                )
        ax.set_xlim(c0 - 0.5, c0 + len(cats[0]) - 0.5)
        ax.set_ylim(r0 + len(cats) - 0.5, r0 - 0.5)
        ax.set_aspect("equal")
        ax.set_axis_off()
    ax_in.set_title(shown.axes[0].get_title(), fontsize=10)
    ax_out.set_title(shown.axes[1].get_title())
    fig.text(0.985, 0.02, shown.texts[0].get_text(), ha="right", va="bottom", fontsize=10)
    return _png(fig)


def time_rectangles(size: int, repeats: int):
    return timed(lambda k: rectangles_png(size, 2 + k % 2), repeats)


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def main(repeats: int = 30) -> int:
    explorer = FormulaExplorer(max_size=max(SIZES))
    png = explorer.render_png()
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    print(
        f"one redraw to PNG at {width}×{height} px, shown at {explorer.image.width}×"
        f"{explorer.image.height} (pixel ratio {draw.PIXEL_RATIO}; K={KERNEL}, S={STRIDE}, "
        f"P={PADDING})"
    )
    print(f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    head = "median / p95 ms, wall (cpu)"
    print(
        f"{'input':>9} | {'explorer ' + head:>40} | {'resized, median ms':>19} | "
        f"{'rectangles ' + head:>42} | n"
    )
    print("-" * 123)
    wall_medians, cpu_medians = {}, {}
    for size in SIZES:
        wall, cpu = time_explorer(explorer, size, repeats)
        swall, scpu = time_resized(explorer, size, max(5, repeats // 3))
        rect_repeats = 3 if size <= 32 else 1
        rwall, rcpu = time_rectangles(size, rect_repeats)
        (med, p95), (cmed, cp95) = summary(wall), summary(cpu)
        (rmed, rp95), (rcmed, rcp95) = summary(rwall), summary(rcpu)
        wall_medians[size], cpu_medians[size] = med, cmed
        print(
            f"{size:>4}×{size:<4} | {med:>9.1f} / {p95:>6.1f} ({cmed:>6.1f} / {cp95:>6.1f})"
            f"         | {summary(swall)[0]:>7.1f} ({summary(scpu)[0]:>6.1f})    "
            f"| {rmed:>9.0f} / {rp95:>6.0f} ({rcmed:>6.0f} / {rcp95:>6.0f})"
            f"          | {repeats}/{rect_repeats}"
        )
    print()
    ok = True
    for name, medians in (("wall", wall_medians), ("cpu", cpu_medians)):
        ratio = medians[128] / medians[8]
        ok_32, ok_ratio = medians[32] < 40, ratio < 3
        ok = ok and ok_32 and ok_ratio
        print(
            f"floors ({name}): median at 32×32 {medians[32]:.1f} ms < 40 ms "
            f"{'ok' if ok_32 else 'FAILED'}; 128×128 / 8×8 = {ratio:.2f} < 3 "
            f"{'ok' if ok_ratio else 'FAILED'}"
        )
    print(f"load average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
