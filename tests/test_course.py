"""docs/course.toml is the one list of the course's pages: README's table is made from it.

The web book is made from it too (scripts/book.py; tests/browser/test_book.py builds it).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _book():
    name = "samepad_book_script"
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "book.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


book = _book()


def test_readme_course_table_is_written_from_course_toml():
    text = (ROOT / "README.md").read_text()
    assert book.readme_with_table(text, book.course()) == text, (
        "README.md's course table is not docs/course.toml's: "
        "run .venv/bin/python scripts/book.py --readme"
    )


def test_course_pages_are_unique_and_lessons_are_numbered_notebooks():
    pages = book.course()
    assert len({p.file for p in pages}) == len(pages)
    assert len({p.title for p in pages}) == len(pages)
    for page in pages:
        assert page.title and page.after, page
        assert not page.after.endswith("."), f"{page.file}: the line ends the README's row"
        if page.kind == "lesson":
            assert re.fullmatch(r"notebooks/\d\d_\w+\.ipynb", page.file), page.file
            assert page.title.startswith(Path(page.file).name[:2] + " — "), page.title
    lessons = [p.file for p in pages if p.kind == "lesson"]
    assert lessons == sorted(lessons), "lessons are listed in their numbers' order"


def test_every_notebook_is_a_page_of_the_course():
    listed = {p.file for p in book.course()}
    on_disk = {f"notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert on_disk <= listed, f"not in docs/course.toml: {sorted(on_disk - listed)}"


def test_readme_opens_every_notebook_page_on_binder():
    text = (ROOT / "README.md").read_text()
    table = text[text.index(book.README_START) : text.index(book.README_END)]
    linked = re.findall(r"\(\[Binder\]\(([^)]+)\)\)", table)
    notebooks = [p for p in book.course() if p.file.endswith(".ipynb")]
    assert linked == [book.binder_url(p) for p in notebooks]


def test_landing_page_lists_each_written_page_with_its_line():
    pages = book.course()
    landing = book.landing_page(pages)
    for page in pages:
        assert (f"]({page.file})" in landing) == page.exists, page.file
        if page.exists:
            assert page.after in landing, page.file


def test_publish_replaces_a_previous_book_and_refuses_anything_else(tmp_path):
    site = tmp_path / "site"
    (site / "notebooks").mkdir(parents=True)
    (site / ".buildinfo").write_text("sphinx\n")
    (site / "index.html").write_text("new\n")
    host = tmp_path / "host"
    (host / ".git").mkdir(parents=True)
    (host / "CNAME").write_text("example.org\n")
    (host / ".buildinfo").write_text("old\n")
    (host / "stale.html").write_text("old\n")
    book.publish(site, host)
    assert sorted(p.name for p in host.iterdir()) == [
        ".buildinfo", ".git", "CNAME", "index.html", "notebooks"
    ]
    other = tmp_path / "other"
    other.mkdir()
    (other / "thesis.tex").write_text("mine\n")
    with pytest.raises(SystemExit):
        book.publish(site, other)
    assert (other / "thesis.tex").read_text() == "mine\n"
