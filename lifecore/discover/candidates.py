"""The candidate set: every rule the data so far do not contradict, kept implicitly.

Under each neighbourhood the data are tabulated (`lifecore.extract.table_from_counts`): a
class seen is fixed, a class never seen is free, so ``2**k`` rules remain for ``k`` free
classes; a neighbourhood under which the data conflict (or contradict a known transition)
holds none. A `CandidateSet` is immutable: `CandidateSet.add` returns a new one holding the
summed tallies, so no result is ever changed after it was returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Optional

import numpy as np

from ..data import transition_counts
from ..extract.result import Extraction
from ..extract.tabulation import table_from_counts
from ..rules import NEIGHBOURHOODS
from .result import DiscoveryError

__all__ = ["CandidateSet", "known_table"]


def known_table(known: Any, neighbourhood: str) -> np.ndarray:
    """Known transitions as a ``(2, size + 1)`` int64 table, -1 where unknown.

    Parameters
    ----------
    known : dict or array or None
        ``{"B3": 1, "S8": 0}`` (a count the neighbourhood lacks says nothing and is skipped),
        or a ``(2, size + 1)`` table.
    neighbourhood : str

    Raises
    ------
    DiscoveryError
        A badly named class or a table of the wrong shape.
    """
    size = len(NEIGHBOURHOODS[neighbourhood])
    table = np.full((2, size + 1), -1, dtype=np.int64)
    if known is None:
        return table
    if isinstance(known, dict):
        for name, value in known.items():
            ok = isinstance(name, str) and len(name) >= 2 and name[0] in "BS"
            if not (ok and name[1:].isascii() and name[1:].isdigit()):
                raise DiscoveryError(f"known transitions are named like 'B3' or 'S8', got {name!r}")
            if int(name[1:]) <= size:
                table[int(name[0] == "S"), int(name[1:])] = int(bool(value))
        return table
    arr = np.asarray(known)
    if arr.shape != table.shape:
        raise DiscoveryError(
            f"a known table for {neighbourhood} has shape {table.shape}, got {arr.shape}"
        )
    return arr.astype(np.int64)


@dataclass(frozen=True, eq=False)
class CandidateSet:
    """Tallies of the data under each neighbourhood in ``hoods`` (smallest first).

    ``counts[hood]`` is ``(2, size + 1, 2)`` int64 (`lifecore.data.transition_counts`),
    ``known[hood]`` the known transitions (`known_table`).
    """

    hoods: tuple[str, ...]
    known: dict[str, np.ndarray]
    counts: dict[str, np.ndarray]
    boundary: str = "torus"

    @classmethod
    def start(cls, hoods: tuple[str, ...], known: Any = None, boundary: str = "torus"):
        """No data yet: every class free (or known)."""
        tables = {h: known_table(known, h) for h in hoods}
        counts = {h: np.zeros(t.shape + (2,), np.int64) for h, t in tables.items()}
        return cls(tuple(hoods), tables, counts, boundary)

    def add(self, x: np.ndarray, y: np.ndarray) -> CandidateSet:
        """A new set with the pairs ``(x, y)`` ``(N, H, W)`` uint8 tallied in."""
        counts = {h: self.counts[h] + transition_counts(x, y, h, self.boundary) for h in self.hoods}
        return CandidateSet(self.hoods, self.known, counts, self.boundary)

    @cached_property
    def tabs(self) -> dict[str, Extraction]:
        """``{hood: Extraction}``: the tabulation under each neighbourhood."""
        return {h: table_from_counts(self.counts[h], h, self.known[h]) for h in self.hoods}

    def consistent(self) -> list[str]:
        """The neighbourhoods the data do not contradict, smallest first."""
        return [h for h in self.hoods if self.tabs[h].consistent]

    def preferred(self) -> Optional[str]:
        """The smallest consistent neighbourhood (None if there is none)."""
        cons = self.consistent()
        return cons[0] if cons else None

    def done(self) -> bool:
        """One candidate left, or none at all."""
        cons = self.consistent()
        return not cons or (len(cons) == 1 and not self.tabs[cons[0]].undetermined)

    def sizes(self) -> tuple[int, dict[str, int]]:
        """Candidates in all, and per neighbourhood (``2**free`` or 0)."""
        per = {h: (2 ** len(t.undetermined) if t.consistent else 0) for h, t in self.tabs.items()}
        return int(sum(per.values())), per
