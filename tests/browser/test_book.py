"""The course as a web book, read in a real browser: what a reader of the website gets.

The book is built (``scripts/book.py --strict``, as ``python3 dev.py book`` does) into a
temporary folder, served over loopback HTTP, and every page is opened in Debian's Chromium
through Playwright with every request off this machine blocked and recorded. Checked:
the build prints no warning and takes at most 30 s; no page raises a JavaScript error;
every image loads; every internal link has a target (the file, and the anchor in it);
every animation shows another frame when stepped; nothing but icons is asked of a CDN;
and a search for "padding" lists the lesson pages. A screenshot of the first page lands
in ``tests/browser/artifacts/book_index.png``: look at it.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .lab import ARTIFACTS, ROOT, VIEWPORT, browser_unavailable

WHY_NOT = browser_unavailable()
pytestmark = [
    pytest.mark.skipif(WHY_NOT is not None, reason=f"browser tests skipped: {WHY_NOT}"),
    pytest.mark.xdist_group("browser"),
]

BUILD_SECONDS = 30
# The only requests a page may make off this machine: icon fonts (matplotlib's animation
# player asks a CDN for Font Awesome's CSS; its buttons keep their titles without it).
ICONS = re.compile(r"^https://[^/]+/font-awesome/[\d.]+/css/font-awesome(\.min)?\.css$")


def _book_script():
    name = "samepad_book_script"
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "book.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


book = _book_script()


class Built:
    def __init__(self, out: Path, result: subprocess.CompletedProcess, seconds: float):
        self.out, self.result, self.seconds = out, result, seconds


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    out = tmp_path_factory.mktemp("book") / "book"
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "book.py"), "--strict", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Built(out, result, time.perf_counter() - start)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site(built):
    """The built book on http://127.0.0.1:PORT/ (built even when the build warned)."""
    index = built.out / "index.html"
    assert index.is_file(), built.result.stdout + built.result.stderr
    handler = functools.partial(_Quiet, directory=str(built.out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def tab(browser, site):
    """A page whose requests off this machine are blocked and listed in ``tab.outside``."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.outside = []
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))

    def route(request_route):
        url = request_route.request.url
        if url.startswith(site):
            request_route.continue_()
        else:
            page.outside.append(url)
            request_route.abort()

    context.route("**/*", route)
    try:
        yield page
    finally:
        context.close()


def _pages() -> list[str]:
    """Every page of the book, as paths from its root: landing, course pages, search."""
    course = [p for p in book.course() if p.exists]
    return ["index.html", *(f"{p.docname}.html" for p in course), "genindex.html"]


# ---------------------------------------------------------------------------------------


def test_build_prints_no_warning_and_takes_at_most_30_s(built):
    result = built.result
    assert result.returncode == 0, result.stdout + result.stderr
    hint = ""
    if "DuplicateCellId" in result.stderr:
        hint = "(a notebook repeats cell ids: run scripts/execute_notebooks.py on it)\n"
    assert result.stderr == "", f"the build warned:\n{hint}{result.stderr}"
    chatter = [ln for ln in result.stdout.splitlines() if not ln.startswith("book: ")]
    assert not chatter, chatter
    assert built.seconds <= BUILD_SECONDS, f"the build took {built.seconds:.1f} s"


PAGE_SCRIPT = """async () => {
  const images = await Promise.all([...document.images].map(async (img) => {
    try { await img.decode(); } catch (e) {}
    return {src: img.currentSrc || img.src, ok: img.complete && img.naturalWidth > 0};
  }));
  return {
    images,
    links: [...document.querySelectorAll('a[href]')].map((a) => a.href),
    ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
    animations: [...document.querySelectorAll('img[id^="_anim_img"]')].map(
      (img) => img.id.slice('_anim_img'.length)),
  };
}"""


def _stored_animations() -> int:
    """How many animation players (``to_jshtml``) the book's notebooks hold."""
    count = 0
    for page in book.course():
        if page.exists and page.file.endswith(".ipynb"):
            count += (ROOT / page.file).read_text().count('id=\\"_anim_img')
    return count


def _anchors(out: Path, relative: str, seen: dict[str, set[str]]) -> set[str]:
    """The ids in a built page: from the browser when it was opened, else from the file."""
    if relative not in seen:
        seen[relative] = set(re.findall(r'\bid="([^"]+)"', (out / relative).read_text()))
    return seen[relative]


def test_every_page_opens_clean_with_images_links_and_animations(tab, built, site):
    problems: list[str] = []
    links: dict[str, set[str]] = {}  # target URL -> pages linking to it
    ids: dict[str, set[str]] = {}
    stepped = 0
    for relative in _pages():
        tab.errors.clear()
        tab.goto(site + relative, wait_until="load")
        found = tab.evaluate(PAGE_SCRIPT)
        ids[relative] = set(found["ids"])
        problems += [f"{relative}: JavaScript error {e}" for e in tab.errors]
        problems += [f"{relative}: image not loaded {i['src']}" for i in found["images"]
                     if not i["ok"]]
        for link in found["links"]:
            links.setdefault(link, set()).add(relative)
        for anim in found["animations"]:
            frame = f"#_anim_img{anim}"
            tab.click(f'button[onclick^="anim{anim}.pause_animation"]')
            before = tab.get_attribute(frame, "src")
            tab.click(f'button[onclick^="anim{anim}.next_frame"]')
            after = tab.get_attribute(frame, "src")
            if not before or before == after:
                problems.append(f"{relative}: animation {anim} did not move when stepped")
            stepped += 1
        if relative == "index.html":
            ARTIFACTS.mkdir(exist_ok=True)
            tab.screenshot(path=str(ARTIFACTS / "book_index.png"))
    outside = sorted({u for u in tab.outside if not ICONS.match(u)})
    problems += [f"asked the network for {u}" for u in outside]

    checked = 0
    for url, sources in sorted(links.items()):
        if not url.startswith(site):
            continue
        parts = urlsplit(url)
        relative = unquote(parts.path[len(urlsplit(site).path) :]) or "index.html"
        if relative.endswith("/"):
            relative += "index.html"
        target = built.out / relative
        checked += 1
        if not target.is_file():
            problems.append(f"{sorted(sources)} link to a missing {relative}")
        elif (
            parts.fragment
            and target.suffix == ".html"
            and unquote(parts.fragment) not in _anchors(built.out, relative, ids)
        ):
            problems.append(f"{sorted(sources)} link to a missing anchor {url}")
    assert not problems, "\n".join(problems)
    assert checked > 50, f"only {checked} internal links: did the pages load?"
    assert stepped == _stored_animations(), "an animation stored in a notebook is not in the book"


def test_lesson_pages_launch_on_binder_and_download_the_notebook(tab, site):
    lessons = [p for p in book.course() if p.kind == "lesson" and p.exists]
    assert lessons
    for lesson in lessons:
        tab.goto(f"{site}{lesson.docname}.html", wait_until="load")
        hrefs = tab.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        assert book.binder_url(lesson) in hrefs, f"{lesson.file}: no Binder button"
        download = f"{site}_sources/{lesson.file}"
        assert download in hrefs, f"{lesson.file}: no notebook download button"


def test_search_for_padding_lists_the_lesson_pages(tab, site):
    tab.goto(f"{site}search.html?q=padding", wait_until="load")
    tab.wait_for_selector("#search-results ul.search li", timeout=15_000)
    tab.wait_for_function(
        "() => document.querySelector('#search-results p.search-summary')"
        " && !document.querySelector('#search-results p.search-summary')"
        ".textContent.includes('Searching')",
        timeout=15_000,
    )
    found = tab.eval_on_selector_all(
        "#search-results ul.search li a", "els => els.map(e => e.getAttribute('href'))"
    )
    found = {urlsplit(h).path for h in found}
    lessons = {f"{p.docname}.html" for p in book.course() if p.kind == "lesson" and p.exists}
    assert lessons, "no lesson page was built"
    assert lessons <= found, f"search for 'padding' misses {sorted(lessons - found)}"
