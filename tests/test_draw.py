"""What the pictures show, read from their description objects rather than from pixels."""

import io

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from samepad_viz import draw
from samepad_viz.arithmetic import (
    output_size,
    output_size_formula,
    same_padding,
    window_indices,
)
from samepad_viz.draw import description


def test_asymmetric_same_padding_is_drawn_on_one_side_only():
    ax = draw.draw_padded_input((8, 8), padding=((0, 1), (0, 1)))
    assert description(ax).padding == {"top": 0, "bottom": 1, "left": 0, "right": 1}


def test_symmetric_padding_is_drawn_on_every_side():
    ax = draw.draw_padded_input((5, 6), padding=2)
    assert description(ax).padding == {"top": 2, "bottom": 2, "left": 2, "right": 2}


def test_padded_input_refuses_same_without_a_kernel():
    with pytest.raises(ValueError, match="depends on the kernel and stride"):
        draw.draw_padded_input(8, padding="same")


def test_one_dimensional_padded_row():
    ax = draw.draw_padded_input(6, padding=(0, 1), values=[1, 2, 3, 4, 5, 6])
    drawn = description(ax)
    assert drawn.padding == {"left": 0, "right": 1}
    assert drawn.categories.shape == (1, 7)
    assert [t.get_text() for t in ax.texts if t.get_text().isdigit()][-7:] == list("1234560")


def test_draw_on_given_axes_returns_it_and_uses_no_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = Figure()
    ax = fig.add_subplot()
    assert draw.draw_padded_input(4, padding=1, ax=ax) is ax
    draw.draw_window((8, 8), 3, stride=2)
    assert plt.get_fignums() == before


def test_one_image_artist_per_grid_not_one_patch_per_cell():
    fig = draw.draw_window((64, 64), 3, stride=1, padding=1, position=(5, 7))
    ax_in = fig.axes[0]
    assert len(ax_in.images) == 1
    assert len(ax_in.patches) <= 4  # input border, window, previous window, stride arrow


def test_same_padding_keyword_uses_tensorflow_split():
    fig = draw.draw_window((8, 8), 3, stride=2, padding="same")
    drawn = description(fig)
    (top, bottom), (left, right) = same_padding((8, 8), 3, 2)
    assert drawn.padding == {"top": top, "bottom": bottom, "left": left, "right": right}


def test_window_cells_and_stride_step_at_an_output_position():
    fig = draw.draw_window((8, 8), 3, stride=2, padding=((0, 1), (0, 1)), position=(1, 2))
    drawn = description(fig)
    rows = window_indices(8, 3, 2, (0, 1))[1]
    cols = window_indices(8, 3, 2, (0, 1))[2]
    assert drawn.window == {(r, c) for r in rows for c in cols}
    prev_cols = window_indices(8, 3, 2, (0, 1))[1]
    assert drawn.previous_window == {(r, c) for r in rows for c in prev_cols}
    assert drawn.step == (0, 2)
    assert drawn.output_shape == (4, 4)
    assert drawn.formula == output_size_formula(8, 3, 2, (0, 1)) == "⌊(8 + 0 + 1 − 3) / 2⌋ + 1 = 4"
    assert drawn.formula in fig.texts[0].get_text()


def test_first_window_of_a_row_steps_down_from_the_row_above():
    drawn = description(draw.draw_window((6, 6), 2, stride=2, position=(1, 0)))
    assert drawn.step == (2, 0)
    assert drawn.previous_window == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_dilation_leaves_holes_inside_the_window():
    drawn = description(draw.draw_window(9, 3, stride=1, padding=1, dilation=2, position=2))
    assert drawn.window == {1, 3, 5}
    assert drawn.ndim == 1
    cats = drawn.categories[0]
    hole = 2 - drawn.origin[0]
    assert cats[hole] == draw.INPUT  # the hole keeps the input colour


