"""What a learner sees in JupyterLab: every notebook runs clean, every explorer responds.

nbval proves the kernel side; these tests open the notebooks in a real browser (Debian's
Chromium, headless, through Playwright), press Run All, and look at the page: no error
output, no uncaught JavaScript error, every widget drawn, every animation's player there.
Then they move each control of each explorer with the keyboard or the mouse and check
the picture and the text: for ``FormulaExplorer`` and ``SameExplorer`` the numbers against
``samepad_viz.arithmetic`` and the error messages for impossible settings; for every
explorer ``samepad_viz.widgets`` exports, the text the same class computes in this process
for the values the page's controls show. And nothing may hide under a picture.

Screenshots land in ``tests/browser/artifacts/`` (git-ignored): look at them.
The module runs in one pytest-xdist worker (``--dist loadfile``): one server, one browser.
"""

from __future__ import annotations

import json
import re

import pytest

from .lab import (
    ARTIFACTS,
    ERROR_MIME,
    EXPLORERS,
    EXPLORERS_NOTEBOOK,
    NOTEBOOK,
    NOTEBOOKS,
    STDERR_MIME,
    WIDGET_FAILURES,
    WIDGET_MIME,
    Explorer,
    browser_unavailable,
    left_sidebar,
    open_notebook,
    open_tab,
    outputs,
    run_all,
    save,
    screenshot_element,
    screenshot_notebook,
)

WHY_NOT = browser_unavailable()
pytestmark = [
    pytest.mark.skipif(WHY_NOT is not None, reason=f"browser tests skipped: {WHY_NOT}"),
    pytest.mark.xdist_group("browser"),  # one worker under --dist loadfile or loadgroup
]


def _notebooks() -> list[str]:
    return sorted(p.name for p in NOTEBOOKS.glob("[0-9]*.ipynb"))


# ---------------------------------------------------------------------------------------
# Every notebook, Run All
# ---------------------------------------------------------------------------------------


