"""The book's own rules: notebooks committed clean, every chapter in the table of
contents, and each chapter opening with Overview and Prerequisites and closing with a Summary."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def test_there_are_chapters():
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    dirty = [
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_has_a_unique_id(path):
    # nbformat 4.5 requires cell ids; a cell added without one only warns today (and will
    # be an error in later nbformat versions)
    nb = json.loads(path.read_text())
    ids = [c.get("id") for c in nb["cells"]]
    assert (nb["nbformat"], nb["nbformat_minor"]) >= (4, 5)
    assert None not in ids and len(set(ids)) == len(ids), f"{path.name}: cells without an id"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_pythia_structure(path):
    nb = json.loads(path.read_text())
    headings = [
        line
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
        for line in "".join(c["source"]).splitlines()
        if line.startswith("#")
    ]
    names = [re.sub(r"^#+\s*", "", h).strip() for h in headings]
    assert headings and headings[0].startswith("# "), "a chapter opens with its title"
    assert names[1:3] == ["Overview", "Prerequisites"], names[:3]
    assert "Summary" in names


def test_every_chapter_is_in_the_toc():
    toc = (ROOT / "_toc.yml").read_text()
    listed = set(re.findall(r"file:\s*(\S+)", toc))
    assert {f"chapters/{p.stem}" for p in NOTEBOOKS} <= listed
    for entry in listed:
        assert (ROOT / f"{entry}.ipynb").exists() or (ROOT / f"{entry}.md").exists(), entry


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / "README.md").read_text()
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_book_builds_with_warnings_as_errors():
    makefile = (ROOT / "Makefile").read_text()
    assert "-W --keep-going" in makefile
    config = (ROOT / "_config.yml").read_text()
    assert "only_build_toc_files: true" in config and "nb_execution_raise_on_error: true" in config


def test_build_keeps_the_inline_backend():
    # An exported MPLBACKEND=Agg reaches the notebook kernels and silently drops every
    # matplotlib figure from the built book.
    assert "MPLBACKEND" not in (ROOT / "Makefile").read_text()
    assert "--all" in (ROOT / "Makefile").read_text()  # a stale build keeps stale outputs


# -- every number in the prose is computed, or on this short list -------------------------
# A number a chapter's prose states must come from the code (``{glue:text}`key```), or be
# a definition that no output can contradict. The allow-list holds those definitions, as
# exact phrases, each with the reason it is safe.
ALLOWED_PHRASES = {
    "birth on exactly three neighbours": "the definition of B3/S23",
    "0/1": "cell values",
    "2^25": "a count of windows: 25 binary cells",
    "Oct 13-19": "the dates of the notes' reports",
    "Nov 3-9": "the dates of the notes' reports",
    "Nov 24-30": "the dates of the notes' reports",
    "90 degrees": "the rotation the p4 group is made of",
    '"under 1%"': "a quotation of the notes (shown in the appendix)",
    "Round 0": "the name of discovery's first round, as in its rounds table",
    "round 0": "the name of discovery's first round, as in its rounds table",
    "generation 4": "the glider's period, checked by the cell above it",
    "generation 0": "the glider's period, checked by the cell above it",
}

# Markup whose digits are not prose: fenced code and directives, inline code, roles
# (glue, cite, numref, doc), math, link targets, list numbers, HTML tags.
_MARKUP = [
    re.compile(r"```.*?```", re.S),
    re.compile(r"`[^`]*`"),
    re.compile(r"\$[^$]*\$"),
    re.compile(r"\]\([^)]*\)"),
    re.compile(r"^\s*\d+\.\s", re.M),
    re.compile(r"<[^>]+>"),
    re.compile(r"\*\*Time to learn\*\*:.*"),  # Project Pythia's reading-time estimate
    re.compile(r"[Cc]hapters? \d+(?:(?:,| and| to| or) \d+)*"),  # cross-references
]
# A number standing on its own: not part of a word such as B3, S23, p4, 5x5, 3×3 or e2cnn.
_NUMBER = re.compile(r"(?<![\w.^/×-])\d[\d,.]*%?(?![\w^×])")


def prose_numbers(markdown: str) -> list[str]:
    """The numbers a reader sees in ``markdown`` that no code computed."""
    for phrase in ALLOWED_PHRASES:
        markdown = markdown.replace(phrase, " ")
    for pattern in _MARKUP:
        markdown = pattern.sub(" ", markdown)
    return [m.rstrip(".,") for m in _NUMBER.findall(markdown)]


def test_prose_numbers_finds_what_a_reader_sees():
    assert prose_numbers("cells under 1% of the data, 761 against 977") == ["1%", "761", "977"]
    assert prose_numbers("B36/S23 on a 5x5 kernel, a 3×3 window, p4 and D4, in e2cnn") == []
    assert prose_numbers("{glue:text}`ch4_exact` of {glue:text}`ch4_runs` runs `seed=0`") == []
    assert prose_numbers("1. first item\n2. second") == []
    assert prose_numbers("chapters 4 and 5 reuse chapter 4's networks") == []


BOOK_PROSE = NOTEBOOKS + [ROOT / "intro.md"]


@pytest.mark.parametrize("path", BOOK_PROSE, ids=lambda p: p.name)
def test_numbers_in_prose_are_computed(path):
    if path.suffix == ".md":
        cells = [path.read_text()]
    else:
        nb = json.loads(path.read_text())
        cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    found = [(i, n) for i, text in enumerate(cells) for n in prose_numbers(text)]
    assert not found, (
        f"{path.name}: numbers in prose that are neither glued nor allowed "
        f"(markdown cell, number): {found}"
    )


@pytest.mark.parametrize("path", BOOK_PROSE, ids=lambda p: p.name)
def test_no_math_markup_in_prose(path):
    # Sphinx renders $...$ with MathJax, which it loads from a CDN: the static book must
    # work with no network (the browser test refuses other hosts), so prose has no math.
    text = path.read_text()
    if path.suffix == ".ipynb":
        nb = json.loads(text)
        text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    text = re.sub(r"```.*?```|`[^`]*`", " ", text, flags=re.S)
    found = re.findall(r"\$[^$\n]+\$|\{math\}|```\{math\}", text)
    assert not found, f"{path.name}: math markup would load MathJax from a CDN: {found[:3]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_glue_roles_are_not_inside_code_spans(path):
    # `{glue:text}`key`` renders as literal text: the role only works outside backticks.
    nb = json.loads(path.read_text())
    bad = [
        m.group(0)
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
        for m in re.finditer(r"(?<!`)`\{glue:[a-z]+\}`[^`]+``", "".join(c["source"]))
    ]
    assert not bad, f"{path.name}: glue roles inside code spans: {bad}"
