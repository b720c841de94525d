"""Every outer-totalistic rule judged on blocks of targets at once: branch and bound over the
rule table, each block's fewest mismatches a lower bound for the rules below a node.

Why: behind many unseen cells at stride > 1 a sample alone rarely decides a prediction
(at stride 3 with 20% unseen the truth decides 658 of 249,000 samples, `_kernel`), so the
exhaustive search's stage A ties every rule on its samples and the answer is open in every
class, often with a wrong winner (B1468/S2357 for the truth B12/S012345678 at 1% noise).
A block of targets shares its unseen cells and hidden generations, and SAT gives each one
value (`_cnf`); `noisy_blocks` judges a few rules so, one table at a time. Here a node fixes
the first classes of the table (the classes the blocks exercise most first) and leaves the
rest free: on each block the fewest mismatches over every completion *and* every value of
the free classes (a totalizer, as in `noisy_blocks`) is a lower bound for every rule below.
Best first, the first full table reached has the least total cost ``w`` on the blocks, and
search stops when every node left costs at least ``w + required_margin(w)``: those rules lose
by the noise margin, the verdict `noisy_blocks` gives. The rules reached before that are
left open, and when they differ in at most `blocks.MOST_OPEN` classes `noisy_blocks` judges
them on blocks chosen where they differ.

Bounds are cheap to pass down: a block's best completion at a node also fixes the free
classes, so the child that agrees with it keeps its bound without a solve; and once the
least cost is known, a child is cut as soon as its blocks solved so far (the others at
their bounds above) reach the margin past it. Blocks are chosen
before any is scored, from the inputs alone: disjoint, from cones that are not uniform, with
the fewest unseen cells, greedily so that the classes their seen windows show are covered
evenly. Measured on B567/S378 at stride 2, 1% noise, 20% unseen (its soups die): on 64
blocks, 278 nodes in 5.5 s, 38 rules left, differing in 7 classes of 18 (the exhaustive
search left all 18 open, and named B567/S37). At stride 3 a solve with many classes free
costs 10 to 200 ms, and on 16 blocks the search takes 42 s on one core (B12/S012345678,
1% noise, 20% unseen: 45 nodes; 61 s without the cut), about as long as the exhaustive
search before it. So it starts
beside that search, on the second core (`TreeBeside`), before anyone knows it is needed,
and takes both cores once it is (`_pool`); when it does not end in the budget the answer
is left as it was.
"""

from __future__ import annotations

import heapq
import multiprocessing
import time
from dataclasses import replace

import numpy as np

from ..rules.families import window_classes
from ._child import TIMEOUT, Pending
from ._cnf import encoder_for
from ._kernel import count_tables
from ._pool import ENOUGH, BlockPool, cores
from .blocks import near
from .exhaustive import _uniform
from .noisy_blocks import CostBlock
from .observed import UNKNOWN, Samples
from .verdict import Identification, required_margin

__all__ = [
    "choose_blocks",
    "search_tree",
    "search_blocks",
    "narrow_by_tree",
    "blocks_for",
    "TreeBeside",
    "BLOCKS",
    "CERTIFICATE",
]

BLOCKS = 64  # blocks of (2K+1)^2 targets at stride 2 (`blocks_for`)
_GRACE_S = 10.0  # past the deadline: the last solves end, the answer comes back
_CANDIDATES = 20000  # samples, fewest unseen first, that blocks are chosen among
_ENOUGH = 3  # windows of a class in one block that count towards covering it
CERTIFICATE = (
    "within the noise bound: every other rule loses by the margin on blocks of targets "
    "(fewest mismatches over their unseen cells, branch and bound over the table)"
)


def _class_counts(s: Samples, x: np.ndarray, of_window: np.ndarray, classes: int) -> np.ndarray:
    """``(len(x), classes)``: windows of each class fully seen in the inputs of samples ``x``."""
    patches = s.patches[x].astype(np.int64)
    side = patches.shape[1]
    counts = np.zeros((len(x), classes))
    powers = 1 << np.arange(8, -1, -1)
    for i in range(1, side - 1):
        for j in range(1, side - 1):
            windows = patches[:, i - 1 : i + 2, j - 1 : j + 2].reshape(len(x), 9)
            seen = np.flatnonzero((windows != UNKNOWN).all(1))
            np.add.at(counts, (seen, of_window[windows[seen] @ powers]), 1)
    return counts


