"""Every exercise checker speaks with one voice: the openings "✅ Right.", "❌ Not yet."
and "✏️ Replace None with" come from ``exercises/_feedback.py`` only, and so does the one
test of what counts as an int answer."""

import ast
from pathlib import Path

import pytest

import samepad_viz.exercises as exercises
from samepad_viz.exercises._feedback import is_int, missing, say, wrong_kind

PACKAGE = Path(exercises.__file__).parent
CHECKER_MODULES = sorted(p for p in PACKAGE.glob("*.py") if not p.name.startswith("_"))
OPENINGS = ("✅", "❌", "✏️")


def _strings(path):
    """The string constants of a module's code, docstrings left out (they show output)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_there_are_checker_modules():
    assert len(CHECKER_MODULES) >= 5


@pytest.mark.parametrize("path", CHECKER_MODULES, ids=lambda p: p.stem)
def test_checkers_open_their_messages_only_through_feedback(path):
    own = [s for s in _strings(path) if any(mark in s for mark in OPENINGS)]
    assert own == [], f"{path.name} writes its own verdict openings: {own}"


@pytest.mark.parametrize("path", CHECKER_MODULES, ids=lambda p: p.stem)
def test_checkers_define_no_int_test_of_their_own(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    assert "_is_int" not in names
    assert "reply" not in path.read_text(encoding="utf-8")


def test_is_int_refuses_bools_and_floats():
    assert is_int(3) and is_int(0)
    assert not is_int(True) and not is_int(False)
    assert not is_int(3.0) and not is_int("3") and not is_int(None)


def test_the_three_openings(capsys):
    assert say(True, "x.").message == "✅ Right. x."
    assert say(False, "x.").message == "❌ Not yet. x."
    assert missing("an int", "3", "count.").message.startswith("✏️ Replace None with an int")
    feedback = wrong_kind("one int", "14", 2.5)
    assert feedback.message.startswith("❌ Not yet. Your answer should be one int, e.g. 14")
    assert not feedback.correct and not feedback.answered
    capsys.readouterr()
