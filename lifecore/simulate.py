"""Exact simulation of any binary rule on the 3x3 window, on batches of boards.

Rules: outer-totalistic (Life-like, Moore / von Neumann / hex), isotropic non-totalistic
(Hensel) and MAP rules, anything `lifecore.rules.as_rule` reads, or any object with a
512-entry ``window_table`` (Golly's MAP index order).

NumPy boards go through a bit-sliced numba kernel (`lifecore._bitslice`): 64 cells per
machine word, an adder network for outer-totalistic rules, a compiled decision diagram of
the window table for every other rule. Torch tensors stay torch (any device, CUDA
included) and use a window-index table lookup (`lifecore._torchsim`, imported only when a
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

from ._boards import (
    BOUNDARIES,
    MAX_RESULT_BYTES,
    BoardError,
    check_boards,
    check_boundary,
    check_result_size,
    check_steps,
    is_tensor,
)
from ._repeat import STOPS, RepeatDetector, Stopped, StopReport
from ._windowlogic import window_table
from .rules import NEIGHBOURHOODS, as_rule

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


def _background_flips(boundary: Any, rule: Any) -> bool:
    """True for a Golly ``:P`` plane whose background turns live (a B0 rule): see above."""
    topology = getattr(rule, "topology", None)
    return (
        boundary is None
        and topology is not None
        and topology.kind == "P"
        and (bool(window_table(rule)[0]))
    )


class _Table:
    """A rule given by its window table alone (the complemented-background step)."""

    family, neighbourhood, topology = "map", "moore", None

    def __init__(self, table: np.ndarray):
        self.window_table = table


def _complement(x: Any) -> Any:
    return (x == 0).to(x.dtype) if is_tensor(x) else (x == 0).view(np.uint8)


def _stack(frames: list) -> Any:
    if is_tensor(frames[0]):
        import torch

        return torch.stack(frames, dim=1)
    return np.stack(frames, axis=1)


def _keys(states: Any, background: int) -> np.ndarray:
    """Repeat-detector keys: the packed cells of each board, then the background."""
    cells = np.asarray(states.cpu() if is_tensor(states) else states, dtype=np.uint8)
    packed = np.packbits(cells.reshape(len(cells), -1), axis=1)
    return np.concatenate([packed, np.full((len(cells), 1), background, np.uint8)], axis=1)


def _simulate_background(x, rule, steps, stop, keep, max_bytes, backend):
    """`simulate` on a Golly plane whose background alternates (B0 rules), step by step.

    While the background is live, the cells outside read 1: the step is then the dead-
    boundary step of the complemented board under the reversed table
    (``next = table[511 - index of the complement]``).
    """
    table = np.asarray(window_table(rule), dtype=np.uint8)
    reverse = _Table(table[::-1].copy())
    frame_bytes = int(np.prod(x.shape)) * (x.element_size() if is_tensor(x) else 1)
    detector = RepeatDetector(x.shape[0], stop) if stop else None
    frames, background, t = [x], 0, 0
    if detector:
        detector.see(0, _keys(x, 0))
    for t in range(1, steps + 1):
        if keep == "all":
            check_result_size((len(frames) + 1) * frame_bytes, max_bytes)
        prev = frames[-1]
        if background:
            nxt = backend.simulate(_complement(prev), reverse, 1, "dead", None, "last", None)
        else:
            nxt = backend.simulate(prev, rule, 1, "dead", None, "last", None)
        background = int(table[511 * background])
        frames = frames + [nxt] if keep == "all" else [nxt]
        if detector and detector.see(t, _keys(nxt, background)):
            break
    result = _stack(frames) if keep == "all" else frames[-1]
    return Stopped(result, detector.report(t + 1)) if detector else result


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
        allocating (with ``stop``, as the trajectory grows).

    Returns
    -------
    numpy.ndarray or torch.Tensor or Stopped
        Without ``stop``: ``(steps + 1, H, W)`` for one board, ``(N, steps + 1, H, W)`` for
        a batch (``keep="last"``: shaped like ``boards``); uint8 for NumPy, the input's dtype
        and device for a tensor. With ``stop``: ``Stopped(frames, report)``, which unpacks
        as ``frames, report``: the time axis trimmed to the longest board, frames past a
        board's ``report.length`` being its true continued evolution.

    Raises
    ------
    BoardError
        Bad boards or arguments, a board whose size differs from the rule's suffix, or a
        result over ``max_bytes``.
    """
    boundary_arg = boundary
    boards, rule, boundary = _prepare(boards, rule, boundary)
    steps = check_steps(steps)
    _check_options(stop, keep, max_bytes)
    single = boards.ndim == 2
    batch = boards[None] if single else boards
    if is_tensor(boards):
        from . import _torchsim as backend
    else:
        from . import _bitslice as backend

        batch = np.asarray(batch, dtype=np.uint8)
    if _background_flips(boundary_arg, rule):
        result = _simulate_background(batch, rule, steps, stop, keep, max_bytes, backend)
    else:
        result = backend.simulate(batch, rule, steps, boundary, stop, keep, max_bytes)
    if stop is None:
        return result[0] if single else result
    return Stopped(result.frames[0], result.report) if single else result
