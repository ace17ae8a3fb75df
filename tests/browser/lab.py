"""Drive JupyterLab in headless Chromium as a learner would: shared by tests and benchmarks.

* :func:`jupyterlab` starts a JupyterLab server on 127.0.0.1 (free port, random token)
  whose root is a *temporary copy* of ``notebooks/`` — Run All and autosave never touch
  the tracked notebooks — with the running interpreter as the ``python3`` kernel, and
  stops it (kernels included) whatever happens.
* :func:`chromium` launches Debian's Chromium headless through Playwright.
* The page helpers open a notebook, Run All, wait for the kernel, and read the page.

Nothing here asserts: the tests and the benchmark decide what a result means.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
LAB_OVERRIDES = ROOT / "jupyter-settings" / "overrides.json"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]
VIEWPORT = {"width": 1280, "height": 900}

# What JupyterLab and ipywidgets put on the page
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
DIALOG_ACCEPT = ".jp-Dialog .jp-mod-accept"
ERROR_MIME = "application/vnd.jupyter.error"
STDERR_MIME = "application/vnd.jupyter.stderr"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_FAILURES = ("Loading widget", "Error displaying widget")


# A notebook the tests write into the temporary root: each explorer alone in its cell.
EXPLORERS_NOTEBOOK = "browser_test_explorers.ipynb"


def _explorer_names() -> tuple[str, ...]:
    """Every explorer samepad_viz.widgets exports (read from its source: no import)."""
    import ast

    tree = ast.parse((ROOT / "samepad_viz" / "widgets.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return tuple(n for n in ast.literal_eval(node.value) if n.endswith("Explorer"))
    return ()


EXPLORERS = _explorer_names()


def explorer_notebook() -> dict:
    """An nbformat-4 notebook that imports the explorers and shows each in a cell."""

    def code(source: str) -> dict:
        return {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": source,
        }

    return {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "cells": [code(f"from samepad_viz.widgets import {', '.join(EXPLORERS)}")]
        + [code(f"{name}()") for name in EXPLORERS],
    }


def notebook_names() -> list[str]:
    """The course notebooks, as they are on disk when the tests run."""
    return sorted(p.name for p in NOTEBOOKS.glob("[0-9]*.ipynb"))


def browser_unavailable() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    reason = os.environ.get("SAMEPAD_NO_BROWSER")
    if reason:
        return reason
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (python3 dev.py test installs it on Debian as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"playwright is not installed: {error}"
    return None


# ---------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------


@dataclass
class Lab:
    """A running JupyterLab server."""

    root: Path  # the temporary copy of notebooks/ it serves
    port: int
    token: str
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}?token={self.token}"

    def notebook_url(self, name: str) -> str:
        """The notebook in a workspace of its own, so no earlier tab is restored with it."""
        workspace = f"t{secrets.token_hex(4)}"
        return self.url(f"lab/workspaces/{workspace}/tree/{quote(name)}")

    def shutdown_kernels(self) -> None:
        """End every session (and its kernel): each notebook test starts its own."""
        for session in self.api("sessions"):
            with contextlib.suppress(urllib.error.URLError, OSError):
                self.api(f"sessions/{session['id']}", method="DELETE", timeout=30)

    def api(self, path: str, method: str = "GET", timeout: float = 5.0):
        request = urllib.request.Request(
            f"{self.base}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
            data=b"" if method in ("POST", "PATCH") else None,
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kernelspec(data_dir: Path) -> None:
    """A ``python3`` kernel that is this interpreter (the venv with samepad_viz in it)."""
    spec = data_dir / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (samepad test)",
                "language": "python",
            }
        )
    )


def _shipped_overrides(app_settings_dir: Path) -> None:
    """The repository's own JupyterLab overrides (what dev.py and Binder install).

    They are what keeps the "get notified about Jupyter news?" prompt away from users, so
    the browser tests run with exactly that file and no settings of their own.
    """
    app_settings_dir.mkdir(parents=True)
    shutil.copyfile(LAB_OVERRIDES, app_settings_dir / "overrides.json")


@contextlib.contextmanager
def jupyterlab(
    extra_notebooks: dict[str, dict] | None = None,
    source: Path = NOTEBOOKS,
    timeout: float = 90,
) -> Iterator[Lab]:
    """Run JupyterLab on a temporary copy of notebooks/ (plus ``extra_notebooks``).

    Everything JupyterLab writes — settings, workspaces, runtime files, checkpoints,
    autosaves — goes under one temporary directory, removed at the end.
    """
    tmp = Path(tempfile.mkdtemp(prefix="samepad-lab-"))
    proc = None
    try:
        root = tmp / "notebooks"
        if source.exists():
            shutil.copytree(source, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        else:
            root.mkdir()
        for name, nb in (extra_notebooks or {}).items():
            (root / name).write_text(json.dumps(nb))
        _kernelspec(tmp / "data")
        _shipped_overrides(tmp / "app-settings")
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)  # Agg would hide every inline figure
        env.update(
            JUPYTER_PATH=str(tmp / "data"),
            JUPYTER_CONFIG_DIR=str(tmp / "config"),
            JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
            IPYTHONDIR=str(tmp / "ipython"),
            PYTHONUNBUFFERED="1",
            # the kernel imports samepad_viz from this working tree, installed or not
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        )
        port, token = free_port(), secrets.token_hex(24)
        args = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={token}",
            f"--LabApp.app_settings_dir={tmp / 'app-settings'}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--allow-root")
        log = tmp / "jupyterlab.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                args,
                cwd=root,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        lab = Lab(root=root, port=port, token=token, log=log)
        _wait_until_up(lab, proc, timeout)
        yield lab
    finally:
        if proc is not None:
            _stop(proc, tmp)
        shutil.rmtree(tmp, ignore_errors=True)


def _wait_until_up(lab: Lab, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n{lab.log.read_text()}")
        try:
            lab.api("status", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            time.sleep(0.25)
    raise TimeoutError(f"JupyterLab did not answer in {timeout} s:\n{lab.log.read_text()}")


def _kernel_pids(tmp: Path) -> list[int]:
    """Kernels of this server: their command line names a connection file under ``tmp``."""
    pids = []
    for proc_dir in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            if str(tmp).encode() in (proc_dir / "cmdline").read_bytes():
                pids.append(int(proc_dir.name))
    return [p for p in pids if p != os.getpid()]


def _stop(proc: subprocess.Popen, tmp: Path) -> None:
    """Stop the server and its kernels (which run in sessions of their own)."""
    kernels = _kernel_pids(tmp)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)
    for pid in kernels:  # any kernel the server did not manage to stop
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)


# ---------------------------------------------------------------------------------------
# The browser
# ---------------------------------------------------------------------------------------


def chromium(playwright):
    """Debian's Chromium, headless, with a fresh temporary profile (Playwright's launch)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


