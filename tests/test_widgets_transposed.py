"""The transposed-convolution and inverse-problem explorers, driven without a browser.

Labels are recomputed here from samepad_viz.arithmetic for the values the controls hold.
Hypothesis example counts come from the profile in tests/conftest.py.
"""

import io

import numpy as np
import pytest
from helpers import assert_label_follows, commented_out, pane_text
from hypothesis import given
from hypothesis import strategies as st

from samepad_viz.arithmetic import (
    keras_output_size,
    keras_transposed_output_size,
    same_padding,
    solve_padding,
    torch_transposed_padding,
    transposed_as_convolution,
    transposed_output_size,
)
from samepad_viz.draw import description
from samepad_viz.widgets import TRANSPOSED_CHOICES, InverseExplorer, TransposedExplorer

# ---------------------------------------------------------------------------------------
# what the labels must say, straight from samepad_viz.arithmetic
# ---------------------------------------------------------------------------------------


def keras_as_torch(w, k, s, d):
    tp = torch_transposed_padding(w, k, s, d)
    return (tp.padding, tp.padding + (1 if tp.crop else 0)), tp.output_padding


def transposed_label(v: dict) -> str:
    fw, w, k, s, d, p, op = (
        v[n]
        for n in ("torch", "size", "kernel_size", "stride", "dilation", "padding", "output_padding")
    )
    assert 0 <= p <= d * (k - 1) and 0 <= op < max(s, d)  # the sliders keep PyTorch's limits
    keras_out = keras_transposed_output_size(w, k, s, "same")
    kp, kop = keras_as_torch(w, k, s, d)
    lines = [
        f"Keras Conv1DTranspose(kernel_size={k}, strides={s}, padding='same'): output "
        f"W·S = {keras_out}; as a convolution: the input spread by {s}, padded "
        f"{transposed_as_convolution(w, k, s, kp, kop, d)[1]}, the kernel rotated 180°"
    ]
    if s > 1 and d > 1:
        lines.append("(Keras refuses strides > 1 with dilation_rate > 1; drawn by definition)")
    if fw == "custom":
        args, name = (p, op), f"PyTorch padding={p}, output_padding={op}"
        extra = f", output_padding={op}" if op else ""
        extra += f", dilation={d}" if d > 1 else ""
        code = (
            f"nn.ConvTranspose1d(in_channels, out_channels, kernel_size={k}, stride={s}, "
            f"padding={p}{extra})"
        )
    else:
        args, name = (kp, kop), "PyTorch recipe"
        code = torch_transposed_padding(w, k, s, d).code
    try:
        out = transposed_output_size(w, k, s, *args, d)
    except ValueError as err:  # the code pane shows the failing line commented out
        refused = commented_out(code, str(err))
        return "\n".join([f"Not possible: {err}", "", "PyTorch:", refused])
    conv = transposed_as_convolution(w, k, s, *args, d)[1]
    shape = "the same size as Keras" if out == keras_out else f"Keras has {keras_out}"
    lines.append(f"{name}: output {out} ({shape}); as a convolution: padded {conv}")
    return "\n".join([*lines, "", "PyTorch:", code])


