"""The Makefile's promises, read from `make -n` (nothing is run): `make test` runs ruff, the
unit tests, ONE book build (which executes every chapter) and the browser test on that
build; `make lab` works as root."""

import os
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


def test_make_test_executes_the_chapters_once_then_opens_the_build():
    lines = dry_run("test")
    builds = [i for i, line in enumerate(lines) if "jupyter-book build" in line]
    assert len(builds) == 1, f"the book is built {len(builds)} times"
    assert not any("nbmake" in line for line in lines), "chapters would run twice"
    assert "--all" in lines[builds[0]] and "-W" in lines[builds[0]]
    ruff = [i for i, line in enumerate(lines) if "ruff check" in line]
    unit = [
        i
        for i, line in enumerate(lines)
        if "pytest tests " in line and "--ignore=tests/browser" in line
    ]
    browser = [i for i, line in enumerate(lines) if "pytest tests/browser" in line]
    assert ruff and unit and browser, lines
    assert ruff[0] < unit[0] < builds[0] < browser[0]


def test_make_lab_allows_root_only_as_root():
    (lab,) = [line for line in dry_run("lab") if "jupyter lab" in line]
    assert ("--allow-root" in lab) == (os.geteuid() == 0)
