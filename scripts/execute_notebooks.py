"""Run notebooks top to bottom in a fresh kernel and store them clean.

    .venv/bin/python scripts/execute_notebooks.py                 # every notebook
    .venv/bin/python scripts/execute_notebooks.py notebooks/01_*.ipynb

Outputs are produced only by running the notebook (nbval compares against them). After
the run, everything that would make a diff noisy is dropped: per-cell execution
timestamps, widget state, print output split into chunks, and notebook metadata beyond
the kernel and language name.
Cell ids are made deterministic (``cell-01``, ``cell-02``, …) so a re-run changes only
what really changed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

KEEP_METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop volatile metadata and number the cell ids."""
    nb.metadata = nbformat.from_dict(KEEP_METADATA)
    for number, cell in enumerate(nb.cells, start=1):
        cell.id = f"cell-{number:02d}"
        cell.metadata = nbformat.from_dict(
            {k: v for k, v in cell.metadata.items() if k in ("tags",)}
        )
        if cell.cell_type == "code":
            for output in cell.outputs:
                output.get("metadata", {}).pop("execution", None)
    return nb


def execute(path: Path, timeout: int = 600) -> None:
    """Execute ``path`` in a fresh kernel of this Python, from the notebooks folder."""
    nb = nbformat.read(path, as_version=4)
    env_backup = dict(os.environ)
    os.environ.setdefault("KERAS_BACKEND", "torch")
    os.environ["PYTHONHASHSEED"] = "0"
    try:
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
            record_timing=False,
        )
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    nbformat.write(clean(nb), path)


def main(paths: list[str]) -> None:
    targets = [Path(p).resolve() for p in paths] or sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))
    for path in targets:
        print(f"executing {path.relative_to(ROOT)}", flush=True)
        execute(path)


if __name__ == "__main__":
    main(sys.argv[1:])
