"""Every picture the course draws can be read: its text is at least 10 px high as shown.

The pictures walked here are found, not listed: every ``draw.<name>(...)`` call and every
explorer (``FormulaExplorer(...)``, ``explorer.set(...)``) in the code cells of
``notebooks/*.ipynb`` whose arguments are literals (or names from ``samepad_viz`` and
simple literal assignments made earlier in the notebook), every explorer's initial state,
each frame of the sliding animations, and the README's GIF and picture.

For each picture, after a draw, every text the renderer draws is checked from its extent
(``Text.get_window_extent``): its font is at least 10 px high at the size the picture is
shown (a PNG at twice the pixels shown at half size counts half its pixels), it lies
inside the figure, and it overlaps no other text. Run with ``-s`` to see how many
pictures were checked and the smallest text.
"""

from __future__ import annotations

import ast
import importlib.util
import json
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.text import Text

import samepad_viz
from samepad_viz import draw, widgets
from samepad_viz.draw import _canvas

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
MIN_PX = 10.0
EXPLORERS = {name: getattr(widgets, name) for name in widgets.__all__}
SLACK = 0.5  # px: extents are rounded to whole pixels by the renderer

# ---------------------------------------------------------------------------------------
# finding the pictures the notebooks draw
# ---------------------------------------------------------------------------------------


def _namespace() -> dict:
    """What an argument may use: samepad_viz's arithmetic and NumPy (no pictures)."""
    ns = {name: getattr(samepad_viz, name) for name in samepad_viz.arithmetic.__all__}
    ns.update(np=np)
    return ns


def _value(node: ast.AST, ns: dict):
    """The value of an argument written as a literal or from names in ``ns``; else raise."""
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        pass
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    if not names <= set(ns) or any(isinstance(n, ast.Lambda) for n in ast.walk(node)):
        raise ValueError(f"not a literal: {ast.unparse(node)}")
    return eval(compile(ast.Expression(node), "<argument>", "eval"), dict(ns))  # noqa: S307


def _arguments(call: ast.Call, ns: dict) -> tuple[tuple, dict]:
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        raise ValueError("*args or **kwargs")
    return (
        tuple(_value(a, ns) for a in call.args),
        {k.arg: _value(k.value, ns) for k in call.keywords},
    )