@dataclass
class Tab:
    """A fresh browser page and the uncaught JavaScript errors it has seen."""

    page: object
    errors: list[str] = field(default_factory=list)


def open_tab(browser, lab: Lab):
    """A page in a browser context of its own; returns (context, tab): close the context."""
    context = browser.new_context(viewport=VIEWPORT)
    tab = Tab(context.new_page())
    tab.page.on("pageerror", lambda error: tab.errors.append(str(error)))
    return context, tab


def dismiss_dialogs(page) -> None:
    """Accept whatever first-run dialog is showing (kernel choice, news, …)."""
    for _ in range(5):
        accept = page.locator(DIALOG_ACCEPT)
        if accept.count() == 0:
            return
        with contextlib.suppress(Exception):
            accept.first.click(timeout=2000)
        page.wait_for_timeout(200)


def kernel_status(page) -> str | None:
    """The notebook's kernel status as its toolbar shows it (idle, busy, …).

    While the toolbar still names no kernel, the indicator already says "idle": that
    counts as "no kernel" here, because Run All would then ask which kernel to start.
    """
    return page.evaluate(
        """() => {
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            if (!panel) return null;
            const name = panel.querySelector('.jp-KernelName, [data-jp-item-name="kernelName"]');
            if (!name || !name.textContent.trim() || name.textContent.includes('No Kernel'))
                return 'no kernel';
            const ind = panel.querySelector('.jp-Notebook-ExecutionIndicator');
            return ind ? ind.getAttribute('data-status') : null;
        }"""
    )


