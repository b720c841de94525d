"""Trajectories for discovery: validated arrays, and ``.npz`` files read without trusting them.

A file is hostile until read: it may be empty, a ``.npy``, truncated, bit-flipped, or declare
an array far larger than itself. Every such case ends in a `DiscoveryError` naming the file,
and the array's header is checked against the bytes stored before anything is allocated.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any, Union

import numpy as np

from .result import DiscoveryError

__all__ = ["check_trajectories", "load_trajectories", "frames_to_pairs"]

_MEMBER = "trajectories.npy"
_HEADER_READERS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}


def check_trajectories(arr: Any, name: str = "trajectories", hidden: bool = False) -> np.ndarray:
    """Validate uint8 ``(N, T, H, W)`` 0/1 trajectories with ``T >= 2`` (and 255, a cell not
    observed, when ``hidden``).

    Raises
    ------
    DiscoveryError
        Naming ``name`` and what is wrong (type, dtype, shape, values).
    """
    if not isinstance(arr, np.ndarray):
        raise DiscoveryError(f"{name} must be a NumPy array, got {type(arr).__name__}")
    if arr.dtype != np.uint8:
        raise DiscoveryError(f"{name} must be uint8, got dtype {arr.dtype}")
    if arr.ndim != 4:
        raise DiscoveryError(f"{name} must have shape (N, T, H, W), got {arr.shape}")
    if 0 in arr.shape:
        raise DiscoveryError(f"{name} is empty: shape {arr.shape}")
    if arr.shape[1] < 2:
        raise DiscoveryError(
            f"{name} need at least two frames per trajectory (T >= 2), got T={arr.shape[1]}"
        )
    if hidden and ((arr <= 1) | (arr == 255)).all():
        return arr
    if arr.max() > 1:
        raise DiscoveryError(f"{name} must hold only 0 and 1 (found {int(arr.max())})")
    return arr


def frames_to_pairs(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` pairs ``(N * (T - 1), H, W)`` from trajectories ``(N, T, H, W)``."""
    h, w = frames.shape[-2:]
    return frames[:, :-1].reshape(-1, h, w), frames[:, 1:].reshape(-1, h, w)


def _read_member(path: Path, archive: zipfile.ZipFile) -> np.ndarray:
    """The ``trajectories`` array, its header checked against the stored size first."""
    names = archive.namelist()
    if _MEMBER not in names:
        found = sorted(n.removesuffix(".npy") for n in names)
        raise DiscoveryError(f"{path}: no 'trajectories' array (found {found})")
    info = archive.getinfo(_MEMBER)
    with archive.open(info) as fp:
        version = np.lib.format.read_magic(fp)
        read_header = _HEADER_READERS.get(version)
        if read_header is None:
            raise DiscoveryError(f"{path}: unsupported .npy format version {version}")
        shape, fortran, dtype = read_header(fp)
        if dtype.hasobject:
            raise DiscoveryError(f"{path}: trajectories hold Python objects; refused")
        needed = int(np.prod(shape, dtype=object)) * dtype.itemsize
        if needed > info.file_size:
            raise DiscoveryError(
                f"{path}: the trajectories header declares {needed} bytes but "
                f"{info.file_size} are stored (truncated or corrupt)"
            )
        arr = np.frombuffer(fp.read(needed), dtype=dtype)
    if arr.size * dtype.itemsize != needed:
        raise DiscoveryError(f"{path}: trajectories truncated")
    order = "F" if fortran else "C"
    return arr.reshape(shape, order=order).copy()


def load_trajectories(path: Union[str, Path], hidden: bool = False) -> np.ndarray:
    """Read ``trajectories`` from an ``.npz`` and validate it (see `check_trajectories`).

    Parameters
    ----------
    path : str or Path
        An ``.npz`` (as written by ``numpy.savez``) holding ``trajectories``, uint8
        ``(N, T, H, W)``.
    hidden : bool
        Allow 255 (a cell not observed), for `lifecore.discover.identify`.

    Returns
    -------
    np.ndarray
        uint8 ``(N, T, H, W)``.

    Raises
    ------
    DiscoveryError
        Naming the file: missing, not an ``.npz`` (empty, a ``.npy``, text), corrupt
        (truncated, bit flips caught by the header check or the zip's CRC), or holding no
        valid ``trajectories``.
    """
    path = Path(path)
    if not path.is_file():
        raise DiscoveryError(f"{path}: no such file")
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic == b"\x93NUM":
        raise DiscoveryError(f"{path}: a .npy file; expected an .npz holding 'trajectories'")
    if magic != b"PK\x03\x04":
        what = "empty" if not magic else "not an .npz (zip) file"
        raise DiscoveryError(f"{path}: {what}; expected an .npz holding 'trajectories'")
    try:
        with zipfile.ZipFile(path) as archive:
            arr = _read_member(path, archive)
    except DiscoveryError:
        raise
    except Exception as err:  # hostile bytes: zlib, zipfile, struct, header parsing errors
        raise DiscoveryError(
            f"{path}: cannot read as .npz ({type(err).__name__}: {str(err)[:120]})"
        ) from None
    return check_trajectories(arr, f"{path}: trajectories", hidden)
