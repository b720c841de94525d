"""What the data could decide for an observer who saw every hidden cell: an information bound.

Why: when `identify` leaves a rule undetermined, the user wants to know whether a better
search could have done more, or whether the data themselves cannot tell the rules apart.
Where the data were simulated (a benchmark, a rule of one's own), the true state of every
cell is known, so each single-entry rival can be run from the true frames and scored on the
observed targets as the hidden rule is. The verdict's test is applied as the searches apply
it (`flips`, `exhaustive`): local to the targets where the two rules predict differently,
the rival must make ``r - b >= required_margin(b)`` mismatches there, ``b`` the hidden
rule's (one extra on clean data, a three-sigma bound on noisy data). A rival that fails it
is one that even this informed observer could not reject; an observer who does not see the
hidden cells knows less, so an answer that leaves such an entry open is the right answer.
A rival that passes it by little (one observed cell, say) is one that a few unseen cells
may hide from the uninformed observer.

Only single-entry rivals are scored: they are the closest rivals, and the bound is about
them. The bound needs the truth, so it is a tool for experiments, not for discovery.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..rules.families import window_classes
from ..rules.rule import AnyRule
from ..simulate import simulate
from .observed import HIDDEN, check_observed
from .result import DiscoveryError
from .verdict import required_margins

__all__ = ["InformedRivals", "informed_rivals"]


@dataclass(frozen=True)
class InformedRivals:
    """Single-entry rivals of a rule scored with every hidden cell known.

    Attributes
    ----------
    extra : np.ndarray
        ``(C,)`` int64: the mismatches each class's single-entry rival makes on the observed
        targets beyond the rule's own (negative when the rival fits the data better).
    margins : np.ndarray
        ``(C,)`` int64: the extra mismatches each rival needs to be rejected,
        ``required_margin(b)`` for the rule's ``b`` mismatches where the two differ.
    names : tuple of str
        The family's class names, in the order of ``extra``.
    mismatches : int
        The rule's own mismatches on all observed targets.
    """

    extra: np.ndarray
    margins: np.ndarray
    names: tuple[str, ...]
    mismatches: int

    @property
    def indistinguishable(self) -> list[str]:
        """Classes whose rival an informed observer could not reject (extra < margin)."""
        return [n for n, e, m in zip(self.names, self.extra, self.margins) if e < m]


def _check(full: np.ndarray, observed: np.ndarray, stride: int) -> None:
    observed = check_observed(observed, stride, name="observed")
    if not isinstance(full, np.ndarray) or full.shape != observed.shape:
        shape = getattr(full, "shape", type(full).__name__)
        raise DiscoveryError(f"full frames must match observed {observed.shape}, got {shape}")
    if full.dtype != np.uint8 or (full > 1).any():
        raise DiscoveryError("full frames must be uint8 0/1 (the true state of every cell)")


def informed_rivals(
    full: np.ndarray,
    observed: np.ndarray,
    rule: AnyRule,
    stride: int,
    family: str = "isotropic",
    boundary: str = "torus",
) -> InformedRivals:
    """Score ``rule`` and each single-entry rival of it in ``family`` on ``observed`` frames.

    Parameters
    ----------
    full : np.ndarray
        ``(N, T, H, W)`` uint8 0/1: the true state of every cell at each observed frame.
    observed : np.ndarray
        ``(N, T, H, W)`` uint8: the same frames as observed (flipped cells, 255 unseen).
    rule : rule of ``family``
        The hidden rule.
    stride : int
        Generations between consecutive frames.
    family : {"outer-totalistic", "isotropic", "map"}
    boundary : {"torus", "dead"}

    Each rule runs ``stride`` generations from every true frame but the last; a mismatch is
    an observed cell of the next frame that it does not produce.
    """
    _check(full, observed, stride)
    classes = window_classes(family, getattr(rule, "neighbourhood", "moore"))
    if not classes.contains(rule):
        raise DiscoveryError(f"{rule} is not in the {family} family")
    height, width = full.shape[2:]
    start = full[:, :-1].reshape(-1, height, width)
    target = observed[:, 1:].reshape(-1, height, width)
    seen = target != HIDDEN

    def run(r) -> np.ndarray:
        return np.asarray(simulate(start, r, stride, boundary=boundary, keep="last"))

    values = classes.values(rule)
    own = run(rule)
    own_wrong = (own != target) & seen
    extra = np.zeros(classes.count, np.int64)
    own_there = np.zeros(classes.count, np.int64)
    for c in range(classes.count):
        rival = values.copy()
        rival[c] ^= 1
        differ = (run(classes.rule(rival)) != own) & seen
        own_there[c] = int((own_wrong & differ).sum())
        extra[c] = int(differ.sum()) - 2 * own_there[c]  # r - b, with r = |differ| - b
    margins = required_margins(own_there)
    return InformedRivals(extra, margins, tuple(classes.names), int(own_wrong.sum()))
