"""One board validator for the whole library, and the simulator's argument checks.

Everything here works on NumPy arrays and torch tensors alike *without importing torch*:
a tensor can only exist once its caller imported torch, so `is_tensor` looks torch up in
``sys.modules`` instead of importing it (``import lifecore`` stays light).
"""

from __future__ import annotations

import sys
from typing import Any, Optional

import numpy as np

from ..errors import LifecoreError

__all__ = [
    "BoardError",
    "BOUNDARIES",
    "MAX_RESULT_BYTES",
    "is_tensor",
    "check_boards",
    "check_boundary",
    "check_steps",
    "check_result_size",
]

BOUNDARIES = ("torus", "dead")

#: Largest trajectory (in bytes) `lifecore.simulate` builds unless ``max_bytes`` says
#: otherwise: 4 GiB. The check comes before any allocation, so a mistyped ``steps``
#: fails at once with a message instead of exhausting memory.
MAX_RESULT_BYTES = 4 * 2**30


class BoardError(LifecoreError):
    """Boards of the wrong shape, dtype or values, or simulation arguments that cannot be used."""


def is_tensor(x: Any) -> bool:
    """True when ``x`` is a torch tensor; never imports torch."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def _check_tensor_kind(boards: Any, name: str) -> None:
    if str(boards.layout) != "torch.strided":
        raise BoardError(f"{name} must be a dense tensor, got layout {boards.layout}")
    if boards.device.type == "meta":
        raise BoardError(f"{name} is a meta tensor: it holds no cells")
    if boards.dtype.is_complex or str(boards.dtype) in ("torch.quint8", "torch.qint8"):
        raise BoardError(f"{name} must be real 0/1 values, got dtype {boards.dtype}")


def _is_binary(boards: Any) -> bool:
    if is_tensor(boards):
        return bool(((boards == 0) | (boards == 1)).all())
    if boards.dtype.kind == "b":
        return True
    return bool(((boards == 0) | (boards == 1)).all())


def check_boards(boards: Any, name: str = "boards") -> Any:
    """Validate a board ``(H, W)`` or a batch ``(N, H, W)`` of 0/1 cells.

    Parameters
    ----------
    boards : array_like or torch.Tensor
        Bool, integer or real cells, each 0 or 1. A tensor must be dense (strided) and
        hold data (not on the ``meta`` device).
    name : str
        What to call the boards in a message.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        ``boards`` itself (a NumPy array when a list or other array-like was given).

    Raises
    ------
    BoardError
        Wrong dimension, an empty axis, a non-numeric dtype, a sparse or meta tensor, or
        a value other than 0 and 1 (NaN included).
    """
    if is_tensor(boards):
        _check_tensor_kind(boards, name)
        shape, ndim = tuple(boards.shape), boards.dim()
    else:
        if not isinstance(boards, np.ndarray):
            try:
                boards = np.asarray(boards)
            except (TypeError, ValueError) as err:
                raise BoardError(f"{name} cannot be read as an array: {err}") from None
        shape, ndim = boards.shape, boards.ndim
        if boards.dtype.kind not in "biuf":
            raise BoardError(
                f"{name} must be bool, integer or float 0/1 values, got dtype {boards.dtype}"
            )
    if ndim not in (2, 3):
        raise BoardError(f"{name} must be 2-D (H, W) or 3-D (N, H, W), got shape {shape}")
    if 0 in shape:
        raise BoardError(f"{name} is empty: shape {shape}")
    if not _is_binary(boards):
        raise BoardError(f"{name} must hold only 0 and 1")
    return boards


def check_boundary(boundary: Any) -> str:
    """Return ``boundary`` if it is ``"torus"`` or ``"dead"``; raise `BoardError` otherwise."""
    if not isinstance(boundary, str) or boundary not in BOUNDARIES:
        raise BoardError(f"unknown boundary {boundary!r}: expected 'torus' or 'dead'")
    return boundary


def check_steps(steps: Any) -> int:
    """Return ``steps`` as an int; `BoardError` unless it is a non-negative integer.

    Booleans and floats are refused (``steps=True`` is a mistake, not one step).
    """
    if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, (int, np.integer)):
        raise BoardError(f"steps must be a non-negative integer, got {steps!r}")
    if steps < 0:
        raise BoardError(f"steps must be a non-negative integer, got {steps!r}")
    return int(steps)


def check_result_size(nbytes: int, max_bytes: Optional[int], what: str = "trajectory") -> None:
    """Refuse, before allocating it, a result larger than ``max_bytes``.

    ``max_bytes=None`` means `MAX_RESULT_BYTES`.
    """
    limit = MAX_RESULT_BYTES if max_bytes is None else max_bytes
    if nbytes > limit:
        raise BoardError(
            f"the {what} would take {nbytes / 2**30:.3g} GiB, over the limit of "
            f"{limit / 2**30:.3g} GiB: ask for fewer steps, use keep='last', or raise max_bytes"
        )
