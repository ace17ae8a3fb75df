"""Lesson 01's worked solutions are right: each one, run, satisfies its exercise's checker.

A solution is a folded ``<details><summary>Solution</summary>`` Markdown cell under its
exercise, readable without a kernel, with exactly one ```python fence that assigns the
exercise's answer. Here each fence runs after the Exercises section's other code (the
checker imports), then the exercise cell with its ``exN_answer = None`` line removed,
and the checker must say "right". Every number the solution's prose writes appears in
the question or in the fence, where the asserts and the checker check it.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "01_output_size.ipynb"
OPEN = "<details><summary>Solution</summary>\n\n"
CLOSE = "\n\n</details>"
FENCE = re.compile(r"```python\n(.*?)```", re.DOTALL)
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?!\d)")
LINK_TARGET = re.compile(r"\]\([^)]*\)")


def _source(cell) -> str:
    return "".join(cell["source"])


def _exercise_section() -> list[dict]:
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    heads = [
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "markdown" and _source(c).startswith("## ")
    ]
    start = next(i for i in heads if "Exercises" in _source(cells[i]).splitlines()[0])
    stop = next((i for i in heads if i > start), len(cells))
    return cells[start:stop]


def _exercises() -> list[tuple[int, str, dict, str]]:
    """(number, question, exercise code cell, solution markdown) for each exercise."""
    section = _exercise_section()
    found = []
    for i, cell in enumerate(section):
        text = _source(cell)
        match = re.match(r"\*\*Exercise (\d+)\.\*\*", text)
        if cell["cell_type"] == "markdown" and match:
            code, solution = section[i + 1], section[i + 2]
            assert code["cell_type"] == "code" and solution["cell_type"] == "markdown"
            found.append((int(match.group(1)), text, code, _source(solution)))
    return found


EXERCISES = _exercises()


def test_the_lesson_has_its_six_exercises_numbered_in_order():
    assert [n for n, *_ in EXERCISES] == list(range(1, 7))


@pytest.mark.parametrize(("number", "question", "code", "solution"), EXERCISES, ids=lambda x: "")
def test_solution_is_folded_with_one_python_fence(number, question, code, solution):
    assert solution.startswith(OPEN) and solution.endswith(CLOSE)
    fences = FENCE.findall(solution)
    assert len(fences) == 1 and solution.count("```") == 2
    assert re.search(rf"^ex{number}_answer = ", fences[0], re.MULTILINE)


@pytest.mark.parametrize(("number", "question", "code", "solution"), EXERCISES, ids=lambda x: "")
def test_solution_satisfies_the_checker(number, question, code, solution):
    setup = [
        _source(c)
        for c in _exercise_section()
        if c["cell_type"] == "code" and not re.search(r"^ex\d+_answer = None", _source(c), re.M)
    ]
    cell = _source(code)
    assert cell.startswith(f"ex{number}_answer = None")
    *body, last = [line for line in cell.splitlines() if not line.startswith(f"ex{number}_answer")]
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for source in setup:
            exec(source, namespace)
        exec(FENCE.findall(solution)[0], namespace)
        exec("\n".join(body), namespace)
        feedback = eval(last, namespace)
    assert feedback.correct, feedback.message


@pytest.mark.parametrize(("number", "question", "code", "solution"), EXERCISES, ids=lambda x: "")
def test_every_number_in_the_prose_is_in_the_question_or_the_fence(
    number, question, code, solution
):
    fence = FENCE.findall(solution)[0]
    prose = LINK_TARGET.sub("]", FENCE.sub("", solution.removeprefix(OPEN)))
    allowed = set(NUMBER.findall(question)) | set(NUMBER.findall(fence))
    assert set(NUMBER.findall(prose)) <= allowed


@pytest.mark.parametrize(("number", "question", "code", "solution"), EXERCISES, ids=lambda x: "")
def test_exercise_is_stored_unanswered_with_the_checkers_request(number, question, code, solution):
    shown = "".join("".join(o.get("text", "")) for o in code["outputs"])
    assert shown.startswith("✏️ Replace None with")
