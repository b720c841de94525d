"""Known patterns, as LifeWiki RLE, and tools to watch them on an unbounded plane.

Known patterns give the simulator (and later the trained networks) independent
truths to be checked against: a glider moves one cell diagonally every 4 generations,
the R-pentomino settles after 1103 generations, the Gosper gun fires every 30.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Optional, Union

import numpy as np

from .errors import LifecoreError
from .rle import Pattern, loads
from .rules import AnyRule, RuleLike, as_rule
from .simulate import check_boards, step

__all__ = [
    "PATTERNS",
    "pattern",
    "place",
    "find_gliders",
    "remove_gliders",
    "settle",
    "Settling",
    "PatternError",
]


class PatternError(LifecoreError):
    """An unknown pattern name, a pattern that does not fit, or one that does not settle."""


#: RLE text of each known pattern (from LifeWiki), keyed by name.
PATTERNS: dict[str, str] = {
    "glider": "#N Glider\n#C Smallest spaceship: moves (+1, +1) every 4 generations.\n"
    "x = 3, y = 3, rule = B3/S23\nbob$2bo$3o!",
    "blinker": "#N Blinker\n#C Period-2 oscillator.\nx = 3, y = 1, rule = B3/S23\n3o!",
    "block": "#N Block\n#C Still life.\nx = 2, y = 2, rule = B3/S23\n2o$2o!",
    "beehive": "#N Beehive\n#C Still life.\nx = 4, y = 3, rule = B3/S23\nb2o$o2bo$b2o!",
    "toad": "#N Toad\n#C Period-2 oscillator.\nx = 4, y = 2, rule = B3/S23\nb3o$3o!",
    "beacon": "#N Beacon\n#C Period-2 oscillator.\nx = 4, y = 4, rule = B3/S23\n2o$o$3bo$2b2o!",
    "lwss": "#N Lightweight spaceship\n#C Moves 2 cells orthogonally every 4 generations.\n"
    "x = 5, y = 4, rule = B3/S23\nbo2bo$o$o3bo$4o!",
    "r-pentomino": "#N R-pentomino\n#C Methuselah: settles at generation 1103 with 116 cells "
    "(6 of them gliders).\nx = 3, y = 3, rule = B3/S23\nb2o$2o$bo!",
    "acorn": "#N Acorn\n#C Methuselah: settles at generation 5206 with 633 cells "
    "(13 of them gliders).\nx = 7, y = 3, rule = B3/S23\nbo$3bo$2o2b3o!",
    "diehard": "#N Diehard\n#C Dies out completely after 130 generations.\n"
    "x = 8, y = 3, rule = B3/S23\n6bo$2o$bo3b3o!",
    "gosper glider gun": "#N Gosper glider gun\n#O Bill Gosper\n"
    "#C The first known gun: one glider every 30 generations.\n"
    "x = 36, y = 9, rule = B3/S23\n"
    "24bo$22bobo$12b2o6b2o12b2o$11bo3bo4b2o12b2o$2o8bo5bo3b2o$2o8bo3bob2o4b\n"
    "obo$10bo5bo7bo$11bo3bo$12b2o!",
    "highlife replicator": "#N Replicator (HighLife)\n#O Nathan Thompson\n"
    "#C Makes two copies of itself every 12 generations.\n"
    "x = 5, y = 5, rule = B36/S23\n2b3o$bo2bo$o3bo$o2bo$3o!",
    # Isotropic non-totalistic rules (Hensel notation); LifeWiki's descriptions, checked
    # against bgolly.
    "tlife t": "#N T-tetromino (tlife)\n#O M. I. Wright\n"
    "#C c/5 orthogonal spaceship of tlife: the same shape one cell on every 5 generations.\n"
    "x = 3, y = 2, rule = B3/S2-i34q\n3o$bo!",
    "snowflake": "#N Snowflake (Snowflakes)\n#O BlinkerSpawn and danny\n"
    "#C The 21-cell still life the Snowflakes rule is named after.\n"
    "x = 7, y = 7, rule = B2ci3ai4c8/S02ae3eijkq4iz5ar6i7e\n3bo$b5o$bo3bo$2obob2o$bo3bo$b5o$3bo!",
}


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_INDEX = {_key(k): k for k in PATTERNS}
_INDEX.update(
    {
        "gospergun": "gosper glider gun",
        "replicator": "highlife replicator",
        "rpentomino": "r-pentomino",
        "lightweightspaceship": "lwss",
        "ttetromino": "tlife t",
        "snowflakes": "snowflake",
    }
)


def pattern(name: str) -> Pattern:
    """A known pattern by name (case, spaces and hyphens ignored), e.g. ``"R-pentomino"``.

    Parameters
    ----------
    name : str
        A key of `PATTERNS` or an alias such as ``"gosper gun"``.

    Returns
    -------
    Pattern

    Raises
    ------
    PatternError
        For an unknown name.
    """
    key = _INDEX.get(_key(name)) if isinstance(name, str) else None
    if key is None:
        raise PatternError(f"unknown pattern {name!r}; known patterns: {sorted(PATTERNS)}")
    return loads(PATTERNS[key])


def place(
    cells: Union[Pattern, np.ndarray],
    shape: tuple[int, int],
    at: Optional[tuple[int, int]] = None,
) -> np.ndarray:
    """A fresh dead ``shape`` board with ``cells`` pasted, top-left corner at ``at``.

    Parameters
    ----------
    cells : Pattern or numpy.ndarray
        0/1 pattern, shape (h, w).
    shape : (int, int)
        ``(height, width)`` of the board.
    at : (int, int), optional
        ``(row, column)`` of the pattern's top-left cell; centred when None.

    Returns
    -------
    numpy.ndarray
        uint8 board of ``shape``.

    Raises
    ------
    PatternError
        If the pattern does not fit, or ``shape`` or ``at`` are not two integers.
    """
    if isinstance(cells, Pattern):
        cells = cells.cells
    cells = check_boards(np.asarray(cells), "pattern cells")
    if cells.ndim != 2:
        raise PatternError(f"pattern cells must be 2-D, got shape {cells.shape}")
    try:
        height, width = (int(v) for v in shape)
    except (TypeError, ValueError):
        raise PatternError(f"shape must be (height, width), got {shape!r}") from None
    h, w = cells.shape
    if at is None:
        at = ((height - h) // 2, (width - w) // 2)
    try:
        r, c = (int(v) for v in at)
    except (TypeError, ValueError):
        raise PatternError(f"at must be (row, column), got {at!r}") from None
    if r < 0 or c < 0 or r + h > height or c + w > width:
        raise PatternError(
            f"a {h}x{w} pattern at {(r, c)} does not fit on a {height}x{width} board"
        )
    board = np.zeros((height, width), dtype=np.uint8)
    board[r : r + h, c : c + w] = cells
    return board


def _glider_shapes() -> frozenset[bytes]:
    """All 16 glider phase/orientation shapes as 3x3 cell bytes."""
    g = pattern("glider").cells
    shapes = set()
    board = np.pad(g, 3)
    for _ in range(4):
        rows, cols = np.nonzero(board)
        crop = board[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
        for k in range(4):
            for flip in (False, True):
                s = np.rot90(crop, k)
                s = np.fliplr(s) if flip else s
                shapes.add(np.ascontiguousarray(s, dtype=np.uint8).tobytes())
        board = step(board, "B3/S23", "dead")
    return frozenset(shapes)


_GLIDERS: Optional[frozenset[bytes]] = None


def find_gliders(board: np.ndarray) -> list[tuple[int, int]]:
    """Top-left corners of the isolated Life gliders on ``board``.

    A glider counts when its 5 cells are the only live cells within Chebyshev distance
    2 of each of them: then no other cell shares a neighbour with it, so its next
    generation is exactly a glider's next generation.

    Parameters
    ----------
    board : numpy.ndarray, shape (H, W)
        0/1 cells.

    Returns
    -------
    list of (int, int)
        ``(row, column)`` of each glider's 3x3 box, sorted.

    Raises
    ------
    PatternError
        If ``board`` is not 2-D.
    """
    global _GLIDERS
    if _GLIDERS is None:
        _GLIDERS = _glider_shapes()
    board = check_boards(np.asarray(board))
    if board.ndim != 2:
        raise PatternError(f"find_gliders takes one 2-D board, got shape {board.shape}")
    rows, cols = np.nonzero(board)
    if rows.size < 5:
        return []
    near = (np.abs(rows[:, None] - rows[None, :]) <= 2) & (
        np.abs(cols[:, None] - cols[None, :]) <= 2
    )
    counts = near.sum(axis=1)
    found, used = [], np.zeros(rows.size, dtype=bool)
    for i in np.flatnonzero(counts == 5):
        if used[i]:
            continue
        members = np.flatnonzero(near[i])
        if not (counts[members] == 5).all():
            continue
        used[members] = True
        r0, c0 = rows[members].min(), cols[members].min()
        if rows[members].max() - r0 != 2 or cols[members].max() - c0 != 2:
            continue
        box = np.zeros((3, 3), dtype=np.uint8)
        box[rows[members] - r0, cols[members] - c0] = 1
        if box.tobytes() in _GLIDERS:
            found.append((int(r0), int(c0)))
    return sorted(found)


def remove_gliders(board: np.ndarray) -> tuple[np.ndarray, int]:
    """A copy of ``board`` without its isolated gliders, and how many were removed.

    Parameters
    ----------
    board : numpy.ndarray, shape (H, W)

    Returns
    -------
    (numpy.ndarray, int)
        The uint8 board without the gliders `find_gliders` finds, and their number.

    Raises
    ------
    PatternError
        If ``board`` is not 2-D.
    """
    found = find_gliders(board)
    out = np.array(board, dtype=np.uint8, copy=True)
    for r, c in found:
        out[r : r + 3, c : c + 3] = 0
    return out, len(found)


@dataclass(frozen=True)
class Settling:
    """How a pattern settled on the unbounded plane.

    ``generation``: first generation from which everything except escaping gliders
    repeats with ``period``; ``population``: all live cells then, gliders included (how
    LifeWiki counts a methuselah's final population); ``debris``: live cells then,
    gliders excluded; ``gliders``: isolated gliders at the end of the run; ``steps``:
    generations run.
    """

    generation: int
    population: int
    debris: int
    period: int
    gliders: int
    steps: int


def _check_settle_options(**options: int) -> None:
    for label, value in options.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise PatternError(f"{label} must be an integer >= 1, got {value!r}")


def _is_life(rule: AnyRule) -> bool:
    return bool(np.array_equal(rule.window_table, as_rule("B3/S23").window_table))


def _debris_key(board: np.ndarray, origin: np.ndarray, life: bool) -> tuple[bytes, int, int]:
    """Key of everything but the isolated gliders (position included), its cells, gliders."""
    rest, n = remove_gliders(board) if life else (board, 0)
    rows, cols = np.nonzero(rest)
    if rows.size == 0:
        return b"empty", 0, n
    r0, r1, c0, c1 = rows.min(), rows.max() + 1, cols.min(), cols.max() + 1
    crop = np.ascontiguousarray(rest[r0:r1, c0:c1])
    head = np.array([r0 + origin[0], c0 + origin[1], r1 - r0, c1 - c0], dtype=np.int64)
    return head.tobytes() + np.packbits(crop).tobytes(), int(rows.size), n


def _grow(board: np.ndarray, origin: np.ndarray, grow: int = 32) -> np.ndarray:
    """Pad ``board`` where live cells near an edge could be born beyond it; moves ``origin``."""
    pads = [
        [grow if board[:2].any() else 0, grow if board[-2:].any() else 0],
        [grow if board[:, :2].any() else 0, grow if board[:, -2:].any() else 0],
    ]
    if any(any(p) for p in pads):
        board = np.pad(board, pads)
        origin -= np.array([pads[0][0], pads[1][0]])
    return board


def _period(keys: list[bytes], start: int, end: int, lag: int) -> int:
    return next(
        p
        for p in range(1, lag + 1)
        if all(keys[s] == keys[s + p] for s in range(start, end - p + 1))
    )


def _settle_inputs(cells: Union[Pattern, np.ndarray], rule: Optional[RuleLike]) -> tuple:
    """The 2-D uint8 board and the rule to run (a `Pattern` brings its own; Life by default)."""
    if isinstance(cells, Pattern):
        rule = cells.rule if rule is None else rule
        cells = cells.cells
    rule = as_rule("B3/S23" if rule is None else rule)
    board = np.array(check_boards(np.asarray(cells), "pattern cells"), dtype=np.uint8)
    if board.ndim != 2:
        raise PatternError(f"settle takes one 2-D pattern, got shape {board.shape}")
    return board, rule


def settle(
    cells: Union[Pattern, np.ndarray],
    rule: Optional[RuleLike] = None,
    max_steps: int = 10_000,
    max_period: int = 2,
    confirm: int = 200,
) -> Settling:
    """Run a pattern on an unbounded plane until all but its escaping gliders is periodic.

    The board grows whenever a live cell comes within 2 cells of its edge, so the
    dead-boundary step is exactly the infinite-plane step. Each generation the isolated
    gliders (`find_gliders`) are set aside and the rest is compared with itself
    ``lcm(1..max_period)`` generations earlier; once that has held for ``confirm``
    generations in a row the pattern is declared settled. Gliders only count for Life
    (``B3/S23``); for other rules everything must become periodic.

    Parameters
    ----------
    cells : Pattern or numpy.ndarray
        The starting pattern; a `Pattern` brings its rule.
    rule : rule or str, optional
        Overrides the pattern's rule; Life when neither gives one.
    max_steps, max_period, confirm : int
        Generations to try, longest period looked for, generations a repeat must hold.

    Returns
    -------
    Settling

    Raises
    ------
    PatternError
        For options that are not positive integers, a board that is not 2-D, or a
        pattern that does not settle within ``max_steps``.
    """
    board, rule = _settle_inputs(cells, rule)
    _check_settle_options(max_steps=max_steps, max_period=max_period, confirm=confirm)
    life, lag = _is_life(rule), math.lcm(*range(1, max_period + 1))
    origin = np.array([0, 0])  # plane coordinates of board[0, 0]
    keys, pops, totals = [], [], []
    streak_start = 0
    for t in range(max_steps + 1):
        key, pop, n_gliders = _debris_key(board, origin, life)
        keys.append(key)
        pops.append(pop)
        totals.append(int(board.sum()))
        if t >= lag and keys[t] != keys[t - lag]:
            streak_start = t - lag + 1
        if t >= lag and t - lag - streak_start + 1 >= confirm:
            g = streak_start
            period = _period(keys, g, t, lag)
            return Settling(g, totals[g], pops[g], period, n_gliders, t)
        if t < max_steps:
            board = step(_grow(board, origin), rule, "dead")
    raise PatternError(
        f"pattern did not settle within max_steps={max_steps} generations "
        f"(period <= {max_period}, confirmed over {confirm} generations)"
    )