def choose_blocks(s: Samples, of_window: np.ndarray, count: int, seed: int) -> list[int]:
    """Up to ``count`` samples whose ``(2K+1)^2`` blocks of targets share none, chosen from
    the inputs alone (module docstring): cones not uniform, fewest unseen cells first, each
    next one the sample whose seen windows add most to the classes least covered so far."""
    rng = np.random.default_rng(seed)
    varied = np.flatnonzero(~_uniform(s))
    key = s.unknown[varied] * len(s) + rng.permutation(len(varied))
    pool = varied[np.argsort(key, kind="stable")][:_CANDIDATES]
    counts = np.minimum(_class_counts(s, pool, of_window, int(of_window.max()) + 1), _ENOUGH)
    cover = np.zeros(counts.shape[1])
    chosen: list[int] = []
    left = np.ones(len(pool), bool)
    while len(chosen) < count and left.any():
        gain = np.where(left, (counts / (1 + cover)).sum(1), -1)
        best = int(np.argmax(gain))
        left[best] = False
        if not near(s, int(pool[best]), chosen, 2 * s.stride):
            chosen.append(int(pool[best]))
            cover += counts[best]
    return chosen


def search_tree(blocks: BlockPool, order: list[int], deadline: float):
    """``(leaves, margin, nodes)`` or None past ``deadline``: ``leaves`` ``[(cost, table)]``
    the full tables within the margin of the least cost (least first), ``margin`` the least
    extra cost of any other rule, or a lower bound on it (None when no rule was cut), each
    cost summed over ``blocks``; classes fixed in ``order``. Once the least cost is known,
    a node whose blocks already reach the margin past it is cut before its last blocks are
    solved (on B12/S012345678 at stride 3: 559 solves instead of 736)."""
    start = blocks.ask(_bound, [(0, None)] * blocks.size, [], -1, deadline=deadline)
    if start is None:
        return None
    heap = [(sum(k for k, _ in start), 0, (), start)]
    leaves: list[tuple[int, tuple]] = []
    nodes, cut, was_cut = 0, None, False
    while heap:
        cost, _, fixed, bounds = heapq.heappop(heap)
        if cut is not None and cost >= cut:  # a node cut early may have cost less than this
            return leaves, (cut if was_cut else cost) - leaves[0][0], nodes
        if len(fixed) == len(order):
            table = [0] * len(order)
            for c, v in zip(order, fixed):
                table[c] = v
            leaves.append((cost, tuple(table)))
            cut = leaves[0][0] + required_margin(leaves[0][0])
            continue
        if time.perf_counter() > deadline:
            return None
        nodes += 1
        c = order[len(fixed)]
        for v in (0, 1):
            pairs = list(zip(order, fixed + (v,)))
            below = blocks.ask(_bound, bounds, pairs, c, deadline=deadline,
                               enough=_reaches(bounds, cut))  # fmt: skip
            if below is None:
                return None
            if below is ENOUGH:
                was_cut = True
                continue
            heapq.heappush(heap, (sum(k for k, _ in below), 2 * nodes + v, fixed + (v,), below))
    return leaves, (cut - leaves[0][0] if was_cut else None), nodes


def _reaches(bounds: tuple, cut: int | None):
    """For `BlockPool.ask`: whether the blocks answered so far, with the others at their
    ``bounds`` above (each a lower bound below), already cost ``cut`` or more."""
    if cut is None:
        return None
    total = [sum(k for k, _ in bounds)]

    def enough(i: int, answer: tuple) -> bool:
        total[0] += answer[0] - bounds[i][0]
        return total[0] >= cut

    return enough


def _bound(block: CostBlock, above: tuple, fixed: list[tuple[int, int]], c: int) -> tuple:
    """The block's ``(bound, table)`` with the classes ``fixed``, the last of them ``c``
    (-1: none), from its ``(bound, table)`` ``above``: kept when that table agrees on ``c``
    (its completion still fits), else solved from the bound above."""
    k, table = above
    if table is not None and c >= 0 and table[c] == fixed[-1][1]:
        return above
    k = block.fewest([block.enc.table_literal(f) * (1 if v else -1) for f, v in fixed], k)
    return k, block.table() if k < block.size else None


def _answer(found: Identification, s: Samples, leaves, margin, details) -> Identification:
    """``found`` answered by the least-cost table of ``leaves``, open where any leaf differs."""
    classes = window_classes(found.family, found.neighbourhood)
    tables = np.array([table for _, table in leaves], dtype=np.uint8)
    differ = (tables != tables[0]).any(0)
    lookup = tables[0][np.asarray(classes.of_window)][None]
    mismatches, decided = count_tables(lookup, s.patches, s.targets, s.stride)[0]
    unique = not differ.any()
    return replace(
        found,
        rule=classes.rule(tables[0]),
        unique=unique,
        margin=int(margin) if margin is not None else found.margin,
        mismatches=int(mismatches),
        decided=int(decided),
        undetermined=[classes.names[i] for i in np.flatnonzero(differ)],
        details={**details, **({"certificate": CERTIFICATE} if unique else {})},
    )