def test_window_over_padding_is_marked_as_reading_padding():
    drawn = description(draw.draw_window((5, 5), 3, padding=1, position=(0, 0)))
    assert (-1, -1) in drawn.window
    r0, c0 = drawn.origin
    assert drawn.categories[-1 - r0, -1 - c0] == draw.WINDOW_PADDING
    assert drawn.categories[0 - r0, 0 - c0] == draw.WINDOW


def test_differing_formulas_per_dimension_are_both_shown():
    drawn = description(draw.draw_window((8, 6), (3, 2), stride=2))
    assert drawn.formula == (
        f"rows: {output_size_formula(8, 3, 2)}\ncols: {output_size_formula(6, 2, 2)}"
    )


def test_invalid_window_raises_the_arithmetic_message():
    with pytest.raises(ValueError, match="larger than the padded input"):
        draw.draw_window(4, 7)
    with pytest.raises(ValueError, match="outside the output"):
        draw.draw_window(8, 3, position=6)


def test_coverage_marks_the_column_the_floor_drops():
    ax = draw.draw_coverage((8, 8), 3, stride=2)
    drawn = description(ax)
    assert {(r, 7) for r in range(8)} <= drawn.unreached
    assert {(7, c) for c in range(8)} <= drawn.unreached
    assert len(drawn.unreached) == 15
    assert drawn.coverage[0, 0] == 1 and drawn.coverage[2, 2] == 4


def test_coverage_marks_padding_no_window_uses():
    drawn = description(draw.draw_coverage(8, 3, stride=2, padding=2))
    # windows start at -2, 0, 2, 4, 6 and the last ends at 8: padding 9 is never read
    reads = {c for w in window_indices(8, 3, 2, 2) for c in w}
    padding = set(range(-2, 0)) | set(range(8, 10))
    assert drawn.unused_padding == padding - reads
    assert drawn.unreached == set(range(8)) - reads
    assert drawn.coverage.sum() == 3 * output_size(8, 3, 2, 2)


def test_all_windows_in_one_dimension_one_row_each():
    fig = draw.draw_all_windows(8, 3, stride=2, padding=(0, 1))
    drawn = description(fig)
    assert drawn.frames == [set(w) for w in window_indices(8, 3, 2, (0, 1))]
    assert len(fig.axes) == 1 and len(fig.axes[0].images) == 1


def test_all_windows_in_two_dimensions_small_multiples():
    fig = draw.draw_all_windows((6, 6), 3, stride=2, padding="same")
    assert len(fig.axes) == 9
    assert description(fig).padding == {"top": 0, "bottom": 1, "left": 0, "right": 1}
    with pytest.raises(ValueError, match="draw_coverage"):
        draw.draw_all_windows((32, 32), 3)


def test_comparison_keras_same_against_symmetric_padding_differs_everywhere():
    fig = draw.draw_comparison((8, 8), 3, stride=2, padding_a="same", padding_b=1)
    drawn = description(fig)
    assert drawn.padding == {"top": 0, "bottom": 1, "left": 0, "right": 1}
    assert drawn.padding_b == {"top": 1, "bottom": 1, "left": 1, "right": 1}
    assert drawn.output_shape == drawn.output_shape_b == (4, 4)
    assert len(drawn.differing) == 16


def test_comparison_of_equal_paddings_has_no_difference():
    drawn = description(draw.draw_comparison((7, 7), 3, stride=1, padding_a="same", padding_b=1))
    assert drawn.differing == drawn.differing_b == frozenset()


def test_comparison_counts_extra_outputs_and_shared_windows():
    # valid (P=0) against 'same' (0, 1): the first three windows agree, 'same' has a 4th
    drawn = description(draw.draw_comparison(8, 3, stride=2, padding_a="same", padding_b=0))
    assert drawn.differing == {3}
    assert drawn.differing_b == frozenset()
    assert drawn.output_shape == (4,) and drawn.output_shape_b == (3,)