def _code_cells(path: Path):
    for index, cell in enumerate(json.loads(path.read_text())["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        try:
            yield index, ast.parse("\n".join(lines))
        except SyntaxError:
            continue


def notebook_pictures() -> list[tuple[str, tuple]]:
    """``(id, spec)`` of every picture a notebook draws with evaluable arguments.

    ``spec`` is ``("draw", name, args, kwargs)`` or ``("explorer", class name, args,
    kwargs, [set kwargs, ...])`` (the explorer's state after those ``set`` calls).
    """
    found: dict[str, tuple] = {}
    for path in NOTEBOOKS:
        ns = _namespace()
        explorers: dict[str, tuple] = {}  # variable -> (class, args, kwargs, sets)
        for index, tree in _code_cells(path):
            for statement in tree.body:
                if (
                    isinstance(statement, ast.Assign)
                    and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)
                ):
                    target = statement.targets[0].id
                    value = statement.value
                    if (
                        isinstance(value, ast.Call)
                        and isinstance(value.func, ast.Name)
                        and value.func.id in EXPLORERS
                    ):
                        try:
                            args, kwargs = _arguments(value, ns)
                        except Exception:  # noqa: BLE001 — not a literal call: not walked
                            explorers.pop(target, None)
                        else:
                            explorers[target] = (value.func.id, args, kwargs, ())
                            found[f"{path.stem}[{index}] {target}"] = (
                                "explorer",
                                *explorers[target],
                            )
                        continue
                    try:
                        ns[target] = _value(value, ns)
                    except Exception:  # noqa: BLE001 — only literal assignments are kept
                        ns.pop(target, None)
                for node in ast.walk(statement):
                    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                        continue
                    owner, attr = node.func.value, node.func.attr
                    if not isinstance(owner, ast.Name):
                        continue
                    try:
                        args, kwargs = _arguments(node, ns)
                    except Exception:  # noqa: BLE001 — not evaluable here: not walked
                        continue
                    label = f"{path.stem}[{index}] {ast.unparse(node)[:80]}"
                    if owner.id == "draw" and attr.startswith(("draw_", "sliding_")):
                        found[label] = ("draw", attr, args, kwargs)
                    elif owner.id in explorers and attr == "set" and not args:
                        cls, a, k, sets = explorers[owner.id]
                        explorers[owner.id] = (cls, a, k, (*sets, kwargs))
                        found[label] = ("explorer", *explorers[owner.id])
                # an explorer shown bare at the start of a cell (no call) is already found
    for name in EXPLORERS:
        found[f"{name}() initial state"] = ("explorer", name, (), {}, ())
    return sorted(found.items())


# ---------------------------------------------------------------------------------------
# measuring the text a picture draws
# ---------------------------------------------------------------------------------------


@contextmanager
def _drawn_texts():
    """Collect every Text the renderer draws (visible, non-empty) while inside.

    Texts are drawn glyph by glyph here, not from the pixels kept since the last draw
    (``_canvas.CACHE_TEXT``; tests/test_draw.py checks that both give the same picture).
    """
    drawn: list[Text] = []
    original, cache = Text.draw, _canvas.CACHE_TEXT
    _canvas.CACHE_TEXT = False

    def recording(self, renderer):
        if self.get_visible() and self.get_text().strip():
            drawn.append(self)
        return original(self, renderer)

    Text.draw = recording
    try:
        yield drawn
    finally:
        Text.draw, _canvas.CACHE_TEXT = original, cache


def _png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def measure(fig, render, scale_of) -> list[dict]:
    """Draw ``fig`` with ``render()``; one record per text drawn, sizes in shown px.

    ``scale_of(result)`` gives the PNG pixels per pixel shown from what ``render``
    returned (the display size a notebook or an explorer gives the PNG).
    """
    with _drawn_texts() as texts:
        result = render()
    scale = scale_of(result)
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    records = []
    for t in texts:
        box = t.get_window_extent(renderer)
        records.append(
            {
                "text": t.get_text(),
                "px": t.get_fontsize() * fig.dpi / 72 / scale,
                "extent_px": box.height / scale / max(1, t.get_text().count("\n") + 1),
                "box": box,
                "inside": box.x0 >= -SLACK
                and box.y0 >= -SLACK
                and box.x1 <= width + SLACK
                and box.y1 <= height + SLACK,
            }
        )
    return records


def problems(records: list[dict]) -> list[str]:
    found = []
    for r in records:
        if r["px"] < MIN_PX:
            found.append(f"{r['text']!r} is {r['px']:.1f} px high as shown")
        if not r["inside"]:
            found.append(f"{r['text']!r} is cut by the figure's edge: {r['box'].bounds}")
    for i, a in enumerate(records):
        for b in records[i + 1 :]:
            x = min(a["box"].x1, b["box"].x1) - max(a["box"].x0, b["box"].x0)
            y = min(a["box"].y1, b["box"].y1) - max(a["box"].y0, b["box"].y0)
            if x > SLACK and y > SLACK:
                found.append(f"{a['text']!r} overlaps {b['text']!r}")
    return found


def _picture_scale(result) -> float:
    png, meta = result
    return _png_size(png)[0] / meta["width"]


def figure_records(fig) -> list[dict]:
    """A figure as a notebook shows it (``Picture._repr_png_``: PNG and its shown size)."""
    return measure(fig, fig._repr_png_, _picture_scale)


def explorer_records(explorer) -> list[dict]:
    fig = explorer.figure
    return measure(
        fig,
        explorer.render_png,
        lambda png: _png_size(png)[0] / int(explorer.image.width),
    )


def animation_records(anim) -> list[list[dict]]:
    """Every frame of a sliding animation, shown as ``to_jshtml`` shows it."""
    frames = []
    fig = anim._fig
    anim._draw_was_started = True  # stepped by hand here: no "deleted without rendering"
    for frame in anim.new_frame_seq():
        anim._func(frame)
        frames.append(measure(fig, lambda: fig.canvas.draw(), lambda _: fig.dpi / anim.shown_dpi))
    return frames


def readme_records() -> dict[str, list[list[dict]]]:
    """The README's GIF frames and picture, at the dpi they are written with."""
    spec = importlib.util.spec_from_file_location(
        "make_readme_images", ROOT / "scripts" / "make_readme_images.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = {}
    for name, fig, dpi, frames in module.pictures():
        records = []
        for _ in frames(fig):
            original = fig.dpi
            fig.set_dpi(dpi)
            try:
                records.append(measure(fig, lambda f=fig: f.canvas.draw(), lambda _: 1.0))
            finally:
                fig.set_dpi(original)
        out[name] = records
    return out


def spec_records(spec: tuple) -> list[list[dict]]:
    """One list of text records per picture the spec draws (animations: one per frame)."""
    kind, name, args, kwargs, *sets = spec
    if kind == "explorer":
        explorer = EXPLORERS[name](*args, **kwargs)
        for values in sets[0]:
            explorer.set(**values)
        return [explorer_records(explorer)]
    result = getattr(draw, name)(*args, **kwargs)
    if name == "sliding_animation":
        return animation_records(result)
    fig = result if isinstance(result, matplotlib.figure.Figure) else result.figure
    return [figure_records(fig)]


# ---------------------------------------------------------------------------------------

PICTURES = notebook_pictures()
SUMMARY = {"pictures": 0, "smallest": (float("inf"), "")}


def _tally(records_per_picture: list[list[dict]], label: str) -> None:
    for records in records_per_picture:
        SUMMARY["pictures"] += 1
        for r in records:
            if r["px"] < SUMMARY["smallest"][0]:
                SUMMARY["smallest"] = (r["px"], f"{r['text']!r} in {label}")


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    px, where = SUMMARY["smallest"]
    print(
        f"\npicture text: {SUMMARY['pictures']} pictures checked; smallest text "
        f"{px:.1f} px as shown ({where})"
    )


def test_the_notebooks_draw_pictures_found_here():
    kinds = {spec[1] for _, spec in PICTURES}
    assert {"draw_window", "draw_comparison", "FormulaExplorer", "SameExplorer"} <= kinds


@pytest.mark.parametrize("label, spec", PICTURES, ids=[label for label, _ in PICTURES])
def test_picture_text_is_readable(label, spec):
    per_picture = spec_records(spec)
    _tally(per_picture, label)
    found = [f"picture {i}: {p}" for i, rs in enumerate(per_picture) for p in problems(rs)]
    assert not found, "\n".join(found)


def test_readme_pictures_text_is_readable():
    for name, per_picture in readme_records().items():
        _tally(per_picture, name)
        found = [f"{name} frame {i}: {p}" for i, rs in enumerate(per_picture) for p in problems(rs)]
        assert not found, "\n".join(found)
