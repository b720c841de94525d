"""Every window, fast: the network's decision on all ``2**(K*K)`` windows, in chunks.

Window ``i`` has its cells in reading order as the bits of ``i``, most significant first.
The first layer is linear in the cells, so with ``i = a * 2**nb + b`` (``b``: the last 9
cells, ``a``: the rest) its pre-activations are ``pa[a] + pb[b]``, tables of 65,536 and 512
rows at K=5. Only the per-cell stages run per window: on the CPU in a compiled numba kernel
over whole rows of 512 windows (`_kernel`: channel-major, so every loop runs over windows;
one BLAS product per stage; rows in parallel), or over half of them when the network is
proved invariant under the half turn (`symmetry`, `_halfturn`); on CUDA as batched torch
operations.

Decisions are ``logit > 0`` in float32; a window whose logit lies within the rounding bound
of zero (`network.error_bound`) is decided again in float64 from its cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..cores import free_threads
from .network import Network, error_bound, stage_logits, torch_stages
from .symmetry import half_turn_invariant

__all__ = ["Tally", "scan", "window_cells"]

_CPU_WINDOWS = 1 << 18  # windows per numba call (progress and float64 redo in between)
_B_CELLS = 9  # cells of ``b``: 512 windows a row, their activations in the L2 cache
_GPU_ELEMENTS = 1 << 26  # hidden activations per CUDA chunk (256 MB at float32)
_ROUNDING = 1e-5  # float32 logits closer to zero than this x error_bound are redone in float64


def window_cells(indices, n: int):
    """``(B, n)`` 0/1 int64 cells of windows ``indices`` (an int64 tensor ``(B,)``)."""
    import torch

    shifts = torch.arange(n - 1, -1, -1, device=indices.device)
    return (indices[:, None] >> shifts) & 1


def _centre_parts(window: int, na: int, nb: int, dev) -> tuple:
    """Golly's 3x3 index of a window's centre as ``ca[a] | cb[b]`` (int64 tensors)."""
    import torch

    a_bits = window_cells(torch.arange(2**na, device=dev), na)
    b_bits = window_cells(torch.arange(2**nb, device=dev), nb)
    ca = torch.zeros(2**na, dtype=torch.int64, device=dev)
    cb = torch.zeros(2**nb, dtype=torch.int64, device=dev)
    top = window // 2 - 1
    for r in range(3):
        for c in range(3):
            pos, golly = (top + r) * window + top + c, 8 - 3 * r - c
            if pos < na:
                ca |= a_bits[:, pos] << golly
            else:
                cb |= b_bits[:, pos - na] << golly
    return ca, cb


@dataclass
class _Chunk:
    """One chunk's findings, float32-decided windows only; ``near``: the other windows'
    indices (int64 ndarray), to be decided in float64."""

    ones: np.ndarray
    count: int
    first: list
    zmin: float
    near: np.ndarray


def _groups(sorted_cb: np.ndarray) -> np.ndarray:
    """``(G, 3)`` int64 rows (centre bits, first, end) of the runs of equal ``sorted_cb``."""
    starts = np.flatnonzero(np.r_[True, sorted_cb[1:] != sorted_cb[:-1]])
    ends = np.r_[starts[1:], len(sorted_cb)]
    return np.stack([sorted_cb[starts], starts, ends], axis=1).astype(np.int64)


def _first_kept(first: np.ndarray, bad: np.ndarray, a0: int, nb: int, limit: int) -> list:
    """The chunk's first ``limit`` disagreeing windows in enumeration order (row-major): only
    the first rows that have any are read."""
    kept: list = []
    for r in np.flatnonzero(bad):
        if len(kept) >= limit:
            break
        kept += [(a0 + int(r)) * nb + int(b) for b in first[r, : min(bad[r], limit)]]
    return kept[:limit]


def _stage_arrays(net: Network) -> tuple:
    """The stages as the kernels take them: weights ``(out, in)`` and biases flat float32,
    shapes, ReLU and pooling flags."""
    stages = net.stages
    return (
        np.concatenate([s.weight.reshape(-1) for s in stages]).astype(np.float32),
        np.concatenate([s.bias for s in stages]).astype(np.float32),
        np.array([s.weight.shape for s in stages], dtype=np.int64),
        np.array([s.relu for s in stages], dtype=np.int64),
        np.array([s.pool for s in stages], dtype=np.int64),
    )


def _outs(rows: int, nb: int, limit: int) -> tuple:
    """A chunk's result arrays (see `_kernel.block`)."""
    return (
        np.empty((rows, nb), np.float32),
        np.zeros((rows, 512), np.int64),
        np.zeros(rows, np.int64),
        np.zeros((rows, max(limit, 1)), np.int64),
        np.zeros(rows, np.int64),
        np.empty(rows, np.float32),
    )