def test_sliding_animation_frames_and_jshtml():
    anim = draw.sliding_animation(6, 3, stride=2, padding="same", max_frames=8)
    assert description(anim).frames == [(0,), (1,), (2,)]
    html = anim.to_jshtml()
    assert html.count("data:image/png;base64") == 3


def test_sliding_animation_subsamples_large_outputs():
    anim = draw.sliding_animation((16, 16), 3, padding=1, max_frames=6)
    frames = description(anim).frames
    assert len(frames) == 6 and frames[0] == (0, 0) and frames[-1] == (15, 15)
    assert anim.to_jshtml().count("data:image/png;base64") == 6


def test_sliding_gif_is_written(tmp_path):
    path = draw.save_sliding_gif(tmp_path / "slide.gif", (5, 5), 3, stride=2, padding="same")
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == 9


def test_window_figure_updates_in_place_and_renders_the_shown_size():
    wf = draw.WindowFigure()
    wf.update((8, 8), 3, 2)
    artists = len(wf.figure.axes[0].get_children())
    first = wf.png()
    wf.update((32, 32), 5, 1, 2, position=(3, 4))
    assert len(wf.figure.axes[0].get_children()) == artists
    second = wf.png()
    assert first != second
    with Image.open(io.BytesIO(second)) as png:
        assert png.size[0] >= 600 and png.size[1] >= 300
    wf.update((8, 8), 3, 2)
    assert wf.png() == first


def test_palette_is_one_set_of_distinct_colours():
    colours = [
        draw.PALETTE.input,
        draw.PALETTE.padding,
        draw.PALETTE.window,
        draw.PALETTE.output,
        draw.PALETTE.differ,
        draw.PALETTE.unused,
    ]
    assert len(set(colours)) == len(colours)
    assert np.all(draw.category_colours()[:, 3] == 1)


def test_pictures_show_themselves_as_png_without_pyplot():
    fig = draw.draw_window(6, 3, stride=2, padding="same")
    assert isinstance(fig, draw.Picture)
    png, shown = fig._repr_png_()
    assert png.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(png)) as image:  # twice the pixels, shown at half size
        assert image.size == (2 * shown["width"], 2 * shown["height"])
    assert isinstance(draw.draw_coverage(6, 3).figure, draw.Picture)


# ---------------------------------------------------------------------------------------
# 1-D pictures are as tall as what they draw (a browser run showed 100–200 px of white
# above and below a row of cells); wording agrees with its numbers
# ---------------------------------------------------------------------------------------


def _white_margins(png: bytes) -> tuple[int, int, int, int]:
    """Rows of pure white above and below the drawing, and columns left and right."""
    grey = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    rows, cols = np.nonzero((grey < 250).any(axis=1))[0], np.nonzero((grey < 250).any(axis=0))[0]
    return rows[0], grey.shape[0] - 1 - rows[-1], cols[0], grey.shape[1] - 1 - cols[-1]


ONE_D_PICTURES = {
    "padded_input": lambda: draw.draw_padded_input(6, padding=(0, 1), values=range(1, 7)).figure,
    "window": lambda: draw.draw_window(9, 3, padding=1, dilation=2, position=2),
    "window_wide": lambda: draw.draw_window(31, 5, stride=2, padding=2, position=3),
    "coverage": lambda: draw.draw_coverage(8, 3, stride=2, padding=2).figure,
    "all_windows": lambda: draw.draw_all_windows(8, 3, stride=2, padding="same"),
    "all_windows_one": lambda: draw.draw_all_windows(3, 3),
    "comparison": lambda: draw.draw_comparison(7, 3, 2, "same", 0, ceil_mode=True),
    "causal": lambda: draw.draw_causal(8, 3, dilation=2),
    "overlap": lambda: draw.draw_overlap(8, 3, 2).figure,
    "solutions": lambda: draw.draw_solutions(8, 3, 2, target=4),
    "solutions_marks_at_the_edge": lambda: draw.draw_solutions(3, 1, 4, target=1),
}