def blocks_for(stride: int) -> int:
    """How many blocks the search scores at ``stride``. Fewer blocks bound each rule less
    well, more cost more solves a node: at stride 3 (B12/S012345678, 1% noise, 20% unseen,
    one core) 8 blocks took 129 nodes and 70 s, 12 took 77 and 65 s, 16 took 45 and 61 s,
    32 took 79 nodes; at stride 2 a block is a fifth as dear, and 64 left 44 rules where
    16 left 174."""
    return BLOCKS if stride <= 2 else 16


def search_blocks(
    frames: np.ndarray,
    s: Samples,
    family: str,
    neighbourhood: str,
    deadline: float,
    boundary: str = "torus",
    seed: int = 0,
    count: int | None = None,
    workers: int | None = None,
    widen=None,
):
    """``(leaves, margin, nodes, blocks)`` of `search_tree` over every outer-totalistic rule
    on ``neighbourhood``, on ``count`` blocks (`blocks_for` the stride when None) chosen by
    `choose_blocks`, split over ``workers`` processes (`_pool`; one a core when None, the
    first alone until the Event ``widen`` is set); None when it does not end by
    ``deadline`` (a ``time.perf_counter()``) or keeps no rule."""
    classes = window_classes(family, neighbourhood)
    of_window = np.asarray(classes.of_window, dtype=np.int64)
    encoder = encoder_for(family, neighbourhood)
    chosen = choose_blocks(s, of_window, count or blocks_for(s.stride), seed)
    covered = _class_counts(s, np.array(chosen, dtype=np.int64), of_window, classes.count)
    order = [int(c) for c in np.argsort(-covered.sum(0), kind="stable")]

    def make(x: int) -> CostBlock:
        return CostBlock(frames, s, x, of_window, boundary, encoder)

    try:
        with BlockPool(make, chosen, workers or cores(), deadline, widen) as blocks:
            searched = search_tree(blocks, order, deadline)
    except TimeoutError:  # the blocks were not built by the deadline
        return None
    return None if searched is None or not searched[0] else (*searched, len(chosen))


def _narrowed(found: Identification, s: Samples, searched) -> tuple:
    """``(answer, rules)`` from what `search_blocks` returned (module docstring)."""
    if searched is None:
        return found, None
    leaves, margin, nodes, count = searched
    details = {**found.details, "tree_blocks": count, "tree_nodes": nodes,
               "tree_left": len(leaves)}  # fmt: skip
    rules = np.array([table for _, table in leaves], dtype=np.uint8)
    return _answer(found, s, leaves, margin, details), rules


def narrow_by_tree(
    frames: np.ndarray,
    s: Samples,
    found: Identification,
    deadline: float,
    boundary: str = "torus",
    seed: int = 0,
    count: int | None = None,
    workers: int | None = None,
) -> tuple[Identification, np.ndarray | None]:
    """``(answer, rules)``: ``found`` (an outer-totalistic answer) replaced by the branch and
    bound over every rule of its family on ``count`` blocks (module docstring), and the rules
    it leaves open ``(R, C)`` class values, the answer's first; or ``(found, None)`` when the
    search does not end by ``deadline`` (a ``time.perf_counter()``). The blocks are split
    over ``workers`` processes (`_pool`; default one a core)."""
    searched = search_blocks(frames, s, found.family, found.neighbourhood, deadline, boundary,
                             seed, count, workers)  # fmt: skip
    return _narrowed(found, s, searched)


class TreeBeside:
    """`search_blocks` started now in a forked process, beside the caller's own search.

    Why: the exhaustive search runs on one core, and whether the tree is needed is known
    only after it (a noisy answer open in many classes). At stride 3 with 20% unseen the
    exhaustive search takes about 45 s and the tree on 16 blocks about 42 s on one core
    (B12/S012345678): one after the other they pass the budget, side by side they fit. The tree runs
    on one worker until `narrow` is called, then on one a core."""

    def __init__(self, frames, s: Samples, family: str, neighbourhood: str, deadline: float,
                 boundary: str = "torus", seed: int = 0, count: int | None = None):  # fmt: skip
        self.s, self.deadline = s, deadline
        self.widen = multiprocessing.get_context("fork").Event()
        args = (frames, s, family, neighbourhood, deadline, boundary, seed, count, cores(),
                self.widen)  # fmt: skip
        self.pending = Pending(search_blocks, args)

    def narrow(self, found: Identification) -> tuple[Identification, np.ndarray | None]:
        """As `narrow_by_tree`, waiting for the search until its deadline (and a grace)."""
        self.widen.set()
        searched = self.pending.result(self.deadline - time.perf_counter() + _GRACE_S)
        return _narrowed(found, self.s, None if searched == TIMEOUT else searched)

    def cancel(self) -> None:
        """Stop the search (not needed, or answered already)."""
        self.pending.cancel()
