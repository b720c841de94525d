"""A proof that a rule is beyond Springer & Kenyon's minimal network (`sk-minimal`).

Why: a training method that fails on a rule may be bad, or the network may be unable to
represent the rule at all. For `sk-minimal` the second can be decided for many rules, and
then no amount of training is the question. The argument, in three steps:

1. **Two units.** `sk-minimal` is ``a * relu(g) + b`` with ``g = c1 relu(p) + c2 relu(q) + e``
   and ``p``, ``q`` affine in the 9 cells. For ``a > 0`` the window is alive iff
   ``relu(g) > -b/a``, which is ``g > -b/a`` when ``-b/a >= 0`` and every window when it is
   negative; ``a < 0`` is the mirror image. So a non-constant `sk-minimal` is alive exactly
   where ``G = s1 relu(p) + s2 relu(q) + d > 0`` for signs ``s1, s2`` and a constant ``d``.
2. **A convex side.** In the plane of ``(p, q)``, ``G`` is convex for signs (+, +), concave
   for (-, -), and for (+, -) the set ``G > 0`` is ``{p > -d + relu(q)}`` (convex) when
   ``d <= 0`` and the complement of ``{q >= d + relu(p)}`` (convex) when ``d > 0``. So the
   images of the alive windows or those of the dead windows lie in a convex set that
   holds no image of the other class.
3. **Few directions.** If the dead side is convex, each alive window ``x`` is strictly
   separated from the dead images by some direction ``phi`` in the plane. Writing
   ``u_j = phi . v_j`` for the image ``v_j`` of cell ``j``, the dead windows one or two
   cells away from ``x`` force signs on ``u``: a dead neighbour differing in cell ``j``
   needs ``u_j`` of the sign of ``x_j`` (positive if the cell is live in ``x``); one
   differing in cells ``j, k`` needs one of the two to have it. The 9 lines
   ``phi . v_j = 0`` cut the plane of ``phi`` into at most 18 sectors, 9 opposite pairs,
   each with one sign pattern. So at most 9 pairs of opposite patterns must serve every
   alive window. `pattern_pairs_needed` finds the fewest pairs (an integer program over
   the 256 pairs, scipy's HiGHS, or a bound from its relaxation); if it is more than 9,
   the dead side is not convex.
   The same with the classes swapped settles the alive side.

If both sides need more than 9 pairs, no `sk-minimal` network (whatever its weights)
computes the rule: `TwoUnitBound.excluded`. For HighLife the births on 3 and on 6
neighbours do it (56 windows each needing its own pattern; 70 dead windows on 4
neighbours). When both sides fit, nothing is claimed: the bound only ever excludes.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from ..rules import RuleLike, as_rule

__all__ = ["TwoUnitBound", "two_unit_bound", "pattern_pairs_needed", "SECTOR_PAIRS"]

#: Opposite pairs of sectors the 9 lines ``phi . v_j = 0`` leave in the plane, at most.
SECTOR_PAIRS = 9


@dataclass(frozen=True)
class TwoUnitBound:
    """Pattern pairs each side of a rule's window table needs (step 3 of the module
    docstring): more than `SECTOR_PAIRS` on a side proves that side cannot be convex."""

    rule: str
    #: Pattern pairs needed if the dead images lie in a convex set: exact up to
    #: `SECTOR_PAIRS`, a lower bound beyond (``inf``: some alive window fits no pattern).
    dead_side_pairs: float
    #: The same with the classes swapped.
    alive_side_pairs: float

    @property
    def excluded(self) -> bool:
        """True when no `sk-minimal` network can compute the rule (a proof, not a search)."""
        return min(self.dead_side_pairs, self.alive_side_pairs) > SECTOR_PAIRS


def _compatible(table: np.ndarray, cls: int) -> np.ndarray:
    """``(n_windows, 512)`` bool: may window ``x`` of class ``cls`` be separated from the
    other class's images by a direction with sign pattern ``sigma``? Bit ``j`` of a window
    index is one cell (Golly's order), bit ``j`` of ``sigma`` is ``u_j > 0`` for that cell.
    Only the other class's windows one or two cells away are used: a necessary condition,
    so a pattern ruled out here is ruled out for certain."""
    windows = np.flatnonzero(table == cls)
    # agree[j]: (n, 512), sigma's sign for cell j matches the cell's state in the window
    agree = [
        ((windows[:, None] >> j) & 1) == ((np.arange(512)[None, :] >> j) & 1) for j in range(9)
    ]
    ok = np.ones((len(windows), 512), dtype=bool)
    for j in range(9):
        other = table[windows ^ (1 << j)] != cls
        ok &= ~other[:, None] | agree[j]
    for j, k in combinations(range(9), 2):
        other = table[windows ^ (1 << j) ^ (1 << k)] != cls
        ok &= ~other[:, None] | agree[j] | agree[k]
    return ok


def pattern_pairs_needed(table: np.ndarray, cls: int) -> float:
    """How many pairs of opposite sign patterns it takes to serve every window of class
    ``cls``: exact when at most `SECTOR_PAIRS` (an integer program), otherwise a lower bound
    above `SECTOR_PAIRS` from its linear relaxation, which is all the verdict needs;
    ``inf`` if some window has no pattern at all."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    ok = _compatible(np.asarray(table), cls)
    if len(ok) == 0:
        return 0.0
    pair_of = np.minimum(np.arange(512), 511 - np.arange(512))  # sigma and its opposite
    cover = np.zeros((len(ok), 256))
    np.maximum.at(cover.T, pair_of, ok.T.astype(float))
    if not cover.any(axis=1).all():
        return float("inf")
    covering = LinearConstraint(cover, lb=1, ub=np.inf)
    relaxed = milp(c=np.ones(256), constraints=covering, bounds=Bounds(0, 1))
    bound = float(np.ceil(relaxed.fun - 1e-9))
    if bound > SECTOR_PAIRS:
        return bound
    exact = milp(
        c=np.ones(256), constraints=covering, integrality=np.ones(256), bounds=Bounds(0, 1)
    )
    return float(round(exact.fun))


def two_unit_bound(rule: RuleLike) -> TwoUnitBound:
    """Whether ``rule`` is provably beyond `sk-minimal` (module docstring).

    Returns
    -------
    TwoUnitBound
        Pairs needed on each side; ``.excluded`` is the verdict (True: proved impossible).
    """
    r = as_rule(rule)
    table = np.asarray(r.window_table, dtype=np.int64)
    return TwoUnitBound(
        rule=str(r),
        dead_side_pairs=pattern_pairs_needed(table, 1),
        alive_side_pairs=pattern_pairs_needed(table, 0),
    )
