"""Lesson 04 reads as a twenty-minute lesson, and its worked solutions are right.

Each exercise of the notebook's ``## Exercises`` section is a question (markdown), an
answer cell (``exN_answer = None`` … checker call last) and a folded solution
(``<details><summary>Solution</summary>`` with exactly one ```python fence). A solution is
checked by running the section's setup cells, then its fence, then the answer cell without
its ``exN_answer = None`` line: the checker must say right. Every number the solution's
prose states must also be in the question or in the fence, where it is checked.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "04_keras_to_pytorch.ipynb"
WORDS, LINES = 1_800, 150  # issue 11: a lesson's budget over all cells
NAV = (
    "[← 03 — Pooling and 'same'](03_pooling.ipynb) · **04 — Porting a Keras model to "
    "PyTorch** · [05 — Transposed convolutions →](05_transposed.ipynb)"
)
FENCE = re.compile(r"```python\n(.*?)```", re.S)
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:e-?\d+)?(?![\w.])")


def _cells():
    return [
        (c["cell_type"], "".join(c["source"])) for c in json.loads(NOTEBOOK.read_text())["cells"]
    ]


def _exercises():
    """(setup code, [(number, question, answer cell, solution markdown), ...])."""
    cells = _cells()
    start = next(
        i for i, (k, s) in enumerate(cells) if k == "markdown" and s.startswith("## Exercises")
    )
    end = next(
        i for i, (k, s) in enumerate(cells) if i > start and k == "markdown" and s.startswith("## ")
    )
    section = cells[start + 1 : end]
    setup, found = [], []
    for i, (kind, text) in enumerate(section):
        match = re.match(r"\*\*Exercise (\d+)\.\*\*", text)
        if kind == "markdown" and match:
            answer_kind, answer = section[i + 1]
            solution_kind, solution = section[i + 2]
            assert answer_kind == "code" and solution_kind == "markdown", text[:40]
            found.append((int(match.group(1)), text, answer, solution))
        elif kind == "code" and not re.search(r"^ex\d+_answer = None", text, re.M):
            setup.append(text)
    return "\n".join(setup), found


def _prose_words(text: str) -> int:
    return len(re.sub(r"<[^>]+>", " ", text).split())


def test_lesson_fits_its_budget_and_links_back_and_forth():
    cells = _cells()
    words = sum(_prose_words(s) for k, s in cells if k == "markdown")
    lines = sum(len([ln for ln in s.splitlines() if ln.strip()]) for k, s in cells if k == "code")
    assert words <= WORDS and lines <= LINES, (words, lines)
    assert cells[0][1].startswith(NAV) and NAV in cells[-1][1]
    assert "(../docs/cheatsheet.md)" in cells[-1][1] and "(A1_evidence.ipynb)" in cells[-1][1]
    assert "about 20 minutes" in cells[0][1]


def test_every_exercise_has_one_folded_solution_in_the_agreed_form():
    _, exercises = _exercises()
    assert [n for n, *_ in exercises] == [1, 2, 3, 4]
    for n, _, answer, solution in exercises:
        assert re.search(rf"^ex{n}_answer = None  # ", answer, re.M), n
        assert answer.strip().splitlines()[-1].startswith("exercises.check_"), n
        assert solution.startswith("<details><summary>Solution</summary>\n\n"), n
        assert solution.rstrip().endswith("\n\n</details>"), n
        fences = FENCE.findall(solution)
        assert len(fences) == 1 and re.search(rf"^ex{n}_answer = ", fences[0], re.M), n


def test_every_number_in_a_solutions_prose_is_in_its_question_or_fence():
    _, exercises = _exercises()
    for n, question, _, solution in exercises:
        fence = FENCE.findall(solution)[0]
        prose = FENCE.sub(" ", solution)
        for number in NUMBER.findall(prose):
            assert number in NUMBER.findall(question) + NUMBER.findall(fence), (n, number)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_worked_solution_is_what_the_checker_calls_right(n):
    setup, exercises = _exercises()
    _, _, answer, solution = next(e for e in exercises if e[0] == n)
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(setup, "exercises-setup", "exec"), namespace)
        exec(compile(FENCE.findall(solution)[0], f"solution-{n}", "exec"), namespace)
        body = re.sub(rf"^ex{n}_answer = None.*\n", "", answer, flags=re.M)
        *before, last = body.strip().splitlines()
        exec(compile("\n".join(before), f"exercise-{n}", "exec"), namespace)
        feedback = eval(compile(last, f"exercise-{n}-check", "eval"), namespace)
    assert feedback, feedback.message
