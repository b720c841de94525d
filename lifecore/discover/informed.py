"""What the data could decide for an observer who saw every hidden cell: an information bound.

Why: when `identify` leaves a rule undetermined, the user wants to know whether a better
search could have done more, or whether the data themselves cannot tell the rules apart.
Where the data were simulated (a benchmark, a rule of one's own), the true state of every
hidden cell is known. The informed observer sees the frames as observed (flipped cells
included: noise is part of the data) and every hidden cell as it was; each rival is run
from those frames and scored on the observed targets as the hidden rule is. The verdict's
test is applied as the searches apply it (`flips`, `exhaustive`): local to the targets where
the two rules predict differently, the rival must make ``r - b >= required_margin(b)``
mismatches there, ``b`` the hidden rule's (one extra on clean data, a three-sigma bound on
noisy data). A rival that fails it is one that even this informed observer could not reject
by the verdict's test; on fully seen data that observer *is* the real one, so an answer that
leaves such a rival open is the right answer. A rival that passes it by little (one
observed cell, say) is one that a few unseen cells may hide from the uninformed observer.

Why the observed frames and not the true ones: a flipped input cell misleads every rule run
from it, and the real observer cannot undo it. Run from the true frames, the freezing
B567/S378 at stride 3 and 1% noise looked decided (its closest rival two cells off); run
from what was observed, the rival without S7 makes 13 mismatches where the two differ
against the truth's 6, short of the margin of 9.

Scored: every single-entry rival, and every rival that flips two or more of the `WEAKEST`
classes whose single-entry rivals came closest (two entries rarely exercised can each be
decided alone and not together). The bound needs the truth, so it is a tool for
experiments, not for discovery.
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

__all__ = ["InformedRival", "InformedRivals", "WEAKEST", "informed_rivals"]

WEAKEST = 6  # the closest single-entry rivals whose entries are also flipped together


@dataclass(frozen=True)
class InformedRival:
    """A rival that flips the rule's entries ``classes``: its ``extra`` mismatches beyond the
    rule's, and the ``margin`` it needs to be rejected."""

    classes: tuple[str, ...]
    extra: int
    margin: int

    @property
    def rejected(self) -> bool:
        return self.extra >= self.margin


@dataclass(frozen=True)
class InformedRivals:
    """Rivals of a rule scored by an observer who saw every hidden cell.

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
    combined : tuple of InformedRival
        Every rival flipping two or more of the `WEAKEST` closest single-entry classes.
    """

    extra: np.ndarray
    margins: np.ndarray
    names: tuple[str, ...]
    mismatches: int
    combined: tuple[InformedRival, ...] = ()

    @property
    def indistinguishable(self) -> list[str]:
        """Classes whose single-entry rival an informed observer could not reject."""
        return [n for n, e, m in zip(self.names, self.extra, self.margins) if e < m]

    @property
    def closest(self) -> InformedRival:
        """The rival, single-entry or combined, with least extra mismatches beyond its
        margin."""
        single = [InformedRival((n,), int(e), int(m))
                  for n, e, m in zip(self.names, self.extra, self.margins)]  # fmt: skip
        return min(single + list(self.combined), key=lambda r: (r.extra - r.margin, r.classes))

    @property
    def decided(self) -> bool:
        """Whether the informed observer rejects every rival scored."""
        return self.closest.rejected


def _check(full: np.ndarray, observed: np.ndarray, stride: int) -> None:
    observed = check_observed(observed, stride, name="observed")
    if not isinstance(full, np.ndarray) or full.shape != observed.shape:
        shape = getattr(full, "shape", type(full).__name__)
        raise DiscoveryError(f"full frames must match observed {observed.shape}, got {shape}")
    if full.dtype != np.uint8 or (full > 1).any():
        raise DiscoveryError("full frames must be uint8 0/1 (the true state of every cell)")


class _Observer:
    """Runs rules from the frames as the informed observer sees them and scores them against
    ``rule``'s run on the observed targets."""

    def __init__(self, full, observed, rule, stride: int, boundary: str):
        height, width = full.shape[2:]
        seen_before = np.where(observed[:, :-1] == HIDDEN, full[:, :-1], observed[:, :-1])
        self.start = seen_before.reshape(-1, height, width)
        self.target = observed[:, 1:].reshape(-1, height, width)
        self.seen = self.target != HIDDEN
        self.stride, self.boundary = stride, boundary
        self.own = self.run(rule)
        self.own_wrong = (self.own != self.target) & self.seen

    def run(self, rule) -> np.ndarray:
        return np.asarray(simulate(self.start, rule, self.stride, boundary=self.boundary,
                                   keep="last"))  # fmt: skip

    def against(self, rival) -> tuple[int, int]:
        """``(r - b, b)`` for ``rival``: ``b`` the rule's mismatches where the two differ."""
        differ = (self.run(rival) != self.own) & self.seen
        b = int((self.own_wrong & differ).sum())
        return int(differ.sum()) - 2 * b, b  # r - b, with r = |differ| - b


def _combined(observer: _Observer, classes, values, single, names) -> tuple[InformedRival, ...]:
    """Every rival flipping two or more of the `WEAKEST` classes of ``single`` closest."""
    gap = single[0] - required_margins(single[1])
    weakest = np.argsort(gap, kind="stable")[:WEAKEST]
    out = []
    for subset in range(1, 1 << len(weakest)):
        chosen = weakest[(subset >> np.arange(len(weakest))) & 1 == 1]
        if len(chosen) < 2:
            continue
        rival = values.copy()
        rival[chosen] ^= 1
        extra, b = observer.against(classes.rule(rival))
        margin = int(required_margins(np.array([b]))[0])
        out.append(InformedRival(tuple(names[c] for c in sorted(chosen)), extra, margin))
    return tuple(out)


def informed_rivals(
    full: np.ndarray,
    observed: np.ndarray,
    rule: AnyRule,
    stride: int,
    family: str = "isotropic",
    boundary: str = "torus",
) -> InformedRivals:
    """Score ``rule`` and its rivals in ``family`` on ``observed`` frames (module docstring).

    Parameters
    ----------
    full : np.ndarray
        ``(N, T, H, W)`` uint8 0/1: the true state of every cell at each observed frame
        (read only where ``observed`` is hidden).
    observed : np.ndarray
        ``(N, T, H, W)`` uint8: the same frames as observed (flipped cells, 255 unseen).
    rule : rule of ``family``
        The hidden rule.
    stride : int
        Generations between consecutive frames.
    family : {"outer-totalistic", "isotropic", "map"}
    boundary : {"torus", "dead"}

    Each rule runs ``stride`` generations from every frame but the last, as observed with
    its hidden cells filled from ``full``; a mismatch is an observed cell of the next frame
    that it does not produce.
    """
    _check(full, observed, stride)
    classes = window_classes(family, getattr(rule, "neighbourhood", "moore"))
    if not classes.contains(rule):
        raise DiscoveryError(f"{rule} is not in the {family} family")
    observer = _Observer(full, observed, rule, stride, boundary)
    values = classes.values(rule)
    single = np.zeros((2, classes.count), np.int64)  # r - b, and b
    for c in range(classes.count):
        rival = values.copy()
        rival[c] ^= 1
        single[:, c] = observer.against(classes.rule(rival))
    names = tuple(classes.names)
    combined = _combined(observer, classes, values, single, names)
    margins = required_margins(single[1])
    return InformedRivals(single[0], margins, names, int(observer.own_wrong.sum()), combined)
