"""Interactive explorers: controls → picture → label, wired with ipywidgets.

Four classes, each one call from a notebook (``FormulaExplorer()``, ``SameExplorer()``,
``TransposedExplorer()``, ``InverseExplorer()``); an instance displays itself. Tests,
benchmarks and notebooks drive them without a browser:

* ``set(**values)`` moves the controls as a person would (keyword names as in
  :mod:`samepad_viz.arithmetic`; a value outside a control's range is clamped by the
  control itself),
* ``render_png()`` is the picture currently shown (at twice the pixels it is shown at:
  the Image widget is given the size to show it at),
* ``text`` the formula, result or error message currently shown, as plain text.

The pictures come from :mod:`samepad_viz.draw` (figures kept between redraws and updated
in place); the numbers and messages from :mod:`samepad_viz.arithmetic`. An impossible
combination shows the ``ValueError`` message in words and leaves the last picture; the
code panes follow the controls even then (the PyTorch line that would fail is shown
commented out, with the reason), so nothing on screen can be copied that does not match.

Text panes wrap at spaces only (JupyterLab's output CSS breaks ``pre`` text anywhere, even
mid-word); code panes never wrap.
"""

from __future__ import annotations

import html
import textwrap
from contextlib import contextmanager

import ipywidgets as widgets

from .arithmetic import (
    effective_kernel_size,
    keras_output_size,
    keras_transposed_output_size,
    output_size,
    output_size_formula,
    same_padding,
    torch_padding,
    torch_transposed_padding,
    transposed_as_convolution,
    transposed_output_size,
    window_indices,
)
from .draw import (
    ComparisonFigure,
    SolutionsFigure,
    TransposedFigure,
    WindowFigure,
    keras_same_as_torch,
    padding_marks,
    shown_size,
)

__all__ = ["FormulaExplorer", "InverseExplorer", "SameExplorer", "TransposedExplorer"]

ERROR_PREFIX = "Not possible: "
# JupyterLab styles output <pre> with word-break: break-all ("same sha|pe"): wrap at spaces
WRAP_AT_SPACES = "white-space:pre-wrap; word-break:normal; overflow-wrap:break-word"
NO_WRAP = "white-space:pre; word-break:normal; overflow-wrap:normal"
TORCH_SAME_STRIDED = "padding='same' is not supported for strided convolutions"
FRAMEWORKS = {
    "keras": "Keras / TF padding='same'",
    "torch_same": "PyTorch padding='same'",
    "torch_int": "PyTorch padding=P (an int)",
}
SAME_EXACT_HINT = f"the exact PyTorch port of Keras 'same': framework \"{FRAMEWORKS['keras']}\""


