"""Tabulation: count what each class became. The baseline, from data alone.

A class never seen is undetermined; a class seen going both ways means no rule of that
family and neighbourhood made the data (``consistent=False``). The data are tallied once per
(window, next state) (`lifecore.extract.classes.window_counts`) and folded into the classes
of a family (outer-totalistic, isotropic or MAP); `table_from_counts` turns a tally, plus
transitions known beforehand, into an `Extraction`, so that discovery can add tallies round
by round and never touch a result.
"""

from __future__ import annotations

import time
from typing import Any, Optional

import numpy as np

from .classes import class_space, window_counts
from .result import Extraction, ExtractionError, check_neighbourhood, smallest_first

__all__ = ["tabulate", "table_from_counts", "consistent_neighbourhoods", "pairs"]


def pairs(x: Any, y: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` uint8 pairs ``(N, H, W)`` from pairs, a `TransitionData`, or trajectories.

    Parameters
    ----------
    x : array or TransitionData
        Boards ``(N, H, W)`` (or one ``(H, W)``) with ``y`` the next boards; without ``y``:
        trajectories ``(N, T, H, W)`` (or one ``(T, H, W)``) or a `TransitionData`.
    y : array, optional

    Raises
    ------
    ExtractionError
        Shapes that are not pairs or trajectories with at least two frames.
    """
    if y is None and hasattr(x, "x") and hasattr(x, "y"):
        return np.asarray(x.x, np.uint8), np.asarray(x.y, np.uint8)
    x = np.asarray(x)
    if y is None:
        if x.ndim == 3:  # one trajectory (T, H, W)
            x = x[None]
        if x.ndim != 4:
            raise ExtractionError(f"trajectories must be (N, T, H, W), got shape {x.shape}")
        if x.shape[1] < 2:
            raise ExtractionError(
                f"trajectories need at least 2 frames (T >= 2), got T={x.shape[1]}"
            )
        h, w = x.shape[-2:]
        return x[:, :-1].reshape(-1, h, w), x[:, 1:].reshape(-1, h, w)
    y = np.asarray(y)
    if x.shape != y.shape:
        raise ExtractionError(f"x and y shapes differ: {x.shape} vs {y.shape}")
    if x.ndim == 2:
        x, y = x[None], y[None]
    return x, y


def table_from_counts(
    counts: np.ndarray,
    neighbourhood: str,
    known: Optional[np.ndarray] = None,
    seconds: float = 0.0,
    family: str = "outer-totalistic",
) -> Extraction:
    """The tabulation `Extraction` of a tally, with transitions known beforehand folded in.

    Parameters
    ----------
    counts : np.ndarray
        ``(2, k, 2)`` int: ``counts[state, class, next]`` (`ClassSpace.tally`; for
        outer-totalistic classes also `lifecore.data.transition_counts`).
    neighbourhood : str
    known : np.ndarray, optional
        ``(2, k)`` int, 1/0 for a known next state, -1 for unknown. A known class fills an
        unseen one; a known class the data contradict is a conflict.
    seconds : float
        Time to report.
    family : str
        The family whose classes ``counts`` are over (`class_space`).

    Returns
    -------
    Extraction
        ``method="tabulate"``; ``details`` carry ``support`` and ``alive`` (2, k),
        ``conflicts`` (class names) and ``cells``.
    """
    space = class_space(family, neighbourhood)
    counts = np.asarray(counts, dtype=np.int64)
    n0, n1 = counts[..., 0], counts[..., 1]
    support = n0 + n1
    conflict = (n0 > 0) & (n1 > 0)
    table = np.where(support == 0, -1, (n1 > 0).astype(np.int64))
    table[conflict] = -1
    confidence = np.where(support > 0, np.maximum(n0, n1) / np.maximum(support, 1), 0.0)
    if known is not None:
        known = np.asarray(known, dtype=np.int64)
        conflict = conflict | ((known >= 0) & (table >= 0) & (known != table))
        table = np.where((table < 0) & ~conflict, known, table)
        confidence = np.where((support == 0) & (table >= 0), 1.0, confidence)
    conflicts = space.names_where(conflict)
    return Extraction(
        rule=None if conflicts else space.rule(table),
        table=table,
        confidence=confidence,
        undetermined=space.names_where((table < 0) & ~conflict) + conflicts,
        consistent=not conflicts,
        method="tabulate",
        neighbourhood=neighbourhood,
        seconds=seconds,
        details={
            "support": support,
            "alive": n1,
            "conflicts": conflicts,
            "cells": int(support.sum()),
        },
        family=family,
    )


def tabulate(
    x: Any,
    y: Any = None,
    neighbourhood: str = "moore",
    boundary: str = "torus",
    known: Optional[np.ndarray] = None,
    family: str = "outer-totalistic",
) -> Extraction:
    """Direct tabulation of the data: the baseline every method is judged against.

    Parameters
    ----------
    x, y : array
        Pairs ``(N, H, W)`` uint8; or ``x`` alone: trajectories ``(N, T, H, W)`` (or a
        `TransitionData`).
    neighbourhood : str
        "moore", "vonneumann" or "hex" (isotropic and MAP rules: Moore only).
    boundary : str
        "torus" or "dead" (cells beyond the edge are dead), as the data were made.
    known : np.ndarray, optional
        Known transitions, see `table_from_counts`.
    family : str
        "outer-totalistic" (classes (state, count)), "isotropic" (state, Hensel class) or
        "map" (every window).

    Returns
    -------
    Extraction
        Classes never seen are undetermined; classes seen with both outcomes are conflicts
        (``consistent=False``, ``rule=None``, ``details["conflicts"]``).

    Raises
    ------
    ExtractionError
        An unknown family or neighbourhood, or data that are not pairs or trajectories.
    """
    t0 = time.perf_counter()
    space = class_space(family, check_neighbourhood(neighbourhood))
    a, b = pairs(x, y)
    counts = space.tally(window_counts(a, b, boundary))
    return table_from_counts(counts, neighbourhood, known, time.perf_counter() - t0, family)


def consistent_neighbourhoods(x: Any, y: Any = None, boundary: str = "torus") -> dict:
    """Tabulate the data under every neighbourhood, smallest first: ``{name: Extraction}``."""
    a, b = pairs(x, y)
    return {hood: tabulate(a, b, hood, boundary) for hood in smallest_first}
