"""The explorers driven as a person would drive them, without a browser."""

import io

import pytest
from helpers import assert_label_follows, commented_out, pane_text
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from samepad_viz.arithmetic import (
    keras_output_size,
    output_size,
    output_size_formula,
    same_padding,
    torch_padding,
    window_indices,
)
from samepad_viz.widgets import FRAMEWORKS, FormulaExplorer, SameExplorer

# ---------------------------------------------------------------------------------------
# what the label must say, computed here straight from samepad_viz.arithmetic
# ---------------------------------------------------------------------------------------


def formula_label(v: dict) -> str:
    args = (v["size"], v["kernel_size"], v["stride"], v["padding"], v["dilation"], v["ceil_mode"])
    try:
        formula = output_size_formula(*args)
    except ValueError as err:
        return f"Not possible: {err}"
    cells = window_indices(*args)
    out = output_size(*args)
    row, col = v["row"], v["col"]
    assert 0 <= row < out and 0 <= col < out  # the sliders keep the position inside
    return (
        f"output size {formula}\n"
        f"output {out} × {out}; the window of output ({row}, {col}) reads "
        f"rows {cells[row]} and columns {cells[col]} (outside 0…{v['size'] - 1}: padding)"
    )


def same_label(v: dict) -> str:
    fw, w, k, s, p, d = (
        v[n] for n in ("framework", "size", "kernel_size", "stride", "padding", "dilation")
    )
    split = same_padding(w, k, s, d)
    n = keras_output_size(w, k, s, "same", d)
    head = f"Keras 'same': pads (before, after) = {split} in each dimension; output {n} × {n}"
    dil = f", dilation={d}" if d > 1 else ""
    stride = f", stride={s}" if s != 1 else ""
    keras = f"keras.layers.Conv2D(filters, kernel_size={k}, strides={s}, padding='same'"
    keras += f", dilation_rate={d})" if d > 1 else ")"
    if s > 1 and d > 1:
        keras += "\n# Keras refuses strides > 1 together with dilation_rate > 1"
    hint = f"the exact PyTorch port of Keras 'same': framework \"{FRAMEWORKS['keras']}\""

    def refused(line: str, err: str) -> str:  # the code panes follow the controls
        torch = commented_out(line, err, hint)
        return "\n".join([f"Not possible: {err}", "", "Keras:", keras, "", "PyTorch:", torch])

    if fw == "keras":
        tp = torch_padding((w, w), k, s, d)
        code = tp.code
        if tp.symmetric:
            note = f"PyTorch: padding={tp.padding} on the layer is exact"
        else:
            note = (
                f"PyTorch: the split is uneven, so pad {tp.pad} (left, right, top, bottom) "
                "first, then padding=0"
            )
    elif fw == "torch_same":
        code = f"nn.Conv2d(in_channels, out_channels, kernel_size={k}{stride}, padding='same'{dil})"
        if s > 1:
            refusal = "padding='same' is not supported for strided convolutions"
            return refused(code, f"PyTorch refuses: {refusal}")
        note = f"PyTorch padding='same': pads {split} like Keras"
        if split[0] != split[1]:
            note += " (uneven: PyTorch warns and pads a copy of the input on every call)"
    else:
        code = f"nn.Conv2d(in_channels, out_channels, kernel_size={k}{stride}, padding={p}{dil})"
        try:
            formula = output_size_formula(w, k, s, p, d)
        except ValueError as err:
            return refused(code, str(err))
        note = f"PyTorch padding={p}: output size {formula}; "
        if split == (p, p):
            note += "the same padding as Keras 'same': every output matches"
        elif output_size(w, k, s, p, d) == n:
            note += f"Keras pads {split}, this pads {(p, p)}: same shape, shifted windows"
        else:
            note += f"Keras pads {split}, this pads {(p, p)}: a different output shape"
    return "\n".join([head, note, "", "Keras:", keras, "", "PyTorch:", code])


def png_size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.size


# ---------------------------------------------------------------------------------------
# FormulaExplorer
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def formula():
    return FormulaExplorer()


def test_formula_label_shows_the_formula_with_numbers(formula):
    formula.set(
        size=8, kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False, position=(0, 0)
    )
    assert formula.text.startswith("output size ⌊(8 + 0 + 0 − 3) / 2⌋ + 1 = 3\n")
    assert formula.text == formula_label(formula.values)


