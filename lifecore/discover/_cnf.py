"""CNF for "these observed cells follow from their frame by K steps of an unknown rule".

Variables: one per class of the family (the rule table: 102 isotropic, 512 MAP), one per
unseen cell of an input frame, one per cell of each hidden intermediate generation, one per
predicted target. A target block's light cones are built cell by cell with a memo keyed by
(trajectory, frame, generation, wrapped position), so neighbouring targets share their
intermediate cells: a 4 x 4 block at stride 3 needs 36 generation-2 cells, not 16 x 9.

Each computed cell is ``table[its window]``, encoded by cases over the distinct variables
among its nine inputs: for every assignment ``a`` of them, ``a -> (cell <-> T[class(w_a)])``.
Constant inputs fold into ``w_a``; a cell whose inputs are all known is not a new variable
but the table literal itself. Literal 1 is TRUE (a hard unit), so constants are +-1.
"""

from __future__ import annotations

import numpy as np

from .observed import HIDDEN
from .result import DiscoveryError

TRUE = 1


class ConeEncoder:
    """Clauses over a growing set of observed targets of ``frames`` ``(N, T, H, W)``.

    ``hard`` holds every clause so far (consumers read it from an offset); ``targets`` maps
    an added target ``(n, t, i, j)`` (its state at frame ``t + 1``) to ``(literal, observed)``.
    """

    def __init__(self, frames: np.ndarray, stride: int, of_window: np.ndarray, boundary: str):
        self.frames = frames
        self.stride = int(stride)
        self.of_window = np.asarray(of_window, dtype=np.int64)
        self.classes = int(self.of_window.max()) + 1
        self.torus = boundary == "torus"
        self.top = 1 + self.classes  # 1 = TRUE, 2 .. classes + 1 = the table
        self.hard: list[list[int]] = [[TRUE]]
        self.targets: dict[tuple[int, int, int, int], tuple[int, int]] = {}
        self._memo: dict[tuple[int, int, int, int, int], int] = {}

    def table_literal(self, cls: int) -> int:
        """The variable of class ``cls`` (true: the rule's next state is 1)."""
        return 2 + int(cls)

    def fixed_table(self, values) -> list[int]:
        """Assumptions fixing the table to class ``values`` ``(C,)`` 0/1."""
        return [
            self.table_literal(c) if v else -self.table_literal(c) for c, v in enumerate(values)
        ]

    def _new(self) -> int:
        self.top += 1
        return self.top

    def _input(self, n: int, t: int, i: int, j: int) -> int:
        """A cell of observed frame ``t``: a constant, or a free variable when unseen."""
        v = int(self.frames[n, t, i, j])
        if v != HIDDEN:
            return TRUE if v else -TRUE
        key = (n, t, 0, i, j)
        if key not in self._memo:
            self._memo[key] = self._new()
        return self._memo[key]

    def cell(self, n: int, t: int, g: int, i: int, j: int) -> int:
        """Literal of cell ``(i, j)`` ``g`` generations after frame ``t`` of trajectory ``n``."""
        h, w = self.frames.shape[2:]
        if self.torus:
            i, j = i % h, j % w
        elif not (0 <= i < h and 0 <= j < w):
            return -TRUE
        if g == 0:
            return self._input(n, t, i, j)
        key = (n, t, g, i, j)
        lit = self._memo.get(key)
        if lit is None:
            terms = [
                self.cell(n, t, g - 1, i + di, j + dj) for di in (-1, 0, 1) for dj in (-1, 0, 1)
            ]
            lit = self._memo[key] = self._lookup(terms)
        return lit

    def _lookup(self, terms: list[int]) -> int:
        """A literal equal to ``table[window]`` of nine input literals (top-left first)."""
        base = 0
        groups: dict[int, int] = {}
        for b, x in enumerate(terms):
            bit = 1 << (8 - b)
            if x == TRUE:
                base |= bit
            elif x != -TRUE:
                groups[x] = groups.get(x, 0) | bit
        if not groups:
            return self.table_literal(self.of_window[base])
        out = self._new()
        names = list(groups)
        for a in range(1 << len(names)):
            w = base
            guard = []
            for k, v in enumerate(names):
                if (a >> k) & 1:
                    w |= groups[v]
                    guard.append(-v)
                else:
                    guard.append(v)
            lit = self.table_literal(self.of_window[w])
            self.hard.append(guard + [-out, lit])
            self.hard.append(guard + [out, -lit])
        return out

    def add_target(self, n: int, t: int, i: int, j: int) -> bool:
        """Encode the observed state of ``(i, j)`` at frame ``t + 1``; False if unseen or
        already added."""
        key = (n, t, i, j)
        seen = int(self.frames[n, t + 1, i, j])
        if key in self.targets or seen == HIDDEN:
            return False
        self.targets[key] = (self.cell(n, t, self.stride, i, j), seen)
        return True

    def add_block(self, n: int, t: int, i: int, j: int, side: int) -> int:
        """Encode the ``side x side`` targets with top-left ``(i, j)``; how many were new."""
        h, w = self.frames.shape[2:]
        added = 0
        for di in range(side):
            for dj in range(side):
                ii, jj = i + di, j + dj
                if self.torus:
                    ii, jj = ii % h, jj % w
                if 0 <= ii < h and 0 <= jj < w:
                    added += self.add_target(n, t, ii, jj)
        return added

    def units(self, keys) -> list[list[int]]:
        """One unit clause per target: its literal takes the observed state."""
        out = []
        for key in keys:
            lit, seen = self.targets[key]
            out.append([lit if seen else -lit])
        return out