def inverse_label(v: dict) -> str:
    w, k, s, d, t = (v[n] for n in ("size", "kernel_size", "stride", "dilation", "target"))
    try:
        pairs = solve_padding(w, k, s, t, d)
    except ValueError as err:
        return f"Not possible: {err}"
    listed = ", ".join(map(str, pairs[:12])) + (
        f", … ({len(pairs) - 12} more)" if len(pairs) > 12 else ""
    )
    n = len(pairs)
    paddings = "1 padding (before, after) gives" if n == 1 else f"{n} paddings (before, after) give"
    outputs = "1 output" if t == 1 else f"{t} outputs"
    lines = [f"{paddings} {outputs}: {listed}"]
    same_out = keras_output_size(w, k, s, "same", d)
    if same_out == t:
        lines.append(
            f"TensorFlow 'same' pads {same_padding(w, k, s, d)}: its output ⌈{w} / {s}⌉ = {t}"
        )
    else:
        gives = "1 output" if same_out == 1 else f"{same_out} outputs"
        lines.append(f"TensorFlow 'same' gives ⌈{w} / {s}⌉ = {gives}, not {t}")
    symmetric = [b for b, a in pairs if b == a]
    if symmetric:
        lines.append("PyTorch's int padding= can: " + ", ".join(f"padding={b}" for b in symmetric))
    else:
        lines.append(
            "PyTorch's int padding= cannot (no symmetric pair): pad with "
            "F.pad(x, (before, after)) first, then padding=0"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# TransposedExplorer
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def transposed():
    return TransposedExplorer()


def test_naive_port_has_keras_shape_but_every_cell_differs(transposed):
    transposed.set(torch="custom", size=4, kernel_size=3, stride=2, dilation=1)
    transposed.set(padding=1, output_padding=1)
    assert transposed.text == transposed_label(transposed.values)
    assert "output 8 (the same size as Keras)" in transposed.text
    drawn = description(transposed.figure)
    assert drawn.differing == frozenset(range(8))
    assert drawn.padding == {"left": 2, "right": 1} and drawn.padding_b == {"left": 1, "right": 2}


def test_recipe_matches_keras_and_shows_the_crop(transposed):
    transposed.set(torch="recipe", size=4, kernel_size=3, stride=2, dilation=1)
    assert transposed.text == transposed_label(transposed.values)
    assert "y = y[..., :-1]" in transposed.text
    assert not description(transposed.figure).differing
    assert transposed.controls["padding"].disabled


def test_sliders_keep_pytorchs_limits(transposed):
    transposed.set(torch="custom", kernel_size=3, stride=2, dilation=1, padding=9, output_padding=9)
    assert (transposed.values["padding"], transposed.values["output_padding"]) == (2, 1)
    transposed.set(kernel_size=2)  # the padding slider follows the kernel
    assert transposed.values["padding"] == 1
    assert transposed.text == transposed_label(transposed.values)


def test_an_empty_output_says_why_and_keeps_the_picture(transposed):
    transposed.set(torch="custom", size=3, kernel_size=2, stride=1, dilation=1, padding=0)
    picture = transposed.render_png()
    transposed.set(size=1, padding=1)
    assert transposed.text.startswith("Not possible: padding 1 + 1 removes the whole output")
    assert transposed.render_png() == picture
    code = pane_text(transposed.torch_code).splitlines()
    assert all(line.startswith("# ") for line in code)  # nothing to copy that would fail
    assert "kernel_size=2, stride=1, padding=1" in code[0] and "does not work" in code[1]


def test_dropdown_labels_fit_the_dropdown(transposed):
    """The 330 px dropdown (110 px of it the description) shows about 26 characters."""
    labels = [label for label, _ in transposed.controls["torch"].options]
    assert max(map(len, labels)) <= 26 and set(labels) == set(TRANSPOSED_CHOICES.values())


def test_unknown_choice_is_refused(transposed):
    with pytest.raises(ValueError, match="torch must be one of"):
        transposed.set(torch="tf")


controls_transposed = st.fixed_dictionaries(
    {},
    optional={
        "torch": st.sampled_from(["custom", "recipe"]),
        "size": st.integers(-1, 14),
        "kernel_size": st.integers(0, 8),
        "stride": st.integers(0, 5),
        "dilation": st.integers(0, 4),
        "padding": st.integers(-1, 20),
        "output_padding": st.integers(-1, 4),
    },
)


@given(steps=st.lists(controls_transposed, min_size=1, max_size=3))
def test_transposed_label_always_matches_the_controls(transposed, steps):
    assert_label_follows(transposed, steps, transposed_label)


# ---------------------------------------------------------------------------------------
# InverseExplorer
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inverse():
    return InverseExplorer()


def test_inverse_issue_example(inverse):
    inverse.set(size=8, kernel_size=3, stride=2, dilation=1, target=4)
    assert inverse.text == inverse_label(inverse.values)
    drawn = description(inverse.figure)
    assert drawn.candidates == [(0, 1), (1, 0), (0, 2), (1, 1), (2, 0)]
    assert drawn.tensorflow == (0, 1) and drawn.pytorch == [(1, 1)]


def test_inverse_target_too_small_says_why_and_keeps_the_picture(inverse):
    inverse.set(size=8, kernel_size=3, stride=2, dilation=1, target=4)
    picture = inverse.render_png()
    inverse.set(target=2)
    assert inverse.text.startswith("Not possible: target 2 is smaller than 3")
    assert inverse.render_png() == picture


def test_inverse_target_slider_clamps(inverse):
    inverse.set(target=1000, size=32, stride=1, kernel_size=1)
    assert inverse.values["target"] == 32
    assert inverse.text == inverse_label(inverse.values)


controls_inverse = st.fixed_dictionaries(
    {},
    optional={
        "size": st.integers(-1, 40),
        "kernel_size": st.integers(0, 11),
        "stride": st.integers(0, 5),
        "dilation": st.integers(0, 4),
        "target": st.integers(-1, 40),
    },
)


@given(steps=st.lists(controls_inverse, min_size=1, max_size=3))
def test_inverse_label_always_matches_the_controls(inverse, steps):
    assert_label_follows(inverse, steps, inverse_label)


def test_inverse_picture_fits_its_rows_at_the_explorers_size(inverse):
    """At least 600 × 300 px (issue 3), no white bands when there are rows enough."""
    from PIL import Image

    inverse.set(size=8, kernel_size=3, stride=2, dilation=1, target=5)
    png = inverse.render_png()
    grey = np.asarray(Image.open(io.BytesIO(png)).convert("L"))[::2, ::2]  # as shown
    rows = np.nonzero((grey < 250).any(axis=1))[0]
    assert grey.shape[1] >= 600 and grey.shape[0] >= 300
    assert rows[0] <= 12 and grey.shape[0] - 1 - rows[-1] <= 12
    assert (inverse.image.width, inverse.image.height) == (str(grey.shape[1]), str(grey.shape[0]))
    inverse.set(size=32, kernel_size=1, stride=1, target=32)  # one row: centred, 300 px
    assert Image.open(io.BytesIO(inverse.render_png())).size[1] == 2 * 300


def test_one_padding_one_output_agree_in_number(inverse):
    inverse.set(size=3, kernel_size=1, stride=4, dilation=1, target=1)
    assert inverse.text.startswith("3 paddings (before, after) give 1 output: ")
    inverse.set(size=32, kernel_size=1, stride=1, target=32)
    assert inverse.text.startswith("1 padding (before, after) gives 32 outputs: (0, 0)")
