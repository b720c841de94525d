"""Exhaustive search over every outer-totalistic rule (2^18 Moore, 2^14 hex, 2^10 von
Neumann), any stride, by mismatches on observed samples.

Stage A scores every rule on a small sample ``A`` (the patches with fewest unseen cells),
each count capped at ``cutoff + 1`` so that a wrong rule stops after a few refuting samples;
the cutoff grows until the best rule sits well inside it. Stage B scores the survivors
exactly on a larger sample ``B``. The certificate: a rule pruned in stage A has more than
``cutoff`` mismatches on ``A``; a survivor has its exact count on ``B``; the margin is the
fewest extra mismatches any rival needs over the winner on one of the two samples.

A final stage judges the rivals ``B`` cannot separate from the winner (at most
`_FINAL_RIVALS`) on *all* samples, pair by pair, where both rules decide the prediction and
disagree: one of the two is then wrong on each such sample, and a rule must lose there by
`required_margin` to be refuted. Why pairwise and not by total mismatches: behind unseen
cells a rule that leaves more predictions open scores fewer mismatches, so on noisy data
with 20% unseen the totals preferred B12/S12345678 (3,436 mismatches in 183,339 decided
samples) to the truth B12/S012345678 (3,455 in 185,003), and on clean data ``B`` never
exercised S0 (the truth: 0 mismatches on all samples, the rival 17). The winner is finally
scored on all samples.
"""

from __future__ import annotations

import time

import numpy as np

from ..rules.families import window_classes
from ._kernel import count_codes, count_tables, predict_tables
from .observed import Samples
from .verdict import Identification, required_margin

__all__ = ["search_outer_totalistic", "score_rules"]

_SAMPLE_A = 256
_SAMPLE_B = 4096
_MAX_SURVIVORS = 512
_FINAL_RIVALS = 32  # rivals judged on all samples (0.1 to 0.25 s each on 250,000 samples)


def score_rules(tables: np.ndarray, samples: Samples) -> np.ndarray:
    """``(R, 2)`` exact mismatches and decided samples of window tables ``(R, 512)``."""
    tables = np.ascontiguousarray(tables, dtype=np.uint8).reshape(-1, 512)
    return count_tables(tables, samples.patches, samples.targets, samples.stride)


def _pick(samples: Samples, size: int, rng: np.random.Generator) -> Samples:
    """``size`` samples, those with fewest unseen cells first (random among equals)."""
    if len(samples) <= size:
        return samples
    key = samples.unknown * len(samples) + rng.permutation(len(samples))
    return samples.take(np.argsort(key, kind="stable")[:size])


def _stage_a(codes, of_window, a: Samples) -> tuple[np.ndarray, int]:
    """Capped counts of every code on ``a`` and the cutoff used (best well inside it)."""
    cutoff = 8
    while True:
        counts = count_codes(codes, of_window, a.patches, a.targets, a.stride, cutoff)
        best = int(counts.min())
        if best + required_margin(best) <= cutoff or cutoff >= len(a):
            return counts, cutoff
        cutoff = min(len(a), 2 * (best + required_margin(best)))


def _differ(win: int, rivals: list[int], count: int) -> np.ndarray:
    """``(count,)`` bool: the classes where any of ``rivals`` differs from ``win``."""
    either = np.bitwise_or.reduce(np.array([c ^ win for c in rivals], dtype=np.int64))
    return ((int(either) >> np.arange(count)) & 1) == 1 if rivals else np.zeros(count, bool)


def _open_in_stage_a(win, codes, capped, kept, count: int) -> np.ndarray:
    """Classes where a rule that stage A cannot separate from the winner (within
    `required_margin` of it on A) but that was not kept for stage B differs from the winner:
    with many unseen cells more than `_MAX_SURVIVORS` rules may tie on A (rare classes never
    exercised), and then only the classes where they differ are open, not every class."""
    best_a = int(capped[codes == win][0])
    near = codes[capped < best_a + required_margin(best_a)]
    dropped = np.setdiff1d(near, kept)
    if len(dropped) == 0:
        return np.zeros(count, bool)
    return ((np.bitwise_or.reduce(dropped ^ win) >> np.arange(count)) & 1) == 1


def _local_need(win: int, rival: int, of_window: np.ndarray, b: Samples) -> int:
    """The margin a rival must give up, judged where it and the winner predict differently:
    mismatches elsewhere are common to both, so only the winner's mismatches there count."""
    pred = predict_tables(_tables(np.array([win, rival]), of_window), b.patches, b.stride)
    differ = pred[0] != pred[1]
    return required_margin(int((differ & (pred[0] != 2) & (pred[0] != b.targets)).sum()))