def _code_cells(nb: dict) -> list[tuple[int, dict]]:
    return [(i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _html(output: dict) -> str:
    html = output.get("data", {}).get("text/html", "")
    return html if isinstance(html, str) else "".join(html)


def _stored(nb: dict) -> dict:
    """What the stored notebook shows: figures, animation players, widgets."""
    found = {"png": 0, "players": 0, "widgets": 0}
    for _, cell in _code_cells(nb):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            found["png"] += "image/png" in data
            found["players"] += _html(out).count('class="animation"')
            found["widgets"] += WIDGET_MIME in data
    # a cell that embeds an animation shows a player, stored outputs or not
    found["players"] = max(
        found["players"], sum("to_jshtml" in _source(c) for _, c in _code_cells(nb))
    )
    return found


@pytest.mark.parametrize("name", _notebooks())
def test_notebook_runs_clean_in_jupyterlab(name, lab_server, tab):
    page = tab.page
    stored = _stored(json.loads((NOTEBOOKS / name).read_text()))

    open_notebook(page, lab_server, name)
    run_all(page)
    shown = outputs(page)
    save(page)
    screenshot_notebook(page, name.removesuffix(".ipynb"))
    ran = json.loads((lab_server.root / name).read_text())  # the temporary copy, saved
    stderr = [f"cell {o['cell']}: {o['text']}" for o in shown if o["mime"] == STDERR_MIME]
    (ARTIFACTS / f"{name.removesuffix('.ipynb')}-stderr.txt").write_text("\n".join(stderr))

    assert not tab.errors, f"uncaught JavaScript errors on the page: {tab.errors}"
    prompts = page.get_by_text("Jupyter news").count()
    assert prompts == 0, "the 'get notified about official Jupyter news?' prompt is showing"

    not_run = [
        i for i, c in _code_cells(ran) if _source(c).strip() and c["execution_count"] is None
    ]
    errors = {
        i: f"{out.get('ename')}: {out.get('evalue')}"
        for i, c in _code_cells(ran)
        for out in c["outputs"]
        if out["output_type"] == "error" and "raises-exception" not in c["metadata"].get("tags", [])
    }
    assert not errors, (
        f"error outputs (cell index: error): {errors}. A cell meant to raise needs the "
        "'raises-exception' tag: without it JupyterLab's Run All stops there"
    )
    assert not not_run, f"cells Run All did not reach: {not_run}"

    failed = [o for o in shown if any(f in o["text"] for f in WIDGET_FAILURES)]
    assert not failed, f"widgets not drawn: {[(o['cell'], o['text'][:200]) for o in failed]}"
    widget_outputs = sum(
        WIDGET_MIME in o.get("data", {}) for _, c in _code_cells(ran) for o in c["outputs"]
    )
    drawn = sum(o["widget"] for o in shown)
    assert drawn == widget_outputs, f"{widget_outputs} widget outputs, {drawn} drawn on the page"

    figures = sum(o["mime"] == "image/png" for o in shown)
    assert figures >= stored["png"], (
        f"{figures} figures shown, the stored notebook has {stored['png']}"
    )

    players = [p for o in shown for p in o["players"]]
    assert len(players) >= stored["players"], (
        f"{len(players)} animation players on the page, the stored notebook has {stored['players']}"
    )
    broken = [p for p in players if not (p["frame"] and p["slider"])]
    assert not broken, f"animation players without a frame or a frame slider: {broken}"

    allowed = {
        i for i, c in _code_cells(ran) if "raises-exception" in c["metadata"].get("tags", [])
    }
    tracebacks = [
        o
        for o in shown
        if o["cell"] not in allowed
        and (o["mime"] == ERROR_MIME or "Traceback (most recent" in o["text"])
    ]
    assert not tracebacks, f"tracebacks on the page: {[o['text'][:300] for o in tracebacks]}"


# ---------------------------------------------------------------------------------------
# Every explorer, every control
# ---------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u200b", " ").replace("\u00a0", " ")).strip()


def _arguments(cls) -> dict[str, str]:
    """Description shown on the page → the explorer's argument name (arithmetic's)."""
    return {_clean(control.description): name for name, control in cls().controls.items()}


def formula_expectation(v: dict) -> tuple[list[str], str | None]:
    """What FormulaExplorer must show for control values ``v``: texts, or an error."""
    from samepad_viz import arithmetic

    args = (v["size"], v["kernel_size"], v["stride"], v["padding"], v["dilation"], v["ceil_mode"])
    try:
        formula = arithmetic.output_size_formula(*args)
    except ValueError as error:
        return [], str(error)
    cells = arithmetic.window_indices(*args)
    return [formula, str(cells[v["row"]]), str(cells[v["col"]])], None


def same_expectation(v: dict) -> tuple[list[str], str | None]:
    """What SameExplorer must show for control values ``v``: texts, or an error."""
    from samepad_viz import arithmetic
    from samepad_viz.widgets import TORCH_SAME_STRIDED

    size, k, s, p, d = (v[n] for n in ("size", "kernel_size", "stride", "padding", "dilation"))
    split = arithmetic.same_padding(size, k, s, d)
    out = arithmetic.keras_output_size(size, k, s, "same", d)
    expected = [str(split), f"{out} × {out}"]
    if v["framework"] == "keras":
        expected += arithmetic.torch_padding((size, size), k, s, d).code.splitlines()
    elif v["framework"] == "torch_same":
        if s > 1:
            return [], TORCH_SAME_STRIDED
        expected.append("padding='same'")
    else:
        try:
            expected.append(arithmetic.output_size_formula(size, k, s, p, d))
        except ValueError as error:
            return [], str(error)
    return expected, None


def _framework_keys() -> dict[str, str]:
    from samepad_viz.widgets import FRAMEWORKS

    return {_clean(label): key for key, label in FRAMEWORKS.items()}


# (action, control argument name, key or option) — each changes what the picture shows;
# "End" on the kernel slider makes the kernel larger than the padded input.
FORMULA_STEPS = [
    ("press", "size", "ArrowRight"),
    ("press", "kernel_size", "ArrowRight"),
    ("press", "stride", "ArrowRight"),
    ("press", "padding", "ArrowRight"),
    ("press", "dilation", "ArrowRight"),
    ("click", "ceil_mode", None),
    ("press", "row", "ArrowRight"),
    ("press", "col", "ArrowRight"),
    ("press", "kernel_size", "End"),  # invalid: kernel larger than the padded input
    ("press", "kernel_size", "Home"),  # and back
]
SAME_STEPS = [
    ("press", "size", "ArrowRight"),
    ("press", "kernel_size", "ArrowRight"),
    ("press", "stride", "ArrowRight"),
    ("press", "padding", "ArrowRight"),
    ("press", "dilation", "ArrowRight"),
    ("choose", "framework", "keras"),
    ("choose", "framework", "torch_same"),  # invalid: PyTorch refuses 'same' with stride > 1
    ("press", "stride", "Home"),
    ("choose", "framework", "torch_int"),
    ("press", "kernel_size", "End"),  # invalid: kernel larger than the padded input
    ("press", "kernel_size", "Home"),
]


@pytest.fixture(scope="module")
def explorers(browser, lab_server):
    """The explorers' notebook, run once; each explorer by its class name."""
    context, tab = open_tab(browser, lab_server)
    try:
        open_notebook(tab.page, lab_server, EXPLORERS_NOTEBOOK)
        run_all(tab.page)
        cells = tab.page.locator(f"{NOTEBOOK} .jp-Cell")
        found = {
            name: Explorer(tab.page, cells.nth(i + 1).locator(".jp-OutputArea-output").first)
            for i, name in enumerate(EXPLORERS)
        }
        yield tab, found
    finally:
        context.close()
        lab_server.shutdown_kernels()


def _drive(explorer: Explorer, cls, steps, expectation, options=None) -> list[str]:
    """Take each step as a person would and check the page after it; return a log."""
    names = _arguments(cls)
    options = options or {}
    labels = {name: label for label, name in names.items()}

    def values() -> dict:
        shown = {names[_clean(k)]: v for k, v in explorer.values().items() if _clean(k) in names}
        for name, value in shown.items():
            if isinstance(value, float):
                shown[name] = int(value)
            elif isinstance(value, str):
                shown[name] = options[_clean(value)]
        return shown

    log = []
    expected, error = expectation(values())
    assert error is None, f"the explorer starts in an invalid state: {error}"
    for text in expected:
        assert text in explorer.text(), f"{text!r} not shown at the start"
    last_valid = expected
    for action, name, arg in steps:
        src, before = explorer.src(), values()[name]
        if action == "press":
            explorer.press(labels[name], arg)
        elif action == "click":
            explorer.click(labels[name])
        else:
            option = next(label for label, key in options.items() if key == arg)
            explorer.choose(labels[name], option)
        step = f"{action} {name} {arg or ''}".strip()
        # the controls change on the page at once; the picture and text after the kernel
        shown_now = values()
        assert shown_now[name] != before, f"'{step}' did not move {name} (still {before})"
        predicted, predicted_error = expectation(shown_now)
        if predicted_error:
            explorer.wait_for_text(predicted_error)
        else:
            if predicted != last_valid:
                try:
                    explorer.wait_for_picture_change(src)
                except Exception as exc:  # reported as the test's failure
                    pytest.fail(f"after '{step}' the picture did not change ({exc})")
            for text in predicted:
                explorer.wait_for_text(text)
        now = values()  # read again: the kernel may have clamped a range
        expected, error = expectation(now)
        shown = explorer.text()
        if error:
            assert error in shown, f"after '{step}' ({now}) the message {error!r} is missing"
            assert explorer.image_sizes()["natural"][0] > 0, "the last picture vanished"
        else:
            missing = [t for t in expected if t not in shown]
            assert not missing, f"after '{step}' ({now}) the explorer lacks {missing}:\n{shown}"
            last_valid = expected
        log.append(f"{step}: {now} -> {error or expected[0]}")
    return log


def _check_picture_not_scaled(explorer: Explorer) -> None:
    """Crisp on HiDPI screens: the PNG has PIXEL_RATIO × the pixels it is drawn at, exactly
    (any other scale blurs it: JupyterLab would stretch or squeeze the picture)."""
    from samepad_viz.draw import PIXEL_RATIO

    sizes = explorer.image_sizes()
    want = [n * PIXEL_RATIO for n in sizes["shown"]]
    assert sizes["natural"] == want, (
        f"the picture ({sizes['natural']} px) is drawn at {sizes['shown']} px, not "
        f"1/{PIXEL_RATIO} of its pixels: scaled, so blurred"
    )


@pytest.mark.parametrize("name", EXPLORERS)
def test_explorer_controls_are_not_hidden_under_the_picture(explorers, name):
    """In JupyterLab's first layout (file browser open, 1280 × 900), nothing overlaps."""
    tab, found = explorers
    left_sidebar(tab.page, shown=True)
    explorer = found[name]
    explorer.root.scroll_into_view_if_needed()
    screenshot_element(tab.page, explorer.root, f"explorer_{name}_beside_file_browser")
    hidden = explorer.controls_under_picture()
    assert not hidden, f"{name}: controls under the picture: {hidden}"


@pytest.mark.parametrize("name", EXPLORERS)
def test_explorer_text_wraps_at_spaces_and_options_fit(explorers, name):
    """Labels wrap between words (JupyterLab's output CSS breaks <pre> text anywhere), and
    every dropdown option is shown whole."""
    _, found = explorers
    explorer = found[name]
    assert not explorer.words_broken(), f"{name}: text panes that break words"
    assert not explorer.options_cut_off(), f"{name}: dropdown options cut off"


def test_formula_explorer_follows_every_control(explorers):
    from samepad_viz.widgets import FormulaExplorer

    tab, found = explorers
    left_sidebar(tab.page, shown=False)
    explorer = found["FormulaExplorer"]
    explorer.root.scroll_into_view_if_needed()
    _check_picture_not_scaled(explorer)
    _drive(explorer, FormulaExplorer, FORMULA_STEPS, formula_expectation)
    _check_picture_not_scaled(explorer)
    screenshot_element(tab.page, explorer.root, "explorer_FormulaExplorer")
    assert not tab.errors, f"uncaught JavaScript errors on the page: {tab.errors}"


def test_same_explorer_follows_every_control(explorers):
    from samepad_viz.widgets import SameExplorer

    tab, found = explorers
    left_sidebar(tab.page, shown=False)
    explorer = found["SameExplorer"]
    explorer.root.scroll_into_view_if_needed()
    _check_picture_not_scaled(explorer)
    _drive(explorer, SameExplorer, SAME_STEPS, same_expectation, options=_framework_keys())
    _check_picture_not_scaled(explorer)
    screenshot_element(tab.page, explorer.root, "explorer_SameExplorer")
    assert not tab.errors, f"uncaught JavaScript errors on the page: {tab.errors}"


# ---------------------------------------------------------------------------------------
# Every explorer samepad_viz.widgets exports: the page shows what the class computes
# ---------------------------------------------------------------------------------------


def _widget_class(name: str):
    from samepad_viz import widgets

    return getattr(widgets, name)


def _option_keys(control) -> dict[str, object]:
    """A dropdown's visible labels → the values the explorer works with."""
    pairs = [o if isinstance(o, tuple) else (str(o), o) for o in control.options]
    return {_clean(label): key for label, key in pairs}


def _expected_lines(text: str) -> list[str]:
    """The lines of ``.text`` the page must show (headers such as "PyTorch:" aside)."""
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().endswith(":")]


@pytest.mark.parametrize("name", EXPLORERS)
def test_every_explorer_shows_what_its_class_computes(explorers, name):
    """Move every control once (the keyboard on sliders, a pick on dropdowns, a click on
    checkboxes), then the kernel slider to its end; after each step the page must show
    the text the same class computes in this process for the controls the page shows,
    and a new picture whenever that picture changes."""
    from samepad_viz.widgets import ERROR_PREFIX

    tab, found = explorers
    left_sidebar(tab.page, shown=False)
    explorer = found[name]
    explorer.root.scroll_into_view_if_needed()
    oracle = _widget_class(name)()
    names = {_clean(c.description): n for n, c in oracle.controls.items()}
    options = {n: _option_keys(c) for n, c in oracle.controls.items() if hasattr(c, "options")}

    def shown_values() -> dict:
        values = {}
        for label, value in explorer.values().items():
            arg = names.get(_clean(label))
            if arg is None:
                continue
            if arg in options:
                value = options[arg][_clean(value)]
            elif isinstance(value, float):
                value = int(value)
            values[arg] = value
        return values

    def check(step: str, src: str, png: bytes) -> bytes:
        oracle.set(**shown_values())
        text, new_png = oracle.text, oracle.render_png()
        if text.startswith(ERROR_PREFIX):  # the message, and code panes that follow the controls
            for line in [text.splitlines()[0], *_expected_lines(text)]:
                explorer.wait_for_text(line)
        else:
            if new_png != png:
                try:
                    explorer.wait_for_picture_change(src)
                except Exception as exc:  # reported as the test's failure
                    pytest.fail(f"{name}: after '{step}' the picture did not change ({exc})")
            for line in _expected_lines(text):
                explorer.wait_for_text(line)
        return new_png

    oracle.set(**shown_values())
    png = check("start", explorer.src(), oracle.render_png())
    steps = []
    for slider in explorer.sliders():
        if not slider["disabled"] and slider["max"] > slider["min"]:
            key = "ArrowRight" if slider["value"] < slider["max"] else "ArrowLeft"
            steps.append(("press", slider["label"], key))
    for arg, keys in options.items():
        label = oracle.controls[arg].description
        for option in keys:
            steps.append(("choose", label, option))
    for control in oracle.controls.values():
        if isinstance(getattr(control, "value", None), bool):
            steps.append(("click", control.description, None))
    if "kernel_size" in oracle.controls:
        steps.append(("press", oracle.controls["kernel_size"].description, "End"))
    by_label = {_clean(c.description): n for n, c in oracle.controls.items()}
    moved = 0
    for action, label, arg in steps:
        src, before = explorer.src(), shown_values()
        if action == "press":
            explorer.press(label, arg)
            now = shown_values()[by_label[_clean(label)]]
            assert now != before[by_label[_clean(label)]], f"'{label}' did not move on {arg}"
        elif action == "choose":
            explorer.choose(label, arg)
        else:
            explorer.click(label)
        png = check(f"{action} {label} {arg or ''}".strip(), src, png)
        moved += shown_values() != before
    assert moved >= len(oracle.controls) - 2, f"only {moved} of {len(steps)} steps changed anything"
    _check_picture_not_scaled(explorer)
    screenshot_element(tab.page, explorer.root, f"explorer_{name}_walk")
    assert not tab.errors, f"uncaught JavaScript errors on the page: {tab.errors}"
