"""Two rules judged jointly around the samples one of them leaves open.

Each sample is predicted alone, its unseen cells carried as "either" (`_kernel`). A rival
can then hide behind one unseen cell: where it is left open and the winner is not, the
unseen cell's one value makes the rival wrong on that sample, and the other value makes it
wrong on a neighbouring sample whose patch holds the same cell. Alone, neither sample
refutes it (measured: B5/S0123578 against the truth B5/S012357 at stride 2, 1% noise, 10%
unseen: 16 samples where the rival is open and the truth decided, none where both decide
and disagree; the S8 class stayed open).

So the samples around such a *centre* (every target within 2K cells, whose patch can hold
the centre's unseen cells) form a *cluster*, scored per rule as its fewest decided
mismatches over every completion of the centre's unseen cells (`joint_costs`). Clusters
are disjoint, and a sample inside one is not counted again alone. The comparison is then
the pairwise one of `exhaustive._refutes`: a rival wrong on ``r`` (samples and cluster
excesses) where the winner is right, right on ``v`` where it is wrong, loses when
``r - v >= required_margin(v)``. Why that stays sound: for the truth, the fewest mismatches
of a cluster are at most those of the true completion, that is flipped cells, so the truth
loses a cluster only to noise, as it loses a single sample. On clean data a rival with a
mismatch in every completion of some cluster is inconsistent with the data: refuted, when
the winner fits every sample and every cluster.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from ._kernel import joint_costs
from .observed import Samples
from .verdict import required_margin

__all__ = ["joint_loss"]

_FILLS = 6  # unseen cells of a centre filled in every way, nearest the middle first
_JOINT_CLUSTERS = 256  # clusters per pair at most
_MEMBER_COMPLETIONS = 4  # unseen cells of a member filled in every way (`_kernel._complete`)


def _offsets(k: int) -> np.ndarray:
    """``(P, 2)`` every offset within ``2K`` rows and columns of a centre, nearest first
    (`joint_costs` stops a completion once it errs as often as a better one)."""
    span = np.arange(-2 * k, 2 * k + 1)
    offsets = np.stack(np.meshgrid(span, span, indexing="ij"), -1).reshape(-1, 2)
    return offsets[np.argsort(np.abs(offsets).max(1) * 100 + np.abs(offsets).sum(1), kind="stable")]


def _members(s: Samples, centres: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """``(C, P)`` the sample at each offset from each centre (same trajectory and frame),
    -1 where there is none (an unseen target, or off a board that does not wrap)."""
    (n_, t_, h, w), torus = s.grid
    index = np.full((n_, t_, h, w), -1, dtype=np.int64)
    index[tuple(s.where.T)] = np.arange(len(s))
    n, t, i, j = (s.where[centres, q][:, None] for q in range(4))
    rows, cols = i + offsets[None, :, 0], j + offsets[None, :, 1]
    inside = (rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)
    if torus:
        rows, cols, inside = rows % h, cols % w, np.ones_like(inside)
    found = index[n, t, np.clip(rows, 0, h - 1), np.clip(cols, 0, w - 1)]
    return np.where(inside, found, -1)


def _disjoint(members: np.ndarray, count: int, limit: int) -> np.ndarray:
    """Indices of clusters (rows of ``members``) kept in order when they share no sample
    with one kept before, at most ``limit``."""
    used = np.zeros(count, dtype=bool)
    kept = []
    for c, row in enumerate(members):
        row = row[row >= 0]
        if not used[row].any():
            used[row] = True
            kept.append(c)
            if len(kept) == limit:
                break
    return np.asarray(kept, dtype=np.int64)


def _clusters(s: Samples, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(centres, members, offsets)``: disjoint clusters around the samples exactly one of
    the two predictions ``pred`` ``(2, M)`` leaves open, fewest unseen cells first."""
    offsets = _offsets(s.stride)
    unknown = s.unknown
    open_ = pred == 2
    centres = np.flatnonzero(open_[0] != open_[1])
    centres = centres[np.argsort(unknown[centres], kind="stable")]
    members = _members(s, centres, offsets)
    kept = _disjoint(members, len(s), _JOINT_CLUSTERS)
    return centres[kept], members[kept], offsets


def joint_loss(tables: np.ndarray, pred: np.ndarray, s: Samples) -> Optional[int]:
    """What rule 1 of ``tables`` ``(2, 512)`` (a rival) gives up to rule 0 (the winner) on
    all samples ``s`` when clusters around the samples one of them leaves open are judged
    jointly (module docstring), or None when that does not refute it. ``pred`` ``(2, M)``:
    each rule's predictions on ``s`` alone (0, 1, 2 open), as the caller makes them."""
    if s.where is None:
        return None
    tables = np.ascontiguousarray(tables, dtype=np.uint8)
    centres, members, offsets = _clusters(s, pred)
    if len(centres) == 0:
        return None
    costs = joint_costs(tables, s.patches, s.targets, s.stride, centres, members, offsets,
                        _MEMBER_COMPLETIONS, _FILLS)  # fmt: skip
    alone = np.ones(len(s), dtype=bool)
    alone[members[members >= 0]] = False
    wrong = (pred != 2) & (pred != s.targets[None])
    right = (pred != 2) & (pred == s.targets[None])
    excess = costs[:, 1] - costs[:, 0]
    r = int((alone & wrong[1] & right[0]).sum() + excess.clip(0).sum())
    v = int((alone & wrong[0] & right[1]).sum() + (-excess).clip(0).sum())
    if not wrong[0].any() and not costs[:, 0].any():  # a clean fit, jointly too
        bad = int(costs[:, 1].sum() + wrong[1].sum())
        return bad if bad else None
    return r - v if r - v >= required_margin(v) else None
