"""Write docs/cheatsheet.md from samepad_viz (Keras layer → PyTorch lines, rules, glossary).

    .venv/bin/python scripts/make_cheatsheet.py [OUTPUT]   (default: docs/cheatsheet.md)

Every number and code line comes from ``samepad_viz.cheatsheet``, which asks
``samepad_viz.arithmetic``. ``tests/test_cheatsheet.py`` checks that the committed file is
what this script writes now, and runs every entry against Keras 3.
"""

from __future__ import annotations

import sys
from pathlib import Path

from samepad_viz.cheatsheet import render

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "docs" / "cheatsheet.md"


def make(path: Path = DEFAULT) -> Path:
    """Write the cheat sheet to ``path``; return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return path


if __name__ == "__main__":
    written = make(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
    print(f"wrote {written.relative_to(ROOT) if written.is_relative_to(ROOT) else written}")
