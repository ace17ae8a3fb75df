"""Every exercise of every lesson has a worked solution a reader can see without a kernel,
and the solution is right.

The format (one exercise = three cells, inside the lesson's ``## Exercises`` section):

1. a markdown cell that starts with ``**Exercise N.**`` (the question);
2. a code cell with the line ``exN_answer = None  # …`` and, as its last line, the checker
   call (``check_…(exN_answer)``), which returns a Feedback;
3. a markdown cell ``<details><summary>Solution</summary>`` + blank line + prose + exactly
   one ```` ```python ```` fence that assigns ``exN_answer`` + blank line + ``</details>``.

For each exercise the test runs the section's other code cells (the first imports the
checkers), then the solution's fence, then the exercise cell without its
``exN_answer = None`` line, and asserts that the checker's Feedback is correct. Every
number written in the solution's prose must appear in the question or in the fence's code
(not only in a comment), where an assert or the checker checks it. The second half of
this file tests the test on small synthetic notebooks.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

EXERCISE = re.compile(r"\*\*Exercise (\d+)\.\*\*")
SECTION = re.compile(r"^## +(?:\d+\. +)?Exercises\b", re.MULTILINE)
HEADING = re.compile(r"^## ", re.MULTILINE)
SUMMARY = "<details><summary>Solution</summary>"
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
ANY_FENCE = re.compile(r"^```", re.MULTILINE)
# a number in prose: not part of a name (Conv2D, ex1_answer, x2) nor of a longer number
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w])")


class FormatError(AssertionError):
    """The notebook does not follow the exercise/solution format; says where and why."""


def _source(cell) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


@dataclass
class Exercise:
    notebook: Path
    number: int
    question: str
    code: str
    code_outputs: list
    solution: str | None  # the markdown of the solution cell, None when there is none
    setup: list[str]  # the section's other code cells, in order

    @property
    def where(self) -> str:
        return f"{self.notebook.name}, Exercise {self.number}"


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _section(cells: list[dict], path: Path) -> tuple[int, int] | None:
    """Indices ``[start, end)`` of the ``## Exercises`` section; None when there is none."""
    starts = [
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "markdown" and SECTION.search(_source(c))
    ]
    if not starts:
        return None
    if len(starts) > 1:
        raise FormatError(f"{path.name}: {len(starts)} '## Exercises' sections, expected one")
    start = starts[0]
    end = next(
        (
            i
            for i in range(start + 1, len(cells))
            if cells[i]["cell_type"] == "markdown" and HEADING.search(_source(cells[i]))
        ),
        len(cells),
    )
    return start, end


def exercise_numbers(path: Path) -> list[int]:
    """The N of every ``**Exercise N.**`` in the notebook's markdown, in order."""
    return [
        int(n)
        for c in _cells(path)
        if c["cell_type"] == "markdown"
        for n in EXERCISE.findall(_source(c))
    ]


def parse(path: Path) -> dict[int, Exercise]:
    """Every exercise of the notebook, with its question, code cell and solution.

    Raises :class:`FormatError` for a layout the format does not allow (an exercise that
    does not start its own cell, outside the section, without a code cell after it).
    """
    cells = _cells(path)
    section = _section(cells, path)
    numbers = exercise_numbers(path)
    if not numbers:
        return {}
    if section is None:
        raise FormatError(f"{path.name}: exercises {numbers} but no '## Exercises' section")
    start, end = section
    exercises: dict[int, Exercise] = {}
    exercise_cells: set[int] = set()
    for i, cell in enumerate(cells):
        text = _source(cell)
        if cell["cell_type"] != "markdown" or not EXERCISE.search(text):
            continue
        n = int(EXERCISE.search(text).group(1))
        if not text.lstrip().startswith(f"**Exercise {n}.**"):
            raise FormatError(
                f"{path.name}, Exercise {n}: the question must start its own markdown cell "
                f"with '**Exercise {n}.**' (found inside a cell that starts "
                f"{text.lstrip()[:40]!r})"
            )
        if not start < i < end:
            raise FormatError(f"{path.name}, Exercise {n}: outside the '## Exercises' section")
        if n in exercises:
            raise FormatError(f"{path.name}: two questions numbered Exercise {n}")
        code_i = i + 1
        if code_i >= end or cells[code_i]["cell_type"] != "code":
            raise FormatError(
                f"{path.name}, Exercise {n}: the cell after the question must be its code "
                f"cell (ex{n}_answer = None + the checker call)"
            )
        solution = None
        sol_i = code_i + 1
        if sol_i < end and cells[sol_i]["cell_type"] == "markdown":
            candidate = _source(cells[sol_i])
            if candidate.lstrip().startswith(SUMMARY):
                solution = candidate
                exercise_cells.add(sol_i)
        exercise_cells.update((i, code_i))
        exercises[n] = Exercise(
            path, n, text, _source(cells[code_i]), cells[code_i].get("outputs", []), solution, []
        )
    setup = [
        _source(cells[j])
        for j in range(start, end)
        if cells[j]["cell_type"] == "code" and j not in exercise_cells
    ]
    for exercise in exercises.values():
        exercise.setup = setup
    return exercises


