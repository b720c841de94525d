"""The one repeat detector: where each board's trajectory first revisits a state.

Both simulators (NumPy bit-sliced and torch) feed it one NumPy array per generation whose
row ``i`` identifies board ``i``'s state one-to-one (packed words, or `numpy.packbits`
of the cells); it keys a dictionary by those bytes, so equal keys mean equal boards and
hashing never merges distinct states.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple, Optional

import numpy as np

from ._boards import check_result_size

__all__ = ["StopReport", "Stopped", "RepeatDetector", "STOPS"]

STOPS = (None, "fixed", "cycle")


@dataclass(frozen=True)
class StopReport:
    """Where each board's trajectory stopped.

    Attributes
    ----------
    length : numpy.ndarray
        int64 ``(N,)``: frames holding board i's trajectory up to and including the first
        repeated state (all frames computed if it never repeated).
    period : numpy.ndarray
        int64 ``(N,)``: 1 for a fixed point, k for a cycle of period k, 0 if no repeat was
        seen.
    start : numpy.ndarray
        int64 ``(N,)``: the time the cycle (or fixed point) was first entered, -1 if none.
    """

    length: np.ndarray
    period: np.ndarray
    start: np.ndarray

    @property
    def stopped(self) -> np.ndarray:
        """Bool ``(N,)``: which boards repeated a state."""
        return self.period > 0


class Stopped(NamedTuple):
    """What `lifecore.simulate` returns with ``stop``: unpacks as ``frames, report``."""

    frames: Any
    report: StopReport


class RepeatDetector:
    """Finds, per board, the first time a state repeats (period 1 only for ``"fixed"``).

    Parameters
    ----------
    n : int
        Number of boards.
    stop : {"fixed", "cycle"}
        ``"fixed"`` compares each state with the one before; ``"cycle"`` with every earlier
        one (each period up to the number of steps is found exactly).
    max_bytes : int or None
        Most bytes of keys ``"cycle"`` may hold (None: `MAX_RESULT_BYTES`); past it `see`
        raises `BoardError` instead of exhausting memory on a run that never repeats.
    """

    def __init__(self, n: int, stop: str, max_bytes: Optional[int] = None):
        self.cycle = stop == "cycle"
        self.max_bytes = max_bytes
        self.held = 0
        self.seen: list[dict[bytes, int]] = [dict() for _ in range(n)]
        self.last: list[bytes] = [b""] * n
        self.length = np.full(n, -1, dtype=np.int64)
        self.period = np.zeros(n, dtype=np.int64)
        self.start = np.full(n, -1, dtype=np.int64)

    def see(self, t: int, keys: np.ndarray) -> bool:
        """Record generation ``t`` (row i of ``keys`` identifies board i); True once all stopped."""
        for i in np.flatnonzero(self.length < 0):
            key = keys[i].tobytes()
            if self.cycle:
                first = self.seen[i].get(key)
                if first is not None:
                    self.length[i], self.period[i], self.start[i] = t + 1, t - first, first
                else:
                    self.seen[i][key] = t
                    self.held += len(key)
            elif t > 0 and key == self.last[i]:
                self.length[i], self.period[i], self.start[i] = t + 1, 1, t - 1
            self.last[i] = key
        check_result_size(self.held, self.max_bytes, "record of states seen (stop='cycle')")
        return bool((self.length >= 0).all())

    def report(self, frames: int) -> StopReport:
        """The `StopReport` once ``frames`` generations (time 0 included) were seen."""
        length = np.where(self.length < 0, frames, self.length)
        self.seen = []  # free the keys
        return StopReport(length=length, period=self.period.copy(), start=self.start.copy())