class CountEncoder(ConeEncoder):
    """`ConeEncoder` for outer-totalistic Moore rules: a computed cell is the table literal
    of (its state, how many of its eight neighbours live), the count kept in unary by a
    totalizer over the neighbours that are variables (constants shift it).

    Why: a cell of a hidden generation has nine variable inputs, and the cases encoding takes
    2 x 2^9 clauses for it; the count takes about 80. Measured on 16 blocks of 7 x 7 targets
    at stride 3 (20% unseen): 281,770 clauses instead of 1,592,968, and the search over
    tables on them (`tree`) 1.8 times as fast."""

    def __init__(self, frames: np.ndarray, stride: int, of_window: np.ndarray, boundary: str):
        super().__init__(frames, stride, of_window, boundary)
        bits = [1 << (8 - b) for b in range(9) if b != 4]  # the neighbours, centre is bit 4
        by_count = [[int(self.of_window[(c << 4) | sum(bits[:n])]) for n in range(9)]
                    for c in (0, 1)]  # fmt: skip
        for w in range(512):
            alive = bin(w & ~16).count("1")
            if self.of_window[w] != by_count[(w >> 4) & 1][alive]:
                raise DiscoveryError("CountEncoder needs an outer-totalistic Moore family")
        self.by_count = by_count

    def _unary(self, lits: list[int]) -> list[int]:
        """``ge`` with ``ge[k]`` true exactly when at least ``k + 1`` of ``lits`` are true (a
        totalizer with clauses both ways, so a count fixed by its inputs propagates)."""
        if len(lits) == 1:
            return [lits[0]]
        a, b = self._unary(lits[: len(lits) // 2]), self._unary(lits[len(lits) // 2 :])
        c = [self._new() for _ in range(len(a) + len(b))]
        at_least = [[]] + [[-x] for x in a], [[]] + [[-x] for x in b]  # "a >= i" false
        at_most = [[x] for x in a] + [[]], [[x] for x in b] + [[]]  # "a <= i" false
        for i in range(len(a) + 1):
            for j in range(len(b) + 1):
                if i + j:  # a >= i and b >= j imply c >= i + j
                    self.hard.append([c[i + j - 1], *at_least[0][i], *at_least[1][j]])
                if i + j < len(c):  # a <= i and b <= j imply c <= i + j
                    self.hard.append([-c[i + j], *at_most[0][i], *at_most[1][j]])
        return c

    def _lookup(self, terms: list[int]) -> int:
        centre, around = terms[4], terms[:4] + terms[5:]
        free = [x for x in around if abs(x) != TRUE]
        if len(free) <= 2:  # few cases: the plain encoding is as small
            return super()._lookup(terms)
        base = around.count(TRUE)
        ge = self._unary(free)
        out = self._new()
        states = [int(centre == TRUE)] if abs(centre) == TRUE else [0, 1]
        for c in states:
            guard = [] if abs(centre) == TRUE else [-centre if c else centre]
            for k in range(len(free) + 1):
                at_k = guard + ([-ge[k - 1]] if k else []) + ([ge[k]] if k < len(free) else [])
                lit = self.table_literal(self.by_count[c][base + k])
                self.hard.append(at_k + [-out, lit])
                self.hard.append(at_k + [out, -lit])
        return out


def encoder_for(family: str, neighbourhood: str) -> type[ConeEncoder]:
    """`CountEncoder` for outer-totalistic Moore rules (a sixth of the clauses at stride 3),
    else `ConeEncoder`."""
    moore_ot = (family, neighbourhood) == ("outer-totalistic", "moore")
    return CountEncoder if moore_ot else ConeEncoder