def _count(n: int, noun: str) -> str:
    """``1 output``, ``2 outputs``: the noun agrees with the number."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _slider(description: str, value: int, low: int, high: int) -> widgets.IntSlider:
    return widgets.IntSlider(
        value=value,
        min=low,
        max=high,
        description=description,
        continuous_update=False,
        style={"description_width": "110px"},
        layout=widgets.Layout(width="330px"),
    )


def _dropdown(description: str, value: str, choices: dict) -> widgets.Dropdown:
    """A dropdown over ``choices`` (``{key: label}``): shows the labels, holds the key."""
    return widgets.Dropdown(
        options=[(label, key) for key, label in choices.items()],
        value=value,
        description=description,
        style={"description_width": "110px"},
        layout=widgets.Layout(width="330px"),
    )


def _controls_and_picture(controls, image) -> widgets.Box:
    """Controls beside the picture; the picture wraps below them in a narrow notebook."""
    column = widgets.VBox(list(controls), layout=widgets.Layout(flex="0 0 auto", width="340px"))
    image.layout.flex = "0 0 auto"  # never squeezed: it is shown at its own pixel size
    return widgets.Box(
        [column, image],
        layout=widgets.Layout(display="flex", flex_flow="row wrap", align_items="flex-start"),
    )


def _code_box(title: str, code: widgets.HTML) -> widgets.VBox:
    return widgets.VBox(
        [widgets.HTML(f"<b>{title}</b>"), code],
        layout=widgets.Layout(flex="0 1 auto", overflow="auto", margin="0 24px 0 0"),
    )


class _Explorer:
    """Shared wiring: controls observed, one redraw per change, picture in an Image.

    A subclass makes ``self.controls`` (name → control, in display order) and
    ``self._figure``, then calls ``super().__init__(*below, **dependent)``: ``below`` are
    the widgets shown under the label (code panes), ``dependent`` the initial values of
    controls whose range follows the others (set once ``_update_ranges`` has run).
    """

    _order: tuple[str, ...] = ()  # the order set() moves controls in
    _choices: dict[str, dict] = {}  # dropdown name → its {key: label}; set() refuses others

    def __init__(self, *below: widgets.Widget, **dependent):
        self.image = widgets.Image(format="png")
        self.label = widgets.HTML()
        self._text = ""
        self._hold = False
        self._live = False  # becomes True once shown: from then on every change renders
        self._pending = None  # (state, draw) of a picture not rendered yet
        self._shown_state = None
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        self._box = widgets.VBox(
            [
                _controls_and_picture(self.controls.values(), self.image),
                self.label,
                *below,
            ]
        )
        with self._held():
            self._update_ranges()
            for name, value in dependent.items():
                self.controls[name].value = value
        self._refresh()

    # -- display --------------------------------------------------------------------
    @property
    def widget(self) -> widgets.Widget:
        """The ipywidgets container (controls, picture, label); showing it goes live."""
        self._live = True
        self._flush()
        return self._box

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if bundle and "text/plain" in bundle:  # not the container's long, changing repr
            bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={value!r}" for name, value in self.values.items())
        return f"{type(self).__name__}({args})"

    @property
    def figure(self):
        """The picture currently shown, as a figure (displays as a PNG in a notebook)."""
        self._flush()
        return self._figure.figure

    # -- the driving API ------------------------------------------------------------
    @property
    def text(self) -> str:
        """The formula, result or error message currently shown, as plain text."""
        return self._text

    def render_png(self) -> bytes:
        """The picture for the current state (the last possible one), as PNG bytes."""
        self._flush()
        return bytes(self.image.value)

    @property
    def values(self) -> dict:
        """The value every control holds now."""
        return {name: control.value for name, control in self.controls.items()}

    def set(self, **values) -> None:
        """Move controls as a person would (clamped to each control's range), then redraw."""
        if "position" in values:
            values["row"], values["col"] = values.pop("position")
        unknown = set(values) - set(self.controls)
        if unknown:
            raise TypeError(
                f"unknown control(s) {', '.join(sorted(unknown))}; "
                f"this explorer has {', '.join(self._order)}"
            )
        with self._held():
            for name in self._order:
                if name in values:
                    if name in ("row", "col"):
                        self._update_ranges()
                    self._move(name, values[name])
        self._refresh()

    def _move(self, name, value) -> None:
        choices = self._choices.get(name)
        if choices is not None and value not in choices:
            raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}")
        self.controls[name].value = value

    # -- internals ------------------------------------------------------------------
    @contextmanager
    def _held(self):
        """Move controls without a redraw per change (the caller redraws once after)."""
        hold, self._hold = self._hold, True
        try:
            yield
        finally:
            self._hold = hold

    def _changed(self, change) -> None:
        if not self._hold:
            self._refresh()

    def _update_ranges(self) -> None:
        """Adjust dependent ranges (the output position); nothing by default."""

    def _show(self, text: str, error: bool = False, label=None) -> None:
        """Show ``text`` (``label``, when given, is the part not shown elsewhere)."""
        self._text = text
        colour = "#D55E00" if error else "inherit"
        self.label.value = (
            f'<pre style="margin:0; {WRAP_AT_SPACES}; color:{colour}">'
            f"{html.escape(text if label is None else label)}</pre>"
        )

    def _show_code(self, summary: str, code: dict, error: bool = False) -> None:
        """Fill the code panes and show ``summary`` above their code, as plain text.

        ``code`` is ``{title: (pane, source)}``; the label shows ``summary`` alone (the
        panes show the code).
        """
        parts = [summary]
        for title, (pane, source) in code.items():
            pane.value = _pre(source)
            parts += ["", f"{title}:", source]
        self._show("\n".join(parts), error=error, label=summary)

    def _picture(self, state: tuple, *args, **kwargs) -> None:
        """Ask for the picture of ``state``: ``self._figure.update(*args, **kwargs)``.

        Rendered at once when the explorer is on screen, otherwise when ``render_png``
        asks (so that driving an explorer from code costs only the pictures looked at).
        """

        def draw():
            self._figure.update(*args, **kwargs)
            return self._figure.png()

        self._pending = None if state == self._shown_state else (state, draw)
        if self._live:
            self._flush()

    def _flush(self) -> None:
        if self._pending is None:
            return
        (state, draw), self._pending = self._pending, None
        png = draw()
        self._shown_state = state
        if png != self.image.value:
            width, height = (shown_size(n, self._figure.figure) for n in _png_size(png))
            # shown at 1/ratio of its pixels (crisp on HiDPI), at a fixed size so that
            # JupyterLab does not scale it to the output's width
            self.image.width, self.image.height = str(width), str(height)
            self.image.layout.width, self.image.layout.height = f"{width}px", f"{height}px"
            self.image.value = png


