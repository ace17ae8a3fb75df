"""Helpers shared by several test modules (``from helpers import …``; pytest puts tests/ on
sys.path). Nothing heavy here: the Keras and torch ones are in tests/helpers_keras.py."""

import html
import itertools
import re
import textwrap

import numpy as np
import pytest
from hypothesis import strategies as st

# Keras 3.15 reading torch tensors through NumPy 2 warns on every weight or output read.
KERAS_NUMPY2_WARNINGS = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)

TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def pairs(strategy):
    return st.tuples(strategy, strategy)


def as_int_when_square(value):
    """``(3, 3)`` → ``3``: exercises the one-value-for-all-dimensions form as well."""
    return value[0] if len(set(value)) == 1 else value


def random_array(seed, shape):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def tf_same_average_pool(x, pool, strides):
    """TensorFlow's 'same' average pooling of a NumPy array of any rank, written out.

    As in TensorFlow's GetWindowedOutputSizeVerbose, per dimension: out = ⌈W / S⌉, the
    padding needed is max((out − 1)·S + K − W, 0), the padding before is half of it rounded
    down. Each output is the mean of the *real* input cells its window covers; padding is
    never counted.
    """
    starts = []
    for n, k, s in zip(x.shape, pool, strides, strict=True):
        out = -(-n // s)
        needed = max((out - 1) * s + k - n, 0)
        starts.append([i * s - needed // 2 for i in range(out)])
    result = np.empty(tuple(len(axis) for axis in starts), dtype=np.float64)
    for index in itertools.product(*(range(len(axis)) for axis in starts)):
        window = tuple(
            slice(max(axis[i], 0), min(axis[i] + k, n))
            for axis, i, k, n in zip(starts, index, pool, x.shape, strict=True)
        )
        result[index] = x[window].mean()
    return result


# ---------------------------------------------------------------------------------------
# the explorers: what their panes say, and driving them
# ---------------------------------------------------------------------------------------


def commented_out(code: str, err: str, hint: str = "") -> str:
    """PyTorch code that would fail: every line commented out, the reason wrapped at spaces."""
    reason = textwrap.wrap(
        f"does not work: {err}",
        78,
        initial_indent="# ",
        subsequent_indent="# ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join(["# " + code.replace("\n", "\n# "), *reason, *([f"# {hint}"] if hint else [])])


def pane_text(pane) -> str:
    """The code an HTML pane shows, as a learner would copy it."""
    return html.unescape(re.sub(r"<[^>]+>", "", pane.value))


def assert_label_follows(explorer, steps, label) -> None:
    """Move the controls step by step; after each, the text is ``label(values)``."""
    for step in steps:
        explorer.set(**step)
        assert explorer.text == label(explorer.values)
    assert explorer.render_png().startswith(b"\x89PNG")  # the last possible state draws
