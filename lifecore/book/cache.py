"""Heavy chapter work, computed once per configuration and reused by every later build.

A chapter's heavy step (a rules x models grid, a sweep over seeds) is a pure function of its
settings. `cached` keeps its result in ``<directory>/<name>-<digest>.json``, where ``digest``
hashes the canonical JSON of the settings. The file also holds the settings themselves and a
checksum of the result: a result is served only when the stored settings *equal* the ones
asked for and the checksum holds, so it is never served for other settings (whatever the
file is called) and a damaged file is computed again, never trusted.

Chapters run in parallel (`make test` executes them with pytest-xdist over both cores), and
two of them may ask for the same work: `locked` holds an exclusive lock named after the result
while it is checked, computed and written, so the first chapter computes it and the other
waits, then reads it. `lifecore.book.findings` takes the same lock around its
read-modify-write of the shared findings file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import math
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Optional, TypeVar, Union

from ..errors import LifecoreError
from ..files import atomic_write_bytes

__all__ = ["CacheError", "settings_digest", "cache_path", "locked", "cached"]

T = TypeVar("T")
_FORMAT = 1


class CacheError(LifecoreError):
    """Settings that cannot be a cache key (not plain JSON), or a bad cache name."""


def _canonical(value: Any, where: str = "settings", finite: bool = True) -> Any:
    """``value`` as plain JSON (dicts with string keys, lists, str, int, float, bool, None);
    tuples become lists. Anything else would be keyed by its ``repr``, which can hide a
    difference, so it is refused; so is NaN in settings (``finite``: NaN equals nothing, so
    settings holding it could never be found again). Results may hold NaN (a loss never
    computed)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if finite and not math.isfinite(value):
            raise CacheError(f"{where}: {value!r} is not a finite number")
        return value
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise CacheError(f"{where}: keys must be strings, got {sorted(map(repr, value))}")
        return {k: _canonical(v, f"{where}.{k}", finite) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v, f"{where}[{i}]", finite) for i, v in enumerate(value)]
    raise CacheError(
        f"{where}: {type(value).__name__} is not plain JSON; pass its settings as a dict "
        "(e.g. config.to_dict())"
    )


def _dumps(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def settings_digest(settings: Mapping[str, Any]) -> str:
    """SHA-256 (hex, 16 characters) of the canonical JSON of ``settings``: equal settings
    give equal digests whatever the key order; a changed value gives another.

    Raises
    ------
    CacheError
        When ``settings`` holds anything but plain JSON values.
    """
    return hashlib.sha256(_dumps(_canonical(settings))).hexdigest()[:16]


def cache_path(directory: Union[str, Path], name: str, settings: Mapping[str, Any]) -> Path:
    """``<directory>/<name>-<settings_digest(settings)>.json``."""
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise CacheError(f"cache name must be letters, digits, '-' or '_', got {name!r}")
    return Path(directory) / f"{name}-{settings_digest(settings)}.json"


@contextlib.contextmanager
def locked(path: Union[str, Path]) -> Iterator[None]:
    """Hold an exclusive lock named after ``path`` for the ``with`` body: other processes
    entering `locked` on the same path wait until it is released.

    The lock file lives in the system's temporary folder (named by a hash of the resolved
    path), not beside ``path``, so the folders the chapters read stay as they wrote them.
    """
    name = hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:24]
    lock = Path(tempfile.gettempdir()) / "lifecore-locks" / f"{name}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read(path: Path, settings: Any) -> tuple[bool, Any]:
    """``(True, value)`` when ``path`` holds a sound result for exactly ``settings``."""
    try:
        stored = json.loads(path.read_text())
        value = stored["value"]
    except (OSError, ValueError, KeyError, TypeError):
        return False, None
    sound = (
        stored.get("format") == _FORMAT
        and stored.get("settings") == settings
        and stored.get("checksum") == hashlib.sha256(_dumps(value)).hexdigest()
    )
    return (True, value) if sound else (False, None)


def cached(
    directory: Union[str, Path],
    name: str,
    settings: Mapping[str, Any],
    compute: Callable[[], T],
    dump: Optional[Callable[[T], Any]] = None,
    load: Optional[Callable[[Any], T]] = None,
) -> T:
    """``compute()``'s result for ``settings``: read from ``directory`` when a build already
    computed it with these exact settings, else computed now and stored.

    Parameters
    ----------
    directory, name
        Where the result is kept (`cache_path`).
    settings
        Everything the result depends on, as plain JSON (a config's ``to_dict()``, the
        rules, models and seeds). The result is reused only for equal settings.
    compute
        Computes the result; called at most once, under the lock.
    dump, load
        Turn the result into plain JSON and back (default: the result is plain JSON).
        The value returned is always ``load(dump(result))``, so a fresh result and a
        reused one are the same kind of object.

    Raises
    ------
    CacheError
        When ``settings`` or ``dump``'s output are not plain JSON.
    """
    key = _canonical(settings)
    path = cache_path(directory, name, key)
    dump = dump or (lambda v: v)
    load = load or (lambda v: v)
    with locked(path):
        found, value = _read(path, key)
        if not found:
            value = _canonical(dump(compute()), f"{name} result", finite=False)
            record = {"format": _FORMAT, "name": name, "settings": key, "value": value}
            record["checksum"] = hashlib.sha256(_dumps(value)).hexdigest()
            atomic_write_bytes(path, json.dumps(record, sort_keys=True).encode())
    return load(value)
