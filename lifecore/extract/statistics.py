"""Neighbour statistics, the notes' black-box method 1.

Run the network as the evolver on random boards, tabulate ``P(next alive | state, count)``
and accept a class only when the probability clears a FixMatch-style threshold with enough
support. It reads a network's *outputs* by (state, count) class, so it can only ever see an
outer-totalistic rule: an isotropic rule that splits a count into Hensel classes (``2a``
against ``2c``) shows up as a probability strictly between 0 and 1 (see
`lifecore.book.extraction.statistics_on_isotropic`).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from ..data import COVERING, Density, soups, transition_counts
from .result import Extraction, ExtractionError, check_neighbourhood, class_names, rule_from_table

__all__ = ["neighbour_statistics", "class_probabilities"]


def class_probabilities(
    x: np.ndarray, y: np.ndarray, neighbourhood: str, boundary: str = "torus"
) -> tuple[np.ndarray, np.ndarray]:
    """``(p_alive, support)`` per (state, count) class: ``(2, size + 1)`` float (NaN where
    unseen) and int, over boards ``x`` and their next states ``y`` (uint8 ``(N, H, W)``)."""
    counts = transition_counts(x, y, neighbourhood, boundary)
    support = counts.sum(-1)
    p = np.where(support > 0, counts[..., 1] / np.maximum(support, 1), np.nan)
    return p, support


def _decide(
    p: np.ndarray, support: np.ndarray, threshold: float, min_support: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per (state, count) class: the decided value (1, 0, or -1 when the probability is not
    decisive or fewer than ``min_support`` cells back it), the support mask and the confidence."""
    enough = support >= min_support
    table = np.full(p.shape, -1, dtype=np.int64)
    table[enough & (p >= threshold)] = 1
    table[enough & (p <= 1 - threshold)] = 0
    confidence = np.nan_to_num(np.where(support > 0, np.maximum(p, 1 - np.nan_to_num(p)), 0.0))
    return table, enough, confidence


def neighbour_statistics(
    model: Any,
    neighbourhood: str = "moore",
    n: int = 128,
    size: int = 32,
    density: Density = COVERING,
    threshold: float = 0.99,
    min_support: int = 50,
    seed: int = 0,
) -> Extraction:
    """The notes' method 1: ``P(next alive | state, count)`` of the network on random boards.

    Parameters
    ----------
    model : torch.nn.Module
        A network mapping boards ``(N, 1, H, W)`` to logits.
    neighbourhood : str
    n, size : int
        ``n`` random boards of ``size`` x ``size``.
    density : float or (float, float)
        Soup density (a range draws one per board). ``0.5`` reproduces the notes' starved
        high counts; the default covering range shows every class.
    threshold : float
        A class is alive (dead) when its probability is at least ``threshold`` (at most
        ``1 - threshold``), in (0.5, 1].
    min_support : int
        Fewest cells behind a class for it to be decided. ``seed`` seeds the boards.

    Returns an `Extraction`, ``method="statistics"``; ``details`` carry ``p_alive`` and
    ``support`` ``(2, size + 1)``, ``low_support`` (class names) and the options. Raises
    `ExtractionError` for an unknown neighbourhood or a threshold outside (0.5, 1].
    """
    from .. import models

    t0 = time.perf_counter()
    check_neighbourhood(neighbourhood)
    if not 0.5 < threshold <= 1.0:
        raise ExtractionError(f"threshold must be in (0.5, 1], got {threshold}")
    boards = soups(n, size, density, seed)
    p, support = class_probabilities(boards, models.predict(model, boards), neighbourhood)
    table, enough, confidence = _decide(p, support, threshold, min_support)
    return Extraction(
        rule=rule_from_table(table, neighbourhood),
        table=table,
        confidence=confidence,
        undetermined=class_names(table),
        consistent=True,
        method="statistics",
        neighbourhood=neighbourhood,
        seconds=time.perf_counter() - t0,
        details={
            "p_alive": p,
            "support": support,
            "low_support": class_names(np.where(~enough, -1, 0)),
            "threshold": threshold,
            "min_support": min_support,
            "density": density,
            "cells": int(support.sum()),
        },
    )
