"""Sphinx configuration of the course's web book (built by scripts/book.py, not by hand).

scripts/book.py lays the sources out in a temporary folder as they are in the repository
(notebooks/, docs/, and index.md made from book/index.md and docs/course.toml) and runs
``sphinx-build -c book``. Nothing is executed: pages show the stored outputs. Nothing is
loaded from a CDN: no MathJax (no dollar math), no widget manager (explorers need a
kernel: each notebook page has a Binder button instead).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from docutils import nodes
from sphinx import addnodes

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]

project = "samepad"
author = "the samepad authors"
copyright = "the samepad authors"
html_title = "samepad: Keras 'same' padding in PyTorch"

extensions = ["myst_nb", "sphinx.ext.githubpages"]  # githubpages: .nojekyll for _static/
root_doc = "index"
exclude_patterns = ["**/.ipynb_checkpoints"]

# MyST-NB: stored outputs only, no JavaScript from elsewhere
nb_execution_mode = "off"
nb_ipywidgets_js = {}  # no require.js / widget manager from a CDN
myst_enable_extensions = []  # no $...$ math: nothing for MathJax to do
myst_heading_anchors = 3  # links such as cheatsheet.md#glossary

html_theme = "sphinx_book_theme"
html_theme_options = {
    "repository_url": REPOSITORY,
    "repository_branch": "main",
    "path_to_docs": "",  # the sources sit where they are in the repository
    "use_repository_button": True,
    "use_download_button": True,
    "launch_buttons": {"binderhub_url": "https://mybinder.org", "notebook_interface": "jupyterlab"},
    "show_toc_level": 2,
    "home_page_in_toc": True,
}
html_static_path = ["_static"]
html_css_files = ["samepad.css"]
html_sourcelink_suffix = ""  # the download button gives NAME.ipynb itself
html_last_updated_fmt = None
html_show_sphinx = False


def _link_repository_files(app, doctree) -> None:
    """A link to a repository file that is not a page (``../README.md``): its GitHub page.

    In JupyterLab such a link opens the file; in the book it opens the file on the
    repository's site. A link to a file that exists nowhere stays, and Sphinx warns.
    """
    docdir = (ROOT / app.env.docname).parent
    for node in list(doctree.findall(addnodes.pending_xref)):
        if node.get("reftype") != "myst" or node.get("refdomain") is not None:
            continue
        target = node["reftarget"]
        if urlsplit(target).scheme:
            continue
        path_part, _, fragment = target.partition("#")
        path = (docdir / path_part).resolve()
        if not path_part or not path.exists() or not path.is_relative_to(ROOT):
            continue
        kind = "tree" if path.is_dir() else "blob"
        url = f"{REPOSITORY}/{kind}/main/{path.relative_to(ROOT).as_posix()}"
        if fragment:
            url += f"#{fragment}"
        reference = nodes.reference("", "", *node.children, refuri=url, internal=False)
        node.replace_self(reference)


def setup(app):
    app.connect("doctree-read", _link_repository_files)
    return {"parallel_read_safe": True}
