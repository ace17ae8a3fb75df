"""The checkers of notebook 03 say right for right answers, wrong (and why) for wrong ones,
and answer None or a wrong type with a friendly message instead of a traceback."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from samepad_viz.exercises import pooling as ex

CHECKERS = [
    ex.check_max_pool_values,
    ex.check_avg_pool_values,
    ex.check_ceil_mode_sizes,
    ex.check_same_avg_pool_module,
]


def _keras():
    keras = pytest.importorskip("keras")
    assert keras.backend.backend() == "torch"
    return keras


# --- None and bad types -------------------------------------------------------------------


@pytest.mark.parametrize("check", CHECKERS, ids=lambda f: f.__name__)
def test_none_asks_to_replace_none_with_a_hint(check, capsys):
    feedback = check(None)
    out = capsys.readouterr().out
    assert not feedback
    assert "Replace None" in out and "Hint:" in out
    assert feedback.message == out.strip()


@pytest.mark.parametrize("check", CHECKERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", ["abc", 3, 2.5, {"a": 1}, object(), b"xy"])
def test_bad_types_are_wrong_without_a_traceback(check, bad, capsys):
    feedback = check(bad)
    assert not feedback
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    "check, bad",
    [
        (ex.check_max_pool_values, [1, "x", 3, 4]),
        (ex.check_avg_pool_values, [None, 2, 3]),
        (ex.check_ceil_mode_sizes, [6, 8.0]),
        (ex.check_ceil_mode_sizes, [True]),
    ],
)
def test_bad_entries_are_named(check, bad, capsys):
    assert not check(bad)
    assert "Not yet" in capsys.readouterr().out


def test_feedback_displays_nothing_in_a_notebook_and_is_a_bool():
    feedback = ex.Feedback(True, "fine")
    assert feedback and feedback._ipython_display_() is None


# --- exercise 1: max pooling, negative inputs ----------------------------------------------


def test_max_pool_right_answer_is_what_keras_computes(capsys):
    keras = _keras()
    x = np.array(ex.EX1_INPUT, dtype="float32").reshape(1, -1, 1)
    y = keras.layers.MaxPooling1D(3, 2, padding="same")(x)
    keras_values = np.asarray(y).ravel().tolist()
    assert ex.check_max_pool_values(keras_values)
    assert ex.check_max_pool_values(np.array(keras_values))
    assert ex.check_max_pool_values(torch.tensor(keras_values))
    assert "Right" in capsys.readouterr().out


def test_max_pool_zero_padding_is_wrong_and_says_minus_infinity(capsys):
    x = torch.tensor(ex.EX1_INPUT, dtype=torch.float32).reshape(1, 1, -1)
    zero_padded = nn.MaxPool1d(3, 2)(nn.functional.pad(x, (1, 1))).ravel().tolist()
    assert not ex.check_max_pool_values(zero_padded)
    assert "−∞" in capsys.readouterr().out


def test_max_pool_valid_answer_is_recognised(capsys):
    x = torch.tensor(ex.EX1_INPUT, dtype=torch.float32).reshape(1, 1, -1)
    valid = nn.MaxPool1d(3, 2)(x).ravel().tolist()
    assert not ex.check_max_pool_values(valid)
    assert "padding='valid'" in capsys.readouterr().out


def test_max_pool_one_wrong_value_names_the_window(capsys):
    answer = ex.tf_same_pool_1d(ex.EX1_INPUT, 3, 2, "max")
    answer[-1] -= 7
    assert not ex.check_max_pool_values(answer)
    assert "output 3 should be" in capsys.readouterr().out


# --- exercise 2: average pooling leaves padding out -----------------------------------------


def test_avg_pool_right_answer_is_the_mean_of_real_cells(capsys):
    assert ex.check_avg_pool_values([4, 7, 9])
    assert "Right" in capsys.readouterr().out


def test_avg_pool_right_answer_is_what_torch_count_include_pad_false_gives():
    # TF's split for W=5, K=4, S=2 is (1, 2): pad explicitly, leave the padding out by
    # dividing by the number of real cells (a pooled mask), as TensorFlow does.
    x = torch.tensor(ex.EX2_INPUT, dtype=torch.float64).reshape(1, 1, -1)
    padded = nn.functional.pad(x, (1, 2))
    mask = nn.functional.pad(torch.ones_like(x), (1, 2))
    pool = nn.AvgPool1d(4, 2)
    values = (pool(padded) / pool(mask)).ravel().tolist()
    assert ex.check_avg_pool_values(values)


def test_avg_pool_counting_zeros_is_named(capsys):
    x = torch.tensor(ex.EX2_INPUT, dtype=torch.float32).reshape(1, 1, -1)
    counted = nn.AvgPool1d(4, 2)(nn.functional.pad(x, (1, 2))).ravel().tolist()
    assert not ex.check_avg_pool_values(counted)
    assert "count_include_pad=True" in capsys.readouterr().out


def test_avg_pool_keras_torch_backend_answer_is_named(capsys):
    keras = _keras()
    x = np.array(ex.EX2_INPUT, dtype="float32").reshape(1, -1, 1)
    y = np.asarray(keras.layers.AveragePooling1D(4, 2, padding="same")(x)).ravel().tolist()
    # Keras 3.15's torch backend replicates the edges; if a future Keras fixes it, the
    # right answer must still be accepted.
    feedback = ex.check_avg_pool_values(y)
    out = capsys.readouterr().out
    assert feedback or "repeating the edge values" in out


def test_avg_pool_wrong_count(capsys):
    assert not ex.check_avg_pool_values([4, 7])
    assert "3" in capsys.readouterr().out


# --- exercise 3: ceil_mode -----------------------------------------------------------------


def test_ceil_mode_right_set_is_the_even_sizes(capsys):
    assert ex.check_ceil_mode_sizes({6, 8, 10, 12})
    assert ex.check_ceil_mode_sizes([12, 10, 8, 6, 6])
    assert ex.check_ceil_mode_sizes(np.array([6, 8, 10, 12]))
    assert "Right" in capsys.readouterr().out


def test_ceil_mode_truth_agrees_with_keras_max_pooling():
    keras = _keras()
    agree = set()
    for w in ex.EX3_SIZES:
        x = torch.randn(1, 1, w, generator=torch.Generator().manual_seed(w))
        mine = nn.MaxPool1d(3, 2, ceil_mode=True)(x)
        theirs = keras.layers.MaxPooling1D(3, 2, padding="same")(x.reshape(1, w, 1))
        theirs = torch.as_tensor(np.asarray(theirs)).reshape(1, 1, -1)
        if mine.shape == theirs.shape and torch.allclose(mine, theirs):
            agree.add(w)
    assert ex.check_ceil_mode_sizes(agree)


def test_ceil_mode_wrong_set_explains_each_size(capsys):
    assert not ex.check_ceil_mode_sizes({6, 7, 8})
    out = capsys.readouterr().out
    assert "W=7 does not" in out and "(1, 1)" in out
    assert "W=10 does agree" in out and "W=12 does agree" in out


def test_ceil_mode_sizes_outside_the_range_are_refused(capsys):
    assert not ex.check_ceil_mode_sizes({4, 6})
    assert "outside" in capsys.readouterr().out


# --- exercise 4: a PyTorch module ------------------------------------------------------------


@pytest.mark.parametrize(
    "module",
    [
        nn.AvgPool2d(3, stride=2, ceil_mode=True),
        nn.AvgPool2d(3, stride=2, ceil_mode=True, count_include_pad=False),
    ],
    ids=["ceil_mode", "ceil_mode_no_count"],
)
def test_module_right_answers(module, capsys):
    assert ex.check_same_avg_pool_module(module)
    assert "Right" in capsys.readouterr().out


def test_module_layers_avgpool2dsame_if_present():
    layers = pytest.importorskip("samepad_viz.layers")
    assert ex.check_same_avg_pool_module(layers.AvgPool2dSame(3, stride=2))


def test_module_reference_agrees_with_keras_where_keras_is_right():
    # On 8×8 the split is (0, 1): each border window covers two real cells and one padded
    # cell — exactly where Keras 3.15's torch backend replicates. So compare instead on
    # 7×7, where the split (1, 1) is symmetric and Keras is right.
    keras = _keras()
    x = torch.randn(1, 2, 7, 7, generator=torch.Generator().manual_seed(0))
    theirs = keras.layers.AveragePooling2D(3, 2, padding="same")(x.permute(0, 2, 3, 1))
    theirs = torch.as_tensor(np.asarray(theirs)).permute(0, 3, 1, 2)
    assert torch.allclose(ex._reference_avg_2d(x, 3, 2), theirs, atol=1e-6)


def test_module_zero_pad_then_average_differs_only_at_the_border(capsys):
    module = nn.Sequential(nn.ZeroPad2d((0, 1, 0, 1)), nn.AvgPool2d(3, 2))
    assert not ex.check_same_avg_pool_module(module)
    assert "Only border cells differ" in capsys.readouterr().out


def test_module_symmetric_padding_is_shifted(capsys):
    assert not ex.check_same_avg_pool_module(nn.AvgPool2d(3, stride=2, padding=1))
    assert "wrong place" in capsys.readouterr().out


def test_module_wrong_shape(capsys):
    assert not ex.check_same_avg_pool_module(nn.AvgPool2d(3, stride=2))
    assert "(2, 3, 4, 4)" in capsys.readouterr().out


def test_module_that_raises_is_reported_not_raised(capsys):
    assert not ex.check_same_avg_pool_module(nn.MaxPool2d(2, padding="same"))
    assert "raised TypeError" in capsys.readouterr().out


def test_callable_returning_no_tensor(capsys):
    assert not ex.check_same_avg_pool_module(lambda x: 3)
    assert "not a tensor" in capsys.readouterr().out
