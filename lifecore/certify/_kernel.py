"""The fused CPU kernel of `lifecore.certify.windows`: logits of blocks of windows, decided.

Kept at module level (not built inside a function) so that numba's on-disk cache
(``cache=True``) finds it again in a new process: a closure is compiled afresh each time,
which cost about 10 s per process, more than most proofs themselves. Importing this module
imports numba; `windows` imports it on first use.

Why explicit loops and not ``np.dot``: the stages are small (12 to 128 inputs, 1 to 32
outputs), so a BLAS call per block of windows and the temporary arrays of NumPy
expressions cost more than the arithmetic. Here every block works in two scratch buffers
allocated once per row, the loop over a stage's outputs is innermost (contiguous weights,
so LLVM vectorises it), a one-output stage is a vectorised dot product, and the decision
of each window is recorded without branches. The first counterexamples of a row are
gathered afterwards from its logits, only when the row has some.
"""

from __future__ import annotations

import numba
import numpy as np

_FAST = {"reassoc", "contract", "nsz", "arcp"}  # fastmath without assuming finite values


@numba.njit(fastmath=_FAST, cache=True)
def _relu_pool(h, width, relu, pool):
    """ReLU (when ``relu``) then max over groups of ``pool`` channels, in place (``h``:
    ``(channels, lanes)``; the pooled channels land in the first rows); the new width."""
    if relu:
        for c in range(width):
            for t in range(h.shape[1]):
                h[c, t] = max(h[c, t], np.float32(0))
    if pool > 1:
        for j in range(width // pool):
            for t in range(h.shape[1]):
                m = h[j * pool, t]
                for c in range(j * pool + 1, j * pool + pool):
                    m = max(m, h[c, t])
                h[j, t] = m
        width //= pool
    return width


@numba.njit(fastmath=_FAST, cache=True)
def _linear(w, h, bias, out):
    """``out = w @ h + bias`` (``w``: (out, in), ``h``: (in, lanes)): one BLAS product."""
    np.dot(w, h, out)
    for o in range(out.shape[0]):
        for t in range(out.shape[1]):
            out[o, t] += bias[o]


@numba.njit(fastmath=_FAST, cache=True)
def _logit(h, n_in, w, bias, z):
    """A one-output stage, vectorised over the windows: ``z = w[0] @ h[:n_in] + bias[0]``."""
    for t in range(z.shape[0]):
        z[t] = bias[0]
    for i in range(n_in):
        for t in range(z.shape[0]):
            z[t] += w[0, i] * h[i, t]


@numba.njit(fastmath=_FAST, cache=True)
def _one_stage(pa_row, pbt, relu, w, bias, z):
    """The whole network when it is one stage (ReLU, one output): first layer, ReLU and the
    logit fused in one pass over ``pbt`` (nothing stored but ``z``)."""
    for t in range(z.shape[0]):
        z[t] = bias[0]
    for c in range(pbt.shape[0]):
        p, wc = pa_row[c], w[c]
        for t in range(z.shape[0]):
            v = pbt[c, t] + p
            z[t] += (max(v, np.float32(0)) if relu else v) * wc


@numba.njit(fastmath=_FAST, cache=True)
def _logits(pa_row, pbt, cols, wflat, bflat, shapes, relus, pools, hflat, gflat, z):
    """Logits ``z[:cols]`` of the windows ``pa_row + pbt[:, t]``, ``t < cols``, channel-major
    so that every loop runs over the windows (vectorised): flat scratch ``hflat``, ``gflat``
    (``widest * nb``), viewed as ``(channels, cols)``; stage weights ``(out, in)``."""
    if shapes.shape[0] == 1 and pools[0] == 1:
        _one_stage(pa_row, pbt, relus[0], wflat, bflat, z[:cols])
        return
    width = pbt.shape[0]
    h = hflat[: width * cols].reshape(width, cols)
    for c in range(width):
        for t in range(cols):
            h[c, t] = pbt[c, t] + pa_row[c]
    wo, bo = 0, 0
    for s in range(shapes.shape[0]):
        n_out, n_in = shapes[s, 0], shapes[s, 1]
        width = _relu_pool(h, width, relus[s], pools[s])
        h = hflat[: width * cols].reshape(width, cols)  # pooled channels are its first rows
        w = wflat[wo : wo + n_in * n_out].reshape(n_out, n_in)
        if s == shapes.shape[0] - 1:  # the logit
            _logit(h, n_in, w, bflat[bo : bo + 1], z[:cols])
        else:
            out = gflat[: n_out * cols].reshape(n_out, cols)
            _linear(w, h, bflat[bo : bo + n_out], out)
            h, hflat, gflat = out, gflat, hflat
        width = n_out
        wo, bo = wo + n_in * n_out, bo + n_out


@numba.njit(fastmath=_FAST, cache=True)
def _settle(z, centre_a, groups, table, tol, r, outs):
    """Record row ``r``'s logits ``z`` in ``outs`` (see `block`). The windows come sorted by
    the centre cells of their ``b``, ``groups`` ``(G, 3)`` rows of (``b`` centre bits, first
    column, end column), so each group has one centre and its counts are plain (vectorised)
    reductions, not a scatter per window."""
    z_out, ones, bad, first, near, zmin = outs
    smallest = np.float32(np.inf)
    for t in range(z.shape[0]):
        z_out[r, t] = z[t]
    for k in range(groups.shape[0]):
        far, live = 0, 0
        for t in range(groups[k, 1], groups[k, 2]):
            size = abs(z[t])
            far += size > tol
            live += (size > tol) & (z[t] > 0)
            smallest = min(smallest, size if size > tol else np.float32(np.inf))
        centre = centre_a | groups[k, 0]
        ones[r, centre] += live
        near[r] += groups[k, 2] - groups[k, 1] - far
        expected = table[centre]
        bad[r] += 0 if expected < 0 else (far - live if expected == 1 else live)
    zmin[r] = smallest


@numba.njit(cache=True)
def _first_bad(r, a, cb, column, table, tol, outs):
    """The first ``first.shape[1]`` disagreeing windows of row ``r`` (``a``), in order of ``b``
    (``column[b]``: where window ``b`` sits in the sorted row)."""
    z_out, _, bad, first, _, _ = outs
    found = 0
    for b in range(cb.shape[0]):
        if found == min(bad[r], first.shape[1]):
            break
        v = z_out[r, column[b]]
        expected = table[a | cb[b]]
        if abs(v) > tol and expected >= 0 and expected != (1 if v > 0 else 0):
            first[r, found] = b
            found += 1


@numba.njit(fastmath=_FAST, cache=True)
def _row(r, pa, pbt, row0, weights, ca, order, table, tol, outs, h, g, z):
    """Row ``r`` of ``outs``: the windows of ``a = row0 + r`` and every ``b``."""
    wflat, bflat, shapes, relus, pools = weights
    cb, column, groups = order
    _logits(pa[row0 + r], pbt, pbt.shape[1], wflat, bflat, shapes, relus, pools, h, g, z)
    _settle(z, ca[row0 + r], groups, table, tol, r, outs)
    if outs[2][r] > 0:
        _first_bad(r, ca[row0 + r], cb, column, table, tol, outs)


@numba.njit(parallel=True, cache=True)
def block(pa, pb, row0, wflat, bflat, shapes, relus, pools, ca, order, table, tol, outs, parts):
    """Per row ``r`` of ``outs`` (row ``row0 + r`` of ``pa``) and every ``b`` (``pb``
    channel-major, ``(C, nb)``, its columns sorted by the centre cells of ``b``; ``order``:
    ``(cb, column, groups)``, see `_settle` and `_first_bad`): the logit ``z`` (into
    ``z_out``, in that sorted order); windows with
    ``|z| <= tol`` are left to the caller (counted in ``near``); the others add their
    decision to ``ones[r, centre]`` and, where ``table[centre] >= 0`` disagrees, to
    ``bad[r]``, the first ones' ``b`` kept in ``first[r]``; ``zmin[r]`` is their smallest
    ``|z|``. Rows are dealt to ``parts`` threads in contiguous runs (no two threads write to
    neighbouring rows of ``outs``), each with its own scratch
    (``parts`` comes from the caller: `numba.get_num_threads` inside would keep numba from
    caching this function on disk)."""
    rows, nb = outs[0].shape
    widest = max(pb.shape[0], shapes[:, 0].max())
    parts = max(1, min(parts, rows))
    weights = (wflat, bflat, shapes, relus, pools)
    for part in numba.prange(parts):
        h = np.empty(widest * nb, np.float32)
        g = np.empty(widest * nb, np.float32)
        z = np.empty(nb, np.float32)
        for r in range(part * rows // parts, (part + 1) * rows // parts):
            _row(r, pa, pb, row0, weights, ca, order, table, tol, outs, h, g, z)