def _png_size(png: bytes) -> tuple[int, int]:
    """Pixel width and height from a PNG's header (IHDR)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


# ---------------------------------------------------------------------------------------


class FormulaExplorer(_Explorer):
    """Sliders for W, K, S, P, D, ceil_mode and an output position → window picture.

    Shows the padded input with the window of output ``(row, col)``, the output grid, and
    the output-size formula with the numbers substituted. The input is square (W × W).
    """

    _order = ("size", "kernel_size", "stride", "padding", "dilation", "ceil_mode", "row", "col")

    def __init__(
        self,
        size: int = 8,
        kernel_size: int = 3,
        stride: int = 2,
        padding: int = 0,
        dilation: int = 1,
        ceil_mode: bool = False,
        row: int = 0,
        col: int = 0,
        *,
        max_size: int = 32,
        dpi: int = 80,
    ):
        self.controls = {
            "size": _slider("input size W", size, 1, max_size),
            "kernel_size": _slider("kernel_size K", kernel_size, 1, 9),
            "stride": _slider("stride S", stride, 1, 4),
            "padding": _slider("padding P", padding, 0, 4),
            "dilation": _slider("dilation D", dilation, 1, 4),
            "ceil_mode": widgets.Checkbox(
                value=ceil_mode,
                description="ceil_mode (pooling)",
                indent=False,
                layout=widgets.Layout(width="330px", margin="2px 0 2px 118px"),
            ),
            "row": _slider("output row", 0, 0, max_size - 1),
            "col": _slider("output column", 0, 0, max_size - 1),
        }
        self._figure = WindowFigure(figsize=(8, 4), dpi=dpi)
        super().__init__(row=row, col=col)

    def _args(self) -> tuple:
        v = self.values
        return v["size"], v["kernel_size"], v["stride"], v["padding"], v["dilation"], v["ceil_mode"]

    def _update_ranges(self) -> None:
        try:
            out = output_size(*self._args())
        except ValueError:
            return  # an impossible combination keeps the previous ranges
        with self._held():
            for name in ("row", "col"):
                self.controls[name].max = out - 1  # clamps the value, as the slider does

    def _refresh(self) -> None:
        size, k, s, p, d, ceil = args = self._args()
        try:
            formula = output_size_formula(*args)
        except ValueError as err:
            self._show(ERROR_PREFIX + str(err), error=True)
            return
        self._update_ranges()
        row, col = self.controls["row"].value, self.controls["col"].value
        cells = window_indices(*args)
        out = len(cells)
        text = (
            f"output size {formula}\n"
            f"output {out} × {out}; the window of output ({row}, {col}) reads "
            f"rows {cells[row]} and columns {cells[col]} (outside 0…{size - 1}: padding)"
        )
        self._show(text)
        self._picture(
            (size, k, s, p, d, ceil, row, col), (size, size), k, s, p, d, ceil, position=(row, col)
        )


# ---------------------------------------------------------------------------------------


def _pre(code: str) -> str:
    return f'<pre style="{NO_WRAP}; margin:0">{html.escape(code)}</pre>'


def _refused(line: str | None, reason: str, hint: str = "") -> str:
    """The code pane for a setting PyTorch refuses: the line commented out, and why.

    Every line is a comment, so nothing pasted from it runs with settings that fail; the
    reason is wrapped at spaces to code width (the pane itself never wraps).
    """
    lines = [f"# {part}" for part in line.splitlines()] if line else []
    lines += textwrap.wrap(
        f"does not work: {reason}",
        width=78,
        initial_indent="# ",
        subsequent_indent="# ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    if hint:
        lines.append(f"# {hint}")
    return "\n".join(lines)


def _keras_line(kernel_size: int, stride: int, dilation: int) -> str:
    line = f"keras.layers.Conv2D(filters, kernel_size={kernel_size}, strides={stride}, "
    line += "padding='same'"
    if dilation > 1:
        line += f", dilation_rate={dilation}"
    line += ")"
    if stride > 1 and dilation > 1:
        line += "\n# Keras refuses strides > 1 together with dilation_rate > 1"
    return line


def _torch_line(kernel_size: int, stride: int, dilation: int, padding) -> str:
    args = [f"kernel_size={kernel_size}"]
    if stride != 1:
        args.append(f"stride={stride}")
    args.append(f"padding={padding!r}")
    if dilation > 1:
        args.append(f"dilation={dilation}")
    return f"nn.Conv2d(in_channels, out_channels, {', '.join(args)})"


class SameExplorer(_Explorer):
    """Keras ``'same'`` against a PyTorch choice: where the padding goes, and the code.

    ``framework`` is ``"keras"`` (Keras' split and the PyTorch that reproduces it, from
    ``torch_padding``), ``"torch_same"`` (PyTorch's own ``padding='same'``, which refuses
    strides > 1) or ``"torch_int"`` (``padding=P``, symmetric, from the padding slider).
    The picture compares the two paddings on the same W × W input and marks the output
    cells whose windows read different input cells.
    """

    _order = ("framework", "size", "kernel_size", "stride", "padding", "dilation")
    _choices = {"framework": FRAMEWORKS}

    def __init__(
        self,
        framework: str = "torch_int",
        size: int = 8,
        kernel_size: int = 3,
        stride: int = 2,
        padding: int = 1,
        dilation: int = 1,
        *,
        max_size: int = 32,
        dpi: int = 80,
    ):
        self.controls = {
            "framework": _dropdown("framework", framework, FRAMEWORKS),
            "size": _slider("input size W", size, 1, max_size),
            "kernel_size": _slider("kernel_size K", kernel_size, 1, 9),
            "stride": _slider("stride S", stride, 1, 4),
            "padding": _slider("padding P (int)", padding, 0, 4),
            "dilation": _slider("dilation D", dilation, 1, 3),
        }
        self._figure = ComparisonFigure(figsize=(8, 6.4), dpi=dpi)
        self.keras_code = widgets.HTML()
        self.torch_code = widgets.HTML()
        code = widgets.HBox(
            [_code_box("Keras", self.keras_code), _code_box("PyTorch", self.torch_code)],
            layout=widgets.Layout(flex_flow="row wrap"),
        )
        super().__init__(code)

    def _refresh(self) -> None:
        v = self.values
        fw, size, k, s, p, d = (v[name] for name in self._order)
        self.controls["padding"].disabled = fw != "torch_int"
        split = same_padding(size, k, s, d)
        keras_out = keras_output_size(size, k, s, "same", d)
        lines = [
            f"Keras 'same': pads (before, after) = {split} in each dimension; "
            f"output {keras_out} × {keras_out}"
        ]
        keras_code = _keras_line(k, s, d)
        attempt = None  # the PyTorch line tried, shown commented out if it fails
        try:
            if fw == "keras":
                tp = torch_padding((size, size), k, s, d)
                torch_code, other, label = tp.code, "same", "PyTorch port"
                if tp.symmetric:
                    lines.append(f"PyTorch: padding={tp.padding} on the layer is exact")
                else:
                    lines.append(
                        f"PyTorch: the split is uneven, so pad {tp.pad} "
                        "(left, right, top, bottom) first, then padding=0"
                    )
            elif fw == "torch_same":
                attempt = _torch_line(k, s, d, "same")
                if s > 1:
                    raise ValueError(f"PyTorch refuses: {TORCH_SAME_STRIDED}")
                torch_code, other, label = attempt, "same", fw
                note = f"PyTorch padding='same': pads {split} like Keras"
                if split[0] != split[1]:
                    note += " (uneven: PyTorch warns and pads a copy of the input on every call)"
                lines.append(note)
            else:
                attempt = _torch_line(k, s, d, p)
                formula = output_size_formula(size, k, s, p, d)  # raises if impossible
                out = output_size(size, k, s, p, d)
                torch_code, other, label = attempt, p, f"padding={p}"
                note = f"PyTorch padding={p}: output size {formula}; "
                if split == (p, p):
                    note += "the same padding as Keras 'same': every output matches"
                elif out == keras_out:
                    note += f"Keras pads {split}, this pads {(p, p)}: same shape, shifted windows"
                else:
                    note += f"Keras pads {split}, this pads {(p, p)}: a different output shape"
                lines.append(note)
        except ValueError as err:
            # the Keras line still holds; the PyTorch one would fail, so it is commented out
            torch_code = _refused(attempt, str(err), SAME_EXACT_HINT)
            self._show_code(ERROR_PREFIX + str(err), self._code(keras_code, torch_code), error=True)
            return
        self._show_code("\n".join(lines), self._code(keras_code, torch_code))
        self._picture(
            (size, k, s, d, other, label),
            (size, size),
            k,
            s,
            "same",
            other,
            d,
            labels=("Keras 'same'", label),
        )

    def _code(self, keras_code: str, torch_code: str) -> dict:
        return {"Keras": (self.keras_code, keras_code), "PyTorch": (self.torch_code, torch_code)}


# ---------------------------------------------------------------------------------------

TRANSPOSED_CHOICES = {  # short labels: the dropdown shows about 26 characters
    "custom": "your padding (sliders)",
    "recipe": "torch_transposed_padding",
}


def _torch_transposed_line(kernel_size, stride, dilation, padding, output_padding) -> str:
    args = [f"kernel_size={kernel_size}", f"stride={stride}", f"padding={padding}"]
    if output_padding:
        args.append(f"output_padding={output_padding}")
    if dilation > 1:
        args.append(f"dilation={dilation}")
    return f"nn.ConvTranspose1d(in_channels, out_channels, {', '.join(args)})"


class TransposedExplorer(_Explorer):
    """Keras ``Conv1DTranspose(padding='same')`` against PyTorch's ``ConvTranspose1d``.

    Both drawn as the convolution a transposed one is (input spread by the stride, padded
    by ``D·(K − 1) − padding``, kernel rotated); output cells that differ are vermillion.
    ``torch`` is ``"custom"`` (the ``padding`` and ``output_padding`` sliders, whose
    ranges follow PyTorch's limits: ``padding ≤ D·(K − 1)`` to be drawn as a padding,
    ``output_padding < max(S, D)``) or ``"recipe"`` (``torch_transposed_padding``).
    """

    _order = ("torch", "size", "kernel_size", "stride", "dilation", "padding", "output_padding")
    _choices = {"torch": TRANSPOSED_CHOICES}

    def __init__(
        self,
        torch: str = "custom",
        size: int = 4,
        kernel_size: int = 3,
        stride: int = 2,
        dilation: int = 1,
        padding: int = 1,
        output_padding: int = 1,
        *,
        max_size: int = 12,
        dpi: int = 80,
    ):
        self.controls = {
            "torch": _dropdown("PyTorch side", torch, TRANSPOSED_CHOICES),
            "size": _slider("input size W", size, 1, max_size),
            "kernel_size": _slider("kernel_size K", kernel_size, 1, 7),
            "stride": _slider("stride S", stride, 1, 4),
            "dilation": _slider("dilation D", dilation, 1, 3),
            "padding": _slider("padding P", 0, 0, 18),
            "output_padding": _slider("output_padding", 0, 0, 3),
        }
        self._figure = TransposedFigure(figsize=(9, 4.8), dpi=dpi)
        self.torch_code = widgets.HTML()
        super().__init__(
            _code_box("PyTorch", self.torch_code), padding=padding, output_padding=output_padding
        )

    def _move(self, name, value) -> None:
        if name in ("padding", "output_padding"):
            self._update_ranges()
        super()._move(name, value)

    def _update_ranges(self) -> None:
        v = self.values
        with self._held():  # setting max clamps the value, as the slider does
            # D·(K − 1): more crops the spread input itself (transposed_as_convolution)
            self.controls["padding"].max = (
                effective_kernel_size(v["kernel_size"], v["dilation"]) - 1
            )
            self.controls["output_padding"].max = max(v["stride"], v["dilation"]) - 1

    def _refresh(self) -> None:
        self._update_ranges()
        v = self.values
        fw, w, k, s, d, p, op = (v[name] for name in self._order)
        custom = fw == "custom"
        self.controls["padding"].disabled = not custom
        self.controls["output_padding"].disabled = not custom
        keras_out = keras_transposed_output_size(w, k, s, "same")
        keras_pad, keras_op = keras_same_as_torch(w, k, s, d)
        _, keras_conv = transposed_as_convolution(w, k, s, keras_pad, keras_op, d)
        lines = [
            f"Keras Conv1DTranspose(kernel_size={k}, strides={s}, padding='same'): output "
            f"W·S = {keras_out}; as a convolution: the input spread by {s}, padded {keras_conv}, "
            "the kernel rotated 180°"
        ]
        if s > 1 and d > 1:
            lines.append("(Keras refuses strides > 1 with dilation_rate > 1; drawn by definition)")
        code = None  # the PyTorch line tried, shown commented out if it fails
        try:
            if custom:
                args = (p, op)
                code = _torch_transposed_line(k, s, d, p, op)
                name = f"PyTorch padding={p}, output_padding={op}"
            else:
                args = (keras_pad, keras_op)
                code = torch_transposed_padding(w, k, s, d).code
                name = "PyTorch recipe"
            out = transposed_output_size(w, k, s, *args, d)
            _, conv = transposed_as_convolution(w, k, s, *args, d)
        except ValueError as err:
            refused = {"PyTorch": (self.torch_code, _refused(code, str(err)))}
            self._show_code(ERROR_PREFIX + str(err), refused, error=True)
            return
        shape = "the same size as Keras" if out == keras_out else f"Keras has {keras_out}"
        lines.append(f"{name}: output {out} ({shape}); as a convolution: padded {conv}")
        self._show_code("\n".join(lines), {"PyTorch": (self.torch_code, code)})
        self._picture((w, k, s, d, args, name), w, k, s, *args, d, labels=("Keras 'same'", name))


# ---------------------------------------------------------------------------------------

SHOWN_PAIRS = 12  # candidate pairs listed in the label (the picture draws more)


class InverseExplorer(_Explorer):
    """The inverse problem: a target output size → every ``(before, after)`` that gives it.

    Sliders for W, K, S, D and the target; the picture draws each candidate from
    ``solve_padding`` (TensorFlow's ``'same'`` split outlined, the symmetric pairs that
    PyTorch's integer ``padding=`` can express named). A target no padding reaches shows
    why, in words.
    """

    _order = ("size", "kernel_size", "stride", "dilation", "target")

    def __init__(
        self,
        size: int = 8,
        kernel_size: int = 3,
        stride: int = 2,
        dilation: int = 1,
        target: int = 4,
        *,
        max_size: int = 32,
        dpi: int = 80,
    ):
        self.controls = {
            "size": _slider("input size W", size, 1, max_size),
            "kernel_size": _slider("kernel_size K", kernel_size, 1, 9),
            "stride": _slider("stride S", stride, 1, 4),
            "dilation": _slider("dilation D", dilation, 1, 3),
            "target": _slider("target output", target, 1, max_size),
        }
        self._figure = SolutionsFigure(dpi=dpi)
        super().__init__()

    def _refresh(self) -> None:
        w, k, s, d, t = (self.values[name] for name in self._order)
        try:
            candidates, tf, pytorch = padding_marks(w, k, s, t, d)
        except ValueError as err:
            self._show(ERROR_PREFIX + str(err), error=True)
            return
        listed = ", ".join(map(str, candidates[:SHOWN_PAIRS]))
        if len(candidates) > SHOWN_PAIRS:
            listed += f", … ({len(candidates) - SHOWN_PAIRS} more)"
        n = len(candidates)
        give = "gives" if n == 1 else "give"
        lines = [f"{_count(n, 'padding')} (before, after) {give} {_count(t, 'output')}: {listed}"]
        if tf is not None:
            lines.append(f"TensorFlow 'same' pads {tf}: its output ⌈{w} / {s}⌉ = {t}")
        else:
            same_out = keras_output_size(w, k, s, "same", d)
            lines.append(
                f"TensorFlow 'same' gives ⌈{w} / {s}⌉ = {_count(same_out, 'output')}, not {t}"
            )
        if pytorch:
            lines.append(
                "PyTorch's int padding= can: " + ", ".join(f"padding={b}" for b, _ in pytorch)
            )
        else:
            lines.append(
                "PyTorch's int padding= cannot (no symmetric pair): pad with "
                "F.pad(x, (before, after)) first, then padding=0"
            )
        self._show("\n".join(lines))
        self._picture((w, k, s, d, t), w, k, s, t, d)
