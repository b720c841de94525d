"""The certificate of identification: is the rule the data point to the *only* one?

A search scores every rule of a family by mismatches (samples whose observed state the rule
does not produce). The answer is UNIQUE when every rival needs at least ``required_margin``
more mismatches than the winner on a stated set of samples: with clean data one mismatch
(the rival is contradicted outright); with noisy data a margin that noise of the winner's own
size would not bridge (``1 + ceil(3 sqrt(b))`` for ``b`` mismatches of the winner, a
three-sigma bound for counts). Otherwise the answer names the classes (table entries) the
data cannot settle, and the winner is reported as one rule of a set, never as *the* rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..rules.rule import AnyRule

__all__ = ["Identification", "required_margin", "required_margins"]


def required_margin(mismatches: int) -> int:
    """Mismatches a rival must add to the winner's ``mismatches`` before noise of that size
    cannot explain the difference: 1 for a clean fit, ``1 + ceil(3 sqrt(b))`` otherwise."""
    return int(required_margins(np.array([mismatches]))[0])


def required_margins(mismatches: np.ndarray) -> np.ndarray:
    """`required_margin` of each count of ``mismatches`` (any shape, int64 out)."""
    counts = np.asarray(mismatches, dtype=np.int64)
    return np.where(counts > 0, 1 + np.ceil(3 * np.sqrt(np.maximum(counts, 0))), 1).astype(np.int64)


@dataclass(frozen=True)
class Identification:
    """What a search over one family of rules found in observed data.

    Attributes
    ----------
    rule : rule or None
        The best-scoring rule (None when nothing was searched or no sample decided anything).
    family, neighbourhood : str
    unique : bool
        Proved the only rule of the family within the noise bound (see module docstring).
    margin : int or None
        The fewest extra mismatches any rival needs, on the samples named in ``details``.
    mismatches : int
        The winner's mismatches over all usable samples (``decided`` of them).
    decided : int
        Samples whose outcome the winner fixes despite unseen cells.
    undetermined : list of str
        Classes the data cannot settle (rivals within the margin differ there).
    stride : int
    seconds : float
    details : dict
        How the search ran (samples per stage, cutoffs, rivals kept).
    """

    rule: Optional[AnyRule]
    family: str
    neighbourhood: str
    unique: bool
    margin: Optional[int]
    mismatches: int
    decided: int
    undetermined: list[str]
    stride: int
    seconds: float = 0.0
    details: dict = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        """ "unique", "undetermined" (a set of rules fits) or "none" (nothing searched)."""
        if self.rule is None:
            return "none"
        return "unique" if self.unique else "undetermined"

    def summary(self) -> dict:
        """JSON-able summary (the CLI's last line)."""
        return {
            "rule": str(self.rule) if self.rule is not None else None,
            "family": self.family,
            "neighbourhood": self.neighbourhood,
            "verdict": self.verdict,
            "margin": self.margin,
            "mismatches": int(self.mismatches),
            "decided": int(self.decided),
            "undetermined": list(self.undetermined),
            "stride": int(self.stride),
            "seconds": round(float(self.seconds), 3),
            "details": self.details,
        }

    def __str__(self) -> str:
        if self.rule is None:
            return f"no {self.family} rule identified ({self.details.get('why', 'no data')})"
        text = f"{self.rule}  ({self.verdict}, margin {self.margin})"
        if self.undetermined:
            text += f"  undetermined: {' '.join(self.undetermined[:20])}"
        return text
