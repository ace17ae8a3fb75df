"""The checkers of notebook 04 say right for right answers, wrong (and why) for wrong ones,
and answer None or a wrong type with a friendly message instead of a traceback. The right
answers are pinned to what Keras and PyTorch really do."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from samepad_viz import Conv2dSame
from samepad_viz.exercises import porting as ex

CHECKERS = [
    ex.check_kernel_permutation,
    ex.check_bn_settings,
    ex.check_bn_param_count,
    ex.check_port_module,
]
NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "04_keras_to_pytorch.ipynb"


def _keras():
    keras = pytest.importorskip("keras")
    assert keras.backend.backend() == "torch"
    return keras


def _out(capsys) -> str:
    return capsys.readouterr().out


# --- None and bad types -------------------------------------------------------------------


@pytest.mark.parametrize("check", CHECKERS, ids=lambda f: f.__name__)
def test_none_asks_to_replace_none_with_a_hint(check, capsys):
    feedback = check(None)
    out = _out(capsys)
    assert not feedback
    assert "Replace None" in out and "Hint:" in out
    assert feedback.message == out.strip()


@pytest.mark.parametrize("check", CHECKERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", ["abc", 2.5, {"a": 1}, object(), b"xy", [1, "x"]])
def test_bad_types_are_wrong_without_a_traceback(check, bad, capsys):
    feedback = check(bad)
    assert not feedback
    assert "Not yet" in _out(capsys)


@pytest.mark.parametrize(
    "check, bad",
    [
        (ex.check_kernel_permutation, (0, 1, 2)),
        (ex.check_kernel_permutation, (3, 2, 0, 0)),
        (ex.check_kernel_permutation, (3.0, 2, 0, 1)),
        (ex.check_kernel_permutation, (True, 2, 0, 3)),
        (ex.check_bn_settings, (0.05,)),
        (ex.check_bn_settings, (0.05, "1e-3")),
        (ex.check_bn_settings, (True, 1e-3)),
        (ex.check_bn_param_count, True),
        (ex.check_bn_param_count, 160.0),
        (ex.check_port_module, lambda t: t),
    ],
)
def test_bad_entries_are_named(check, bad, capsys):
    assert not check(bad)
    assert "Not yet" in _out(capsys)


# --- exercise 1: kernel layout -------------------------------------------------------------


def test_kernel_permutation_truth_is_what_loads_a_keras_kernel_into_conv2d(capsys):
    keras = _keras()
    kh, kw, cin, cout = ex.EX1_KERAS_KERNEL
    layer = keras.layers.Conv2D(cout, (kh, kw), use_bias=False)
    x = np.random.default_rng(0).standard_normal((1, 9, 9, cin)).astype("float32")
    want = keras.ops.convert_to_numpy(layer(x)).transpose(0, 3, 1, 2)
    conv = nn.Conv2d(cin, cout, (kh, kw), bias=False)
    order = (3, 2, 0, 1)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(np.asarray(layer.kernel)).permute(*order))
        got = conv(torch.from_numpy(x.transpose(0, 3, 1, 2).copy())).numpy()
    assert np.allclose(got, want, atol=1e-5)
    assert ex.check_kernel_permutation(order)
    assert ex.check_kernel_permutation([3, 2, 0, 1])
    assert ex.check_kernel_permutation(np.array(order))
    assert "Right" in _out(capsys)


@pytest.mark.parametrize(
    "answer, words",
    [
        ((3, 2, 1, 0), "rows and columns are swapped"),
        ((2, 3, 0, 1), "input and output channels swapped"),
        ((0, 1, 2, 3), "PyTorch wants"),
        ((3, 0, 1, 2), "PyTorch wants"),
    ],
)
def test_kernel_permutation_slips_are_named(answer, words, capsys):
    assert not ex.check_kernel_permutation(answer)
    assert words in _out(capsys)


# --- exercise 2: momentum and epsilon ------------------------------------------------------


def test_bn_settings_truth_matches_a_keras_training_step(capsys):
    keras = _keras()
    keras_bn = keras.layers.BatchNormalization(momentum=ex.EX2_KERAS_BN["momentum"])
    assert keras_bn.epsilon == pytest.approx(ex.EX2_KERAS_BN["epsilon"])
    x = np.random.default_rng(1).standard_normal((6, 4, 4, 3)).astype("float32")
    keras_bn(x, training=True)
    momentum, eps = 0.05, 1e-3
    torch_bn = nn.BatchNorm2d(3, momentum=momentum, eps=eps).train()
    torch_bn(torch.from_numpy(x.transpose(0, 3, 1, 2).copy()))
    assert np.allclose(np.asarray(keras_bn.moving_mean), torch_bn.running_mean.numpy(), atol=1e-6)
    assert ex.check_bn_settings((momentum, eps))
    assert ex.check_bn_settings([0.05, 0.001])
    assert "Right" in _out(capsys)


@pytest.mark.parametrize(
    "answer, words",
    [
        ((0.95, 1e-3), "Keras' number copied over"),
        ((0.05, 1e-5), "PyTorch's default"),
        ((0.1, 1e-3), "weight of the new batch"),
        ((0.05, 1e-4), "keep it"),
    ],
)
def test_bn_settings_slips_are_named(answer, words, capsys):
    assert not ex.check_bn_settings(answer)
    assert words in _out(capsys)


# --- exercise 3: what BatchNormalization(axis=2) counts ------------------------------------


def test_bn_param_count_truth_is_keras_own_count(capsys):
    keras = _keras()
    layer = keras.layers.BatchNormalization(axis=ex.EX3_AXIS)
    layer.build(ex.EX3_SHAPE)
    truth = layer.count_params()
    assert ex.check_bn_param_count(truth)
    assert ex.check_bn_param_count(np.int64(truth))
    assert "Right" in _out(capsys)
    for wrong in (truth + 4, truth - 4):
        assert not ex.check_bn_param_count(wrong)


@pytest.mark.parametrize(
    "answer, words",
    [
        (4 * 16, "the channels"),
        (2 * 16, "the channels"),
        (4 * 28, "the height"),
        (2 * 40, "gamma and beta only"),
        (7, "4 numbers per feature"),
    ],
)
def test_bn_param_count_slips_are_named(answer, words, capsys):
    assert not ex.check_bn_param_count(answer)
    assert words in _out(capsys)


# --- exercise 4: port a small model --------------------------------------------------------


def _bn(**kwargs):
    return nn.BatchNorm2d(8, **{"eps": 1e-3, "momentum": 0.01, **kwargs})


@pytest.mark.parametrize(
    "module",
    [
        lambda: nn.Sequential(
            nn.ZeroPad2d((0, 1, 0, 1)), nn.Conv2d(3, 8, 3, stride=2), _bn(), nn.ReLU()
        ),
        lambda: nn.Sequential(Conv2dSame(3, 8, 3, stride=2), _bn(), nn.ReLU()),
    ],
    ids=["ZeroPad2d+Conv2d", "Conv2dSame"],
)
def test_port_module_right_answers(module, capsys):
    answer = module().train()
    assert ex.check_port_module(answer)
    assert "Right" in _out(capsys)
    assert answer.training  # the checker puts the module back in the mode it found


def test_port_module_truth_agrees_with_samepad_port():
    from samepad_viz.port import compare, from_keras

    model = ex.ex4_keras_model()
    assert compare(model, from_keras(model), (ex.EX4_SIZE, ex.EX4_SIZE, 3)).ok


@pytest.mark.parametrize(
    "module, words",
    [
        (
            lambda: nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), _bn(), nn.ReLU()),
            "(0, 1)",
        ),
        (
            lambda: nn.Sequential(
                Conv2dSame(3, 8, 3, stride=2), nn.BatchNorm2d(8, momentum=0.01), nn.ReLU()
            ),
            "eps=1e-05",
        ),
        (
            lambda: nn.Sequential(
                Conv2dSame(3, 8, 3, stride=2), nn.BatchNorm2d(8, eps=1e-3), nn.ReLU()
            ),
            "momentum=0.1",
        ),
        (lambda: nn.Sequential(nn.Conv2d(3, 8, 3, stride=2), _bn(), nn.ReLU()), "output shape"),
        (
            lambda: nn.Sequential(Conv2dSame(3, 8, 3, stride=2, bias=False), _bn(), nn.ReLU()),
            "no bias",
        ),
        (lambda: nn.Sequential(Conv2dSame(3, 8, 3, stride=2), _bn()), "all three layers"),
        (lambda: nn.Sequential(Conv2dSame(3, 8, 3, stride=2), nn.BatchNorm2d(16)), "16 features"),
        (lambda: nn.Sequential(nn.Conv2d(3, 8, 3), nn.Conv2d(8, 8, 1), _bn()), "2 Conv2d"),
        (
            lambda: nn.Sequential(Conv2dSame(3, 8, 3, stride=2), _bn(), nn.Unflatten(1, (3, 3))),
            "raised",
        ),
    ],
    ids=[
        "padding=1",
        "eps",
        "momentum",
        "valid",
        "bias",
        "relu",
        "features",
        "two convs",
        "raises",
    ],
)
def test_port_module_slips_are_named(module, words, capsys):
    assert not ex.check_port_module(module())
    assert words in _out(capsys)


# --- the notebook asks what the checkers check ---------------------------------------------


def test_notebook_states_the_exercise_4_model_the_checker_builds():
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    model = ex.ex4_keras_model()
    conv = model.get_layer("conv").get_config()
    assert f"keras.Input(({ex.EX4_SIZE}, {ex.EX4_SIZE}, 3))" in text
    assert (
        f"layers.Conv2D({conv['filters']}, {conv['kernel_size'][0]}, "
        f'strides={conv["strides"][0]}, padding="{conv["padding"]}")' in text
    )
    assert "BatchNormalization(momentum=0.95)" in text
    assert model.get_layer("bn").get_config()["axis"] in (-1, [3], 3)
