"""The project's promises about setup: one package list, one repository URL, clean notebooks.

conda-forge is not reachable from CI, so environment.yml is checked here for consistency
with pyproject.toml (same packages) and for coverage of every import the notebooks and
the package make. The README's Binder links are checked against the one repository URL
declared in pyproject.toml.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import importlib.util
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
README = (ROOT / "README.md").read_text()

# conda-forge names that differ from the PyPI names in pyproject.toml
CONDA_NAME = {"torch": "pytorch-cpu"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower()


def _pyproject_names() -> set[str]:
    project = PYPROJECT["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    return {_name(r) for r in reqs}


def _environment_names() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names |= {_name(r) for r in dep.get("pip", [])}
        else:
            names.add(_name(dep))
    return names - {"python", "pip"}


def test_environment_yml_lists_the_same_packages_as_pyproject():
    expected = {CONDA_NAME.get(n, n) for n in _pyproject_names()}
    assert _environment_names() == expected


def test_environment_yml_is_conda_forge_cpu_pytorch_and_pins_python_minor():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"][0] == "conda-forge"
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    assert any(d.startswith("pytorch-cpu") for d in deps)
    assert not any(_name(d) in {"pytorch", "torch", "pytorch-gpu"} for d in deps)
    python = [d for d in deps if _name(d) == "python"]
    assert python and re.fullmatch(r"python=3\.\d+", python[0]), python


TESTED_TORCH = "2.13.0"  # the CPU build on this machine's disk


def _torch_requirement() -> Requirement:
    (torch,) = [
        Requirement(r) for r in PYPROJECT["project"]["dependencies"] if _name(r) == "torch"
    ]
    return torch


def test_package_declares_a_torch_range_so_a_users_own_torch_stays():
    spec = _torch_requirement().specifier
    assert spec.contains(TESTED_TORCH), f"torch{spec} excludes the tested {TESTED_TORCH}"
    assert not any(s.operator in ("==", "===", "~=") for s in spec), f"torch{spec} is a pin"
    assert spec.contains("2.6.0") and spec.contains("2.14.1"), f"torch{spec} is too narrow"


def test_dev_py_and_ci_pin_the_tested_torch_through_constraints_txt():
    lines = [
        ln.strip()
        for ln in (ROOT / "constraints.txt").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    assert f"torch=={TESTED_TORCH}" in lines
    dev = (ROOT / "dev.py").read_text()
    assert '"-c", CONSTRAINTS.name' in dev and 'ROOT / "constraints.txt"' in dev


def test_binder_environment_pins_the_tested_torch():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    assert f"pytorch-cpu={TESTED_TORCH}" in [d.split("#")[0].strip() for d in deps]


def test_jupyterlab_overrides_never_ask_about_news_and_are_installed(tmp_path):
    overrides = json.loads((ROOT / "jupyter-settings" / "overrides.json").read_text())
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    written = dev.install_lab_overrides(tmp_path)
    assert written == tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert json.loads(written.read_text()) == overrides
    post_build = (ROOT / "postBuild").read_text()
    assert "cp jupyter-settings/overrides.json" in post_build
    assert "share/jupyter/lab/settings" in post_build


def _imports_in(source: str) -> set[str]:
    tree = ast.parse(source)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _all_imports() -> set[str]:
    names = set()
    for path in (ROOT / "samepad_viz").rglob("*.py"):
        names |= _imports_in(path.read_text())
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
                names |= _imports_in("\n".join(lines))
    return names - set(sys.stdlib_module_names) - {"samepad_viz"}


def _closure(dists: set[str]) -> set[str]:
    """The listed distributions and everything they require (as installed here)."""
    seen, todo = set(), list(dists)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = md.requires(name) or []
        except md.PackageNotFoundError:
            continue
        todo += [_name(r).replace("_", "-") for r in requires if "extra ==" not in r]
    return seen


def test_every_import_in_package_and_notebooks_is_a_declared_dependency():
    declared = {n.replace("_", "-") for n in PYPROJECT["project"]["dependencies"]}
    declared = {_name(n) for n in declared}
    provided = _closure(declared)
    module_to_dists = md.packages_distributions()
    missing = {}
    for module in sorted(_all_imports()):
        dists = {d.lower().replace("_", "-") for d in module_to_dists.get(module, [])}
        if not dists & provided:
            missing[module] = sorted(dists) or ["(not installed)"]
    assert not missing, f"imports not covered by pyproject dependencies: {missing}"


def test_import_samepad_viz_pulls_in_no_heavy_package():
    probe = (
        "import sys, samepad_viz; "
        "print(','.join(m for m in ('torch', 'matplotlib', 'ipywidgets', 'keras') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --- README -------------------------------------------------------------------------------

REPO_URL = PYPROJECT["project"]["urls"]["Repository"]


def _binder_base() -> str:
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+)", REPO_URL)
    assert match, f"[project.urls] Repository is not a GitHub URL: {REPO_URL}"
    owner, repo = match.groups()
    return f"https://mybinder.org/v2/gh/{owner}/{repo}/main"


def test_readme_binder_badge_opens_notebook_01_in_jupyterlab():
    first = next((p.name for p in NOTEBOOKS if p.name.startswith("01_")), None)
    assert first is not None, "no notebook 01 in notebooks/"
    badge = (
        f"[![Binder](https://mybinder.org/badge_logo.svg)]"
        f"({_binder_base()}?urlpath=lab/tree/notebooks/{first})"
    )
    assert badge in README


def test_readme_links_every_notebook_in_binder_and_nothing_else():
    linked = set(re.findall(r"mybinder\.org/v2/gh/[^)\s]*?lab/tree/notebooks/([^)\s]+)", README))
    for url in re.findall(r"https://mybinder\.org/v2/gh/[^)\s]+", README):
        assert url.startswith(_binder_base() + "?urlpath=lab/tree/notebooks/"), url
    # every notebook: the lessons and the appendices (A1 evidence, A2 gallery)
    assert linked == {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}


def _readme_commands() -> list[str]:
    block = re.search(r"<!-- commands -->\s*```(?:bash|sh)?\n(.*?)```", README, re.S)
    assert block, "README has no commands block after <!-- commands -->"
    return [
        ln.strip() for ln in block.group(1).splitlines() if ln.strip() and not ln.startswith("#")
    ]


def test_readme_gives_exactly_two_commands_and_ci_runs_the_test_one():
    commands = _readme_commands()
    assert len(commands) == 2, commands
    ci = [
        ln.strip()
        for ln in (ROOT / ".ci" / "run").read_text().splitlines()
        if ln.strip() and not ln.lstrip().startswith(("#", "set ", "cd "))
    ]
    assert ci == [f"exec {commands[1]}"], ci
    assert "test" in commands[1] and "lab" in commands[0]


def test_readme_states_the_hypothesis_example_count_of_the_profile():
    source = (ROOT / "tests" / "conftest.py").read_text()
    count = re.search(r'"samepad",\s*max_examples=(\d+)', source).group(1)
    assert f"{count} examples" in README


# --- notebooks are stored clean -----------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_run_in_order_and_clean(path):
    text = path.read_text()
    nb = json.loads(text)
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"execution counts {counts}: restart and run all"
    )
    assert set(nb["metadata"]) <= {"kernelspec", "language_info"}, nb["metadata"].keys()
    for cell in nb["cells"]:
        assert set(cell.get("metadata", {})) <= {"tags"}, cell.get("metadata")
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                assert "".join(cell["source"]).startswith("# NBVAL_RAISES_EXCEPTION"), out["ename"]
            png = out.get("data", {}).get("image/png", "")
            assert len(png) < 300_000, f"a {len(png) // 1000} kB PNG: lower the dpi"
            assert "image/svg+xml" not in out.get("data", {}), "keep figures PNG"
    assert not re.search(r"(/tmp/|/work/|/root/|/home/)", text), "an absolute path is stored"


def test_readme_examples_are_what_the_package_computes():
    import doctest

    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False, verbose=False)
    assert result.attempted >= 3 and result.failed == 0
