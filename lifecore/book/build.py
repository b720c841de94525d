"""Executing the book's chapters once: what each reads from the others, in which order they
run, and the cache of executed notebooks that the book build reads.

`make test` and `make book` execute the chapters with ``pytest --nbmake`` over both cores
(``chapters/conftest.py``). Every chapter that runs without an error is stored, executed, in
the jupyter-cache that Jupyter Book reads (``execute_notebooks: cache`` in ``_config.yml``),
so the build that follows executes nothing. A stored chapter is reused only while its code
cells, the library (`source_fingerprint`) and every chapter it reads from are unchanged.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import math
import re
import sys
import time
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence, Union

from ..errors import LifecoreError
from .cache import locked

__all__ = [
    "BuildError",
    "CHAPTER_NEEDS",
    "chapter_name",
    "chapter_order",
    "chapter_groups",
    "EXPECTED_SECONDS",
    "source_fingerprint",
    "executed_bundle",
    "ChapterCache",
    "stale_chapters",
    "cell_seconds",
    "read_timings",
    "record_timing",
]

#: What each chapter reads from earlier ones in ``chapters/_artifacts`` (checkpoints,
#: certificates, the findings file): it runs after them, and again whenever they run.
#: ``tests/book/test_build.py`` checks this table against what the notebooks' code reads.
CHAPTER_NEEDS: dict[str, tuple[str, ...]] = {
    "05_rule_extraction": ("04_experiments",),  # chapter 4's networks and certificates
    "08_conclusion": (  # every section of findings.json
        "02_data",
        "04_experiments",
        "05_rule_extraction",
        "06_rule_discovery",
        "07_beyond_life_like",
    ),
}

#: Seconds the chapters took on two idle cores (December 2026), to share them between the
#: workers before this checkout has timed a run (``_build/chapter_timings.json``); they only
#: balance the workers, never decide what runs.
EXPECTED_SECONDS: dict[str, float] = {
    "04_experiments": 250.0,
    "05_rule_extraction": 80.0,
    "07_beyond_life_like": 80.0,
}
UNTIMED = 20.0  # seconds assumed for any other chapter not timed yet

#: What the executed chapters depend on besides their own code (hashed by
#: `source_fingerprint`): the library, the Golly runs chapter 7 reads, the pins.
FINGERPRINTED = ("lifecore", "tests/fixtures", "requirements.txt")


class BuildError(LifecoreError):
    """Chapters that need each other in a cycle, or an executed notebook that is not the
    committed one."""


def chapter_name(path: Union[str, Path]) -> str:
    """``chapters/04_experiments.ipynb`` -> ``04_experiments``."""
    return Path(path).stem


def chapter_order(
    names: Sequence[str],
    needs: Mapping[str, Sequence[str]] = CHAPTER_NEEDS,
    seconds: Optional[Mapping[str, float]] = None,
) -> list[str]:
    """``names`` sorted so that every chapter comes after the chapters it needs (those of
    them that are in ``names``); among chapters ready to run, the longest first by the
    ``seconds`` they took last time (a chapter never timed counts as longest), so that the
    workers finish together; otherwise in book order (the numbers in their names)."""
    seconds = seconds or {}
    pending, done, order = sorted(names), set(), []
    while pending:
        ready = [n for n in pending if all(d in done or d not in names for d in needs.get(n, ()))]
        if not ready:
            raise BuildError(f"chapters need each other in a cycle: {pending}")
        first = max(ready, key=lambda n: seconds.get(n, math.inf))  # max keeps the first tie
        order.append(first)
        done.add(first)
        pending.remove(first)
    return order


def chapter_groups(
    names: Sequence[str],
    workers: int = 2,
    needs: Mapping[str, Sequence[str]] = CHAPTER_NEEDS,
    seconds: Optional[Mapping[str, float]] = None,
) -> dict[str, int]:
    """Which of ``workers`` pytest-xdist workers runs each chapter (``--dist loadgroup``, one
    group per worker, so xdist never queues a chapter behind a long one on a busy worker).

    A chapter that needs exactly one other goes with it, right after it (chapter 5 after
    chapter 4). A chapter that needs several (the conclusion) goes last on the least loaded
    worker and waits there. The other chains go, longest first by the ``seconds`` they take
    (`EXPECTED_SECONDS` updated by the last run's timings; `UNTIMED` for a chapter in
    neither), each to the least loaded worker.
    """
    seconds = seconds or {}

    def root(name: str) -> str:
        while len(needs.get(name, ())) == 1 and needs[name][0] in names:
            name = needs[name][0]
        return name

    chains: dict[str, list[str]] = {}
    waiting, followers = [], []
    for name in chapter_order(names, needs, seconds):
        if len([d for d in needs.get(name, ()) if d in names]) > 1:
            waiting.append(name)
        elif root(name) in waiting:
            followers.append(name)  # after a waiting chapter, on its worker
        else:
            chains.setdefault(root(name), []).append(name)
    cost = {r: sum(seconds.get(n, UNTIMED) for n in chain) for r, chain in chains.items()}
    load, group = [0.0] * max(1, workers), {}
    for r in sorted(chains, key=lambda r: -cost[r]):  # stable: book order among equals
        worker = min(range(len(load)), key=lambda w: load[w])
        load[worker] += cost[r]
        group.update({n: worker for n in chains[r]})
    for name in waiting:
        group[name] = min(range(len(load)), key=lambda w: load[w])
    for name in followers:
        group[name] = group[root(name)]
    return group


def _package_versions(requirements: Path) -> list[str]:
    versions = []
    for line in requirements.read_text().splitlines() if requirements.is_file() else []:
        match = re.match(r"\s*([A-Za-z0-9_.\-]+)", line.split("#")[0])
        if match:
            try:
                versions.append(f"{match[1]}=={importlib.metadata.version(match[1])}")
            except importlib.metadata.PackageNotFoundError:
                versions.append(f"{match[1]} missing")
    return versions


def source_fingerprint(root: Union[str, Path], parts: Iterable[str] = FINGERPRINTED) -> str:
    """SHA-256 over every file under ``parts`` of the repository at ``root`` (paths and
    contents; caches and compiled files left out), the Python version and the installed
    versions of the packages in ``requirements.txt``: a change to any of them makes every
    stored chapter stale."""
    root, digest = Path(root), hashlib.sha256(sys.version.encode())
    for part in parts:
        files = [root / part] if (root / part).is_file() else sorted((root / part).rglob("*"))
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    digest.update("\n".join(_package_versions(root / "requirements.txt")).encode())
    return digest.hexdigest()[:16]


def executed_bundle(source, executed):
    """The notebook to store for ``source`` (as committed, outputs cleared): its cells and
    cell metadata, with the outputs and execution counts of ``executed`` (the same notebook
    as nbmake ran it) and its kernel, language and widget state.

    The cell metadata must be the committed notebook's: jupyter-cache keys a notebook by its
    code cells *with their metadata*, and the executed copy carries execution timings.
    """
    import copy

    bundle = copy.deepcopy(source)
    code = [c for c in bundle.cells if c.cell_type == "code"]
    ran = [c for c in executed.cells if c.cell_type == "code"]
    if [c.source for c in code] != [c.source for c in ran]:
        raise BuildError("the executed notebook's code cells differ from the committed ones")
    for cell, done in zip(code, ran):
        cell.outputs, cell.execution_count = done.outputs, done.execution_count
    for key in ("kernelspec", "language_info", "widgets"):
        if key in executed.metadata:
            bundle.metadata[key] = executed.metadata[key]
    return bundle


class ChapterCache:
    """The jupyter-cache at ``path`` (the one ``_config.yml`` names), holding each executed
    chapter with the `source_fingerprint` it was executed under."""

    def __init__(self, path: Union[str, Path], fingerprint: str):
        self.path, self.fingerprint = Path(path), fingerprint

    def _cache(self):
        from jupyter_cache import get_cache

        return get_cache(self.path)

    def stored_at(self, notebook: Union[str, Path]) -> Optional[float]:
        """When ``notebook``'s code cells were stored executed under this fingerprint (Unix
        time), or None when the cache does not hold them (the build would execute it)."""
        import nbformat

        if not (self.path / "global.db").is_file():
            return None
        with locked(self.path):
            try:
                record = self._cache().match_cache_notebook(nbformat.read(notebook, 4))
            except KeyError:
                return None
        data = record.data or {}
        return data.get("stored") if data.get("fingerprint") == self.fingerprint else None

    def is_fresh(self, notebook: Union[str, Path]) -> bool:
        """Whether the build would reuse ``notebook`` as stored."""
        return self.stored_at(notebook) is not None

    def store(self, notebook: Union[str, Path], executed, seconds: float) -> None:
        """Store ``executed`` (``notebook`` as nbmake ran it, without an error) for the book
        build; jupyter-cache checks that its cells ran in order."""
        import nbformat
        from jupyter_cache.base import CacheBundleIn

        bundle = executed_bundle(nbformat.read(notebook, 4), executed)
        data = {
            "execution_seconds": seconds,
            "fingerprint": self.fingerprint,
            "stored": time.time(),
        }
        with locked(self.path):
            self._cache().cache_notebook_bundle(
                CacheBundleIn(bundle, str(Path(notebook).resolve()), data=data),
                check_validity=True,
                overwrite=True,
            )


def cell_seconds(executed) -> list[float]:
    """Seconds each code cell of ``executed`` took (nbclient's timing metadata; 0 where a
    cell carries none)."""
    from datetime import datetime

    def parse(stamp: str) -> datetime:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))

    out = []
    for cell in (c for c in executed.cells if c.cell_type == "code"):
        timing = cell.get("metadata", {}).get("execution", {})
        start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        out.append(round((parse(end) - parse(start)).total_seconds(), 2) if start and end else 0.0)
    return out


def read_timings(path: Union[str, Path]) -> dict:
    """``{chapter: {"seconds": s, "cells": [s, ...]}}`` as `record_timing` left them (empty
    when the file is missing or unreadable: timings only order the chapters)."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def record_timing(path: Union[str, Path], chapter: str, seconds: float, cells: list) -> None:
    """Keep how long ``chapter`` took (whole and per code cell) in the JSON file at ``path``:
    the next run starts the longest chapters first, and the numbers are there to report."""
    from ..files import atomic_write_bytes

    with locked(path):
        data = read_timings(path)
        data[chapter] = {"seconds": round(seconds, 2), "cells": list(cells)}
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(Path(path), json.dumps(data, indent=1, sort_keys=True).encode())


def stale_chapters(
    stored: Mapping[str, Optional[float]],
    needs: Mapping[str, Sequence[str]] = CHAPTER_NEEDS,
) -> set[str]:
    """The chapters to execute, given when each was ``stored`` in the cache (None: not held).

    Stale: a chapter not held; one stored before a chapter it reads was (it read inputs
    that have been remade since, e.g. after it failed on the new ones); and, transitively,
    every chapter that reads a stale one (its inputs are about to be remade).
    """

    def outdated(name: str) -> bool:
        when = stored[name]
        if when is None:
            return True
        return any(
            d in stored and (stored[d] is None or stored[d] > when) for d in needs.get(name, ())
        )

    stale = {name for name in stored if outdated(name)}
    grew = True
    while grew:
        more = {n for n in stored if n not in stale and any(d in stale for d in needs.get(n, ()))}
        stale |= more
        grew = bool(more)
    return stale
