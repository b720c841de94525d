"""Numba kernels: a rule's prediction for each sample, K generations through its patch.

A patch ``(2K+1, 2K+1)`` holds 0, 1 or 2 (unseen). Each generation shrinks it by one cell a
side; a cell whose window has unseen cells gets the rule's value when every completion of at
most ``_MAX_UNSEEN`` unseen cells agrees, else stays unseen (sound: a decided prediction is
what every completion of the patch gives). Counting stops at ``cutoff + 1`` mismatches, which
is what makes scoring 2^18 rules cheap: a wrong rule is usually refuted in a few samples.

That generation-by-generation rule is incomplete: one unseen cell makes every cell of the
next generation whose window covers it unseen, although those cells share the one unknown.
With ``completions`` > 0 a sample left open is predicted again over every completion of its
``completions`` unseen cells nearest the middle (the rest carried as unseen): decided when
all agree, still sound and far more often decided (measured at stride 3 with 20% unseen:
658 of 249,000 samples decided by the truth instead of 90, with 8 completions).
"""

from __future__ import annotations

import numpy as np
from numba import njit

_MAX_UNSEEN = 4


@njit(cache=True)
def window_bits(cur, i, j):
    """``(index, unseen)``: the 9-bit window of ``cur`` at top-left ``(i, j)`` (live cells)
    and the bits of its unseen cells (2)."""
    idx = 0
    unk = 0
    for di in range(3):
        for dj in range(3):
            bit = 1 << (8 - 3 * di - dj)
            v = cur[i + di, j + dj]
            if v == 2:
                unk |= bit
            elif v == 1:
                idx |= bit
    return idx, unk


@njit(cache=True)
def too_many_unseen(unk):
    """Whether the unseen bits ``unk`` are more than ``_MAX_UNSEEN``."""
    n = 0
    while unk:
        unk &= unk - 1
        n += 1
    return n > _MAX_UNSEEN


@njit(cache=True)
def _cell(table, cur, i, j):
    idx, unk = window_bits(cur, i, j)
    if unk == 0:
        return table[idx]
    if too_many_unseen(unk):
        return 2
    first = table[idx]
    sub = unk
    while sub:  # every non-empty subset of the unseen bits
        if table[idx | sub] != first:
            return 2
        sub = (sub - 1) & unk
    return first


@njit(cache=True)
def _predict(table, patch, k, a, b):
    side = 2 * k + 1
    for i in range(side):
        for j in range(side):
            a[i, j] = patch[i, j]
    for g in range(k):
        n = side - 2 * (g + 1)
        for i in range(n):
            for j in range(n):
                b[i, j] = _cell(table, a, i, j)
        for i in range(n):
            for j in range(n):
                a[i, j] = b[i, j]
    return a[0, 0]


@njit(cache=True)
def _order(k):
    """Flat indices of a ``(2K+1)^2`` patch, nearest the middle first (ring, then distance):
    the unseen cells `_complete` fills in first, those on most paths to the middle."""
    side = 2 * k + 1
    key = np.empty(side * side, np.int64)
    for i in range(side):
        for j in range(side):
            di, dj = abs(i - k), abs(j - k)
            key[i * side + j] = (max(di, dj) * 4 * side + di + dj) * side * side + i * side + j
    return np.argsort(key)


