"""Lesson 03 stays a twenty-minute lesson, and its worked solutions are right.

The solutions are Markdown (readable without a kernel), so nothing runs them unless a test
does: each one's ```python fence is run after the Exercises section's setup cell, then the
exercise cell with its ``exN_answer = None`` line removed, and the checker must say
correct. Every number the solution's prose writes must appear in the question or in the
fence, where an assert or the checker checks it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "notebooks" / "03_pooling.ipynb"
EVIDENCE = ROOT / "notebooks" / "A1_evidence.ipynb"
NAV = (
    "[← 02 — 'same' padding](02_same_padding.ipynb) · **03 — Pooling and 'same'** · "
    "[04 — Porting a Keras model to PyTorch →](04_keras_to_pytorch.ipynb)"
)
MAX_WORDS, MAX_CODE_LINES = 1800, 150
FENCE = re.compile(r"```python\n(.*?)```", re.S)
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")


def _cells(path: Path) -> list[tuple[str, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]


CELLS = _cells(LESSON)


def _exercises() -> tuple[list[str], list[tuple[int, str, str, str]]]:
    """The section's setup code cells, and (N, question, exercise cell, solution) per exercise."""
    start = next(
        i for i, (kind, src) in enumerate(CELLS) if re.search(r"^## Exercises$", src, re.M)
    )
    end = next(
        i for i, (kind, src) in enumerate(CELLS) if re.search(r"^## What to remember$", src, re.M)
    )
    section = CELLS[start + 1 : end]
    setup, exercises = [], []
    i = 0
    while i < len(section):
        kind, src = section[i]
        found = re.match(r"\*\*Exercise (\d+)\.\*\*", src) if kind == "markdown" else None
        if found:
            (k1, cell), (k2, solution) = section[i + 1], section[i + 2]
            assert (k1, k2) == ("code", "markdown"), (
                f"Exercise {found[1]}: question, cell, solution"
            )
            exercises.append((int(found[1]), src, cell, solution))
            i += 3
        else:
            if kind == "code":
                setup.append(src)
            i += 1
    return setup, exercises


SETUP, EXERCISES = _exercises()


def test_lesson_fits_twenty_minutes():
    markdown = [src for kind, src in CELLS if kind == "markdown"]
    code = [src for kind, src in CELLS if kind == "code"]
    words = sum(len(re.sub(r"<[^>]+>", " ", m).split()) for m in markdown)
    lines = sum(len([line for line in c.splitlines() if line.strip()]) for c in code)
    assert words <= MAX_WORDS, f"{words} words of prose (budget {MAX_WORDS})"
    assert lines <= MAX_CODE_LINES, f"{lines} lines of code (budget {MAX_CODE_LINES})"


def test_navigation_lines_and_last_cell_links():
    assert CELLS[0][1].startswith(NAV)
    last = CELLS[-1][1]
    assert NAV in last
    assert "[Cheat sheet](../docs/cheatsheet.md)" in last and "(A1_evidence.ipynb)" in last


def test_every_a1_link_names_a_subsection_that_exists():
    headings = {
        m[1]
        for kind, src in _cells(EVIDENCE)
        if kind == "markdown"
        for m in re.finditer(r"^### (§\d+\.\d+) — ", src, re.M)
    }
    links = {
        m[1]
        for _, src in CELLS
        for m in re.finditer(r"\[A1 (§\d+\.\d+)\]\(A1_evidence\.ipynb\)", src)
    }
    assert links, "the lesson links no A1 subsection"
    assert links <= headings, f"links to missing subsections: {sorted(links - headings)}"


def test_four_exercises_numbered_in_order():
    assert [n for n, *_ in EXERCISES] == [1, 2, 3, 4]


@pytest.mark.parametrize("n, question, cell, solution", EXERCISES, ids=lambda v: str(v)[:12])
def test_worked_solution_is_folded_and_right(n, question, cell, solution, capsys):
    name = f"ex{n}_answer"
    assert solution.startswith("<details><summary>Solution</summary>\n\n")
    assert solution.rstrip().endswith("\n\n</details>")
    fences = FENCE.findall(solution)
    assert len(fences) == 1, "exactly one ```python fence in the solution"
    fence = fences[0]
    assert re.search(rf"^{name} = ", fence, re.M), f"the fence assigns {name}"
    lines = cell.splitlines()
    assert lines[-1].startswith("exercises.check_"), "the checker call is the cell's last line"
    assert any(line.startswith(f"{name} = None") for line in lines)

    namespace: dict = {}
    for src in SETUP:
        exec(compile(src, "<setup>", "exec"), namespace)
    exec(compile(fence, f"<solution {n}>", "exec"), namespace)
    body = "\n".join(line for line in lines[:-1] if not line.startswith(f"{name} = None"))
    exec(compile(body, f"<exercise {n}>", "exec"), namespace)
    feedback = eval(lines[-1], namespace)
    assert feedback.correct, capsys.readouterr().out

    prose = FENCE.sub("", solution)
    checked = set(NUMBER.findall(question)) | set(NUMBER.findall(fence))
    unchecked = sorted(set(NUMBER.findall(prose)) - checked)
    assert not unchecked, f"numbers in the solution's prose that nothing checks: {unchecked}"
