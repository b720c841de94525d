"""Exact simulation of any binary rule on the 3x3 window, on batches of boards.

Rules: outer-totalistic (Life-like, Moore / von Neumann / hex), isotropic non-totalistic
(Hensel) and MAP rules, anything `lifecore.rules.as_rule` reads, or any object with a
512-entry ``window_table`` (Golly's MAP index order).

NumPy boards go through a bit-sliced numba kernel (`lifecore.simulate._bitslice`): 64 cells per
machine word, an adder network for outer-totalistic rules, a compiled decision diagram of
the window table for every other rule. Torch tensors stay torch (any device, CUDA
included) and use a window-index table lookup (`lifecore.simulate._torchsim`, imported only when a
tensor is passed: the NumPy path never loads torch).

Boundaries: ``"torus"`` wraps, ``"dead"`` reads cells outside as 0. ``boundary=None`` uses
the rule's bounded-grid suffix (Golly's ``:T64,64`` torus, ``:P64,64`` plane; the board must
then have that size) and a torus when it has none. A ``:P`` plane is Golly's: the cells
outside are the *background* of an infinite universe, dead at first, then evolving under
the rule. For a rule with B0 (an all-dead window gives birth) the background turns live
after one generation (and back if the all-live window dies): Golly's bounded plane behaves
so, and the tests check it against Golly. Without B0 it stays dead, as ``"dead"``.
"""

from __future__ import annotations

from typing import Any, Literal, Optional, Union

import numpy as np

from ..rules import NEIGHBOURHOODS, as_rule
from ._boards import (
    BOUNDARIES,
    MAX_RESULT_BYTES,
    BoardError,
    check_boards,
    check_boundary,
    check_steps,
    is_tensor,
)
from ._plane import background_flips, simulate_background
from ._repeat import STOPS, Stopped, StopReport

__all__ = [
    "step",
    "simulate",
    "StopReport",
    "Stopped",
    "BoardError",
    "check_boards",
    "neighbour_counts",
    "BOUNDARIES",
    "MAX_RESULT_BYTES",
]

Boundary = Optional[Literal["torus", "dead"]]
KEEPS = ("all", "last")


def _rule(rule: Any) -> Any:
    """A rule object: parsed from a string, or any object with a ``window_table``."""
    if isinstance(rule, str) or not hasattr(rule, "window_table") and not hasattr(rule, "table"):
        return as_rule(rule)
    return rule


def _boundary(boundary: Any, rule: Any, shape: tuple) -> str:
    """``boundary`` checked, or (when None) the rule's topology suffix, else a torus."""
    if boundary is not None:
        return check_boundary(boundary)
    topology = getattr(rule, "topology", None)
    if topology is None:
        return "torus"
    kind, width, height = topology.kind, int(topology.width), int(topology.height)
    if kind not in ("T", "P") or width <= 0 or height <= 0:
        raise BoardError(f"bounded grid :{kind}{width},{height} is not supported: use :T or :P")
    if tuple(shape[-2:]) != (height, width):
        raise BoardError(
            f"rule {rule} needs boards of {height} rows x {width} columns, got shape {shape}"
        )
    return "torus" if kind == "T" else "dead"


def _prepare(boards: Any, rule: Any, boundary: Any) -> tuple[Any, Any, str]:
    rule = _rule(rule)
    boards = check_boards(boards)
    return boards, rule, _boundary(boundary, rule, tuple(boards.shape))


def neighbour_counts(boards: Any, rule: Any, boundary: Boundary = None) -> Any:
    """Live-neighbour count of every cell in the rule's neighbourhood (a reference path).

    Parameters
    ----------
    boards : numpy.ndarray or torch.Tensor
        0/1 boards ``(H, W)`` or ``(N, H, W)``.
    rule : Rule, str or rule object
        Its ``neighbourhood`` (Moore for isotropic and MAP rules) says which cells count.
    boundary : {"torus", "dead"} or None
        None: the rule's topology suffix, else a torus.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        uint8 counts, shaped like ``boards``.
    """
    boards, rule, boundary = _prepare(boards, rule, boundary)
    offsets = NEIGHBOURHOODS[getattr(rule, "neighbourhood", "moore")]
    if is_tensor(boards):
        from . import _torchsim

        return _torchsim.neighbour_counts(boards, offsets, boundary)
    x = np.asarray(boards, dtype=np.uint8)
    h, w = x.shape[-2:]
    pad = [(0, 0)] * (x.ndim - 2) + [(1, 1), (1, 1)]
    p = np.pad(x, pad, mode="wrap" if boundary == "torus" else "constant")
    total = np.zeros(x.shape, dtype=np.uint8)
    for dr, dc in offsets:
        total += p[..., 1 + dr : 1 + dr + h, 1 + dc : 1 + dc + w]
    return total


