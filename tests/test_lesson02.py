"""Lesson 02 stays a twenty-minute lesson, links the evidence it left behind, and its worked
solutions are right.

The solutions are Markdown (readable without a kernel), so nothing runs them unless a test
does: each one's ```python fence runs after the Exercises section's setup cell, then the
exercise cell with its ``exN_answer = None`` line removed, and the checker must say correct.
Every number the solution's prose writes must appear in the question or in the fence, where
an assert or the checker checks it. The data the questions print in Markdown (so that a
reader without a kernel sees them) must be the data the checkers use.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from samepad_viz.exercises import same_padding as exercises

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "notebooks" / "02_same_padding.ipynb"
EVIDENCE = ROOT / "notebooks" / "A1_evidence.ipynb"
NAV = (
    "[← 01 — The output-size formula](01_output_size.ipynb) · **02 — 'same' padding** · "
    "[03 — Pooling and 'same' →](03_pooling.ipynb)"
)
MAX_WORDS, MAX_CODE_LINES = 1800, 150
OPEN, CLOSE = "<details><summary>Solution</summary>\n\n", "\n\n</details>"
FENCE = re.compile(r"```python\n(.*?)```", re.S)
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?!\d)")
LINK_TARGET = re.compile(r"\]\([^)]*\)")


def _cells(path: Path) -> list[tuple[str, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]


CELLS = _cells(LESSON)


def _exercises() -> tuple[list[str], list[tuple[int, str, str, str]]]:
    """The section's setup code cells, and (N, question, exercise cell, solution) per exercise."""
    start = next(i for i, (_, src) in enumerate(CELLS) if re.search(r"^## Exercises$", src, re.M))
    end = next(
        i for i, (_, src) in enumerate(CELLS) if re.search(r"^## What to remember$", src, re.M)
    )
    section, setup, found = CELLS[start + 1 : end], [], []
    i = 0
    while i < len(section):
        kind, src = section[i]
        match = re.match(r"\*\*Exercise (\d+)\.\*\*", src) if kind == "markdown" else None
        if match:
            (k1, cell), (k2, solution) = section[i + 1], section[i + 2]
            assert (k1, k2) == ("code", "markdown"), (
                f"Exercise {match[1]}: question, cell, solution"
            )
            found.append((int(match[1]), src, cell, solution))
            i += 3
        else:
            if kind == "code":
                setup.append(src)
            i += 1
    return setup, found


SETUP, EXERCISES = _exercises()


def test_lesson_fits_twenty_minutes():
    markdown = [src for kind, src in CELLS if kind == "markdown"]
    code = [src for kind, src in CELLS if kind == "code"]
    words = sum(len(re.sub(r"<[^>]+>", " ", m).split()) for m in markdown)
    lines = sum(len([line for line in c.splitlines() if line.strip()]) for c in code)
    assert words <= MAX_WORDS, f"{words} words of prose (budget {MAX_WORDS})"
    assert lines <= MAX_CODE_LINES, f"{lines} lines of code (budget {MAX_CODE_LINES})"


def test_opens_with_the_coordinate_trick_and_ends_with_the_links():
    assert CELLS[0][1].startswith(NAV)
    hook = next(src for kind, src in CELLS if kind == "code" and "10 * np.arange(8)" in src)
    assert CELLS.index(("code", hook)) <= 3, "the hook comes first"
    last = CELLS[-1][1]
    assert NAV in last
    assert "[Cheat sheet](../docs/cheatsheet.md)" in last and "(A1_evidence.ipynb)" in last


def test_no_claims_section_or_sweep_is_left_in_the_lesson():
    text = "\n".join(src for _, src in CELLS)
    assert "Claims in circulation" not in text and "### Claim" not in text
    assert "for w in range(1, 13)" not in text  # the 288-configuration sweep lives in A1 §2.1


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
    section_2 = {h for h in headings if h.startswith("§2.")}
    assert links <= headings, f"links to missing subsections: {sorted(links - headings)}"
    assert section_2 <= links, f"A1 subsections the lesson never links: {sorted(section_2 - links)}"


def test_four_exercises_numbered_in_order():
    assert [n for n, *_ in EXERCISES] == [1, 2, 3, 4]


def test_questions_show_the_checkers_data():
    questions = {n: q for n, q, *_ in EXERCISES}
    for letter, config in exercises.SYMMETRIC_CONFIGS.items():
        row = (config["size"], config["kernel_size"], config["stride"], config.get("dilation", 1))
        assert f"{letter}\n`{row}`" in questions[2] or f"{letter} `{row}`" in questions[2]
    for name, config in exercises.MODEL_LAYERS:
        assert f"`{name}` on {config['size']}×{config['size']}" in questions[4]
    w, k, s = (exercises.SPLIT_LAYER[key] for key in ("size", "kernel_size", "stride"))
    assert f"kernel_size={k}, strides={s}" in questions[1] and f"{w}×{w}" in questions[1]
    h, w = exercises.PAD_LAYER["size"]
    assert f"`(N, C, {h}, {w})`" in questions[3]


@pytest.mark.parametrize(
    ("n", "question", "cell", "solution"), EXERCISES, ids=lambda v: str(v)[:12]
)
def test_worked_solution_is_folded_and_right(n, question, cell, solution):
    name = f"ex{n}_answer"
    assert solution.startswith(OPEN) and solution.endswith(CLOSE)
    fences = FENCE.findall(solution)
    assert len(fences) == 1 and solution.count("```") == 2, "exactly one ```python fence"
    assert re.search(rf"^{name} = ", fences[0], re.M), f"the fence assigns {name}"
    lines = cell.splitlines()
    assert lines[0].startswith(f"{name} = None") and lines[-1].startswith("check_")

    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for src in SETUP:
            exec(compile(src, "<setup>", "exec"), namespace)
        exec(compile(fences[0], f"<solution {n}>", "exec"), namespace)
        exec(compile("\n".join(lines[1:-1]), f"<exercise {n}>", "exec"), namespace)
        feedback = eval(lines[-1], namespace)
    assert feedback.correct, feedback.message

    prose = LINK_TARGET.sub("]", FENCE.sub("", solution.removeprefix(OPEN)))
    checked = set(NUMBER.findall(question)) | set(NUMBER.findall(fences[0]))
    unchecked = sorted(set(NUMBER.findall(prose)) - checked)
    assert not unchecked, f"numbers in the solution's prose that nothing checks: {unchecked}"


@pytest.mark.parametrize(
    ("n", "question", "cell", "solution"), EXERCISES, ids=lambda v: str(v)[:12]
)
def test_exercise_is_stored_unanswered_with_the_checkers_request(n, question, cell, solution):
    nb = json.loads(LESSON.read_text(encoding="utf-8"))
    stored = next(c for c in nb["cells"] if "".join(c["source"]) == cell)
    shown = "".join("".join(o.get("text", "")) for o in stored["outputs"])
    assert shown.startswith("✏️ Replace None with")