# ---------------------------------------------------------------------------------------
# checking one exercise
# ---------------------------------------------------------------------------------------


def _answer_line(n: int) -> re.Pattern:
    return re.compile(rf"^[ \t]*ex{n}_answer[ \t]*=[ \t]*None\b.*$", re.MULTILINE)


def check_format(ex: Exercise) -> str:
    """The solution's fence, after checking every rule of the format; FormatError if not."""
    n, where = ex.number, ex.where
    if len(_answer_line(n).findall(ex.code)) != 1:
        raise FormatError(f"{where}: the code cell needs exactly one line 'ex{n}_answer = None'")
    lines = [line for line in ex.code.splitlines() if line.strip()]
    if not lines or f"ex{n}_answer" not in lines[-1] or "=" in lines[-1].split("(")[0]:
        raise FormatError(
            f"{where}: the code cell's last line must be the checker call on ex{n}_answer, "
            f"e.g. check_…(ex{n}_answer); it is {lines[-1] if lines else ''!r}"
        )
    if ex.solution is None:
        raise FormatError(
            f"{where} has no worked solution: the cell after its code cell must be a "
            f"markdown cell starting '{SUMMARY}' (then a blank line, the reasoning, one "
            f"```python fence that assigns ex{n}_answer, a blank line and '</details>')"
        )
    text = ex.solution.strip()
    if not text.endswith("</details>"):
        raise FormatError(f"{where}: the solution cell must end with '</details>'")
    if not re.match(re.escape(SUMMARY) + r"[ \t]*\n[ \t]*\n", text):
        raise FormatError(
            f"{where}: leave a blank line after '{SUMMARY}' (Markdown renders inside only then)"
        )
    if not re.search(r"\n[ \t]*\n[ \t]*</details>$", text):
        raise FormatError(f"{where}: leave a blank line before '</details>'")
    fences = FENCE.findall(text)
    if len(fences) != 1 or len(ANY_FENCE.findall(text)) != 2:
        raise FormatError(
            f"{where}: the solution needs exactly one ```python fence, found "
            f"{len(fences)} python fence(s) and {len(ANY_FENCE.findall(text)) // 2} in all"
        )
    fence = fences[0]
    try:
        tree = ast.parse(fence)
    except SyntaxError as err:
        raise FormatError(f"{where}: the solution's fence is not valid Python: {err}") from err
    assigned = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }
    if f"ex{n}_answer" not in assigned:
        raise FormatError(f"{where}: the solution's fence must assign ex{n}_answer")
    return fence


def _numbers(text: str) -> set[float]:
    return {float(m) for m in NUMBER.findall(text)}


def _prose(solution: str) -> str:
    """The solution's words: fence, HTML tags and the summary left out."""
    text = FENCE.sub(" ", solution)
    return re.sub(r"<[^>]+>", " ", text.replace(SUMMARY, " "))


def _code_only(fence: str) -> str:
    """The fence without its comments: a number only in a comment is checked by nothing."""
    tokens = tokenize.generate_tokens(io.StringIO(fence).readline)
    return " ".join(t.string for t in tokens if t.type != tokenize.COMMENT)


def unchecked_numbers(ex: Exercise, fence: str) -> list[str]:
    """Numbers written in the solution's prose that neither the question nor the fence's
    code (its comments left out) has."""
    known = _numbers(ex.question) | _numbers(_code_only(fence))
    return [m for m in NUMBER.findall(_prose(ex.solution)) if float(m) not in known]


def _run(source: str, namespace: dict, what: str):
    """Execute a cell (IPython magics dropped); the value of its last expression, if any."""
    source = "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
    )
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    try:
        exec(compile(tree, what, "exec"), namespace)  # noqa: S102 - the course's own cells
        if last is not None:
            expression = ast.Expression(last.value)
            return eval(compile(expression, what, "eval"), namespace)  # noqa: S307
    except Exception as err:
        hint = ""
        if isinstance(err, NameError):
            hint = (
                "; the section's code cells that are not exercise cells run first (the first, "
                "before Exercise 1, imports the checkers), then the fence, then this cell"
            )
        raise AssertionError(f"{what} raised {type(err).__name__}: {err}{hint}") from err
    return None


