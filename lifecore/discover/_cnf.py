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
