"""``pytest --nbmake chapters``: every chapter executed once, in parallel, for the book build.

- Order: a chapter runs after the chapters it reads from (`lifecore.book.build.CHAPTER_NEEDS`).
  Under ``-n 2 --dist loadgroup`` each worker gets one group, filled by
  `lifecore.book.build.chapter_groups` (longest chains first, by the last run's timings):
  chapter 5 runs right after chapter 4 on the same worker; the conclusion waits until every
  chapter it reads has finished.
- Cache: each chapter that runs without an error is stored, executed, in the jupyter-cache
  that Jupyter Book reads (``_config.yml``), so the build executes no chapter again. A chapter
  stored for the same code, library and inputs is skipped; ``--chapters-fresh`` (``make
  test``) executes every chapter anyway.
- Committed notebooks are never written (nbmake without ``--overwrite``).
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from pathlib import Path

import nbmake.pytest_items
import pytest

from lifecore.book import build

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".jupyter_cache"  # execute: cache: in _config.yml
ARTIFACTS = ROOT / "chapters" / "_artifacts"
RUNS = ROOT / "_build" / ".chapter_runs"  # one folder per run: which chapters finished how
TIMINGS = ROOT / "_build" / "chapter_timings.json"  # seconds per chapter and cell, last run
WAIT_LIMIT = 1800  # seconds a chapter waits for those it reads (nbmake-timeout is per cell)


def pytest_addoption(parser):
    parser.addoption(
        "--chapters-fresh",
        action="store_true",
        default=False,
        help="execute every chapter, even those the book cache holds for this code",
    )


def pytest_configure(config):
    global _CACHE
    _CACHE = build.ChapterCache(CACHE, build.source_fingerprint(ROOT))
    workerinput = getattr(config, "workerinput", None)
    run = workerinput["testrunuid"] if workerinput else uuid.uuid4().hex
    config._chapter_runs = RUNS / run


def pytest_sessionstart(session):
    """The controller (or a run without xdist) forgets earlier runs' finished chapters."""
    if not hasattr(session.config, "workerinput"):
        shutil.rmtree(RUNS, ignore_errors=True)


class _CachingRun(nbmake.pytest_items.NotebookRun):
    """nbmake's run of one notebook, storing the executed notebook in the book cache."""

    def execute(self):
        start = time.perf_counter()
        result = super().execute()
        seconds = time.perf_counter() - start
        build.record_timing(TIMINGS, self.filename.stem, seconds, build.cell_seconds(result.nb))
        if result.error is None:
            _CACHE.store(self.filename, result.nb, seconds)
            if not _CACHE.is_fresh(self.filename):  # the build would execute it again
                raise RuntimeError(f"{self.filename.name}: stored, but the book cache misses it")
        return result


nbmake.pytest_items.NotebookRun = _CachingRun


def _chapters(items):
    return {build.chapter_name(i.path): i for i in items if getattr(i, "nbmake", False)}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    chapters = _chapters(items)
    if not chapters:
        return
    timings = build.read_timings(TIMINGS).items()
    seconds = {**build.EXPECTED_SECONDS}
    seconds.update({n: t["seconds"] for n, t in timings if isinstance(t.get("seconds"), float)})
    # (record_timing writes floats; anything else in the file is ignored)
    order = build.chapter_order(list(chapters), seconds=seconds)
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    groups = build.chapter_groups(order, workers, seconds=seconds)
    items[:] = [i for i in items if i not in chapters.values()] + [chapters[n] for n in order]
    force = config.getoption("--chapters-fresh") or not (ARTIFACTS / "findings.json").exists()
    stored = {n: None if force else _CACHE.stored_at(chapters[n].path) for n in order}
    stale = build.stale_chapters(stored)
    for name, item in chapters.items():
        item.add_marker(pytest.mark.xdist_group(f"worker-{groups[name]}"))
        if name not in stale:
            item.add_marker(pytest.mark.skip(reason="the book cache holds it for this code"))


def _mark(config, name: str, outcome: str) -> None:
    config._chapter_runs.mkdir(parents=True, exist_ok=True)
    (config._chapter_runs / f"{name}.{outcome}").touch()


def _finished(config, name: str):
    for outcome in ("passed", "skipped", "failed"):
        if (config._chapter_runs / f"{name}.{outcome}").exists():
            return outcome
    return None


def pytest_runtest_setup(item):
    """Wait until the chapters this one reads have finished (on any worker)."""
    if not getattr(item, "nbmake", False):
        return
    collected = _chapters(item.session.items)
    needs = build.CHAPTER_NEEDS.get(build.chapter_name(item.path), ())
    needs = [n for n in needs if n in collected]
    end = time.monotonic() + WAIT_LIMIT
    for need in needs:
        while (outcome := _finished(item.config, need)) is None:
            if time.monotonic() > end:
                pytest.fail(f"waited {WAIT_LIMIT} s for chapter {need}, which it reads")
            time.sleep(1)
        if outcome == "failed":
            pytest.fail(f"chapter {need} failed, and this chapter reads what it writes")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    finished = report.failed or report.skipped or report.when == "call"
    if getattr(item, "nbmake", False) and finished:
        outcome = "failed" if report.failed else "skipped" if report.skipped else "passed"
        _mark(item.config, build.chapter_name(item.path), outcome)
    return report