def run_exercise(ex: Exercise):
    """Setup cells, the solution's fence, the exercise cell without its None line: the
    checker's Feedback, after every format rule is checked."""
    fence = check_format(ex)
    stray = unchecked_numbers(ex, fence)
    if stray:
        raise FormatError(
            f"{ex.where}: the solution's prose writes {sorted(set(stray))}, which neither the "
            f"question nor the fence contains; compute them in the fence (with an assert)"
        )
    namespace: dict = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()):
        for i, cell in enumerate(ex.setup):
            _run(cell, namespace, f"{ex.where}: setup code cell {i + 1} of the section")
        _run(fence, namespace, f"{ex.where}: the solution's fence")
        cell = _answer_line(ex.number).sub("", ex.code)
        feedback = _run(cell, namespace, f"{ex.where}: the exercise cell")
    if not hasattr(feedback, "correct"):
        raise AssertionError(f"{ex.where}: the exercise cell returned {feedback!r}, not a Feedback")
    if not feedback.correct:
        raise AssertionError(f"{ex.where}: the solution's answer is not right:\n{feedback.message}")
    return feedback


# ---------------------------------------------------------------------------------------
# the course's notebooks
# ---------------------------------------------------------------------------------------


def _course_exercises() -> list:
    params = []
    for path in NOTEBOOKS:
        for n in dict.fromkeys(exercise_numbers(path)):
            params.append(pytest.param(path, n, id=f"{path.stem}-ex{n}"))
    return params


COURSE = _course_exercises()


@pytest.mark.skipif(not COURSE, reason="no notebook has exercises")
@pytest.mark.parametrize(("path", "number"), COURSE)
def test_exercise_has_a_worked_solution_that_the_checker_accepts(path, number, monkeypatch):
    monkeypatch.chdir(path.parent)  # as the notebook runs
    run_exercise(parse(path)[number])


@pytest.mark.parametrize(("path", "number"), COURSE)
def test_exercise_cell_stores_the_unanswered_message(path, number):
    ex = parse(path)[number]
    text = "".join(
        "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
        for o in ex.code_outputs
    )
    if ex.code_outputs:
        assert "Replace None with" in text, f"{ex.where}: the stored output is {text[:80]!r}"


# ---------------------------------------------------------------------------------------
# the test, tested on synthetic notebooks
# ---------------------------------------------------------------------------------------

SETUP = """\
from samepad_viz.exercises._feedback import missing, say


def check_size(answer):
    if answer is None:
        return missing("an int", "3", "count the windows.")
    return say(answer == 11, "out = 11.")
"""
QUESTION = "**Exercise 1.** `nn.Conv1d(1, 1, kernel_size=5, stride=3, padding=2)` on W = 32?"
CODE = "ex1_answer = None  # an int\ncheck_size(ex1_answer)"
GOOD = """\
<details><summary>Solution</summary>

Count the window positions: ⌊(W + 2P − K) / S⌋ + 1.

```python
W, K, S, P = 32, 5, 3, 2
out = (W + 2 * P - K) // S + 1
assert out == 11
ex1_answer = out
```

</details>"""


def _md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(text, outputs=()):
    return {
        "cell_type": "code",
        "metadata": {},
        "source": text,
        "outputs": list(outputs),
        "execution_count": None,
    }


def _notebook(tmp_path, *cells, name="lesson.ipynb"):
    path = tmp_path / name
    nb = {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def _lesson(tmp_path, solution=GOOD, question=QUESTION, code=CODE, after=()):
    return _notebook(
        tmp_path,
        _md("## 1. Something\n\nText."),
        _md("## Exercises\n\nReplace each None."),
        _code(SETUP),
        _md(question),
        _code(code),
        *([_md(solution)] if solution is not None else []),
        *after,
        _md("## What to remember\n\n- 11 is not checked here."),
    )


def _exercise(path, n=1):
    return parse(path)[n]


def test_a_well_formed_solution_passes(tmp_path):
    feedback = run_exercise(_exercise(_lesson(tmp_path)))
    assert feedback.correct and feedback.message.startswith("✅ Right.")


def test_an_exercise_without_a_solution_fails_clearly(tmp_path):
    with pytest.raises(FormatError, match="Exercise 1 has no worked solution"):
        run_exercise(_exercise(_lesson(tmp_path, solution=None)))


def test_a_wrong_answer_in_the_fence_fails_with_the_checkers_message(tmp_path):
    wrong = GOOD.replace("ex1_answer = out", "ex1_answer = out + 1")
    with pytest.raises(AssertionError, match="not right:\n❌ Not yet. out = 11."):
        run_exercise(_exercise(_lesson(tmp_path, solution=wrong)))


def test_a_fence_that_does_not_assign_the_answer_fails(tmp_path):
    with pytest.raises(FormatError, match="must assign ex1_answer"):
        run_exercise(_exercise(_lesson(tmp_path, solution=GOOD.replace("ex1_answer", "answer"))))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.replace("```python", "```python\nx = 1\n```\n\n```python", 1), "exactly one"),
        (lambda s: s.replace("```python", "```", 1), "exactly one"),
        (lambda s: s.replace("Solution</summary>\n\n", "Solution</summary>\n"), "blank line after"),
        (lambda s: s.replace("```\n\n</details>", "```\n</details>"), "blank line before"),
        (lambda s: s.replace("</details>", ""), "end with '</details>'"),
        (lambda s: s.replace("assert out == 11\n", "assert out == 11\n  bad indent\n"), "valid"),
    ],
    ids=[
        "two-fences",
        "no-python-fence",
        "no-blank-after",
        "no-blank-before",
        "unclosed",
        "syntax",
    ],
)
def test_each_format_rule_fails_with_its_reason(tmp_path, change, message):
    with pytest.raises(FormatError, match=message):
        run_exercise(_exercise(_lesson(tmp_path, solution=change(GOOD))))


