"""Counterexample windows of a failed proof turned into training pairs.

`lifecore.certify.certify` returns the k x k windows on which a network and the rule
disagree. Each window (and its turns and flips: the labels come from the simulator, so they
are right whatever the rule's symmetry) is stamped into boards of random context at several
places, and the boards' next generation is computed by `lifecore.simulate.step`. The cell at
the centre of every stamped copy then sees exactly the counterexample window, labelled by
the rule.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..data import COVERING, soups
from ..rules import RuleLike, as_rule
from ..simulate import step
from .config import TrainError

__all__ = ["window_images", "counterexample_boards", "slots"]


def window_images(patches: np.ndarray) -> np.ndarray:
    """The distinct images of each window under the 8 turns and flips of the square.

    Parameters
    ----------
    patches
        0/1 windows, ``(m, k, k)``.

    Returns
    -------
    numpy.ndarray
        uint8 ``(n, k, k)``, ``m <= n <= 8 m``, the given windows first, each image once.
    """
    patches = np.asarray(patches, dtype=np.uint8)
    images = [np.rot90(p, r) for p in patches for r in range(4)]
    images += [np.rot90(p.T, r) for p in patches for r in range(4)]
    order = list(range(0, 4 * len(patches), 4)) + list(range(len(images)))
    seen, out = set(), []
    for i in order:
        key = images[i].tobytes()
        if key not in seen:
            seen.add(key)
            out.append(np.ascontiguousarray(images[i]))
    return np.stack(out) if out else np.zeros((0, *patches.shape[1:]), np.uint8)


def slots(size: int, k: int) -> list[tuple[int, int]]:
    """Top-left corners of non-overlapping k x k copies in a ``size`` x ``size`` torus board,
    at least one cell of random context apart."""
    per_side = size // (k + 1)
    if per_side < 1:
        raise TrainError(f"a {k}x{k} window does not fit a {size}x{size} board with context")
    stride = size // per_side
    return [(r * stride, c * stride) for r in range(per_side) for c in range(per_side)]


def counterexample_boards(
    patches: np.ndarray,
    rule: RuleLike,
    size: int,
    copies: int = 2,
    seed: int = 0,
    boundary: str = "torus",
    density: Sequence[float] = COVERING,
) -> tuple[np.ndarray, np.ndarray]:
    """Training pairs whose boards contain every counterexample window ``copies`` times.

    Parameters
    ----------
    patches
        0/1 windows ``(m, k, k)`` (counterexamples of a failed proof).
    rule
        The rule that labels the boards.
    size
        Board side (the training boards' side).
    copies
        How often each window and each of its turns and flips is stamped.
    seed
        Seeds the random context and the placement.
    boundary
        The boundary the labels are computed with (the training data's).
    density
        Per-board density range of the random context.

    Returns
    -------
    (x, y) : numpy.ndarray
        uint8 ``(n, size, size)`` boards and their next generation under ``rule``.
    """
    images = window_images(patches)
    if len(images) == 0:
        empty = np.zeros((0, size, size), np.uint8)
        return empty, empty.copy()
    k = images.shape[-1]
    places = slots(size, k)
    stamps = np.repeat(np.arange(len(images)), copies)
    rng = np.random.default_rng(seed)
    rng.shuffle(stamps)
    n_boards = -(-len(stamps) // len(places))
    x = soups(n_boards, size, tuple(density), seed=int(rng.integers(2**32)))
    shift = rng.integers(0, size, size=(n_boards, 2))
    for i, which in enumerate(stamps):
        b, s = divmod(i, len(places))
        r, c = places[s]
        rows = (np.arange(k) + r + shift[b, 0]) % size
        cols = (np.arange(k) + c + shift[b, 1]) % size
        x[b][np.ix_(rows, cols)] = images[which]
    return x, step(x, as_rule(rule), boundary)
