"""Numba kernels: the mismatch change of one table-entry flip, re-simulating only the samples
whose prediction looked that entry up.

Why: annealing and greedy descent try tens of thousands of single-entry flips, and
re-simulating every sample for each (`anneal.mismatches`) spent the time on samples the flip
cannot change. A sample's prediction depends only on the entries its K generations looked
up, recorded here as a bit set per sample ``used`` ``(M, ceil(C / 64))``. On a random
isotropic rule at stride 2 that made 20,000 flips on 1,000 samples 27 times faster; at
stride 3, where a cone looks up more entries, 5 times.

The lookup rule is `_kernel._cell`'s (a window with unseen cells is decided only when every
completion of at most ``_MAX_UNSEEN`` of them agrees), and the bit set holds exactly the
entries read before the answer was known, so a flip of any other entry leaves it unchanged.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._kernel import too_many_unseen, window_bits


@njit(cache=True)
def _mark(used, c):
    used[c >> 6] |= np.uint64(1) << np.uint64(c & 63)


@njit(cache=True)
def _cell(table, of_window, cur, i, j, used):
    """The next state of ``cur[i+1, j+1]`` (0, 1, or 2 when unseen inputs leave it open),
    marking in ``used`` every class read."""
    idx, unk = window_bits(cur, i, j)
    if unk == 0:
        _mark(used, of_window[idx])
        return table[idx]
    if too_many_unseen(unk):
        return 2
    _mark(used, of_window[idx])
    first = table[idx]
    sub = unk
    while sub:
        _mark(used, of_window[idx | sub])
        if table[idx | sub] != first:
            return 2
        sub = (sub - 1) & unk
    return first


@njit(cache=True)
def _predict(table, of_window, patch, k, a, b, used):
    """The target's state ``k`` generations after ``patch`` (0, 1, 2: open); ``used`` is
    reset to the classes read."""
    used[:] = 0
    side = 2 * k + 1
    for i in range(side):
        for j in range(side):
            a[i, j] = patch[i, j]
    for g in range(k):
        n = side - 2 * (g + 1)
        for i in range(n):
            for j in range(n):
                b[i, j] = _cell(table, of_window, a, i, j, used)
        for i in range(n):
            for j in range(n):
                a[i, j] = b[i, j]
    return a[0, 0]


@njit(cache=True)
def windows_of(of_window, classes):
    """``(starts (C + 1,), windows (512,))``: the windows of class ``c`` are
    ``windows[starts[c]:starts[c + 1]]``."""
    starts = np.zeros(classes + 1, np.int64)
    for w in range(512):
        starts[of_window[w] + 1] += 1
    for c in range(classes):
        starts[c + 1] += starts[c]
    windows = np.empty(512, np.int64)
    fill = starts[:-1].copy()
    for w in range(512):
        windows[fill[of_window[w]]] = w
        fill[of_window[w]] += 1
    return starts, windows


@njit(cache=True)
def predict_all(table, of_window, patches, targets, k, pred, used):
    """Fill ``pred`` ``(M,)`` and ``used``; return the decided mismatches."""
    side = 2 * k + 1
    a = np.empty((side, side), np.uint8)
    b = np.empty((side, side), np.uint8)
    bad = 0
    for m in range(patches.shape[0]):
        pred[m] = _predict(table, of_window, patches[m], k, a, b, used[m])
        if pred[m] != 2 and pred[m] != targets[m]:
            bad += 1
    return bad


@njit(cache=True)
def set_entry(values, table, starts, windows, c, v):
    """Entry ``c`` of the class values and of the window table takes ``v``."""
    values[c] = v
    for q in range(starts[c], starts[c + 1]):
        table[windows[q]] = v


@njit(cache=True)
def flip_cost(c, table, of_window, patches, targets, k, pred, used, limit, scratch):
    """Mismatch change of the flip already written to ``table`` at class ``c``, over the
    samples whose ``used`` holds ``c``; stops once it exceeds ``limit`` (returned as is).
    ``scratch`` = (touched, new predictions, new bit sets, a, b); returns (change, count)."""
    touched, new_pred, new_used, a, b = scratch
    word = c >> 6
    bit = np.uint64(1) << np.uint64(c & 63)
    change = 0
    n = 0
    for m in range(patches.shape[0]):
        if used[m, word] & bit:
            p = _predict(table, of_window, patches[m], k, a, b, new_used[n])
            was = pred[m] != 2 and pred[m] != targets[m]
            now = p != 2 and p != targets[m]
            change += int(now) - int(was)
            touched[n] = m
            new_pred[n] = p
            n += 1
            if change > limit:
                break
    return change, n


@njit(cache=True)
def commit(n, scratch, pred, used):
    """Keep the first ``n`` re-simulated samples of ``scratch`` (an accepted flip)."""
    touched, new_pred, new_used = scratch[0], scratch[1], scratch[2]
    for q in range(n):
        pred[touched[q]] = new_pred[q]
        used[touched[q], :] = new_used[q]