def test_a_number_in_the_prose_that_nothing_checks_fails(tmp_path):
    typed = GOOD.replace("+ 1.", "+ 1 = 12.")
    with pytest.raises(FormatError, match=r"writes \['12'\]"):
        run_exercise(_exercise(_lesson(tmp_path, solution=typed)))


def test_a_number_only_in_a_comment_of_the_fence_is_not_checked(tmp_path):
    typed = GOOD.replace("+ 1.", "+ 1 = 12.").replace("assert out == 11", "assert out == 11  # 12")
    with pytest.raises(FormatError, match=r"writes \['12'\]"):
        run_exercise(_exercise(_lesson(tmp_path, solution=typed)))


def test_numbers_of_the_question_or_the_fence_may_be_written_and_names_are_not_numbers(
    tmp_path,
):
    prose = GOOD.replace(
        "+ 1.", "+ 1 = ⌊(32 + 2·2 − 5) / 3⌋ + 1 = 11 for `Conv1d` (not Conv2d, nor ex1_answer)."
    )
    assert run_exercise(_exercise(_lesson(tmp_path, solution=prose))).correct


def test_the_setup_cells_of_the_section_run_first_including_later_ones(tmp_path):
    code = "ex1_answer = None  # an int\ncheck_size(ex1_answer + OFFSET - OFFSET)"
    path = _lesson(tmp_path, code=code, after=[_code("OFFSET = 4")])
    assert run_exercise(_exercise(path)).correct


def test_the_code_cell_needs_the_none_line_and_ends_with_the_checker(tmp_path):
    with pytest.raises(FormatError, match="exactly one line 'ex1_answer = None'"):
        run_exercise(_exercise(_lesson(tmp_path, code="check_size(11)")))
    with pytest.raises(FormatError, match="last line must be the checker call"):
        run_exercise(_exercise(_lesson(tmp_path, code=CODE + "\nx = 1")))


def test_an_exercise_inside_the_section_header_cell_is_refused(tmp_path):
    path = _notebook(
        tmp_path,
        _md("## Exercises\n\nIntro.\n\n" + QUESTION),
        _code(SETUP + "\n" + CODE),
    )
    with pytest.raises(FormatError, match="must start its own markdown cell"):
        parse(path)


def test_exercises_outside_the_section_or_without_one_are_refused(tmp_path):
    path = _notebook(tmp_path, _md(QUESTION), _code(CODE), _md(GOOD))
    with pytest.raises(FormatError, match="no '## Exercises' section"):
        parse(path)
    path = _notebook(
        tmp_path, _md("## Exercises"), _md("## Later"), _md(QUESTION), _code(CODE), name="b.ipynb"
    )
    with pytest.raises(FormatError, match="outside the '## Exercises' section"):
        parse(path)


def test_a_notebook_without_exercises_has_nothing_to_check(tmp_path):
    assert parse(_notebook(tmp_path, _md("## 1. Intro"), _code("x = 1"))) == {}


def test_a_numbered_exercises_heading_counts_and_the_section_ends_at_the_next_heading(tmp_path):
    path = _notebook(
        tmp_path,
        _md("## 9. Exercises\n\nPredict first."),
        _code(SETUP),
        _md(QUESTION),
        _code(CODE),
        _md(GOOD),
        _md("## What to remember"),
        _code("raise RuntimeError('not part of the section')"),
    )
    assert run_exercise(_exercise(path)).correct
