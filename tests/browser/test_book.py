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

import contextlib
import functools
import http.server
import importlib.util
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
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


@contextlib.contextmanager
def _tab(browser, site: str):
    """A page whose requests off this machine are blocked and listed in ``page.outside``."""
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


@pytest.fixture
def tab(browser, site):
    with _tab(browser, site) as page:
        yield page


def _pages() -> list[str]:
    """Every page of the book, as paths from its root: landing, course pages, index."""
    course = [p for p in book.course() if p.exists]
    return ["index.html", *(f"{p.docname}.html" for p in course), "genindex.html"]


def _stored_animations() -> int:
    """How many animation players (``to_jshtml``) the book's notebooks hold."""
    count = 0
    for page in book.course():
        if page.exists and page.file.endswith(".ipynb"):
            count += (ROOT / page.file).read_text().count('id=\\"_anim_img')
    return count


PAGE_SCRIPT = """async () => {
  const images = await Promise.all([...document.images].map(async (img) => {
    try { await img.decode(); } catch (e) {}
    return {src: img.currentSrc || img.src, ok: img.complete && img.naturalWidth > 0};
  }));
  const href = (selector) => { const a = document.querySelector(selector); return a && a.href; };
  return {
    images,
    links: [...document.querySelectorAll('a[href]')].map((a) => a.href),
    ids: [...document.querySelectorAll('[id]')].map((e) => e.id),
    animations: [...document.querySelectorAll('img[id^="_anim_img"]')].map(
      (img) => img.id.slice('_anim_img'.length)),
    previous: href('a.left-prev'),
    next: href('a.right-next'),
  };
}"""


@dataclass
class Visit:
    """What one page showed in the browser."""

    errors: list[str]
    images: list[dict]
    links: list[str]
    ids: set[str]
    previous: str | None
    next: str | None
    stepped: dict[str, bool] = field(default_factory=dict)  # animation id -> it moved


@pytest.fixture(scope="module")
def visits(browser, site) -> tuple[dict[str, Visit], list[str]]:
    """Every page opened once: what each showed, and the requests made off this machine."""
    found: dict[str, Visit] = {}
    with _tab(browser, site) as tab:
        for relative in _pages():
            tab.errors.clear()
            tab.goto(site + relative, wait_until="load")
            seen = tab.evaluate(PAGE_SCRIPT)
            visit = Visit(
                list(tab.errors), seen["images"], seen["links"], set(seen["ids"]),
                seen["previous"], seen["next"],
            )
            for anim in seen["animations"]:
                frame = f"#_anim_img{anim}"
                tab.click(f'button[onclick^="anim{anim}.pause_animation"]')
                before = tab.get_attribute(frame, "src")
                tab.click(f'button[onclick^="anim{anim}.next_frame"]')
                visit.stepped[anim] = bool(before) and tab.get_attribute(frame, "src") != before
            found[relative] = visit
            if relative == "index.html":
                ARTIFACTS.mkdir(exist_ok=True)
                tab.screenshot(path=str(ARTIFACTS / "book_index.png"))
        outside = list(tab.outside)
    return found, outside


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


def test_no_page_raises_an_error(visits):
    pages, _ = visits
    errors = [f"{page}: {e}" for page, visit in pages.items() for e in visit.errors]
    assert not errors, "\n".join(errors)


def test_every_image_loads(visits):
    pages, _ = visits
    broken = [f"{p}: {i['src']}" for p, v in pages.items() for i in v.images if not i["ok"]]
    assert not broken, "\n".join(broken)
    assert sum(len(v.images) for v in pages.values()) > 20, "too few images: did pages load?"


def _anchors(out: Path, relative: str, pages: dict[str, Visit]) -> set[str]:
    """The ids in a built page: from the browser when it was opened, else from the file."""
    if relative in pages:
        return pages[relative].ids
    return set(re.findall(r'\bid="([^"]+)"', (out / relative).read_text()))


def test_every_internal_link_has_a_target(visits, built, site):
    pages, _ = visits
    links: dict[str, set[str]] = {}  # target URL -> pages linking to it
    for relative, visit in pages.items():
        for link in visit.links:
            links.setdefault(link, set()).add(relative)
    problems, checked = [], 0
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
            and unquote(parts.fragment) not in _anchors(built.out, relative, pages)
        ):
            problems.append(f"{sorted(sources)} link to a missing anchor {url}")
    assert not problems, "\n".join(problems)
    assert checked > 50, f"only {checked} internal links: did the pages load?"


def test_every_animation_moves_when_stepped(visits):
    pages, _ = visits
    stepped = {f"{p}: {a}": moved for p, v in pages.items() for a, moved in v.stepped.items()}
    assert len(stepped) == _stored_animations(), "an animation stored in a notebook is missing"
    assert all(stepped.values()), [name for name, moved in stepped.items() if not moved]


def test_nothing_but_icons_is_asked_of_the_network(visits):
    _, outside = visits
    assert not [u for u in outside if not ICONS.match(u)], sorted(set(outside))


def test_pages_are_chained_previous_next_in_the_course_order(visits, site):
    pages, _ = visits
    order = [p for p in _pages() if p != "genindex.html"]  # landing page, then the course
    for here, after in zip(order, order[1:], strict=False):
        assert pages[here].next == site + after, f"{here}: 'next' is {pages[here].next}"
        assert pages[after].previous == site + here, f"{after}: 'previous' is wrong"


def test_lesson_pages_launch_on_binder_and_download_the_notebook(visits, site):
    pages, _ = visits
    lessons = [p for p in book.course() if p.kind == "lesson" and p.exists]
    assert lessons
    for lesson in lessons:
        links = pages[f"{lesson.docname}.html"].links
        assert book.binder_url(lesson) in links, f"{lesson.file}: no Binder button"
        assert f"{site}_sources/{lesson.file}" in links, f"{lesson.file}: no download button"


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
