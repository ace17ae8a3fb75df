"""The transposed, overlap, causal and inverse-problem pictures, read from their descriptions.

Hypothesis example counts come from the profile in tests/conftest.py.
"""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from matplotlib.figure import Figure

from samepad_viz import draw
from samepad_viz.arithmetic import (
    causal_padding,
    keras_output_size,
    keras_transposed_output_size,
    same_padding,
    solve_padding,
    torch_transposed_padding,
    transposed_output_size,
)
from samepad_viz.draw import description


def scatter_counts(size, kernel_size, stride, padding=0, output_padding=0, dilation=1):
    """Kernel taps landing on each output cell, by the definition: a NumPy scatter count."""
    stamps = (size - 1) * stride + dilation * (kernel_size - 1) + 1
    counts = np.zeros(stamps + output_padding, dtype=int)
    for i in range(size):
        np.add.at(counts, i * stride + dilation * np.arange(kernel_size), 1)
    before, after = (padding, padding) if isinstance(padding, int) else padding
    return counts[before : len(counts) - after]


def transposed_numpy(x, w, stride, padding, output_padding=0, dilation=1):
    """A transposed convolution by its definition: each input cell stamps the kernel."""
    counts_len = (len(x) - 1) * stride + dilation * (len(w) - 1) + 1 + output_padding
    y = np.zeros(counts_len)
    for i, xi in enumerate(x):
        y[i * stride + dilation * np.arange(len(w))] += xi * w
    before, after = (padding, padding) if isinstance(padding, int) else padding
    return y[before : len(y) - after]


# ---------------------------------------------------------------------------------------
# the transposed convolution as spread, pad, convolve
# ---------------------------------------------------------------------------------------


def test_keras_same_against_the_naive_port_for_k3_s2():
    fig = draw.draw_transposed(4, 3, stride=2, padding=1, output_padding=1)
    d = description(fig)
    assert d.zeros_between == d.zeros_between_b == 1
    # Keras: padding 0 and a crop (0, 1) → D·(K − 1) − 0 = 2 left, 2 − 1 = 1 right
    assert d.padding == {"left": 2, "right": 1}
    # naive: 2 − 1 = 1 left, 2 − 1 + 1 = 2 right: every window one cell later
    assert d.padding_b == {"left": 1, "right": 2}
    assert d.output_shape == d.output_shape_b == (8,)
    assert d.differing == d.differing_b == frozenset(range(8))
    assert d.kernel_taps == ("w2", "w1", "w0")  # rotated by 180°


def test_recipe_matches_keras_everywhere():
    (pb, pa), op = draw.keras_same_as_torch(5, 4, 2)
    tp = torch_transposed_padding(5, 4, 2)
    assert (pb, op, tp.crop) == (tp.padding, tp.output_padding, None)
    fig = draw.draw_transposed(5, 4, stride=2, padding=pb, output_padding=op)
    d = description(fig)
    assert d.differing == d.differing_b == frozenset()
    assert d.padding == d.padding_b == {"left": 2, "right": 2}


_FIGURE = draw.TransposedFigure()  # kept between examples, as the explorer keeps it


@given(
    size=st.integers(1, 6),
    kernel_size=st.integers(1, 5),
    stride=st.integers(1, 4),
    dilation=st.integers(1, 2),
    data=st.data(),
)
def test_spread_and_padding_drawn_are_the_transposed_convolution(
    size, kernel_size, stride, dilation, data
):
    reach = dilation * (kernel_size - 1)
    padding = data.draw(st.integers(0, reach))
    output_padding = data.draw(st.integers(0, max(stride, dilation) - 1))
    assume((size - 1) * stride + reach + 1 + output_padding - 2 * padding >= 1)
    d = _FIGURE.update(size, kernel_size, stride, padding, output_padding, dilation)
    if size > 1:
        assert d.zeros_between == d.zeros_between_b == stride - 1
    assert d.spread == (size - 1) * stride + 1
    assert d.padding_b == {
        "left": reach - padding,
        "right": reach - padding + output_padding,
    }
    assert d.output_shape == (keras_transposed_output_size(size, kernel_size, stride, "same"),)
    out_b = transposed_output_size(size, kernel_size, stride, padding, output_padding, dilation)
    assert d.output_shape_b == (out_b,)
    # each output's (tap, input) products are exactly what the definition stamps there
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=size), rng.normal(size=kernel_size)
    expected = transposed_numpy(x, w, stride, padding, output_padding, dilation)
    got = [sum(w[t] * x[i] for t, i in cell) for cell in d.products_b]
    np.testing.assert_allclose(got, expected, atol=1e-12)
    (kb, ka), kop = draw.keras_same_as_torch(size, kernel_size, stride, dilation)
    keras = transposed_numpy(x, w, stride, (kb, ka), kop, dilation)
    np.testing.assert_allclose([sum(w[t] * x[i] for t, i in c) for c in d.products], keras)
    differ = {o for o in range(len(d.products)) if o >= out_b or d.products[o] != d.products_b[o]}
    assert d.differing == differ


def test_transposed_picture_refuses_2d_in_words():
    with pytest.raises(ValueError, match="1-D"):
        draw.draw_transposed((4, 4), 3, 2)


# ---------------------------------------------------------------------------------------
# overlap maps: checkerboards
# ---------------------------------------------------------------------------------------


