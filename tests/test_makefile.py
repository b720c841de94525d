"""The Makefile's promises, read from `make -n` (nothing is run): `make test` runs ruff, the
unit tests, the chapters ONCE through nbmake over both cores, ONE book build that reads them
from the jupyter-cache, then the browser tests (the built book, and JupyterLab); `make book`
executes through the same cache; `make lab` works as root."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def dry_run(target: str) -> list[str]:
    if shutil.which("make") is None:
        pytest.fail("make is not installed")
    done = subprocess.run(
        ["make", "-n", "-W", "requirements.txt", target], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def _chapter_runs(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if "--nbmake" in line]


def test_make_test_executes_the_chapters_once_then_opens_the_build():
    lines = dry_run("test")
    nbmake = _chapter_runs(lines)
    assert len(nbmake) == 1, f"the chapters are executed {len(nbmake)} times"
    chapters = lines[nbmake[0]]
    assert "pytest chapters" in chapters and "-n 2" in chapters and "--dist loadgroup" in chapters
    assert "--chapters-fresh" in chapters, "make test must execute every chapter"
    assert "--overwrite" not in chapters, "nbmake would write outputs into committed notebooks"
    builds = [i for i, line in enumerate(lines) if "jupyter-book build" in line]
    assert len(builds) == 1, f"the book is built {len(builds)} times"
    assert "--all" in lines[builds[0]] and "-W" in lines[builds[0]]
    ruff = [i for i, line in enumerate(lines) if "ruff check" in line]
    unit = [
        i
        for i, line in enumerate(lines)
        if "pytest tests " in line and "--ignore=tests/browser" in line
    ]
    browser = [i for i, line in enumerate(lines) if "pytest tests/browser" in line]
    assert ruff and unit and browser, lines
    assert ruff[0] < unit[0] < nbmake[0] < builds[0] < browser[0]
    assert "tests/lab" in lines[browser[0]], "the JupyterLab test is not part of make test"
    assert "--ignore=tests/lab" in lines[unit[0]], "the unit tests would start JupyterLab"


def test_the_build_reads_the_chapters_from_the_cache_nbmake_fills():
    config = (ROOT / "_config.yml").read_text()
    assert re.search(r"^\s*execute_notebooks:\s*cache\b", config, re.M), "the build would execute"
    assert not re.search(r"^\s*cache:", config, re.M), "conftest fills myst-nb's default cache"
    conftest = (ROOT / "chapters" / "conftest.py").read_text()
    assert '"_build" / ".jupyter_cache"' in conftest


def test_make_book_executes_only_what_the_cache_misses_then_builds():
    lines = dry_run("book")
    nbmake, builds = _chapter_runs(lines), [i for i, x in enumerate(lines) if "jupyter-book" in x]
    assert len(nbmake) == 1 and len(builds) == 1 and nbmake[0] < builds[0], lines
    assert "--chapters-fresh" not in lines[nbmake[0]]


def test_make_lab_allows_root_only_as_root():
    (lab,) = [line for line in dry_run("lab") if "jupyter lab" in line]
    assert ("--allow-root" in lab) == (os.geteuid() == 0)
