#!/usr/bin/env python3
"""The project's two commands, for a machine that has only Python 3.11+.

    python3 dev.py lab     set up what is missing, then open JupyterLab on notebooks/
    python3 dev.py test    set up what is missing, then run every test
    python3 dev.py book    (contributors) build the course as a website in build/book/;
                           --publish DIR also copies it there (scripts/book.py)

"Set up" means: a virtual environment in .venv with this package and its test
dependencies (re-installed when pyproject.toml or constraints.txt changes; torch pinned by
constraints.txt to the CPU build the tests run on), JupyterLab's settings overrides from
jupyter-settings/ (no news prompt), and — for the browser tests, where this machine is
Debian and we are root — Chromium from apt-get. Standard library only.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".samepad-installed"
CONSTRAINTS = ROOT / "constraints.txt"
LAB_OVERRIDES = ROOT / "jupyter-settings" / "overrides.json"
CHROMIUM = Path("/usr/bin/chromium")


def say(message: str) -> None:
    print(f"[dev.py] {message}", flush=True)


def run(*args, **kwargs) -> int:
    say(" ".join(str(a) for a in args))
    return subprocess.call([str(a) for a in args], cwd=ROOT, **kwargs)


def check(*args, **kwargs) -> None:
    code = run(*args, **kwargs)
    if code != 0:
        sys.exit(code)


def install_lab_overrides(prefix: Path) -> Path:
    """Copy jupyter-settings/overrides.json to where JupyterLab reads it in ``prefix``.

    JupyterLab applies ``<prefix>/share/jupyter/lab/settings/overrides.json`` as the
    default settings of every user: here, "never fetch news" (no prompt over the first
    picture) and no update check. Binder's postBuild does the same for its environment.
    """
    target = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LAB_OVERRIDES, target)
    return target


def ensure_venv() -> None:
    """Create .venv and install the package with its test extras when anything changed."""
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", CONSTRAINTS):
        digest.update(path.read_bytes())
    wanted = digest.hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and PY.exists():
        install_lab_overrides(VENV)
        return
    if not PY.exists():
        say(f"creating a virtual environment in {VENV.name}/")
        venv.EnvBuilder(with_pip=True).create(VENV)
    check(
        PY, "-m", "pip", "install", "--disable-pip-version-check", "-q",
        "-c", CONSTRAINTS.name, "-e", ".[test]",
    )
    install_lab_overrides(VENV)
    STAMP.write_text(wanted + "\n")


def ensure_chromium() -> str | None:
    """Install Debian's Chromium when missing and possible; return why not, or None."""
    if CHROMIUM.exists():
        return None
    if not Path("/etc/debian_version").exists():
        return "this machine is not Debian: install Chromium at /usr/bin/chromium by hand"
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "not root, so apt-get cannot install chromium"
    if shutil.which("apt-get") is None:
        return "apt-get is missing"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    quiet = {"stdout": subprocess.DEVNULL}
    if run("apt-get", "update", "-qq", env=env, **quiet) != 0:
        return "apt-get update failed"
    if run("apt-get", "install", "-y", "-qq", "chromium", "chromium-driver", env=env, **quiet):
        return "apt-get install chromium failed"
    return None if CHROMIUM.exists() else "apt-get ran but /usr/bin/chromium is still missing"


def test_env() -> dict:
    env = dict(os.environ)
    env.setdefault("KERAS_BACKEND", "torch")
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONHASHSEED"] = "0"
    # Tests run many tiny torch ops in two xdist workers on two cores: one thread per
    # process avoids oversubscription stalls (50-70 ms per tiny conv measured here).
    env.setdefault("OMP_NUM_THREADS", "1")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def pytest(*args, env) -> None:
    code = run(PY, "-m", "pytest", *args, env=env)
    if code not in (0,):
        sys.exit(code)


def cmd_test(extra: list[str]) -> None:
    ensure_venv()
    env = test_env()
    why_not = ensure_chromium()
    if why_not:
        env["SAMEPAD_NO_BROWSER"] = why_not
        say(f"browser tests will be skipped: {why_not}")
    check(PY, "-m", "ruff", "check", ".")
    pytest("tests", "samepad_viz", "-n", "2", "--dist", "loadfile", *extra, env=env)
    pytest(
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        "tests/nbval_sanitize.cfg",
        "-o",
        "addopts=",
        "notebooks/",
        env=env,
    )


def cmd_lab(extra: list[str]) -> None:
    ensure_venv()
    env = test_env()
    env.pop("MPLBACKEND")
    args = [str(BIN / "jupyter"), "lab", f"--ServerApp.root_dir={ROOT / 'notebooks'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")  # containers and Binder-like machines run as root
    os.execve(args[0], [*args, *extra], env)


def cmd_book(extra: list[str]) -> None:
    ensure_venv()
    check(PY, "scripts/book.py", *extra, env=test_env())


def main(argv: list[str]) -> None:
    commands = {"lab": cmd_lab, "test": cmd_test, "book": cmd_book}
    if not argv or argv[0] not in commands:
        print(__doc__)
        sys.exit(2)
    commands[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
