"""Stride 1, any family: the mismatch score splits into one term per class, so the best rule
is exact and cheap.

At stride 1 a sample's outcome depends on one window, hence on one class of the family; a
rule's mismatches are the sum over classes of the samples of that class it sends the other
way. So the best rule takes each class's majority, and the best rival differs in the class
with the smallest vote gap: the certificate is per class. Only fully seen windows are used.
"""

from __future__ import annotations

import time

import numpy as np

from ..rules.families import window_classes
from ..rules.windows import WINDOW_WEIGHTS
from .observed import UNKNOWN, Samples
from .verdict import Identification, required_margin

__all__ = ["class_votes", "search_separable"]


def class_votes(samples: Samples, of_window: np.ndarray, count: int) -> np.ndarray:
    """``(count, 2)`` int64: fully seen stride-1 samples per class and observed next state."""
    if samples.stride != 1:
        raise ValueError("class votes need stride-1 samples")
    seen = ~(samples.patches == UNKNOWN).reshape(len(samples), -1).any(1)
    index = (samples.patches[seen].astype(np.int64) * WINDOW_WEIGHTS).sum((1, 2))
    cls = np.asarray(of_window)[index]
    votes = np.zeros((count, 2), np.int64)
    np.add.at(votes, (cls, samples.targets[seen].astype(np.int64)), 1)
    return votes


def search_separable(samples: Samples, family: str, neighbourhood: str = "moore") -> Identification:
    """The best rule of ``family`` on stride-1 ``samples``, with the per-class certificate: a
    class is settled when its vote gap reaches `required_margin` of its minority."""
    t0 = time.perf_counter()
    classes = window_classes(family, neighbourhood)
    votes = class_votes(samples, classes.of_window, classes.count)
    values = (votes[:, 1] > votes[:, 0]).astype(np.uint8)
    minority = votes.min(1)
    gap = np.abs(votes[:, 1] - votes[:, 0])
    need = np.array([required_margin(int(m)) for m in minority])
    open_ = gap < need
    seen = votes.sum(1) > 0
    return Identification(
        rule=classes.rule(values) if seen.any() else None,
        family=family,
        neighbourhood=neighbourhood,
        unique=not open_.any(),
        margin=int(gap.min()),
        mismatches=int(minority.sum()),
        decided=int(votes.sum()),
        undetermined=[classes.names[i] for i in np.flatnonzero(open_)],
        stride=1,
        seconds=time.perf_counter() - t0,
        details={
            "search": "separable",
            "classes": classes.count,
            "classes_unseen": int((~seen).sum()),
            "samples_used": int(votes.sum()),
            **({} if seen.any() else {"why": "no fully seen window"}),
        },
    )
