"""Every lesson is a lesson: twenty minutes long, linked into the course, its evidence found.

A lesson (notebooks ``01_`` to ``06_``) is read and run by a first-time reader in about
twenty minutes: at most 1,800 words of prose (HTML tags stripped, every markdown cell,
folded solutions included: a repository page shows them all) and 150 non-blank lines of
code. Its first and last cells carry the navigation line; its last cell links the cheat
sheet and the evidence notebook; every "A1 §N.M" it cites is a subsection A1 really has;
every notebook or docs file it links exists. The worked solutions are checked by
``test_solutions.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
LESSONS = sorted(NOTEBOOKS.glob("0[1-9]_*.ipynb"))
EVIDENCE = NOTEBOOKS / "A1_evidence.ipynb"
MAX_WORDS, MAX_CODE_LINES = 1800, 150


def _cells(path: Path, kind: str) -> list[str]:
    nb = json.loads(path.read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == kind]


def words(path: Path) -> int:
    return sum(len(re.sub(r"<[^>]+>", " ", m).split()) for m in _cells(path, "markdown"))


def code_lines(path: Path) -> int:
    return sum(len([ln for ln in c.splitlines() if ln.strip()]) for c in _cells(path, "code"))


def test_the_course_has_six_lessons():
    assert [p.name[:3] for p in LESSONS] == [f"0{n}_" for n in range(1, 7)]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_fits_twenty_minutes(path):
    assert words(path) <= MAX_WORDS, f"{path.name}: {words(path)} words of prose"
    assert code_lines(path) <= MAX_CODE_LINES, f"{path.name}: {code_lines(path)} lines of code"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_lesson_opens_and_ends_with_its_navigation_line(path):
    markdown = _cells(path, "markdown")
    number = path.name[:2]
    this = re.compile(rf"\*\*{number} — [^*]+\*\*")
    assert this.search(markdown[0].splitlines()[0]), f"{path.name}: no navigation line on top"
    assert this.search(markdown[-1]), f"{path.name}: no navigation line in the last cell"
    index = LESSONS.index(path)
    later = LESSONS[index + 1].name if index + 1 < len(LESSONS) else EVIDENCE.name
    assert f"]({later})" in markdown[0] and f"]({later})" in markdown[-1]
    if index > 0:
        assert f"]({LESSONS[index - 1].name})" in markdown[0]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_last_cell_links_the_cheat_sheet_and_the_evidence(path):
    last = _cells(path, "markdown")[-1]
    assert "](../docs/cheatsheet.md)" in last
    assert f"]({EVIDENCE.name}" in last


def _evidence_sections() -> set[str]:
    found = set()
    for text in _cells(EVIDENCE, "markdown"):
        found |= set(re.findall(r"^#{2,3} §(\d+(?:\.\d+)?)\b", text, re.M))
    return found


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_evidence_section_a_lesson_cites_exists(path):
    sections = _evidence_sections()
    cited = {s for m in _cells(path, "markdown") for s in re.findall(r"A1 §(\d+(?:\.\d+)?)", m)}
    assert cited, f"{path.name} links nothing in the evidence notebook"
    assert cited <= sections, f"{path.name} cites A1 §{sorted(cited - sections)}, not in A1"


@pytest.mark.parametrize("path", [*LESSONS, EVIDENCE], ids=lambda p: p.stem)
def test_every_relative_link_has_a_target(path):
    missing = []
    for text in _cells(path, "markdown"):
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if re.match(r"[a-z]+://", target):
                continue
            if not (path.parent / target).exists():
                missing.append(target)
    assert not missing, f"{path.name} links files that do not exist: {sorted(set(missing))}"
