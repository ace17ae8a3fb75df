"""The README's and the notebooks' GIFs and picture are what scripts/make_readme_images.py
draws today."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "make_readme_images.py"


def _frames(path: Path) -> list[np.ndarray]:
    with Image.open(path) as im:
        return [np.asarray(f.convert("RGB"), dtype=np.int16) for f in ImageSequence.Iterator(im)]


def _load_script():
    spec = importlib.util.spec_from_file_location("make_readme_images", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_readme_images_are_current(tmp_path):
    fresh = _load_script().make(tmp_path)
    for path in fresh:
        committed = ROOT / "docs" / path.name
        assert committed.exists(), f"docs/{path.name} is missing: run {SCRIPT.name}"
        old, new = _frames(committed), _frames(path)
        assert len(old) == len(new), f"docs/{path.name}: {len(old)} frames, now {len(new)}"
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            assert a.shape == b.shape, f"docs/{path.name} frame {i}: size changed"
            changed = np.abs(a - b).max(axis=-1) > 40
            assert changed.mean() < 0.002, (
                f"docs/{path.name} frame {i} differs from today's drawing in "
                f"{changed.mean():.1%} of pixels: run scripts/{SCRIPT.name}"
            )


def test_readme_shows_the_gif_and_the_comparison():
    readme = (ROOT / "README.md").read_text()
    assert "docs/sliding.gif" in readme and "docs/comparison.png" in readme


def test_every_notebook_animation_has_a_gif_beside_it():
    """A repository page runs no JavaScript: a notebook that plays an animation
    (``to_jshtml``) also shows a GIF this script writes, in a Markdown image."""
    written = set(_load_script().GIFS)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        code = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        if "sliding_animation(" not in code:
            continue
        markdown = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        shown = set(re.findall(r"\]\(\.\./docs/([\w.-]+\.gif)\)", markdown))
        assert shown & written, f"{path.name} plays an animation but shows none of {written}"
        for name in shown:
            assert (ROOT / "docs" / name).exists(), f"{path.name} shows docs/{name}: missing"
