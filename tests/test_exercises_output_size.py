"""The checkers of notebook 01: right for right answers, wrong with the reason for wrong
ones, and a friendly message (never a traceback) for None or an answer of the wrong kind.

The truth the checkers compute with samepad_viz is pinned here against real torch.nn
layers, and each exercise's question is pinned against the notebook's text.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from samepad_viz.exercises import output_size as ex

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "01_output_size.ipynb"

SIZE_CHECKERS = {
    "conv": ex.check_conv_output_size,
    "dilated": ex.check_dilated_output_size,
    "ceil_mode": ex.check_ceil_mode_output_size,
    "last_window": ex.check_last_window_rule,
}
ALL_CHECKERS = [
    *SIZE_CHECKERS.values(),
    ex.check_unread_cells,
    ex.check_same_size_kernels,
]


def _torch_output(exercise: ex.Exercise) -> torch.Size:
    layer = eval(exercise.layer, {"nn": nn})  # the layer exactly as the learner reads it
    with torch.no_grad():
        return layer(torch.zeros(exercise.input_shape)).shape


def _run(checker, answer, capsys):
    feedback = checker(answer)
    printed = capsys.readouterr().out
    assert printed.strip() == feedback.message.strip(), "the checker prints its message once"
    return feedback


# --- the truth is what PyTorch computes ----------------------------------------------------


@pytest.mark.parametrize("key", SIZE_CHECKERS)
def test_size_exercise_truth_is_what_the_torch_layer_outputs(key):
    exercise = ex.EXERCISES[key]
    shape = _torch_output(exercise)
    spatial = len(exercise.input_shape) - 2
    assert tuple(shape[2:]) == (exercise.output_size(),) * spatial


def test_unread_cells_truth_is_what_the_torch_conv_never_reads():
    exercise = ex.EXERCISES["unread"]
    layer = eval(exercise.layer, {"nn": nn})
    with torch.no_grad():
        layer.weight.fill_(1.0)  # no zero weight may hide a cell that is read
    x = torch.zeros(exercise.input_shape, requires_grad=True)
    layer(x).sum().backward()  # a cell no window reads gets no gradient
    never_read = {i for i, g in enumerate(x.grad.flatten().tolist()) if g == 0}
    feedback = ex.check_unread_cells(never_read)
    assert feedback.correct and never_read == {10, 11}


def test_same_size_kernels_truth_is_what_torch_conv1d_keeps():
    spec = ex.EXERCISES["same_kernels"].config
    keeps = set()
    for k in spec["kernel_sizes"]:
        for p in range(k + 1):
            y = nn.Conv1d(1, 1, kernel_size=k, padding=p)(torch.zeros(1, 1, spec["size"]))
            if y.shape[-1] == spec["size"]:
                keeps.add(k)
    assert ex.check_same_size_kernels(keeps).correct
    assert keeps == {3, 5, 7}


# --- right answers ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", SIZE_CHECKERS)
def test_right_size_is_right_and_shows_the_substituted_formula(key, capsys):
    truth = ex.EXERCISES[key].output_size()
    feedback = _run(SIZE_CHECKERS[key], truth, capsys)
    assert feedback.correct
    assert feedback.message.startswith("✅ Right.")
    assert f"= {truth}." in feedback.message


@pytest.mark.parametrize(
    "answer", [11, np.int64(11), 11.0, np.float64(11.0), torch.tensor(11), (11, 11), [11, 11]]
)
def test_right_size_in_any_reasonable_spelling_is_right(answer):
    assert ex.check_conv_output_size(answer).correct


@pytest.mark.parametrize(
    "answer", [{10, 11}, [11, 10], (10, 11), range(10, 12), np.array([10, 11])]
)
def test_unread_cells_accepts_any_collection_of_ints(answer):
    assert ex.check_unread_cells(answer).correct


def test_same_size_kernels_right_answer_names_the_padding(capsys):
    feedback = _run(ex.check_same_size_kernels, [3, 5, 7], capsys)
    assert feedback.correct and "K=5: P=2" in feedback.message


# --- wrong answers say why -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("checker", "answer", "reason"),
    [
        (ex.check_conv_output_size, 34 / 3, "leave out the floor"),
        (ex.check_conv_output_size, 11.33, "leave out the floor"),
        (ex.check_conv_output_size, 12, "round up"),
        (ex.check_conv_output_size, 10, "leave the padding out"),
        (ex.check_conv_output_size, 10, "count the padding once"),
        (ex.check_conv_output_size, 10, "forget the + 1"),
        (ex.check_conv_output_size, 9, "Count the window positions"),
        (ex.check_conv_output_size, 7.5, "not a whole number"),
        (ex.check_conv_output_size, 0, "at least one cell"),
        (ex.check_conv_output_size, (11, 12), "they are equal"),
        (ex.check_dilated_output_size, 22, "ignore the dilation"),
        (ex.check_dilated_output_size, 13, "D·K = 12"),
        (ex.check_dilated_output_size, 15, "forget the + 1"),
        (ex.check_ceil_mode_output_size, 7, "round down"),
        (ex.check_last_window_rule, 4, "entirely in the right padding"),
        (ex.check_unread_cells, {11}, "cell 10 is never read"),
        (ex.check_unread_cells, {9, 10, 11}, "cell 9 is read: window 2 covers cells 6…9"),
        (ex.check_unread_cells, set(), "cell 11 is never read"),
        (ex.check_unread_cells, {12}, "not input cells"),
        (ex.check_same_size_kernels, {3, 5}, "K=7 can: padding=3"),
        (ex.check_same_size_kernels, {3, 4, 5, 7}, "K=4 cannot: padding=1 gives 9"),
        (ex.check_same_size_kernels, {1, 3}, "are not"),
    ],
)
def test_wrong_answer_is_wrong_with_the_reason(checker, answer, reason, capsys):
    feedback = _run(checker, answer, capsys)
    assert not feedback.correct
    assert feedback.message.startswith("❌ Not yet.")
    assert reason in feedback.message


def test_slip_values_are_computed_not_typed():
    # the "no padding" slip of exercise 1 is output_size with padding 0, as torch says
    exercise = ex.EXERCISES["conv"]
    no_pad = nn.Conv2d(3, 8, kernel_size=5, stride=3)(torch.zeros(exercise.input_shape))
    assert "leave the padding out" in ex.check_conv_output_size(no_pad.shape[-1]).message


def test_last_window_slip_is_the_ceiling_torch_refuses():
    exercise = ex.EXERCISES["last_window"]
    shape = _torch_output(exercise)
    assert not ex.check_last_window_rule(shape[-1] + 1).correct


# --- None and answers of the wrong kind --------------------------------------------------------


@pytest.mark.parametrize("checker", ALL_CHECKERS, ids=lambda f: f.__name__)
def test_none_asks_for_a_prediction_and_gives_a_hint(checker, capsys):
    feedback = _run(checker, None, capsys)
    assert not feedback.correct
    assert feedback.message.startswith("✏️ Replace None with")
    assert "\nHint: " in feedback.message


class _Unlistable:
    def __iter__(self):
        raise RuntimeError("no")


@pytest.mark.parametrize("checker", ALL_CHECKERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "answer",
    [
        "11",
        True,
        {"a": 1},
        object(),
        float("nan"),
        float("inf"),
        torch.Size([1, 8, 11, 11]),
        _Unlistable(),
        [None],
        ["10"],
        1.5,
        -3,
    ],
)
def test_bad_answers_give_a_message_not_a_traceback(checker, answer, capsys):
    feedback = _run(checker, answer, capsys)
    assert not feedback.correct
    assert feedback.message.startswith("❌ Not yet.")
    assert "Traceback" not in feedback.message


def test_feedback_displays_nothing_itself_so_the_cell_shows_the_message_once():
    feedback = ex.check_conv_output_size(None)
    assert feedback._ipython_display_() is None
    assert bool(feedback) is False


# --- the notebook asks exactly these questions -------------------------------------------------


def _notebook_markdown() -> str:
    if not NOTEBOOK.exists():
        pytest.skip("notebook 01 not written yet")
    nb = json.loads(NOTEBOOK.read_text())
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


@pytest.mark.parametrize("key", ex.EXERCISES)
def test_notebook_asks_each_question_verbatim(key):
    assert ex.EXERCISES[key].question in _notebook_markdown()


def test_notebook_stores_every_exercise_unanswered():
    if not NOTEBOOK.exists():
        pytest.skip("notebook 01 not written yet")
    nb = json.loads(NOTEBOOK.read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    for number in range(1, len(ex.EXERCISES) + 1):
        assert f"ex{number}_answer = None" in code
