"""What each chapter found, saved for the conclusion.

Chapters compute their results at build time; the conclusion answers the introduction's
questions with those same numbers instead of copying them. Each chapter writes its section
of one JSON file (``chapters/_artifacts/findings.json``) and the conclusion reads it, failing
with the chapter to run when a section is missing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, Union

from ..errors import LifecoreError
from ..files import atomic_write_bytes
from .cache import locked

__all__ = ["FindingsError", "save_findings", "load_findings"]


class FindingsError(LifecoreError):
    """A chapter's findings are missing or unreadable."""


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise FindingsError(f"{path}: cannot read findings ({err})") from None
    if not isinstance(data, dict):
        raise FindingsError(f"{path}: findings must be a JSON object")
    return data


def save_findings(path: Union[str, Path], chapter: str, values: Mapping[str, Any]) -> None:
    """Write (replace) ``chapter``'s section of the findings file at ``path``, atomically.

    ``values`` must be JSON-serialisable (numbers, strings, lists, dicts). Returns nothing,
    so that a chapter cell ending with this call shows no output.
    """
    path = Path(path)
    with locked(path):  # chapters run in parallel: no section is lost to another's write
        data = _read(path)
        data[chapter] = dict(values)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, json.dumps(data, indent=1, sort_keys=True).encode())


def load_findings(path: Union[str, Path], chapter: str) -> dict:
    """``chapter``'s section of the findings file at ``path``.

    Raises
    ------
    FindingsError
        When the file or the section is missing: run that chapter first.
    """
    data = _read(Path(path))
    if chapter not in data:
        raise FindingsError(f"{path}: no findings from {chapter}; execute that chapter first")
    return data[chapter]
