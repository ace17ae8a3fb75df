"""Lessons 05 and 06 stay twenty-minute lessons, and their worked solutions are right.

The solutions are Markdown (readable without a kernel), so nothing runs them unless a test
does: each one's ```python fence is run after the Exercises section's setup cells, then the
exercise cell with its ``exN_answer = None`` line removed, and the checker must say
correct. Every number the solution's prose writes must appear in the question or in the
fence, where an assert or the checker checks it.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from helpers import KERAS_NUMPY2_WARNINGS

ROOT = Path(__file__).resolve().parent.parent
EVIDENCE = ROOT / "notebooks" / "A1_evidence.ipynb"
NAV = {
    "05_transposed.ipynb": (
        "[← 04 — Porting a Keras model to PyTorch](04_keras_to_pytorch.ipynb) · **05 — "
        "Transposed convolutions** · [06 — Causal padding and the inverse problem →]"
        "(06_causal_inverse.ipynb)"
    ),
    "06_causal_inverse.ipynb": (
        "[← 05 — Transposed convolutions](05_transposed.ipynb) · **06 — Causal padding and "
        "the inverse problem** · [A1 — The claims, settled →](A1_evidence.ipynb)"
    ),
}
LESSONS = sorted(NAV)
MAX_WORDS, MAX_CODE_LINES = 1800, 150
FENCE = re.compile(r"```python\n(.*?)```", re.S)
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")

pytestmark = KERAS_NUMPY2_WARNINGS


def _cells(path: Path) -> list[tuple[str, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]


def _exercises(cells):
    """The section's setup code cells, and (N, question, exercise cell, solution) each."""
    start = next(i for i, (_, src) in enumerate(cells) if re.search(r"^## Exercises$", src, re.M))
    end = next(
        i for i, (_, src) in enumerate(cells) if re.search(r"^## What to remember$", src, re.M)
    )
    section = cells[start + 1 : end]
    setup, exercises = [], []
    for i, (kind, src) in enumerate(section):
        found = re.match(r"\*\*Exercise (\d+)\.\*\*", src) if kind == "markdown" else None
        if found:
            (k1, cell), (k2, solution) = section[i + 1], section[i + 2]
            assert (k1, k2) == ("code", "markdown"), (
                f"Exercise {found[1]}: question, cell, solution"
            )
            exercises.append((int(found[1]), src, cell, solution))
        elif kind == "code" and not re.search(r"^ex\d+_answer = None", src, re.M):
            setup.append(src)
    return setup, exercises


EXERCISES = [
    (name, *exercise)
    for name in LESSONS
    for exercise in _exercises(_cells(ROOT / "notebooks" / name))[1]
]


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_fits_twenty_minutes_and_links_back_and_forth(name):
    cells = _cells(ROOT / "notebooks" / name)
    words = sum(len(re.sub(r"<[^>]+>", " ", s).split()) for k, s in cells if k == "markdown")
    lines = sum(len([ln for ln in s.splitlines() if ln.strip()]) for k, s in cells if k == "code")
    assert words <= MAX_WORDS, f"{words} words of prose (budget {MAX_WORDS})"
    assert lines <= MAX_CODE_LINES, f"{lines} lines of code (budget {MAX_CODE_LINES})"
    assert "about 20 minutes" in cells[0][1]
    assert cells[0][1].startswith(NAV[name]) and NAV[name] in cells[-1][1]
    assert "[Cheat sheet](../docs/cheatsheet.md)" in cells[-1][1]


@pytest.mark.parametrize("name", LESSONS)
def test_every_a1_link_names_a_subsection_that_exists(name):
    headings = {
        m[1]
        for kind, src in _cells(EVIDENCE)
        if kind == "markdown"
        for m in re.finditer(r"^### (§\d+\.\d+) — ", src, re.M)
    }
    links = {
        m[1]
        for _, src in _cells(ROOT / "notebooks" / name)
        for m in re.finditer(r"\[A1 (§\d+\.\d+)(?:–§\d+\.\d+)?\]\(A1_evidence\.ipynb\)", src)
    }
    assert links, "the lesson links no A1 subsection"
    assert links <= headings, f"links to missing subsections: {sorted(links - headings)}"


@pytest.mark.parametrize("name, n, question, cell, solution", EXERCISES, ids=lambda v: str(v)[:16])
def test_worked_solution_is_folded_and_right(name, n, question, cell, solution):
    answer = f"ex{n}_answer"
    assert solution.startswith("<details><summary>Solution</summary>\n\n")
    assert solution.rstrip().endswith("\n\n</details>")
    fences = FENCE.findall(solution)
    assert len(fences) == 1, "exactly one ```python fence in the solution"
    fence = fences[0]
    assert re.search(rf"^{answer} = ", fence, re.M), f"the fence assigns {answer}"
    lines = cell.strip().splitlines()
    assert lines[-1].startswith("check_"), "the checker call is the cell's last line"
    assert re.match(rf"{answer} = None  # ", lines[0])

    setup, _ = _exercises(_cells(ROOT / "notebooks" / name))
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as out:
        for src in setup:
            exec(compile(src, "<setup>", "exec"), namespace)
        exec(compile(fence, f"<solution {n}>", "exec"), namespace)
        body = "\n".join(line for line in lines[:-1] if not line.startswith(f"{answer} = None"))
        exec(compile(body, f"<exercise {n}>", "exec"), namespace)
        feedback = eval(lines[-1], namespace)
    assert feedback, out.getvalue()

    prose = FENCE.sub("", solution)
    checked = set(NUMBER.findall(question)) | set(NUMBER.findall(fence))
    unchecked = sorted(set(NUMBER.findall(prose)) - checked)
    assert not unchecked, f"numbers in the solution's prose that nothing checks: {unchecked}"
