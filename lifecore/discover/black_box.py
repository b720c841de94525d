"""The black box discovery experiments on: a function from boards to next boards."""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..rules import RuleLike, as_rule
from ..simulate import step
from .result import DiscoveryError

__all__ = ["BlackBox"]


class BlackBox:
    """Wraps a function ``boards (N, H, W) uint8 -> next boards`` and counts its calls.

    ``BlackBox.of(rule)`` hides a rule behind the interface: discovery only ever calls it.

    Parameters
    ----------
    fn : callable
        ``(N, H, W)`` uint8 0/1 boards to next boards of the same shape.
    name : str
    """

    def __init__(self, fn: Callable[[np.ndarray], np.ndarray], name: str = "black box"):
        self.fn = fn
        self.name = name
        self.calls = 0
        self.cells = 0

    @classmethod
    def of(cls, rule: RuleLike, boundary: str = "torus") -> BlackBox:
        """A black box running ``rule`` (on a torus, or with dead cells beyond the edge)."""
        rule = as_rule(rule)
        return cls(lambda boards: step(boards, rule, boundary), name="hidden rule")

    def __call__(self, boards: np.ndarray) -> np.ndarray:
        """Next boards, uint8, shaped like ``boards``.

        Raises
        ------
        DiscoveryError
            When the wrapped function returns another shape.
        """
        self.calls += 1
        self.cells += int(np.asarray(boards).size)
        out = np.asarray(self.fn(np.asarray(boards, dtype=np.uint8)), dtype=np.uint8)
        if out.shape != np.shape(boards):
            raise DiscoveryError(
                f"the black box returned shape {out.shape} for boards {np.shape(boards)}"
            )
        return out

    def run(self, boards: np.ndarray, steps: int) -> np.ndarray:
        """Trajectories ``(N, steps + 1, H, W)`` uint8 from ``boards`` ``(N, H, W)``."""
        frames = [np.asarray(boards, np.uint8)]
        for _ in range(steps):
            frames.append(self(frames[-1]))
        return np.stack(frames, 1)
