"""The course as a static website, and README's course table: both from docs/course.toml.

    .venv/bin/python scripts/book.py [--out DIR] [--strict]   build the book (build/book/)
    .venv/bin/python scripts/book.py --publish DIR             build, then copy it into DIR
    .venv/bin/python scripts/book.py --readme [--check]        (check) README's course table

``python3 dev.py book [...]`` runs this with the project's environment.

The book is Sphinx + MyST-NB + sphinx-book-theme, configured in ``book/conf.py``. Nothing
is executed: the pages show the notebooks' stored outputs, the outputs nbval checks. The
sources are laid out in a temporary folder as they are in the repository (``notebooks/``,
``docs/``), so the notebooks' links (``02_same_padding.ipynb``, ``../docs/sliding.gif``)
work in the book as they do in JupyterLab; a page of docs/course.toml whose file does not
exist yet is left out. The landing page is ``book/index.md`` with the course's pages and
their "after it you can" lines put in at ``<!-- course -->``.

``--publish DIR`` copies the built site into DIR, a static host's folder (for GitHub Pages,
a checkout of the ``gh-pages`` branch; commit and push it there yourself). DIR must be
empty, new, or a previous publish (it holds Sphinx's ``.buildinfo``); its ``.git`` and
``CNAME`` are kept, everything else is replaced.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "docs" / "course.toml"
BOOK = ROOT / "book"  # conf.py, the landing page's text
README = ROOT / "README.md"
OUT = ROOT / "build" / "book"
KINDS = ("lesson", "evidence", "reference")
IMAGES = (".png", ".gif", ".jpg", ".jpeg", ".svg")
KEEP_WHEN_PUBLISHING = {".git", "CNAME"}


@dataclass(frozen=True)
class Page:
    file: str  # relative to the repository root
    title: str
    kind: str
    after: str

    @property
    def exists(self) -> bool:
        return (ROOT / self.file).is_file()

    @property
    def docname(self) -> str:
        """Sphinx's name for the page: its path without the suffix."""
        return str(Path(self.file).with_suffix("").as_posix())


def course() -> list[Page]:
    """docs/course.toml's pages, in reading order."""
    pages = [Page(**entry) for entry in tomllib.loads(COURSE.read_text())["page"]]
    for page in pages:
        if page.kind not in KINDS:
            raise ValueError(f"{page.file}: kind {page.kind!r} is not one of {KINDS}")
    return pages


def repository_url() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]


def binder_url(page: Page) -> str:
    owner, repo = repository_url().removeprefix("https://github.com/").split("/")
    return f"https://mybinder.org/v2/gh/{owner}/{repo}/main?urlpath=lab/tree/{page.file}"


# --- README -------------------------------------------------------------------------------

README_START, README_END = "<!-- course -->", "<!-- /course -->"


def readme_table(pages: list[Page]) -> str:
    """README's course table: every page (present or still to come); Binder for notebooks."""
    rows = ["| page | after it you can |", "|---|---|"]
    for page in pages:
        link = f"[{page.title}]({page.file})"
        if page.file.endswith(".ipynb"):
            link += f" ([Binder]({binder_url(page)}))"
        rows.append(f"| {link} | {page.after} |")
    return "\n".join(rows)


def readme_with_table(text: str, pages: list[Page]) -> str:
    pattern = re.compile(re.escape(README_START) + r".*?" + re.escape(README_END), re.S)
    if not pattern.search(text):
        raise ValueError(f"README.md has no {README_START} ... {README_END} block")
    block = f"{README_START}\n{readme_table(pages)}\n{README_END}"
    return pattern.sub(lambda _: block, text, count=1)


# --- the book -----------------------------------------------------------------------------


def landing_page(pages: list[Page]) -> str:
    """book/index.md with the course put in at <!-- course -->."""
    present = [p for p in pages if p.exists]
    lessons = [p for p in present if p.kind == "lesson"]
    others = [p for p in present if p.kind != "lesson"]
    lines = ["| lesson | after it you can |", "|---|---|"]
    lines += [f"| [{p.title}]({p.file}) | {p.after} |" for p in lessons]
    if others:
        lines += ["", "To come back to:", ""]
        lines += [f"- [{p.title}]({p.file}) — after it you can {p.after}." for p in others]
    for caption, group in (("Lessons", lessons), ("Evidence and reference", others)):
        if group:
            entries = "\n".join(f"{p.title} <{p.docname}>" for p in group)
            lines += ["", f"```{{toctree}}\n:hidden:\n:caption: {caption}\n\n{entries}\n```"]
    text = (BOOK / "index.md").read_text()
    if "<!-- course -->" not in text:
        raise ValueError("book/index.md has no <!-- course --> line")
    return text.replace("<!-- course -->", "\n".join(lines))


def stage(pages: list[Page], src: Path) -> None:
    """Lay the book's sources out in ``src`` as they are in the repository."""
    for page in pages:
        if page.exists:
            (src / page.file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / page.file, src / page.file)
    (src / "docs").mkdir(exist_ok=True)
    for image in (ROOT / "docs").iterdir():
        if image.suffix.lower() in IMAGES:
            shutil.copy2(image, src / "docs" / image.name)
    (src / "index.md").write_text(landing_page(pages))


def build(out: Path = OUT, strict: bool = False) -> float:
    """Build the book into ``out``; return the seconds it took. Warnings fail when strict."""
    start = time.perf_counter()
    pages = course()
    with tempfile.TemporaryDirectory(prefix="samepad-book-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        stage(pages, src)
        if out.exists():
            shutil.rmtree(out)
        args = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(BOOK)]
        if strict:
            args += ["-W", "--keep-going"]  # every warning, then fail
        args += ["-d", str(Path(tmp) / "doctrees"), str(src), str(out)]
        code = subprocess.call(args, cwd=ROOT)
    if code != 0:
        sys.exit(code)
    return time.perf_counter() - start


def publish(site: Path, target: Path) -> None:
    """Replace ``target``'s contents (but .git and CNAME) with the built site."""
    if target.exists():
        leftovers = {p.name for p in target.iterdir()} - KEEP_WHEN_PUBLISHING
        if leftovers and ".buildinfo" not in leftovers:
            sys.exit(f"{target} holds files that are not a published book: not touching it")
        for path in target.iterdir():
            if path.name in KEEP_WHEN_PUBLISHING:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    shutil.copytree(site, target, dirs_exist_ok=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where to build (build/book/)")
    parser.add_argument("--strict", action="store_true", help="fail on any warning")
    parser.add_argument("--publish", type=Path, metavar="DIR", help="copy the book into DIR")
    parser.add_argument("--readme", action="store_true", help="write README's course table")
    parser.add_argument("--check", action="store_true", help="with --readme: only check it")
    args = parser.parse_args(argv)

    if args.readme:
        text = README.read_text()
        wanted = readme_with_table(text, course())
        if args.check:
            if wanted != text:
                sys.exit("README.md's course table is not docs/course.toml's: run --readme")
        elif wanted != text:
            README.write_text(wanted)
            print("README.md: course table rewritten from docs/course.toml")
        return

    seconds = build(args.out, strict=args.strict)
    pages = course()
    missing = [p.file for p in pages if not p.exists]
    count = 1 + len(pages) - len(missing)  # the landing page and the course's pages
    print(f"book: {count} pages in {args.out} ({seconds:.1f} s)")
    if missing:
        print(f"book: not yet written, left out: {', '.join(missing)}")
    if args.publish:
        publish(args.out, args.publish.resolve())
        print(f"book: published into {args.publish}")


if __name__ == "__main__":
    main(sys.argv[1:])
