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