def step(boards: Any, rule: Any, boundary: Boundary = None) -> Any:
    """One generation of ``rule`` on a board ``(H, W)`` or a batch ``(N, H, W)``.

    Parameters
    ----------
    boards : numpy.ndarray or torch.Tensor
        0/1 cells (bool, integer or float).
    rule : Rule, IsotropicRule, MapRule or str
        Any rule `lifecore.rules.as_rule` reads (or an object with a ``window_table``).
    boundary : {"torus", "dead"} or None
        None: the rule's ``:T``/``:P`` suffix, else a torus.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        NumPy in, uint8 out; a tensor gives a tensor of the same dtype on the same device.
        Same shape as ``boards``.

    Raises
    ------
    BoardError
        Bad boards, boundary, or a board whose size differs from the rule's suffix.
    """
    boards, rule, boundary = _prepare(boards, rule, boundary)
    if is_tensor(boards):
        from . import _torchsim

        return _torchsim.step(boards, rule, boundary)
    from . import _bitslice

    return _bitslice.step(np.asarray(boards, dtype=np.uint8), rule, boundary)


def _check_options(stop: Any, keep: Any, max_bytes: Any) -> None:
    if stop not in STOPS:
        raise BoardError(f"unknown stop {stop!r}: expected None, 'fixed' or 'cycle'")
    if keep not in KEEPS:
        raise BoardError(f"unknown keep {keep!r}: expected 'all' or 'last'")
    if max_bytes is not None and (
        isinstance(max_bytes, bool) or not isinstance(max_bytes, (int, np.integer))
    ):
        raise BoardError(f"max_bytes must be an integer or None, got {max_bytes!r}")


def _backend(batch: Any) -> tuple[Any, Any]:
    """The kernel module for ``batch`` (torch for a tensor, else the bit-sliced NumPy path)
    and the batch as that module takes it."""
    if is_tensor(batch):
        from . import _torchsim

        return _torchsim, batch
    from . import _bitslice

    return _bitslice, np.asarray(batch, dtype=np.uint8)


def simulate(
    boards: Any,
    rule: Any,
    steps: int,
    boundary: Boundary = None,
    stop: Optional[Literal["fixed", "cycle"]] = None,
    keep: Literal["all", "last"] = "all",
    max_bytes: Optional[int] = None,
) -> Union[np.ndarray, Any, Stopped]:
    """Run ``steps`` generations of ``rule``.

    Parameters
    ----------
    boards : numpy.ndarray or torch.Tensor
        0/1 board ``(H, W)`` or batch ``(N, H, W)``.
    rule : Rule, IsotropicRule, MapRule or str
        Any rule `lifecore.rules.as_rule` reads (or an object with a ``window_table``).
    steps : int
        Generations to run, >= 0 (booleans and floats are refused).
    boundary : {"torus", "dead"} or None
        None: the rule's ``:T``/``:P`` suffix, else a torus.
    stop : {None, "fixed", "cycle"}
        End early once every board reached a fixed point (``"fixed"``) or revisited any
        earlier state (``"cycle"``: each period up to ``steps`` is found exactly).
    keep : {"all", "last"}
        ``"all"``: the trajectory, time on axis -3. ``"last"``: only the final boards,
        shaped like ``boards`` (NumPy boards then stay bit-packed throughout: fastest).
    max_bytes : int or None
        Largest result to build; None means `MAX_RESULT_BYTES` (4 GiB). Checked before
        allocating (with ``stop``, as the trajectory grows; with ``stop="cycle"`` it also
        bounds the record of states seen, 1 bit a cell per generation).

    Returns
    -------
    numpy.ndarray or torch.Tensor or Stopped
        Without ``stop``: ``(steps + 1, H, W)`` for one board, ``(N, steps + 1, H, W)`` for
        a batch (``keep="last"``: shaped like ``boards``); uint8 for NumPy, the input's dtype
        and device for a tensor. With ``stop``: ``Stopped(frames, report)``, which unpacks
        as ``frames, report``: the time axis trimmed to the longest board, frames past a
        board's ``report.length`` being its true continued evolution.

    Raises `BoardError`: bad boards or arguments, a board whose size differs from the
    rule's suffix, or a result over ``max_bytes``.
    """
    boundary_arg = boundary
    boards, rule, boundary = _prepare(boards, rule, boundary)
    steps = check_steps(steps)
    _check_options(stop, keep, max_bytes)
    single = boards.ndim == 2
    backend, batch = _backend(boards[None] if single else boards)
    if background_flips(boundary_arg, rule):
        result = simulate_background(batch, rule, steps, stop, keep, max_bytes, backend)
    else:
        result = backend.simulate(batch, rule, steps, boundary, stop, keep, max_bytes)
    if stop is None:
        return result[0] if single else result
    return Stopped(result.frames[0], result.report) if single else result