def wait_kernel_idle(page, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dismiss_dialogs(page)
        if kernel_status(page) == "idle":
            return
        page.wait_for_timeout(100)
    raise TimeoutError(f"kernel not idle after {timeout} s (status {kernel_status(page)!r})")


def open_notebook(page, lab: Lab, name: str, timeout: float = 120) -> None:
    """Open ``name`` in JupyterLab and wait until its kernel is ready."""
    page.goto(lab.notebook_url(name))
    page.locator(NOTEBOOK).first.wait_for(timeout=timeout * 1000)
    dismiss_dialogs(page)
    wait_kernel_idle(page, timeout)


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{re.escape(menu)}$")).click()
    page.locator(".lm-Menu-item:visible", has_text=re.compile(rf"^{re.escape(item)}")).first.click()


_RUNNING = """() => {
    const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
    return [...nb.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('[*]'));
}"""


def run_all(page, timeout: float = 180) -> float:
    """Run → Run All Cells; wait until no cell shows ``[*]`` and the kernel is idle.

    Returns the seconds it took.
    """
    start = time.monotonic()
    _menu(page, "Run", "Run All Cells")
    with contextlib.suppress(Exception):  # a very fast notebook may finish before we look
        page.wait_for_function(_RUNNING, timeout=5000)
    page.wait_for_function(f"() => !({_RUNNING})()", timeout=timeout * 1000, polling=200)
    wait_kernel_idle(page, timeout)
    return time.monotonic() - start


def save(page) -> None:
    """File → Save Notebook, so the temporary copy on disk holds what the page shows."""
    _menu(page, "File", "Save Notebook")
    dismiss_dialogs(page)
    page.wait_for_function(
        "() => !document.querySelector('.lm-TabBar-tab.lm-mod-current.jp-mod-dirty')",
        timeout=30000,
    )


def outputs(page) -> list[dict]:
    """Every output on the page: its cell's index, mime type, text, and what it holds."""
    return page.evaluate(
        """() => {
            const nb = document.querySelector(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
            const found = [];
            nb.querySelectorAll('.jp-Cell').forEach((cell, i) => {
                cell.querySelectorAll('.jp-OutputArea-output').forEach(out => {
                    found.push({
                        cell: i,
                        mime: out.getAttribute('data-mime-type'),
                        text: out.innerText.slice(0, 4000),
                        widget: !!out.querySelector('.jupyter-widgets'),
                        images: out.querySelectorAll('img').length,
                        players: [...out.querySelectorAll('.animation')].map(a => {
                            const img = a.querySelector('img');
                            const src = img ? (img.getAttribute('src') || '') : '';
                            return {
                                frame: src.startsWith('data:image'),
                                slider: !!a.querySelector('input[type=range]'),
                            };
                        }),
                    });
                });
            });
            return found;
        }"""
    )


def left_sidebar(page, shown: bool) -> None:
    """Open or collapse the left sidebar (the file browser, open in a fresh JupyterLab)."""
    if (page.locator("#jp-left-stack:visible").count() > 0) != shown:
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first.click(
            position={"x": 5, "y": 5}
        )
        page.keyboard.press("Control+b")
        page.wait_for_timeout(300)


_NOTEBOOK_EXTENT = """() => {
    const scroller = document.querySelector(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
    const cells = scroller.querySelectorAll('.jp-Cell');
    const last = cells[cells.length - 1];
    const end = last.getBoundingClientRect().bottom - scroller.getBoundingClientRect().top
        + scroller.scrollTop + 20;
    return [scroller.scrollTop, scroller.clientHeight, Math.ceil(end)];
}"""


def screenshot_notebook(page, name: str, part_height: int = 6000) -> list[Path]:
    """The whole notebook, top to bottom, in as few PNGs as it takes (``name.png``,
    then ``name-2.png``, …): the window grows to ``part_height`` and scrolls."""
    left_sidebar(page, shown=False)
    scroller = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"
    original = page.viewport_size
    _, visible, end = page.evaluate(_NOTEBOOK_EXTENT)
    chrome = original["height"] - visible  # menus, toolbar, status bar
    tall = min(max(end + chrome, original["height"]), part_height)
    page.set_viewport_size({"width": original["width"], "height": tall})
    paths = []
    try:
        offset = 0
        while True:
            page.evaluate(f"y => {{ document.querySelector('{scroller}').scrollTop = y; }}", offset)
            page.wait_for_timeout(400)
            suffix = f"-{len(paths) + 1}" if paths else ""
            paths.append(screenshot(page, f"{name}{suffix}"))
            top, visible, end = page.evaluate(_NOTEBOOK_EXTENT)
            if top + visible >= end or len(paths) >= 20:
                return paths
            offset = top + visible - 40  # a little overlap between parts
    finally:
        page.set_viewport_size(original)


def screenshot_element(page, element, name: str, max_height: int = 6000) -> Path:
    """One output, whole: the window grows so that the notebook shows all of it."""
    original = page.viewport_size
    box = element.bounding_box()
    if box and box["height"] + 300 > original["height"]:
        height = min(int(box["height"]) + 300, max_height)
        page.set_viewport_size({"width": original["width"], "height": height})
        page.wait_for_timeout(300)
    try:
        element.scroll_into_view_if_needed()
        return screenshot(element, name)
    finally:
        page.set_viewport_size(original)


def screenshot(target, name: str) -> Path:
    """Save a PNG of a page or an element under artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    target.screenshot(path=str(path))
    return path


# ---------------------------------------------------------------------------------------
# An explorer (samepad_viz.widgets) on the page
# ---------------------------------------------------------------------------------------

_VALUES = r"""root => {
    const clean = t => t.replace(/[\u200b\u00a0]/g, ' ').replace(/\s+/g, ' ').trim();
    const v = {};
    root.querySelectorAll('.widget-slider').forEach(s => {
        const handle = s.querySelector('[role=slider]');
        v[clean(s.querySelector('.widget-label').textContent)] =
            Number(handle.getAttribute('aria-valuenow'));
    });
    root.querySelectorAll('.widget-checkbox').forEach(c => {
        v[clean(c.innerText)] = c.querySelector('input[type=checkbox]').checked;
    });
    root.querySelectorAll('.widget-toggle-button').forEach(b => {
        v[clean(b.textContent)] = b.classList.contains('mod-active');
    });
    root.querySelectorAll('.widget-dropdown').forEach(d => {
        const sel = d.querySelector('select');
        v[clean(d.querySelector('.widget-label').textContent)] =
            clean(sel.options[sel.selectedIndex].textContent);
    });
    return v;
}"""

# Time from a key press on a slider to the new picture decoded and painted, in the page's
# own clock (no Python round trip in the number).
_ARM_LATENCY = """([root, label]) => {
    const img = root.querySelector('img.widget-image');
    const slider = [...root.querySelectorAll('.widget-slider')].find(
        s => s.querySelector('.widget-label').textContent.trim() === label);
    const handle = slider.querySelector('[role=slider]');
    window.__samepadLatency = new Promise(resolve => {
        let t0 = null;
        handle.addEventListener('keydown', () => { t0 = performance.now(); },
                                {once: true, capture: true});
        const observer = new MutationObserver(async () => {
            observer.disconnect();
            try { await img.decode(); } catch (e) { /* a broken image shows as such */ }
            requestAnimationFrame(() => requestAnimationFrame(
                () => resolve(performance.now() - t0)));
        });
        observer.observe(img, {attributes: true, attributeFilter: ['src']});
    });
    handle.focus();
}"""


class Explorer:
    """One explorer's output on the page: its controls, picture and text."""

    def __init__(self, page, root):
        self.page = page
        self.root = root  # locator of the output holding the explorer

    @property
    def image(self):
        return self.root.locator("img.widget-image").first

    def src(self) -> str:
        return self.image.get_attribute("src") or ""

    def text(self) -> str:
        return self.root.inner_text().replace("\u00a0", " ").replace("\u200b", "")

    def values(self) -> dict:
        """Every control's value as the page shows it, by its description."""
        return self.root.evaluate(_VALUES)

    def _slider(self, label: str):
        return self.root.locator(".widget-slider").filter(
            has=self.page.locator(".widget-label", has_text=re.compile(rf"^{re.escape(label)}$"))
        )

    def press(self, label: str, key: str) -> None:
        """Focus the slider's handle and press a key (ArrowRight, ArrowLeft, Home, End)."""
        handle = self._slider(label).locator("[role='slider']")
        handle.focus()
        handle.press(key)

    def sliders(self) -> list[dict]:
        """Every slider: its description, value, range and whether it can be moved."""
        return self.root.evaluate(
            r"""root => [...root.querySelectorAll('.widget-slider')].map(s => {
                const h = s.querySelector('[role=slider]');
                return {
                    label: s.querySelector('.widget-label').textContent.trim(),
                    value: Number(h.getAttribute('aria-valuenow')),
                    min: Number(h.getAttribute('aria-valuemin')),
                    max: Number(h.getAttribute('aria-valuemax')),
                    disabled: s.querySelector('[disabled]') !== null
                        || s.classList.contains('mod-disabled'),
                };
            })"""
        )

    def click(self, label: str) -> None:
        """Click a checkbox or toggle button."""
        checkbox = self.root.locator(".widget-checkbox").filter(has_text=label)
        if checkbox.count():
            checkbox.locator("input[type=checkbox]").click()
        else:
            self.root.locator(".widget-toggle-button", has_text=label).click()

    def choose(self, label: str, option: str) -> None:
        """Pick an option of a dropdown by its visible text."""
        dropdown = self.root.locator(".widget-dropdown").filter(
            has=self.page.locator(".widget-label", has_text=re.compile(rf"^{re.escape(label)}$"))
        )
        dropdown.locator("select").select_option(label=option)

    def wait_for_picture_change(self, old_src: str, timeout: float = 15) -> None:
        self.image.evaluate(
            """(img, [old, ms]) => new Promise((resolve, reject) => {
                const t = setTimeout(() => reject(new Error('picture unchanged')), ms);
                const check = () => {
                    if ((img.getAttribute('src') || '') !== old && img.complete) {
                        clearTimeout(t); resolve();
                    } else { requestAnimationFrame(check); }
                };
                check();
            })""",
            [old_src, int(timeout * 1000)],
        )

    def wait_for_text(self, needle: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{needle!r} not shown; the explorer shows:\n{self.text()}")
            self.page.wait_for_timeout(50)

    def controls_under_picture(self) -> list[str]:
        """Controls that reach under the picture beside them (so the picture hides them)."""
        return self.root.evaluate(
            """root => {
                const img = root.querySelector('img.widget-image').getBoundingClientRect();
                const sel = '.widget-slider, .widget-checkbox, .widget-dropdown';
                return [...root.querySelectorAll(sel)].filter(e => {
                    const r = e.getBoundingClientRect();
                    return r.right > img.left + 1 && r.left < img.right
                        && r.bottom > img.top && r.top < img.bottom;
                }).map(e => e.innerText.replace(/\\s+/g, ' ').trim());
            }"""
        )

    def words_broken(self) -> list[str]:
        """Text panes (``pre``) that may break a line inside a word ("same sha|pe")."""
        return self.root.evaluate(
            """root => [...root.querySelectorAll('pre')].filter(pre => {
                const s = getComputedStyle(pre);
                return s.wordBreak === 'break-all' || s.overflowWrap === 'anywhere';
            }).map(pre => pre.textContent.slice(0, 60))"""
        )

    def options_cut_off(self) -> list[str]:
        """Dropdown options whose text is wider than the dropdown shows (cut off)."""
        return self.root.evaluate(
            """root => {
                const ctx = document.createElement('canvas').getContext('2d');
                const cut = [];
                root.querySelectorAll('select').forEach(sel => {
                    const s = getComputedStyle(sel);
                    ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
                    // room for text: the box less its padding and the arrow (about 20 px)
                    const room = sel.clientWidth - parseFloat(s.paddingLeft)
                        - parseFloat(s.paddingRight) - 20;
                    [...sel.options].forEach(o => {
                        const width = ctx.measureText(o.textContent).width;
                        if (width > room) cut.push(`${o.textContent} (${width} > ${room} px)`);
                    });
                });
                return cut;
            }"""
        )

    def image_sizes(self) -> dict:
        """The picture's own pixel size and the size it is drawn at."""
        return self.image.evaluate(
            """img => ({natural: [img.naturalWidth, img.naturalHeight],
                        shown: [img.clientWidth, img.clientHeight]})"""
        )

    def latency(self, label: str, key: str, timeout: float = 15) -> float:
        """Milliseconds from pressing ``key`` on a slider to the new picture painted."""
        self.page.evaluate(_ARM_LATENCY, [self.root.element_handle(), label])
        self.page.keyboard.press(key)
        return self.page.evaluate(
            "t => Promise.race([window.__samepadLatency, new Promise((_, reject) =>"
            " setTimeout(() => reject(new Error('no new picture')), t))])",
            int(timeout * 1000),
        )
