"""Notebook 02's exercise checkers: right answers pass, wrong ones fail with a reason,
and unanswered (None) or malformed answers get a friendly message, never a traceback."""

from __future__ import annotations

import pytest

from samepad_viz import same_padding, torch_padding
from samepad_viz.exercises import same_padding as ex

RIGHT = {
    ex.check_split: same_padding(**ex.SPLIT_LAYER),
    ex.check_symmetric: {
        letter
        for letter, config in ex.SYMMETRIC_CONFIGS.items()
        if torch_padding(**config).symmetric
    },
    ex.check_pad: torch_padding(**ex.PAD_LAYER).pad,
    ex.check_model_paddings: tuple(torch_padding(**c).padding for _, c in ex.MODEL_LAYERS),
}
CHECKERS = list(RIGHT)


def _name(checker) -> str:
    return checker.__name__


def _wrong(feedback) -> bool:
    return feedback.answered and not feedback.correct


def _unanswered(feedback) -> bool:
    return not feedback.answered and not feedback.correct


@pytest.mark.parametrize("checker", CHECKERS, ids=_name)
def test_right_answer_is_right(checker, capsys):
    assert checker(RIGHT[checker]).correct
    assert capsys.readouterr().out.startswith("✅ Right.")


@pytest.mark.parametrize("checker", CHECKERS, ids=_name)
def test_none_asks_for_an_answer_with_a_hint(checker, capsys):
    assert _unanswered(checker(None))
    out = capsys.readouterr().out
    assert out.startswith("✏️ Replace None with")
    assert "Hint:" in out


@pytest.mark.parametrize("checker", CHECKERS, ids=_name)
@pytest.mark.parametrize(
    "bad",
    ["abc", 3.5, object(), (1, "2"), [True, False], {}],
    ids=["str", "float", "object", "mixed-tuple", "bools", "dict"],
)
def test_malformed_answer_is_explained_not_raised(checker, bad, capsys):
    if checker is ex.check_symmetric and isinstance(bad, str):
        pytest.skip("a string of letters is a valid kind of answer for this checker")
    assert _unanswered(checker(bad))
    out = capsys.readouterr().out
    assert out.startswith("❌ Not yet. Your answer should be") and "Traceback" not in out


@pytest.mark.parametrize("checker", CHECKERS, ids=_name)
def test_feedback_displays_nothing_more_in_a_notebook(checker, capsys):
    feedback = checker(RIGHT[checker])
    assert bool(feedback) and feedback._ipython_display_() is None
    assert capsys.readouterr().out.strip() == feedback.message


def test_the_exercises_have_the_answers_the_notebook_text_promises():
    # the notebook's prose depends on these: an asymmetric split, a mixed symmetric set,
    # a non-square pad whose two dimensions differ, and the model's three paddings
    assert same_padding(**ex.SPLIT_LAYER) == (1, 2)
    assert RIGHT[ex.check_symmetric] == {"A", "C", "E", "F"}
    assert RIGHT[ex.check_pad] == (0, 1, 1, 1)
    assert RIGHT[ex.check_model_paddings] == (1, 0, 1)


# --- wrong answers say why ------------------------------------------------------------------


def test_split_reversed_says_the_extra_goes_after(capsys):
    before, after = same_padding(**ex.SPLIT_LAYER)
    assert _wrong(ex.check_split((after, before)))
    assert "wrong side" in capsys.readouterr().out


def test_split_with_right_shape_but_wrong_split_says_values_differ(capsys):
    assert _wrong(ex.check_split((2, 2)))
    out = capsys.readouterr().out
    assert "right output size" in out and "values differ" in out


def test_split_with_wrong_total_reports_the_output_size(capsys):
    assert _wrong(ex.check_split((1, 1)))
    assert "13 cells" in capsys.readouterr().out


def test_symmetric_names_each_misjudged_configuration(capsys):
    assert _wrong(ex.check_symmetric("ABCD"))
    out = capsys.readouterr().out
    assert "B (W=30, K=4, S=1)" in out and "(1, 2)" in out
    assert "D (W=32, K=3, S=2)" in out
    assert "E (W=10, K=2, S=1, D=2)" in out and "padding=1 is exact" in out
    assert "F (W=30, K=2, S=2)" in out and "A (" not in out


def test_symmetric_accepts_lists_lowercase_and_commas(capsys):
    assert ex.check_symmetric(["a", "c", "e", "f"]).correct
    assert ex.check_symmetric("A, C, E, F").correct


def test_symmetric_unknown_letter_is_not_a_traceback(capsys):
    assert _unanswered(ex.check_symmetric({"Z"}))
    assert "no configuration Z" in capsys.readouterr().out


def test_pad_height_first_is_called_out(capsys):
    assert _wrong(ex.check_pad((1, 1, 0, 1)))
    assert "height first" in capsys.readouterr().out


def test_pad_extra_before_is_called_out(capsys):
    assert _wrong(ex.check_pad((1, 0, 1, 1)))
    assert "before (left/top)" in capsys.readouterr().out


def test_pad_other_wrong_answer_still_explains(capsys):
    assert _wrong(ex.check_pad((1, 1, 1, 1)))
    assert "(left, right, top, bottom) = (0, 1, 1, 1)" in capsys.readouterr().out


def test_pad_accepts_a_list(capsys):
    assert ex.check_pad([0, 1, 1, 1]).correct


def test_pad_of_wrong_length_is_explained(capsys):
    assert _unanswered(ex.check_pad((0, 1)))
    assert "four ints" in capsys.readouterr().out


def test_model_paddings_wrong_pool_padding_gives_the_sizes(capsys):
    assert _wrong(ex.check_model_paddings((1, 1, 1)))
    out = capsys.readouterr().out
    assert "padding=1 gives 16 cells where Keras gives 15" in out


def test_negative_numbers_are_malformed(capsys):
    assert _unanswered(ex.check_split((-1, 2)))
    assert _unanswered(ex.check_model_paddings((1, -1, 1)))
