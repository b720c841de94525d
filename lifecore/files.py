"""Writing files so that an interruption never leaves half a file, and checking on read
that a file is the one that was written.

Every writer in the library (checkpoints, training state, datasets, experiment results)
goes through :func:`atomic_write`: the bytes go to a temporary file beside the target,
are flushed to disk (``fsync``), and only then renamed over the target. A write killed at
any point leaves either the old file or the new one, and no ``*.tmp`` behind once the
writer returns or raises.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Union

from .errors import LifecoreError

__all__ = ["FileError", "atomic_write", "atomic_write_bytes", "sha256", "check_writable"]


class FileError(LifecoreError):
    """A file that cannot be written, or one whose contents are not what was written."""


def check_writable(path: Union[str, os.PathLike]) -> Path:
    """Say *before* any long job whether ``path`` can be written as a file.

    Raises
    ------
    FileError
        When ``path`` is a directory, or its folder cannot be created or written.
    """
    path = Path(path)
    if path.is_dir():
        raise FileError(f"{path}: is a directory, expected a file path")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise FileError(f"{path.parent}: cannot create folder ({err.strerror})") from None
    if not os.access(path.parent, os.W_OK):
        raise FileError(f"{path.parent}: folder is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise FileError(f"{path}: file is not writable")
    return path


def atomic_write(path: Union[str, os.PathLike], write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write(handle)`` on a temporary file beside ``path``, fsync, then rename.

    Parameters
    ----------
    path
        The file to (re)place.
    write
        Writes the whole content to the binary handle it is given.

    Returns
    -------
    Path
        ``path``, now holding the complete new content.

    Raises
    ------
    FileError
        When the folder cannot be written; the temporary file is removed.
    """
    path = check_writable(path)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise FileError(f"{path}: cannot write ({err.strerror or err})") from None
        raise
    _fsync_folder(path.parent)
    return path


def atomic_write_bytes(path: Union[str, os.PathLike], data: bytes) -> Path:
    """:func:`atomic_write` of a bytes object."""
    return atomic_write(path, lambda handle: handle.write(data))


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``: the content checksum stored beside what it protects."""
    return hashlib.sha256(data).hexdigest()


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
