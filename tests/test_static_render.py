"""The notebooks read without a kernel: ``jupyter nbconvert --to html`` shows every figure.

A learner who opens a notebook on nbviewer or as exported HTML has no kernel: widgets
are gone, so each notebook also stores its key pictures as plain PNG outputs, and its
animations as ``to_jshtml`` players that play from the HTML alone. This converts each
notebook (into a temporary directory, never next to the notebook) and checks that every
stored figure and every player made it into the HTML.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))  # lessons, A1 evidence, A2 gallery

# to_jshtml's player: a div with the frame, a range input, and the script that runs it
PLAYER_PARTS = {
    "player": 'class="animation"',
    # nbconvert rewrites attributes in its own order
    "frame slider": re.compile(r'<input(?=[^>]*type="range")[^>]*class="anim-slider"'),
    "player script": "new Animation(",
}
FIGURE = re.compile(r"<img\b[^>]*\bsrc=\"data:image/png;base64,", re.IGNORECASE)


def _stored(nb: dict) -> tuple[int, int]:
    """Number of PNG outputs and of animation players the notebook stores."""
    png = players = 0
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            png += "image/png" in data
            html = data.get("text/html", "")
            players += (html if isinstance(html, str) else "".join(html)).count('class="animation"')
    return png, players


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_renders_statically_with_every_figure(path, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbconvert",
            "--to",
            "html",
            "--output-dir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"nbconvert failed:\n{result.stderr[-3000:]}"
    html = (tmp_path / path.with_suffix(".html").name).read_text(encoding="utf-8")

    png, players = _stored(json.loads(path.read_text()))
    figures = len(FIGURE.findall(html))
    assert figures >= png, f"the HTML shows {figures} PNG figures, the notebook stores {png}"
    for part, pattern in PLAYER_PARTS.items():
        found = (
            len(pattern.findall(html)) if isinstance(pattern, re.Pattern) else html.count(pattern)
        )
        assert found >= players, f"{players} animations stored, but {found} × {part} in the HTML"