@pytest.mark.parametrize("name", ONE_D_PICTURES)
def test_one_dimensional_pictures_are_as_tall_as_their_rows(name):
    fig = ONE_D_PICTURES[name]()
    png, shown = fig._repr_png_()
    ratio = fig.pixel_ratio
    top, bottom, left, right = (m / ratio for m in _white_margins(png))  # px as shown
    # the comparison's bands keep their (fixed) margins for the titles; the rest ~5 px
    limit = 30 if name == "comparison" else 12
    assert top <= limit and bottom <= limit, (top, bottom)
    assert left > 0 and right > 0, "a label runs off the figure"


def test_window_figure_fits_a_row_and_gives_a_grid_its_full_size_back():
    wf = draw.WindowFigure()
    wf.update((8, 8), 3, 2)
    full = tuple(wf.figure.get_size_inches())
    wf.update(9, 3, 2, 1)
    assert wf.figure.get_size_inches()[1] < full[1] * 0.6  # the legend keeps its rows
    wf.update((8, 8), 3, 2)
    assert tuple(wf.figure.get_size_inches()) == full  # the explorers' fixed size
    given = Figure(figsize=(8, 4))
    draw.draw_window(9, 3, padding=1, fig=given)
    assert tuple(given.get_size_inches()) == (8, 4)  # a figure passed in keeps its size


def test_wording_agrees_with_its_numbers():
    coverage = draw.draw_coverage(8, 3, stride=2)  # the floor drops cell 7 only
    captions = [t.get_text() for t in coverage.texts]
    assert any(
        c.startswith("1 input cell never read (×), 0 padding cells unused") for c in captions
    )
    one = draw.draw_coverage(3, 3)
    assert one.get_title() == "windows per cell (1 window)"
    grid = draw.draw_coverage((7, 8), 3, stride=2)  # 3 × 3 windows, not a 3 × 3 kernel
    assert grid.get_title() == "windows per cell (9 windows in a 3 × 3 grid)"
    assert draw.draw_all_windows(3, 3).axes[0].get_title().startswith("the only window;")
    comparison = draw.draw_comparison(5, 2, 2, (0, 0), (0, 1))  # output 3 of B: 1 differs
    titles = [ax.get_title() for ax in comparison.axes]
    # only the compared side (B) counts differences; the reference (A) is not marked
    assert "2 outputs: the reference" in titles and "3 outputs: 1 differs" in titles
    transposed = draw.draw_transposed(4, 3, stride=2, padding=1, output_padding=1)
    captions = [t.get_text() for ax in transposed.axes for t in ax.texts]
    assert any(c.startswith("S − 1 = 1 zero between input cells") for c in captions)
    solutions = draw.draw_solutions(3, 1, 4, target=1)
    assert "paddings giving 1 output:" in solutions.axes[0].get_title()


def test_texts_kept_as_pixels_draw_the_same_picture(monkeypatch):
    """An explorer's texts are drawn once and reused while unchanged (a third of a redraw
    at twice the pixels): the picture is the one drawn glyph by glyph."""
    from samepad_viz.draw import _canvas

    def pictures():
        wf = draw.WindowFigure()
        out = []
        for position in ((1, 1), (1, 2), (2, 2)):
            wf.update((12, 12), 3, 2, 1, position=position)
            out.append(wf.png())
        wf.update(9, 3, 1, 1, position=3)  # 1-D: the figure's height changes
        out.append(wf.png())
        return [np.asarray(Image.open(io.BytesIO(p)).convert("RGB"), dtype=int) for p in out]

    cached = pictures()
    monkeypatch.setattr(_canvas, "CACHE_TEXT", False)
    for a, b in zip(cached, pictures(), strict=True):
        assert a.shape == b.shape
        assert np.abs(a - b).max() <= 2
