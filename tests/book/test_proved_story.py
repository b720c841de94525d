"""The book's "exact" is a proof: no chapter or book module trains without certifying, and
no generated sentence hedges a plural with "(s)" (`lifecore.book.words` says it right)."""

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
BOOK_MODULES = sorted((ROOT / "lifecore" / "book").glob("*.py"))
UNCERTIFIED = re.compile(r"certify\s*=\s*False")


def _code(path: Path) -> str:
    if path.suffix == ".py":
        return path.read_text()
    nb = json.loads(path.read_text())
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def test_the_pattern_finds_what_it_must():
    assert UNCERTIFIED.search("TrainConfig(max_epochs=3, certify = False)")
    assert not UNCERTIFIED.search("TrainConfig(certify=True)")


@pytest.mark.parametrize("path", CHAPTERS + BOOK_MODULES, ids=lambda p: p.name)
def test_nothing_in_the_book_trains_uncertified(path):
    assert not UNCERTIFIED.search(_code(path)), f"{path.name} trains with certify=False"


@pytest.mark.parametrize("path", BOOK_MODULES, ids=lambda p: p.name)
def test_no_hedged_plurals_in_generated_sentences(path):
    strings = [
        node.value
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]  # string literals and the literal parts of f-strings, not code such as int(s)
    hedged = [m for text in strings for m in re.findall(r"\w+\(s\)", text)]
    assert not hedged, f"{path.name}: {hedged}; use lifecore.book.words.count_phrase"


def test_hedged_plural_check_sees_f_string_parts():
    tree = ast.parse('x = f"{n} network(s) exactly"; y = int(s)')
    parts = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    assert [m for t in parts if isinstance(t, str) for m in re.findall(r"\w+\(s\)", t)] == [
        "network(s)"
    ]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_hedged_plurals_in_chapter_strings(path):
    # a "(s)" inside a quoted string on one line of a code cell, or anywhere in the prose
    nb = json.loads(path.read_text())
    code = _code(path)
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    hedged = re.findall(r"[\"'][^\"'\n]* [a-z]+\(s\)(?!\))", code) + re.findall(r"\w\(s\)", prose)
    assert not hedged, f"{path.name}: {hedged}; use lifecore.book.words.count_phrase"
