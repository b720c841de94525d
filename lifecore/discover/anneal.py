"""Simulated annealing over a family's table: a candidate rule from noisy data at stride > 1.

Why not SAT or MaxSAT here: at 1% noise and stride 2 about a tenth of the samples carry a
flipped cell (26 cells per 5 x 5 cone), so every clean subset large enough to pin the rule
is UNSAT and RC2's cores explode; dropping UNSAT cores keeps the noisy old cells and drops
the clean new ones. Why not greedy descent: for a random (chaotic) isotropic rule one wrong
entry spoils a large share of the predictions, and coordinate descent from a random table
stalls near 45% mismatches (it comes back to the truth only from within about 30 entries
at stride 2, 10 at stride 3). Annealing on the *simplest* cones (fewest distinct
first-generation classes, as `sat` chooses them) crosses those barriers: measured on a
random isotropic rule at stride 2, 4 of 4 restarts reached the truth clean and 3 of 4 at 1%
noise. Mismatches, not consistency, are minimised, so noise only raises the floor. Two
restarts that end on the same table are the evidence that it is not a local optimum; the
certificate is `flips.flip_margins`. A flip's cost re-simulates only the samples that looked
its entry up (`_flip`): 20,000 flips on 1,000 cones at stride 2 take about 0.2 s.

Where it does not reach the truth (measured, `discover_observed.md`): stride 3, where no
restart in 64 (and no focused, WalkSAT-style search) came within 40 entries (the relaxed fit
of `relax` runs first there, and its candidates go through `agree` as these do), and stride 2
with noise and 20% unseen, where the simplest cones carry unseen cells.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import numpy as np
from numba import njit

from ._flip import commit, flip_cost, predict_all, set_entry, windows_of
from ._kernel import _predict
from .observed import Samples

__all__ = ["agree", "anneal_rule", "mismatches"]

_EASY = 1000  # simplest cones annealed on
_CHECK = 4000  # random samples the annealed tables are polished and compared on
_MOVES = 20000  # single-entry flips per restart
_T_HIGH, _T_LOW = 3.0, 0.3  # temperatures, in mismatches
_CHUNKS = 20  # deadline checks per restart


@njit(cache=True)
def mismatches(values, of_window, patches, targets, k, cutoff):
    """Decided mismatches of the rule with class values ``values`` (stops past ``cutoff``)."""
    side = 2 * k + 1
    a = np.empty((side, side), np.uint8)
    b = np.empty((side, side), np.uint8)
    table = np.empty(512, np.uint8)
    for w in range(512):
        table[w] = values[of_window[w]]
    bad = 0
    for m in range(patches.shape[0]):
        p = _predict(table, patches[m], k, a, b)
        if p != 2 and p != targets[m]:
            bad += 1
            if bad > cutoff:
                return bad
    return bad


def _scratch(m: int, words: int, k: int):
    """Work arrays of `_flip.flip_cost` for ``m`` samples, ``words`` bit-set words."""
    side = 2 * k + 1
    return (np.empty(m, np.int64), np.empty(m, np.uint8), np.zeros((m, words), np.uint64),
            np.empty((side, side), np.uint8), np.empty((side, side), np.uint8))  # fmt: skip


@njit(cache=True)
def _landscape(values, of_window, patches, targets, k):
    """``(table, starts, windows, pred, used, mismatches)`` of the rule ``values``: what a
    flip's cost is computed from (`_flip`)."""
    classes = values.shape[0]
    table = np.empty(512, np.uint8)
    for w in range(512):
        table[w] = values[of_window[w]]
    starts, windows = windows_of(of_window, classes)
    pred = np.empty(patches.shape[0], np.uint8)
    used = np.zeros((patches.shape[0], (classes + 63) // 64), np.uint64)
    bad = predict_all(table, of_window, patches, targets, k, pred, used)
    return table, starts, windows, pred, used, bad


@njit(cache=True)
def _anneal(values, of_window, patches, targets, k, first, last, moves, fixed, seed, scratch):
    """Flips ``first`` to ``last`` of a schedule of ``moves`` single-entry flips (in place),
    accepted by the Metropolis rule at a geometrically falling temperature; the best table
    seen and its count. A flip is rejected as soon as its running cost passes ``6 T`` (a
    move that costly is accepted with chance below e^-6; the running cost could still fall,
    so this shapes the walk, never the counts: an accepted flip's cost is exact). It is what
    keeps a cold schedule cheap."""
    np.random.seed(seed)
    table, starts, windows, pred, used, cur = _landscape(values, of_window, patches, targets, k)
    best = cur
    kept = values.copy()
    for it in range(first, last):
        temp = _T_HIGH * (_T_LOW / _T_HIGH) ** (it / moves)
        c = np.random.randint(0, values.shape[0])
        if c == fixed:
            continue
        limit = int(temp * 6) + 1
        set_entry(values, table, starts, windows, c, values[c] ^ 1)
        d, n = flip_cost(c, table, of_window, patches, targets, k, pred, used, limit, scratch)
        if d <= limit and (d <= 0 or np.random.random() < np.exp(-d / temp)):
            cur += d
            commit(n, scratch, pred, used)
            if cur < best:
                best = cur
                kept[:] = values
        else:
            set_entry(values, table, starts, windows, c, values[c] ^ 1)
    return best, kept


@njit(cache=True)
def _descend_sweeps(values, of_window, patches, targets, k, sweeps, scratch):
    """Up to ``sweeps`` greedy sweeps of single-entry flips, each kept when it lowers the
    mismatches (in place); the count, and whether a sweep changed nothing (a local
    optimum)."""
    table, starts, windows, pred, used, cur = _landscape(values, of_window, patches, targets, k)
    for _ in range(sweeps):
        improved = False
        for c in range(values.shape[0]):
            set_entry(values, table, starts, windows, c, values[c] ^ 1)
            d, n = flip_cost(c, table, of_window, patches, targets, k, pred, used, 1 << 40,
                             scratch)  # fmt: skip
            if d < 0:
                cur += d
                commit(n, scratch, pred, used)
                improved = True
            else:
                set_entry(values, table, starts, windows, c, values[c] ^ 1)
        if not improved:
            return cur, True
    return cur, False


def _restart(start, of_window, hard: Samples, moves: int, rng, deadline: float):
    """One annealing run from ``start`` in chunks, so that ``deadline`` holds (a numba loop
    cannot be interrupted): the best table seen, or None past the deadline."""
    best, kept = 1 << 62, start.copy()
    chunk = max(1, moves // _CHUNKS)
    scratch = _scratch(len(hard), (len(start) + 63) // 64, hard.stride)
    for first in range(0, moves, chunk):
        if time.perf_counter() > deadline:
            return None
        count, seen = _anneal(start, of_window, hard.patches, hard.targets, hard.stride,
                              first, min(moves, first + chunk), moves, -1,
                              int(rng.integers(2**31)), scratch)  # fmt: skip
        if count < best:
            best, kept = count, seen
    return kept


def _descend(values: np.ndarray, of_window: np.ndarray, check: Samples, deadline: float) -> int:
    """Greedy single-entry flips on ``check`` until none lowers the mismatches (in place;
    sweeps stop at ``deadline``): the annealed table was fitted to the simplest cones only."""
    scratch = _scratch(len(check), (len(values) + 63) // 64, check.stride)
    while True:
        cur, settled = _descend_sweeps(values, of_window, check.patches, check.targets,
                                       check.stride, 1, scratch)  # fmt: skip
        if settled or time.perf_counter() >= deadline:
            return int(cur)


def anneal_rule(
    samples: Samples,
    of_window: np.ndarray,
    easy: np.ndarray,
    seed: int,
    deadline: float,
    restarts: int = 6,
    moves: int = _MOVES,
) -> tuple[np.ndarray | None, int, bool]:
    """The fewest-mismatch table found by restarts of annealing on the samples ``easy`` (the
    simplest cones), each polished on random samples: ``(values, mismatches on the check
    set, agreed)``; ``agreed`` when two restarts ended on the same table (stops there).
    Restarts stop at ``deadline`` (``time.perf_counter()``); every draw follows ``seed``;
    ``moves`` single-entry flips per restart."""
    of_window = np.asarray(of_window, dtype=np.int64)
    rng = np.random.default_rng(seed)
    check = samples.take(rng.choice(len(samples), min(_CHECK, len(samples)), replace=False))
    hard = samples.take(easy)
    count = int(of_window.max()) + 1
    starts = (_restart(rng.integers(0, 2, count).astype(np.uint8), of_window, hard, moves, rng,
                       deadline) for _ in range(restarts))  # fmt: skip
    return agree(starts, of_window, check, deadline)


def agree(
    tables: Iterable[np.ndarray | None], of_window: np.ndarray, check: Samples, deadline: float
) -> tuple[np.ndarray | None, int, bool]:
    """Polish each candidate of ``tables`` by greedy single-entry flips on ``check`` until two
    end on the same table: ``(values, mismatches on check, True)``; else the best polished
    one and False (None when none came before ``deadline``). Why two: a local optimum of a
    chaotic landscape is not reached twice from independent starts."""
    of_window = np.asarray(of_window, dtype=np.int64)
    found: list[tuple[int, bytes, np.ndarray]] = []
    for values in tables:
        if values is None or time.perf_counter() > deadline:
            break
        score = _descend(values, of_window, check, deadline)
        if any(key == values.tobytes() for _, key, _ in found):
            return values, score, True
        found.append((score, values.tobytes(), values))
    if not found:
        return None, 0, False
    score, _, values = min(found, key=lambda f: f[0])
    return values, score, False
