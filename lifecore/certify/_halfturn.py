"""The CPU kernel for networks invariant under the half turn: half the windows decide all.

Turning a K x K window by 180 degrees reverses the order of its cells, so it reverses the
bits of its index. When the network's logit is invariant under the half turn (checked
exactly on its weights by `lifecore.certify.symmetry.half_turn_invariant`), a window and its
reversal have the same logit, and only the *canonical* windows ``i <= reverse(i)`` need to be
evaluated: each stands for itself and, when it is not a palindrome, for its reversal, whose
centre 3x3 is its own centre with its 9 bits reversed (``reverse9``). Both are counted and
both are checked against the table, so the tally is the full enumeration's.

With ``i = a * 512 + b`` (``b`` the last 9 cells) and the columns of a row ordered by
``reverse9(b)`` descending, the canonical windows of row ``a`` are a prefix: the columns
``t < 511 - top(a)`` (their reversal is larger: weight 2), then the tie column
``t = 511 - top(a)`` whose weight ``w(a)`` (2, 1 for a palindrome, 0) the middle cells
decide (`lifecore.certify.windows` computes ``top``, ``w`` and the column order).
"""

from __future__ import annotations

import numba
import numpy as np

from ._kernel import _FAST, _logits


@numba.njit(cache=True)
def _mismatch(expected, decision):
    return 1 if expected >= 0 and expected != decision else 0


@numba.njit(cache=True)
def _bits(reversal):
    """The bit count of a reversal table of ``2**bits`` entries."""
    bits = 0
    while (1 << bits) < reversal.shape[0]:
        bits += 1
    return bits


@numba.njit(fastmath=_FAST, cache=True)
def _settle(z, cols, full, centre_a, cbits, reverse9, table, tol, r, outs):
    """Record row ``r``'s canonical windows (``z[:cols]``; weight 2 below column ``full``,
    the weight of the tie column otherwise, see module docstring) in ``outs``."""
    z_out, ones, bad, first, near, zmin = outs
    smallest = np.float32(np.inf)
    for t in range(z_out.shape[1]):
        z_out[r, t] = z[t] if t < cols else np.float32(np.inf)
    for t in range(cols):
        v = z[t]
        twice = t < full
        if abs(v) <= tol:
            near[r] += 2 if twice else 1
            continue
        smallest = min(smallest, abs(v))
        decision = 1 if v > 0 else 0
        centre = centre_a | cbits[t]
        ones[r, centre] += decision
        bad[r] += _mismatch(table[centre], decision)
        if twice:
            turned = reverse9[centre]
            ones[r, turned] += decision
            bad[r] += _mismatch(table[turned], decision)
    zmin[r] = smallest


@numba.njit(cache=True)
def _first_bad(r, a, cols, full, centre_a, cbits, columns_b, reverse9, rev_a, table, tol, outs):
    """The smallest disagreeing window indices of row ``r``'s canonical windows and their
    reversals (``first.shape[1]`` of them, as global indices, sorted)."""
    z_out, _, _, first, _, _ = outs
    found = np.empty(2 * cols, np.int64)
    n = 0
    for t in range(cols):
        v = z_out[r, t]
        if abs(v) <= tol:
            continue
        decision = 1 if v > 0 else 0
        centre = centre_a | cbits[t]
        b = columns_b[t]
        if _mismatch(table[centre], decision):
            found[n] = a * 512 + b
            n += 1
        if t < full and _mismatch(table[reverse9[centre]], decision):
            found[n] = (reverse9[b] << _bits(rev_a)) | rev_a[a]  # the reversed window
            n += 1
    kept = np.sort(found[:n])[: first.shape[1]]
    first[r, : len(kept)] = kept


@numba.njit(parallel=True, cache=True)
def block(pa, pb, row0, weights, ca, columns, rows_info, table, tol, outs, parts):
    """As `lifecore.certify._kernel.block` for a half-turn invariant network: per row ``r``
    (``a = row0 + r``) only the canonical prefix of the columns (``pb`` channel-major,
    ordered as the module docstring says); ``columns``: ``(b of each column, its centre
    bits, reverse9, reversal of a's bits)``; ``rows_info``: ``(full, tie weight)`` per ``a``.
    ``first[r]`` holds global window indices."""
    wflat, bflat, shapes, relus, pools = weights
    columns_b, cbits, reverse9, rev_a = columns
    full_of, tie_of = rows_info
    rows, nb = outs[0].shape
    widest = max(pb.shape[0], shapes[:, 0].max())
    parts = max(1, min(parts, rows))
    for part in numba.prange(parts):
        h = np.empty(widest * nb, np.float32)
        g = np.empty(widest * nb, np.float32)
        z = np.empty(nb, np.float32)
        for r in range(part * rows // parts, (part + 1) * rows // parts):
            a = row0 + r
            full = full_of[a]
            cols = full + (1 if tie_of[a] > 0 else 0)
            if tie_of[a] == 2:  # the tie column's window is no palindrome: weight 2 too
                full = cols
            _logits(pa[a], pb, cols, wflat, bflat, shapes, relus, pools, h, g, z)
            _settle(z, cols, full, ca[a], cbits, reverse9, table, tol, r, outs)
            if outs[2][r] > 0:
                _first_bad(r, a, cols, full, ca[a], cbits, columns_b, reverse9, rev_a,
                           table, tol, outs)  # fmt: skip
