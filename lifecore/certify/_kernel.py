"""The fused CPU kernel of `lifecore.certify.windows`: logits of blocks of windows, decided.

Kept at module level (not built inside a function) so that numba's on-disk cache
(``cache=True``) finds it again in a new process: a closure is compiled afresh each time,
which cost about 10 s per process, more than most proofs themselves. Importing this module
imports numba; `windows` imports it on first use.
"""

from __future__ import annotations

import numba
import numpy as np

LANES = 64  # windows evaluated together: one BLAS product per stage
_FAST = {"reassoc", "contract", "nsz", "arcp"}  # fastmath without assuming finite values


@numba.njit(fastmath=_FAST, cache=True)
def _settle(z, a, b, ca, cb, table, tol, r, outs):
    """Record window ``(a, b)``'s logit ``z`` in row ``r`` of ``outs`` (see `block`)."""
    z_out, ones, bad, first, near, zmin = outs
    z_out[r, b] = z
    if abs(z) <= tol:
        near[r] += 1
        return
    zmin[r] = min(zmin[r], abs(z))
    decision = 1 if z > 0 else 0
    centre = ca[a] | cb[b]
    ones[r, centre] += decision
    if table[centre] >= 0 and table[centre] != decision:
        if bad[r] < first.shape[1]:
            first[r, bad[r]] = b
        bad[r] += 1


@numba.njit(fastmath=_FAST, cache=True)
def _logits(pa_row, pb_block, wflat, bflat, shapes, relus, pools):
    """Logits ``(L,)`` of the windows ``pa_row + pb_block[i]`` (``pb_block``: ``(L, C)``);
    stage weights stored transposed, ``(in, out)``, so each stage is one BLAS product."""
    h = pb_block + pa_row
    wo, bo = 0, 0
    for s in range(shapes.shape[0]):
        n_out, n_in = shapes[s, 0], shapes[s, 1]
        if relus[s]:
            h = np.maximum(h, np.float32(0))
        g = pools[s]
        if g > 1:
            pooled = np.empty((h.shape[0], h.shape[1] // g), np.float32)
            for i in range(h.shape[0]):
                for j in range(h.shape[1] // g):
                    pooled[i, j] = h[i, j * g : j * g + g].max()
            h = pooled
        w = wflat[wo : wo + n_in * n_out].reshape(n_in, n_out)
        h = np.dot(h, w) + bflat[bo : bo + n_out]
        wo, bo = wo + n_in * n_out, bo + n_out
    return h[:, 0]


@numba.njit(fastmath=_FAST, cache=True)
def _row(r, pa, pb, row0, wflat, bflat, shapes, relus, pools, ca, cb, table, tol, outs):
    outs[5][r] = np.inf
    lanes = min(LANES, pb.shape[0])
    for b0 in range(0, pb.shape[0], lanes):
        z = _logits(pa[row0 + r], pb[b0 : b0 + lanes], wflat, bflat, shapes, relus, pools)
        for t in range(lanes):
            _settle(z[t], row0 + r, b0 + t, ca, cb, table, tol, r, outs)


@numba.njit(parallel=True, cache=True)
def block(pa, pb, row0, wflat, bflat, shapes, relus, pools, ca, cb, table, tol, outs):
    """Per row ``r`` of ``outs`` (row ``row0 + r`` of ``pa``) and every ``b``: the logit ``z``
    (into ``z_out``); windows with ``|z| <= tol`` are left to the caller (counted in
    ``near``); the others add their decision to ``ones[r, centre]`` and, where
    ``table[centre] >= 0`` disagrees, to ``bad[r]``, the first ones' ``b`` kept in
    ``first[r]``; ``zmin[r]`` is their smallest ``|z|``."""
    for r in numba.prange(outs[0].shape[0]):
        _row(r, pa, pb, row0, wflat, bflat, shapes, relus, pools, ca, cb, table, tol, outs)