def _cpu_chunks(net: Network, halves: tuple, table: np.ndarray, tol: float, limit: int):
    """Yield ``(first row, rows, _Chunk)`` from the numba kernel (every window, or half of
    them for a network `half_turn_invariant` proves symmetric)."""
    import numba

    from ._kernel import block

    threads = free_threads(numba.get_num_threads(), readings=5)  # see `lifecore.cores`
    if net.window == 5 and len(net.stages) > 1 and half_turn_invariant(net):
        # half the windows; measured to pay only where products after the first layer
        # dominate (p4mcnn 1.14 -> 0.89 s, d4mcnn 11.4 -> 6.1 s, random weights): one-stage
        # networks run the vectorised counts of `_kernel` faster than the per-window ones
        yield from _halfturn_chunks(net, halves, table, tol, limit, threads)
        return
    weights = _stage_arrays(net)
    pa, pb, ca, cb = (t.cpu().numpy() for t in halves)
    nb = len(pb)
    sort = np.argsort(cb, kind="stable")  # b grouped by its centre cells (`_kernel._settle`)
    order = (cb, np.argsort(sort), _groups(cb[sort]))
    pb = np.ascontiguousarray(pb[sort].T)  # channel-major: the kernel's loops run over windows
    step = max(1, _CPU_WINDOWS // nb)
    for a0 in range(0, len(pa), step):
        rows = min(step, len(pa) - a0)
        outs = _outs(rows, nb, limit)
        block(pa, pb, a0, *weights, ca, order, table, np.float32(tol), outs, threads)
        z, ones, bad, first, near, zmin = outs
        kept = _first_kept(first, bad, a0, nb, limit)
        r, column = np.nonzero(np.abs(z) <= tol) if near.any() else (np.zeros((2, 0), int))
        near_idx = (a0 + r) * nb + sort[column]
        yield a0, rows, _Chunk(ones.sum(0), int(bad.sum()), kept, float(zmin.min()), near_idx)


def _reversed_bits(bits: int) -> np.ndarray:
    """``r[x]``: the ``bits``-bit number ``x`` with its bits in reverse order."""
    x = np.arange(2**bits, dtype=np.int64)
    return sum(((x >> k) & 1) << (bits - 1 - k) for k in range(bits))


def _halfturn_layout(na: int) -> tuple:
    """Column order and per-row prefix of `_halfturn` for ``a`` of ``na`` cells, ``b`` of 9:
    ``(b of each column, REVERSE9, reverse of na bits, full columns per a, tie weight per
    a)``."""
    rev9, rev_a, rev_mid = (_reversed_bits(n) for n in (9, na, na - 9))
    columns_b = rev9[511 - np.arange(512)]  # column t: the b whose reversal is 511 - t
    a = np.arange(2**na)
    top, mid = a >> (na - 9), a & ((1 << (na - 9)) - 1)
    tie = np.where(mid < rev_mid[mid], 2, np.where(mid == rev_mid[mid], 1, 0))
    return columns_b, rev9, rev_a, 511 - top, tie


def _halfturn_chunks(net, halves, table, tol, limit, threads):
    """`_cpu_chunks` over the canonical windows only (`_halfturn`); the tally is the full
    enumeration's: each canonical window counts for its half turn too, and a near-zero one
    sends both to the float64 check."""
    from ._halfturn import block

    pa, pb, ca, cb = (t.cpu().numpy() for t in halves)
    columns_b, rev9, rev_a, full, tie = _halfturn_layout(int(np.log2(len(pa))))  # a: 16 cells
    pb = np.ascontiguousarray(pb[columns_b].T)
    columns, rows_info = (columns_b, cb[columns_b], rev9, rev_a), (full, tie)
    weights, na, step = _stage_arrays(net), int(np.log2(len(pa))), max(1, _CPU_WINDOWS // 512)
    for a0 in range(0, len(pa), step):
        rows = min(step, len(pa) - a0)
        outs = _outs(rows, 512, limit)
        block(pa, pb, a0, weights, ca, columns, rows_info, table, np.float32(tol), outs, threads)
        z, ones, bad, first, near, zmin = outs
        kept = sorted(int(i) for r in np.flatnonzero(bad) for i in first[r, : min(bad[r], limit)])
        r, t = np.nonzero(np.abs(z) <= tol) if near.any() else (np.zeros((2, 0), int))
        a, b = a0 + r, columns_b[t]
        twice = (t < full[a]) | (tie[a] == 2)
        near_idx = np.concatenate([a * 512 + b, (rev9[b[twice]] << na) | rev_a[a[twice]]])
        yield a0, rows, _Chunk(ones.sum(0), int(bad.sum()), kept[:limit], float(zmin.min()),
                               near_idx)  # fmt: skip


def _torch_chunks(net: Network, halves: tuple, table: np.ndarray, tol: float, limit: int):
    """The same chunks as `_cpu_chunks`, with batched torch operations (for CUDA)."""
    import torch

    pa, pb, ca, cb = halves
    stages = torch_stages(net, torch.float32, pa.device)
    expected_of = torch.as_tensor(table, device=pa.device)
    rows = max(1, _GPU_ELEMENTS // (len(pb) * pa.shape[1]))
    for a0 in range(0, len(pa), rows):
        z = stage_logits(stages, (pa[a0 : a0 + rows, None, :] + pb[None]).reshape(-1, pa.shape[1]))
        centre = (ca[a0 : a0 + rows, None] | cb[None]).reshape(-1)
        near = z.abs() <= tol
        decision = (z > 0).long()
        ones = torch.bincount(centre[(decision == 1) & ~near], minlength=512)
        expected = expected_of[centre]
        bad = ((expected >= 0) & (expected != decision) & ~near).nonzero()[:, 0]
        far = z.abs()[~near]
        yield (
            a0,
            len(z) // len(pb),
            _Chunk(
                ones.cpu().numpy(),
                len(bad),
                (a0 * len(pb) + bad[:limit]).tolist(),
                float(far.min()) if len(far) else float("inf"),
                (a0 * len(pb) + near.nonzero()[:, 0]).cpu().numpy(),
            ),
        )


@dataclass
class Tally:
    """What one scan gathers.

    ``count``: windows disagreeing with the table; ``first``: indices of the first ``limit``
    of them, in enumeration order; ``margin``: smallest ``|logit|``; ``ones``: int64 (512,)
    windows deciding 1 per centre 3x3 index.
    """

    count: int = 0
    first: list = field(default_factory=list)
    margin: float = float("inf")
    ones: np.ndarray = field(default_factory=lambda: np.zeros(512, np.int64))

    def add(self, chunk: _Chunk, limit: int) -> None:
        self.count += chunk.count
        self.first = sorted(self.first + chunk.first)[:limit]
        self.margin = min(self.margin, chunk.zmin)
        self.ones += chunk.ones


def centre_index(cells: np.ndarray) -> np.ndarray:
    """Golly index of the centre 3x3 of windows ``cells`` ``(B, K, K)`` -> int64 ``(B,)``."""
    k = cells.shape[-1]
    centre = cells[:, k // 2 - 1 : k // 2 + 2, k // 2 - 1 : k // 2 + 2].reshape(len(cells), 9)
    return centre.astype(np.int64) @ (1 << np.arange(8, -1, -1))


class _Float64:
    """Decide the windows whose float32 logit is within rounding of zero again, in float64."""

    def __init__(self, net: Network, dev):
        import torch

        self.window = net.window
        self.weight = torch.as_tensor(net.first_weight, dtype=torch.float64, device=dev)
        self.bias = torch.as_tensor(net.first_bias, dtype=torch.float64, device=dev)
        self.stages = torch_stages(net, torch.float64, dev)

    def settle(self, chunk: _Chunk, table: np.ndarray, limit: int) -> None:
        """Fold the chunk's near-zero windows into its counts, in place."""
        import torch

        for part in np.array_split(chunk.near, max(1, len(chunk.near) // 65536)):
            idx = torch.as_tensor(part, device=self.weight.device)
            cells = window_cells(idx, self.window**2)
            z = stage_logits(self.stages, cells.double() @ self.weight.T + self.bias).cpu().numpy()
            decision = (z > 0).astype(np.int64)
            centre = centre_index(cells.cpu().numpy().reshape(-1, self.window, self.window))
            chunk.ones += np.bincount(centre[decision == 1], minlength=512)
            bad = (table[centre] >= 0) & (table[centre] != decision)
            chunk.count += int(bad.sum())
            chunk.first = sorted(chunk.first + part[bad][:limit].tolist())[:limit]
            chunk.zmin = min(chunk.zmin, float(np.abs(z).min()))


def scan(net: Network, dev, table=None, limit: int = 0, stop_early=False, progress=None) -> Tally:
    """Decide every window; compare with ``table`` when given.

    Parameters
    ----------
    net : Network
    dev : torch.device
        CPU (numba kernel) or CUDA (torch).
    table : np.ndarray, optional
        uint8 ``(512,)``: expected next state per centre 3x3 (Golly index). Without it only
        ``ones`` and ``margin`` are gathered.
    limit : int
        Counterexamples kept (all are counted).
    stop_early : bool
        Stop once ``limit`` counterexamples are found (``count`` is then partial).
    progress : callable, optional
        Called with the fraction of windows done after each chunk.

    Returns
    -------
    Tally
    """
    import torch

    n = net.window**2
    nb = min(n, _B_CELLS)
    na = n - nb
    weight = torch.as_tensor(net.first_weight, dtype=torch.float32, device=dev)
    bias = torch.as_tensor(net.first_bias, dtype=torch.float32, device=dev)
    pa = window_cells(torch.arange(2**na, device=dev), na).float() @ weight[:, :na].T
    pb = window_cells(torch.arange(2**nb, device=dev), nb).float() @ weight[:, na:].T + bias
    halves = (pa.contiguous(), pb.contiguous(), *_centre_parts(net.window, na, nb, dev))
    table = np.full(512, -1, np.int64) if table is None else np.asarray(table, np.int64)
    tol, redo, tally = _ROUNDING * error_bound(net), _Float64(net, dev), Tally()
    chunks = _cpu_chunks if dev.type == "cpu" else _torch_chunks
    with torch.no_grad():
        for a0, rows, chunk in chunks(net, halves, table, tol, limit):
            if len(chunk.near):
                redo.settle(chunk, table, limit)
            tally.add(chunk, limit)
            if progress is not None:
                progress((a0 + rows) / 2**na)
            if stop_early and len(tally.first) >= limit:
                break
    return tally


def first_windows(tally: Tally, window: int, table: np.ndarray) -> list[tuple]:
    """``(patch (K, K) uint8, network, expected)`` of the counterexamples kept."""
    import torch

    out = []
    for index in tally.first:
        cells = window_cells(torch.tensor([index]), window * window)[0].numpy()
        patch = cells.astype(np.uint8).reshape(window, window)
        expected = int(table[centre_index(patch[None])[0]])
        out.append((patch, 1 - expected, expected))
    return out
