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
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
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
        return self.url(f"lab/tree/{quote(name)}")

    def api(self, path: str, method: str = "GET", timeout: float = 5.0):
        request = urllib.request.Request(
            f"{self.base}/api/{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
            data=b"" if method == "POST" else None,
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


def _quiet_settings(settings_dir: Path) -> None:
    """No "get notified about Jupyter news?" toast over the notebook, no update checks."""
    plugin = settings_dir / "@jupyterlab" / "apputils-extension"
    plugin.mkdir(parents=True)
    (plugin / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )


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
        shutil.copytree(source, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for name, nb in (extra_notebooks or {}).items():
            (root / name).write_text(json.dumps(nb))
        _kernelspec(tmp / "data")
        _quiet_settings(tmp / "settings")
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
            "--LabApp.news_url=None",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--allow-root")
        log = tmp / "jupyterlab.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                args, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
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
    """File → Save (so the temporary copy on disk holds what the page shows)."""
    _menu(page, "File", "Save Notebook")
    page.wait_for_function(
        """() => !document.querySelector('.lm-TabBar-tab.lm-mod-current.jp-mod-dirty')""",
        timeout=30000,
    )


def outputs(page) -> list[dict]:
    """Every output of the open notebook: its cell index, mime type and text."""
    return page.evaluate(
        """() => {
            const nb = document.querySelector(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
            const found = [];
            nb.querySelectorAll('.jp-Cell').forEach((cell, i) => {
                cell.querySelectorAll('.jp-OutputArea-output').forEach(out => {
                    found.push({cell: i, mime: out.getAttribute('data-mime-type'),
                                text: out.innerText.slice(0, 2000)});
                });
            });
            return found;
        }"""
    )


def screenshot(target, name: str) -> Path:
    """Save a PNG of a page (whole notebook, scrolled) or element under artifacts/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    target.screenshot(path=str(path))
    return path
