"""Fixtures for the browser tests: one JupyterLab server and one Chromium per session.

All browser tests live in one module, which ``--dist loadfile`` keeps in one pytest-xdist
worker, so these session fixtures start one server and one browser. Where the browser
cannot run (``SAMEPAD_NO_BROWSER`` set by ``dev.py``, or Chromium or Playwright missing)
the tests are skipped with the reason before any fixture starts (see the test module).
"""

from __future__ import annotations

import pytest

from .lab import EXPLORERS_NOTEBOOK, chromium, explorer_notebook, jupyterlab, open_tab


@pytest.fixture(scope="session")
def lab_server():
    """JupyterLab on a temporary copy of notebooks/ plus the explorers' notebook."""
    with jupyterlab(extra_notebooks={EXPLORERS_NOTEBOOK: explorer_notebook()}) as lab:
        yield lab


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def tab(browser, lab_server):
    """A page in a context of its own; its kernels are shut down afterwards."""
    context, tab = open_tab(browser, lab_server)
    try:
        yield tab
    finally:
        context.close()
        lab_server.shutdown_kernels()
