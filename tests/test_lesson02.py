"""Lesson 02 opens with its hook, left its sweeps and claims in the evidence notebook, and
the data its questions print in Markdown (so that a reader without a kernel sees them) is
the data the checkers use. Budget, links and worked solutions: test_lessons.py and
test_solutions.py, for every lesson.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from samepad_viz.exercises import same_padding as exercises

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "notebooks" / "02_same_padding.ipynb"
NAV = (
    "[← 01 — The output-size formula](01_output_size.ipynb) · **02 — 'same' padding** · "
    "[03 — Pooling and 'same' →](03_pooling.ipynb)"
)


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


_, EXERCISES = _exercises()


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


def test_the_parity_rule_is_stated_with_k_eff():
    # a reader took "K and W both odd or both even" literally; with dilation it is K_eff
    # (W=8, K=2, D=2: K_eff=3, split (0, 1)), and the notebook asserts the K_eff rule
    prose = "\n".join(src for kind, src in CELLS if kind == "markdown")
    assert not re.search(r"`K`\s+and\s+`W`\s+(?:are\s+)?both", prose)
    assert len(re.findall(r"`K_eff`\s+and\s+`W`", prose)) >= 2  # §2 and "What to remember"


def test_the_worked_f_pad_example_is_not_exercise_3():
    # Exercise 3's sizes are the checker's; the lesson must not work that very case
    h, w = exercises.PAD_LAYER["size"]
    lesson = CELLS[: CELLS.index(("markdown", EXERCISES[0][1]))]
    code = "\n".join(src for kind, src in lesson if kind == "code")
    prose = "\n".join(src for kind, src in lesson if kind == "markdown")
    assert f"torch_padding(({h}, {w})" not in code and f"{h}×{w}" not in prose
