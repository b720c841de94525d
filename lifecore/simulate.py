"""Exact simulation of Life-like rules on batches of boards.

NumPy boards go through a bit-sliced kernel (`lifecore._bitslice`): 64 cells per
machine word, neighbour counts by bitwise adders, the rule as a boolean function of
the count bits. Torch tensors stay torch (any device, CUDA included) and use rolled
integer sums with a table lookup, which is exact on every backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional, Union, overload

import numpy as np
import torch

from .errors import LifecoreError
from .rules import Rule, RuleLike, as_rule

__all__ = ["step", "simulate", "StopReport", "BoardError", "check_boards", "neighbour_counts"]

Boundary = Literal["torus", "dead"]
Boards = Union[np.ndarray, torch.Tensor]
BOUNDARIES = ("torus", "dead")


class BoardError(LifecoreError):
    """Boards of the wrong shape, dtype or values."""


def _check_boundary(boundary: str) -> str:
    if boundary not in BOUNDARIES:
        raise ValueError(f"unknown boundary {boundary!r}: expected 'torus' or 'dead'")
    return boundary


def check_boards(boards: Boards, name: str = "boards") -> Boards:
    """Validate a 2-D board or a ``(N, H, W)`` batch of 0/1 cells; return it unchanged."""
    if isinstance(boards, torch.Tensor):
        shape, ndim = tuple(boards.shape), boards.dim()
        if boards.dtype.is_complex:
            raise BoardError(f"{name} must be real 0/1 values, got dtype {boards.dtype}")
    else:
        if not isinstance(boards, np.ndarray):
            boards = np.asarray(boards)
        shape, ndim = boards.shape, boards.ndim
        if boards.dtype.kind not in "biuf":
            raise BoardError(
                f"{name} must be bool, integer or float 0/1 values, got dtype {boards.dtype}"
            )
    if ndim not in (2, 3):
        raise BoardError(f"{name} must be 2-D (H, W) or 3-D (N, H, W), got shape {shape}")
    if 0 in shape:
        raise BoardError(f"{name} is empty: shape {shape}")
    if isinstance(boards, torch.Tensor):
        ok = bool(((boards == 0) | (boards == 1)).all())
    else:
        ok = bool(((boards == 0) | (boards == 1)).all())
    if not ok:
        raise BoardError(f"{name} must hold only 0 and 1")
    return boards


def neighbour_counts(boards: Boards, rule: RuleLike, boundary: Boundary = "torus") -> Boards:
    """Live-neighbour count of every cell, same shape as ``boards`` (reference path)."""
    rule = as_rule(rule)
    _check_boundary(boundary)
    if isinstance(boards, torch.Tensor):
        x = boards.to(torch.uint8)
        if boundary == "torus":
            return sum(torch.roll(x, shifts=(-dr, -dc), dims=(-2, -1)) for dr, dc in rule.offsets)
        h, w = x.shape[-2:]
        p = torch.nn.functional.pad(x, (1, 1, 1, 1))
        return sum(p[..., 1 + dr : 1 + dr + h, 1 + dc : 1 + dc + w] for dr, dc in rule.offsets)
    x = np.asarray(boards, dtype=np.uint8)
    h, w = x.shape[-2:]
    pad = [(0, 0)] * (x.ndim - 2) + [(1, 1), (1, 1)]
    p = np.pad(x, pad, mode="wrap" if boundary == "torus" else "constant")
    total = np.zeros(x.shape, dtype=np.uint8)
    for dr, dc in rule.offsets:
        total += p[..., 1 + dr : 1 + dr + h, 1 + dc : 1 + dc + w]
    return total


def _rule_table(rule: Rule, device: torch.device) -> torch.Tensor:
    return torch.tensor(rule.table.reshape(-1).tolist(), device=device)


def _step_torch(
    x: torch.Tensor, rule: Rule, boundary: str, table: Optional[torch.Tensor] = None
) -> torch.Tensor:
    """One generation of already-validated boards, same dtype and device as ``x``."""
    counts = neighbour_counts(x, rule, boundary).long()
    if table is None:
        table = _rule_table(rule, x.device)
    return table[x.to(torch.long) * (rule.size + 1) + counts].to(x.dtype)


@overload
def step(boards: np.ndarray, rule: RuleLike, boundary: Boundary = "torus") -> np.ndarray: ...
@overload
def step(boards: torch.Tensor, rule: RuleLike, boundary: Boundary = "torus") -> torch.Tensor: ...


def step(boards: Boards, rule: RuleLike, boundary: Boundary = "torus") -> Boards:
    """One generation of ``rule`` on a board ``(H, W)`` or batch ``(N, H, W)``.

    NumPy in gives uint8 out; a torch tensor gives a tensor of the same dtype on the
    same device.
    """
    rule = as_rule(rule)
    _check_boundary(boundary)
    boards = check_boards(boards)
    if isinstance(boards, torch.Tensor):
        return _step_torch(boards, rule, boundary)
    from . import _bitslice

    return _bitslice.step(np.asarray(boards, dtype=np.uint8), rule, boundary)


@dataclass(frozen=True)
class StopReport:
    """Where each board's trajectory stopped.

    ``length[i]``: frames that hold board i's trajectory up to and including the first
    repeated state (``steps + 1`` if it never repeated); ``period[i]``: 1 for a fixed point,
    k for a cycle of period k, 0 if no repeat was seen within ``steps``; ``start[i]``:
    the time the cycle (or fixed point) was first entered, -1 if none.
    """

    length: np.ndarray
    period: np.ndarray
    start: np.ndarray

    @property
    def stopped(self) -> np.ndarray:
        return self.period > 0


def simulate(
    boards: Boards,
    rule: RuleLike,
    steps: int,
    boundary: Boundary = "torus",
    stop: Optional[Literal["fixed", "cycle"]] = None,
):
    """Trajectory of ``steps`` generations, time on axis -3.

    One board gives ``(steps + 1, H, W)``, a batch ``(N, steps + 1, H, W)``. With
    ``stop="fixed"`` or ``stop="cycle"`` the run ends early once every board has reached
    a fixed point (or any cycle: each state is compared with all earlier ones, so every
    period up to ``steps`` is found exactly), the time axis is trimmed to the longest
    board, and ``(trajectory, StopReport)`` is returned. Frames past a board's ``length``
    are its true continued evolution, so slicing ``traj[i, :length[i]]`` gives the data
    up to the first repeat.
    """
    rule = as_rule(rule)
    _check_boundary(boundary)
    boards = check_boards(boards)
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    if stop not in (None, "fixed", "cycle"):
        raise ValueError(f"unknown stop {stop!r}: expected None, 'fixed' or 'cycle'")
    single = boards.ndim == 2
    if isinstance(boards, torch.Tensor):
        traj = _simulate_torch(
            boards if not single else boards[None], rule, int(steps), boundary, stop
        )
    else:
        from . import _bitslice

        x = np.asarray(boards, dtype=np.uint8)
        traj = _bitslice.simulate(x if not single else x[None], rule, int(steps), boundary, stop)
    if stop is None:
        return traj[0] if single else traj
    frames, report = traj
    if single:
        return frames[0], report
    return frames, report


def _simulate_torch(x, rule, steps, boundary, stop):
    frames = [x]
    table = _rule_table(rule, x.device)  # boards were validated once, in `simulate`
    detector = _RepeatDetector(x.shape[0], stop) if stop else None
    if detector:
        detector.see(0, x)
    for t in range(1, steps + 1):
        x = _step_torch(x, rule, boundary, table)
        frames.append(x)
        if detector and detector.see(t, x):
            break
    traj = torch.stack(frames, dim=1)
    if stop is None:
        return traj
    return traj, detector.report(traj.shape[1])


class _RepeatDetector:
    """Finds, per board, the first time a state repeats (period 1 only for ``"fixed"``)."""

    def __init__(self, n: int, stop: str):
        self.cycle = stop == "cycle"
        self.seen: list[dict[bytes, int]] = [dict() for _ in range(n)]
        self.last: list[Optional[bytes]] = [None] * n
        self.length = np.full(n, -1, dtype=np.int64)
        self.period = np.zeros(n, dtype=np.int64)
        self.start = np.full(n, -1, dtype=np.int64)

    def see(self, t: int, x: Boards) -> bool:
        """Record generation ``t`` of every board; True once all boards have stopped."""
        if isinstance(x, torch.Tensor):
            x = x.detach().to("cpu", torch.uint8).numpy()
        packed = np.packbits(x.reshape(x.shape[0], -1), axis=1)
        for i in np.flatnonzero(self.length < 0):
            key = packed[i].tobytes()
            if self.cycle:
                first = self.seen[i].get(key)
                if first is not None:
                    self.length[i], self.period[i], self.start[i] = t + 1, t - first, first
                else:
                    self.seen[i][key] = t
            elif key == self.last[i]:
                self.length[i], self.period[i], self.start[i] = t + 1, 1, t - 1
            self.last[i] = key
        return bool((self.length >= 0).all())

    def report(self, frames: int) -> StopReport:
        length = np.where(self.length < 0, frames, self.length)
        self.seen = []  # free the hashes
        return StopReport(length=length, period=self.period.copy(), start=self.start.copy())