@njit(cache=True)
def _complete(table, patch, k, completions, order, a, b, work, unseen):
    """`_predict`, and when that leaves the sample open, the prediction over every completion
    of its first ``completions`` unseen cells in ``order`` (module docstring); ``work`` and
    ``unseen`` (``(2K+1)^2`` int64) are scratch, allocated once per call of a kernel."""
    p = _predict(table, patch, k, a, b)
    if p != 2 or completions == 0:
        return p
    side = 2 * k + 1
    n = 0
    for q in range(side * side):
        if n < completions and patch[order[q] // side, order[q] % side] == 2:
            unseen[n] = order[q]
            n += 1
    first = 2
    for fill in range(1 << n):
        work[:, :] = patch
        for t in range(n):
            work[unseen[t] // side, unseen[t] % side] = (fill >> t) & 1
        v = _predict(table, work, k, a, b)
        if v == 2 or (fill > 0 and v != first):
            return 2
        first = v
    return first


@njit(cache=True)
def _score(table, patches, targets, k, cutoff, a, b, completions, order, work, unseen):
    bad = 0
    decided = 0
    for m in range(patches.shape[0]):
        p = _complete(table, patches[m], k, completions, order, a, b, work, unseen)
        if p != 2:
            decided += 1
            if p != targets[m]:
                bad += 1
                if bad > cutoff:
                    break
    return bad, decided


@njit(cache=True)
def count_codes(codes, of_window, patches, targets, k, cutoff, completions=0):
    """Mismatches (capped at ``cutoff + 1``) of each rule given as a bit code over classes
    (bit ``c`` = next state of class ``c``; families of at most 63 classes)."""
    side = 2 * k + 1
    a = np.empty((side, side), np.uint8)
    b = np.empty((side, side), np.uint8)
    work = np.empty((side, side), np.uint8)
    unseen = np.empty(side * side, np.int64)
    order = _order(k)
    table = np.empty(512, np.uint8)
    out = np.empty(codes.shape[0], np.int64)
    for r in range(codes.shape[0]):
        code = codes[r]
        for w in range(512):
            table[w] = (code >> of_window[w]) & 1
        out[r] = _score(table, patches, targets, k, cutoff, a, b, completions, order, work, unseen)[
            0
        ]
    return out


@njit(cache=True)
def count_tables(tables, patches, targets, k, completions=0):
    """Exact mismatches and decided samples of each 512-entry window table ``(R, 512)``."""
    side = 2 * k + 1
    a = np.empty((side, side), np.uint8)
    b = np.empty((side, side), np.uint8)
    work = np.empty((side, side), np.uint8)
    unseen = np.empty(side * side, np.int64)
    order = _order(k)
    out = np.empty((tables.shape[0], 2), np.int64)
    for r in range(tables.shape[0]):
        bad, decided = _score(
            tables[r], patches, targets, k, 1 << 62, a, b, completions, order, work, unseen
        )
        out[r, 0] = bad
        out[r, 1] = decided
    return out


@njit(cache=True)
def predict_tables(tables, patches, k, completions=0):
    """``(R, M)`` uint8 predictions (0, 1, or 2 when unseen cells leave it open)."""
    side = 2 * k + 1
    a = np.empty((side, side), np.uint8)
    b = np.empty((side, side), np.uint8)
    work = np.empty((side, side), np.uint8)
    unseen = np.empty(side * side, np.int64)
    order = _order(k)
    out = np.empty((tables.shape[0], patches.shape[0]), np.uint8)
    for r in range(tables.shape[0]):
        for m in range(patches.shape[0]):
            out[r, m] = _complete(tables[r], patches[m], k, completions, order, a, b, work, unseen)
    return out


@njit(cache=True)
def joint_costs(tables, patches, targets, k, centres, members, offsets, completions, fills):
    """``(C, R)``: each table's fewest decided mismatches on each cluster's samples
    ``members[c]`` (indices, -1 for none) over every completion of the ``fills`` unseen
    cells nearest the middle of the cluster's centre sample ``centres[c]`` (the rest stay
    unseen); member ``p`` sits ``offsets[p]`` (rows, columns) from the centre, so a centre's
    cell lands at that much less in its patch; members are predicted with ``completions``
    (`_complete`). Why: a rule left open on the centre by one unseen cell may be wrong on a
    neighbour for the one value and on the centre for the other (`joint`)."""
    side = 2 * k + 1
    a = np.empty((side, side), np.uint8)
    b = np.empty((side, side), np.uint8)
    work = np.empty((side, side), np.uint8)
    filled = np.empty((side, side), np.uint8)
    unseen = np.empty(side * side, np.int64)
    hole = np.empty(side * side, np.int64)
    order = _order(k)
    out = np.empty((centres.shape[0], tables.shape[0]), np.int64)
    for c in range(centres.shape[0]):
        centre = patches[centres[c]]
        n = 0
        for q in range(side * side):
            if n < fills and centre[order[q] // side, order[q] % side] == 2:
                hole[n] = order[q]
                n += 1
        out[c, :] = 1 << 62
        for fill in range(1 << n):
            for r in range(tables.shape[0]):
                bad = 0
                for p in range(members.shape[1]):
                    m = members[c, p]
                    if m < 0:
                        continue
                    filled[:, :] = patches[m]
                    for u in range(n):
                        i = hole[u] // side - offsets[p, 0]
                        j = hole[u] % side - offsets[p, 1]
                        if 0 <= i < side and 0 <= j < side:
                            filled[i, j] = (fill >> u) & 1
                    v = _complete(tables[r], filled, k, completions, order, a, b, work, unseen)
                    if v != 2 and v != targets[m]:
                        bad += 1
                        if bad >= out[c, r]:  # no fewer than a completion before: stop
                            break
                out[c, r] = min(out[c, r], bad)
    return out