def _final_stage(win: int, close: list[int], of_window, samples: Samples):
    """``(winner, rivals not refuted, fewest mismatches a refuted one gave up)`` when the
    winner and the rivals ``close`` are judged pairwise on all ``samples`` (module
    docstring); the winner moves to a rival that beats it there by the margin."""
    if not close or len(close) > _FINAL_RIVALS:
        return win, close, None
    codes = np.array([win, *close], dtype=np.int64)
    pred = predict_tables(_tables(codes, of_window), samples.patches, samples.stride)
    decided = pred != 2
    wrong = (decided & (pred != samples.targets[None])).astype(np.float64)
    right = (decided & (pred == samples.targets[None])).astype(np.float64)
    # errors[i, j]: samples where i is wrong and j right, i.e. i's mismatches where both
    # decide and disagree (0/1 predictions); a product, not an (R, R, M) array
    errors = np.rint(wrong @ right.T).astype(np.int64)
    best, seen = 0, {0}
    while True:
        beaten_by = [j for j in range(len(codes)) if _refutes(errors, j, best)]
        if not beaten_by or beaten_by[0] in seen:
            break
        best = beaten_by[0]
        seen.add(best)
    lost = [j for j in range(len(codes)) if j != best and _refutes(errors, best, j)]
    left = [int(codes[j]) for j in range(len(codes)) if j != best and j not in lost]
    gave = [int(errors[j, best] - errors[best, j]) for j in lost]
    return int(codes[best]), left, min(gave) if gave else None


def _refutes(errors: np.ndarray, i: int, j: int) -> bool:
    """Whether rule ``i`` beats rule ``j`` by the margin where the two disagree."""
    return bool(errors[j, i] - errors[i, j] >= required_margin(int(errors[i, j])))


def _tables(codes: np.ndarray, of_window: np.ndarray) -> np.ndarray:
    return ((codes[:, None] >> of_window[None, :]) & 1).astype(np.uint8)


def _survivors(codes: np.ndarray, capped: np.ndarray, cutoff: int) -> tuple[np.ndarray, int]:
    """The rules stage A keeps (at most `_MAX_SURVIVORS`, fewest mismatches first) and the
    fewest mismatches on sample A of any rule it drops."""
    bound_a = cutoff + 1  # every rule left out has at least this many mismatches on A
    kept = codes[capped <= cutoff]
    if len(kept) > _MAX_SURVIVORS:
        ranked = np.sort(capped[capped <= cutoff], kind="stable")
        bound_a = int(ranked[_MAX_SURVIVORS])
        kept = kept[np.argsort(capped[capped <= cutoff], kind="stable")[:_MAX_SURVIVORS]]
    return kept, bound_a


def search_outer_totalistic(
    samples: Samples, neighbourhood: str = "moore", seed: int = 0
) -> Identification:
    """The outer-totalistic rule on ``neighbourhood`` with fewest mismatches, certified.

    Parameters
    ----------
    samples : Samples
        From `lifecore.discover.observed.make_samples` (any stride).
    neighbourhood : {"moore", "hex", "vonneumann"}
    seed : int
        Which samples form stages A and B."""
    t0 = time.perf_counter()
    classes = window_classes("outer-totalistic", neighbourhood)
    of_window = np.asarray(classes.of_window, dtype=np.int64)
    rng = np.random.default_rng(seed)
    a, b = _pick(samples, _SAMPLE_A, rng), _pick(samples, _SAMPLE_B, rng)
    codes = np.arange(1 << classes.count, dtype=np.int64)
    capped, cutoff = _stage_a(codes, of_window, a)
    kept, bound_a = _survivors(codes, capped, cutoff)
    exact = score_rules(_tables(kept, of_window), b)[:, 0]
    order = np.argsort(exact, kind="stable")
    win = int(kept[order[0]])
    best_b = int(exact[order[0]])
    best_a = int(capped[codes == win][0])
    need = required_margin(best_b)  # on sample B; stage A's own bound is checked below
    rivals = [(int(kept[i]), int(exact[i]) - best_b) for i in order[1:]]
    margin = min([bound_a - best_a] + [m for _, m in rivals])  # each on its own sample
    close = [c for c, m in rivals if m < need and m < _local_need(win, c, of_window, b)]
    win, close, gave = _final_stage(win, close, of_window, samples)
    margin = margin if gave is None else min(margin, gave)
    differ = _differ(win, close, classes.count)
    differ |= _open_in_stage_a(win, codes, capped, kept, classes.count)
    table = _tables(np.array([win]), of_window)
    whole = score_rules(table, samples)[0]
    return Identification(
        rule=classes.rule(((win >> np.arange(classes.count)) & 1).astype(np.uint8)),
        family="outer-totalistic",
        neighbourhood=neighbourhood,
        unique=not differ.any(),
        margin=int(margin),
        mismatches=int(whole[0]),
        decided=int(whole[1]),
        undetermined=[classes.names[i] for i in np.flatnonzero(differ)],
        stride=samples.stride,
        seconds=time.perf_counter() - t0,
        details={
            "search": "exhaustive",
            "rules": len(codes),
            "sample_a": len(a),
            "cutoff_a": int(cutoff),
            "survivors": len(kept),
            "sample_b": len(b),
            "winner_mismatches_a": best_a,
            "winner_mismatches_b": best_b,
            "required_margin": int(need),
            "rivals_within_margin": len(close),
        },
    )
