"""The learner's wait: from a key press on a slider to the new picture on screen.

    .venv/bin/python benchmarks/browser_latency.py [--repeat 10]

Starts JupyterLab on a temporary copy of notebooks/ (the browser tests' helpers in
tests/browser/lab.py), shows each explorer in headless Chromium, and presses ArrowRight /
ArrowLeft on its "input size" slider. Each sample is measured in the page's own clock:
from the keydown event to the frame after the new image has been decoded (the kernel's
redraw, the comm round trip and the browser's paint included; Python's own round trip
to the browser not). Prints the median and the range per explorer. Floor: 300 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "browser"))

from lab import (  # noqa: E402
    EXPLORERS,
    EXPLORERS_NOTEBOOK,
    NOTEBOOK,
    Explorer,
    browser_unavailable,
    chromium,
    explorer_notebook,
    jupyterlab,
    left_sidebar,
    open_notebook,
    open_tab,
    run_all,
)

FLOOR_MS = 300
SLIDER = "input size W"  # the explorers' first slider; both have it


def measure(repeat: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    results = {}
    notebooks = {EXPLORERS_NOTEBOOK: explorer_notebook()}
    with jupyterlab(extra_notebooks=notebooks) as lab, sync_playwright() as playwright:
        browser = chromium(playwright)
        try:
            context, tab = open_tab(browser, lab)
            open_notebook(tab.page, lab, EXPLORERS_NOTEBOOK)
            run_all(tab.page)
            left_sidebar(tab.page, shown=False)
            cells = tab.page.locator(f"{NOTEBOOK} .jp-Cell")
            for i, name in enumerate(EXPLORERS):
                explorer = Explorer(tab.page, cells.nth(i + 1).locator(".jp-OutputArea-output"))
                explorer.root.scroll_into_view_if_needed()
                explorer.latency(SLIDER, "ArrowRight")  # warm-up: first redraw, caches
                keys = ["ArrowLeft", "ArrowRight"] * repeat
                results[name] = [explorer.latency(SLIDER, key) for key in keys[:repeat]]
            if tab.errors:
                print(f"uncaught JavaScript errors: {tab.errors}", file=sys.stderr)
            context.close()
        finally:
            browser.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="samples per explorer")
    args = parser.parse_args()
    why = browser_unavailable()
    if why:
        print(f"cannot measure: {why}", file=sys.stderr)
        return 2
    results = measure(args.repeat)
    print(f"key press -> new picture on screen, {args.repeat} presses each (floor {FLOOR_MS} ms)")
    print(f"{'explorer':<18}{'median ms':>10}{'min':>8}{'max':>8}  verdict")
    slow = False
    for name, samples in results.items():
        median = statistics.median(samples)
        slow |= median >= FLOOR_MS
        verdict = "ok" if median < FLOOR_MS else "SLOW"
        print(f"{name:<18}{median:>10.0f}{min(samples):>8.0f}{max(samples):>8.0f}  {verdict}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