@given(
    size=st.integers(1, 8),
    kernel_size=st.integers(1, 7),
    stride=st.integers(1, 4),
    padding=st.integers(0, 2),
)
def test_overlap_counts_are_a_scatter_count(size, kernel_size, stride, padding):
    assume(padding <= kernel_size - 1)
    assume((size - 1) * stride + kernel_size - 2 * padding >= 1)
    ax = draw.draw_overlap(size, kernel_size, stride, padding)
    d = description(ax)
    np.testing.assert_array_equal(d.overlap, scatter_counts(size, kernel_size, stride, padding))


@given(kernel_size=st.integers(1, 8), stride=st.integers(1, 4))
def test_overlap_is_uniform_inside_exactly_when_the_kernel_is_a_multiple_of_the_stride(
    kernel_size, stride
):
    size = kernel_size + 3  # room for at least a stride's worth of interior cells
    d = description(draw.draw_overlap(size, kernel_size, stride))
    assert d.interior.sum() >= stride
    assert d.uniform == (kernel_size % stride == 0)
    inner = set(d.overlap[d.interior].tolist())
    assert (len(inner) == 1) == d.uniform


def test_two_dimensional_overlap_is_the_product_and_shows_the_checkerboard():
    fig = draw.draw_overlaps((6, 6), (3, 4), 2)
    uneven, even = description(fig).frames
    c = scatter_counts(6, 3, 2)
    np.testing.assert_array_equal(uneven.overlap, np.outer(c, c))
    assert uneven.uniform is False and even.uniform is True
    assert set(uneven.overlap[uneven.interior].tolist()) == {1, 2, 4}
    assert set(even.overlap[even.interior].tolist()) == {4}
    assert all(len(ax.images) == 1 for ax in fig.axes)  # one artist per grid


def test_kernel_shorter_than_stride_leaves_cells_no_tap_reaches():
    d = description(draw.draw_overlap(4, 1, 3))
    assert d.overlap.tolist() == [1, 0, 0, 1, 0, 0, 1, 0, 0, 1]


# ---------------------------------------------------------------------------------------
# causal padding
# ---------------------------------------------------------------------------------------


@given(
    size=st.integers(1, 12),
    kernel_size=st.integers(1, 5),
    dilation=st.integers(1, 4),
    stride=st.integers(1, 3),
)
def test_each_causal_output_reads_only_the_past(size, kernel_size, dilation, stride):
    fig = draw.draw_causal(size, kernel_size, dilation, stride)
    d = description(fig)
    left, right = causal_padding(kernel_size, dilation)
    assert d.padding == {"left": left, "right": right} and right == 0
    assert d.output_shape == (keras_output_size(size, kernel_size, stride, "causal", dilation),)
    for t, window in enumerate(d.frames):
        assert max(window) == t * stride  # the present is the last tap
        assert all(c <= t * stride for c in window)
        assert len(window) == kernel_size


def test_causal_with_dilation_reads_every_other_step():
    d = description(draw.draw_causal(8, 3, dilation=2))
    assert d.frames[5] == {1, 3, 5}
    assert d.frames[0] == {-4, -2, 0}


# ---------------------------------------------------------------------------------------
# the inverse problem
# ---------------------------------------------------------------------------------------


def test_inverse_marks_tensorflow_and_pytorch_for_the_issue_example():
    d = description(draw.draw_solutions(8, 3, 2, 4))
    assert d.candidates == solve_padding(8, 3, 2, 4) == [(0, 1), (1, 0), (0, 2), (1, 1), (2, 0)]
    assert d.tensorflow == (0, 1) == same_padding(8, 3, 2)
    assert d.pytorch == [(1, 1)]


@given(
    size=st.integers(1, 16),
    kernel_size=st.integers(1, 6),
    stride=st.integers(1, 4),
    target=st.integers(1, 12),
    dilation=st.integers(1, 2),
)
def test_candidate_splits_are_solve_paddings_with_the_right_marks(
    size, kernel_size, stride, target, dilation
):
    try:
        expected = solve_padding(size, kernel_size, stride, target, dilation)
    except ValueError as err:
        with pytest.raises(ValueError, match=re.escape(str(err))):
            draw.draw_solutions(size, kernel_size, stride, target, dilation)
        return
    fig = draw.draw_solutions(size, kernel_size, stride, target, dilation)
    d = description(fig)
    assert d.candidates == expected
    same_out = keras_output_size(size, kernel_size, stride, "same", dilation)
    if target == same_out:
        assert d.tensorflow == same_padding(size, kernel_size, stride, dilation)
        assert d.tensorflow in d.frames
    else:
        assert d.tensorflow is None
    assert d.pytorch == [p for p in expected if p[0] == p[1]]
    assert set(d.pytorch) <= set(d.frames)


def test_new_pictures_use_no_pyplot_and_return_figures():
    before = plt.get_fignums()
    assert isinstance(draw.draw_transposed(4, 3, 2), Figure)
    assert isinstance(draw.draw_causal(6, 3), Figure)
    assert isinstance(draw.draw_solutions(8, 3, 2, 4), Figure)
    fig = Figure()
    ax = fig.add_subplot()
    assert draw.draw_overlap(5, 3, 2, ax=ax) is ax
    assert plt.get_fignums() == before