def test_formula_picture_changes_with_a_value_and_not_without(formula):
    formula.set(size=8, kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False)
    before = formula.render_png()
    formula.set(size=8)
    assert formula.render_png() == before
    formula.set(padding=1)
    after = formula.render_png()
    assert after != before
    formula.set(padding=0)
    assert formula.render_png() == before


def test_formula_picture_is_shown_at_half_its_pixels(formula):
    """Twice the pixels, shown at half size: crisp on HiDPI, at least 600 × 300 shown."""
    width, height = png_size(formula.render_png())
    shown = (width // 2, height // 2)
    assert shown[0] >= 600 and shown[1] >= 300
    assert (formula.image.width, formula.image.height) == tuple(map(str, shown))
    assert formula.image.layout.width == f"{shown[0]}px"


def test_formula_invalid_combination_shows_message_and_keeps_picture(formula):
    formula.set(size=8, kernel_size=3, stride=1, padding=0, dilation=1)
    picture = formula.render_png()
    formula.set(size=4, kernel_size=7)  # no exception
    assert formula.text == (
        "Not possible: kernel_size 7 is larger than the padded input 4 "
        "(size 4 + padding 0 + 0); use more padding, padding='same' or a smaller kernel"
    )
    assert "Traceback" not in formula.label.value
    assert formula.render_png() == picture
    formula.set(padding=2)  # 4 + 2 + 2 = 8 >= 7: valid again
    assert formula.text == formula_label(formula.values)
    assert formula.render_png() != picture


def test_formula_controls_clamp_like_sliders(formula):
    formula.set(size=1000, kernel_size=0, stride=99, padding=-3, dilation=1)
    v = formula.values
    assert (v["size"], v["kernel_size"], v["stride"], v["padding"]) == (32, 1, 4, 0)
    formula.set(position=(100, 100))
    out = output_size(32, 1, 4)
    assert (formula.values["row"], formula.values["col"]) == (out - 1, out - 1)
    formula.set(stride=1, kernel_size=3, size=8, position=(5, 5))
    formula.set(size=4)  # the output shrinks to 2: the position slider follows
    assert (formula.values["row"], formula.values["col"]) == (1, 1)
    assert formula.text == formula_label(formula.values)


def test_formula_unknown_control_is_refused(formula):
    with pytest.raises(TypeError, match="unknown control"):
        formula.set(kernel=3)


def test_formula_ceil_mode_and_dilation(formula):
    formula.set(size=5, kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=True)
    assert "⌈(5 + 0 + 0 − 2) / 2⌉ + 1 = 3" in formula.text
    formula.set(ceil_mode=False, size=7, kernel_size=3, dilation=2, padding=1, stride=1)
    assert formula.text.startswith(f"output size {output_size_formula(7, 3, 1, 1, 2)}")


def test_explorer_on_screen_redraws_on_every_change():
    explorer = FormulaExplorer()
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    first = bytes(explorer.image.value)
    assert first.startswith(b"\x89PNG")
    explorer.controls["kernel_size"].value = 5  # as the slider does in the browser
    assert bytes(explorer.image.value) != first
    assert explorer.text == formula_label(explorer.values)


controls_formula = st.fixed_dictionaries(
    {},
    optional={
        "size": st.integers(-2, 40),
        "kernel_size": st.integers(0, 11),
        "stride": st.integers(0, 5),
        "padding": st.integers(-1, 6),
        "dilation": st.integers(0, 5),
        "ceil_mode": st.booleans(),
        "row": st.integers(-1, 35),
        "col": st.integers(-1, 35),
    },
)


@given(steps=st.lists(controls_formula, min_size=1, max_size=4))
def test_formula_label_always_matches_the_controls(formula, steps):
    assert_label_follows(formula, steps, formula_label)


# ---------------------------------------------------------------------------------------
# SameExplorer
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def same():
    return SameExplorer()


def test_same_explorer_naive_padding_shifts_every_window(same):
    same.set(framework="torch_int", size=8, kernel_size=3, stride=2, padding=1, dilation=1)
    assert same.text == same_label(same.values)
    assert "same shape, shifted windows" in same.text
    same.render_png()
    assert same._figure.description.differing  # the picture marks the shifted outputs
    assert len(same._figure.description.differing) == 16


def test_same_explorer_keras_shows_both_code_lines(same):
    same.set(framework="keras", size=8, kernel_size=3, stride=2, dilation=1)
    assert same.text == same_label(same.values)
    code = torch_padding((8, 8), 3, 2).code
    assert code in same.text
    assert "keras.layers.Conv2D(filters, kernel_size=3, strides=2, padding=&#x27;same&#x27;)" in (
        same.keras_code.value
    )
    assert "ZeroPad2d((0, 1, 0, 1))" in same.torch_code.value
    same.render_png()
    assert not same._figure.description.differing


def test_same_explorer_torch_same_refuses_strides(same):
    same.set(framework="keras", stride=1, size=8, kernel_size=3)
    picture = same.render_png()
    same.set(framework="torch_same", stride=2)
    assert same.text.startswith(
        "Not possible: PyTorch refuses: padding='same' is not supported for strided convolutions\n"
    )
    assert same.text == same_label(same.values)
    assert same.render_png() == picture
    same.set(stride=1)
    assert same.text == same_label(same.values)


def test_same_explorer_picture_changes_only_with_values(same):
    same.set(framework="torch_int", size=8, kernel_size=3, stride=2, padding=1, dilation=1)
    before = same.render_png()
    same.set(padding=1)
    assert same.render_png() == before
    same.set(padding=0)
    assert same.render_png() != before
    width, height = png_size(same.render_png())
    assert width >= 600 and height >= 300


def test_same_explorer_invalid_kernel_shows_message(same):
    same.set(framework="torch_int", size=2, kernel_size=9, padding=0, stride=1)
    assert same.text.startswith("Not possible: kernel_size 9 is larger than the padded input 2")


@pytest.mark.parametrize(
    ("setting", "tried"),
    [
        (
            {"framework": "torch_int", "size": 2, "kernel_size": 9, "padding": 0, "stride": 1},
            "kernel_size=9, padding=0",
        ),
        (
            {"framework": "torch_same", "size": 8, "kernel_size": 5, "stride": 2, "dilation": 1},
            "kernel_size=5, stride=2, padding='same'",
        ),
    ],
    ids=["kernel_larger_than_padded_input", "torch_same_strided"],
)
def test_same_explorer_code_panes_follow_the_controls_when_impossible(same, setting, tried):
    """Nothing copyable from the panes disagrees with the sliders (browser report)."""
    same.set(framework="keras", size=8, kernel_size=3, stride=1, padding=1, dilation=1)
    assert "ZeroPad2d" not in pane_text(same.torch_code) and "padding=1" in pane_text(
        same.torch_code
    )
    same.set(**setting)
    keras, torch = pane_text(same.keras_code), pane_text(same.torch_code)
    k, s = same.values["kernel_size"], same.values["stride"]
    assert keras == f"keras.layers.Conv2D(filters, kernel_size={k}, strides={s}, padding='same')"
    lines = torch.splitlines()
    assert all(line.startswith("# ") for line in lines), torch  # nothing here runs
    assert tried in lines[0] and "does not work" in torch
    assert max(map(len, lines)) <= 90  # the pane does not wrap: the reason is wrapped instead
    assert same.text == same_label(same.values)
    assert keras in same.text and torch in same.text


def test_text_panes_wrap_at_spaces_and_code_never_wraps(same):
    """JupyterLab's output CSS breaks <pre> anywhere ('same sha|pe'); ours must not."""
    same.set(framework="torch_int", size=8, kernel_size=3, stride=2, padding=1, dilation=1)
    assert "white-space:pre-wrap; word-break:normal" in same.label.value
    for pane in (same.keras_code, same.torch_code):
        assert "white-space:pre; word-break:normal" in pane.value


def test_dropdown_labels_fit_the_dropdown(same):
    """The 330 px dropdown (110 px of it the description) shows about 26 characters."""
    labels = [label for label, _ in same.controls["framework"].options]
    assert max(map(len, labels)) <= 26, labels


def test_same_explorer_unknown_framework_is_refused(same):
    with pytest.raises(ValueError, match="framework must be one of"):
        same.set(framework="tf")


controls_same = st.fixed_dictionaries(
    {},
    optional={
        "framework": st.sampled_from(["keras", "torch_same", "torch_int"]),
        "size": st.integers(-2, 40),
        "kernel_size": st.integers(0, 11),
        "stride": st.integers(0, 5),
        "padding": st.integers(-1, 6),
        "dilation": st.integers(0, 4),
    },
)


@given(steps=st.lists(controls_same, min_size=1, max_size=4))
def test_same_label_always_matches_the_controls(same, steps):
    assert_label_follows(same, steps, same_label)
