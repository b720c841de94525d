"""The candidate set: every rule the data so far do not contradict, kept implicitly.

The data are tallied once per (window, next state); under each class space in play (an
outer-totalistic neighbourhood, the isotropic or the MAP family) the tally is folded into
classes and tabulated (`lifecore.extract.table_from_counts`): a class seen is fixed, a class
never seen is free, so ``2**k`` rules remain for ``k`` free classes; a space under which the
data conflict (or contradict a known transition) holds none. A `CandidateSet` is immutable:
`CandidateSet.add` returns a new one with the summed tally, so no result is ever changed
after it was returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Optional

import numpy as np

from ..extract.classes import ClassSpace, class_space, window_counts
from ..extract.result import Extraction, smallest_first
from ..extract.tabulation import table_from_counts
from .result import DiscoveryError

__all__ = ["CandidateSet", "known_table", "spaces_for", "FAMILY_CHOICES"]

FAMILY_CHOICES = ("outer-totalistic", "isotropic", "map", "auto")
_KNOWN_NAME = re.compile(r"^(?:[BS][0-8][a-z]?|W[0-9]{1,3})$")


def spaces_for(family: str, neighbourhood: str = "auto") -> dict[str, ClassSpace]:
    """The class spaces in play, smallest first, keyed by label (the neighbourhood's name
    for outer-totalistic spaces, else the family's).

    ``family="auto"``: every outer-totalistic neighbourhood, then isotropic, then MAP.
    """
    if family not in FAMILY_CHOICES:
        raise DiscoveryError(
            f"unknown family {family!r}; expected one of {', '.join(FAMILY_CHOICES)}"
        )
    hoods = smallest_first if neighbourhood == "auto" else (neighbourhood,)
    out = {}
    if family in ("outer-totalistic", "auto"):
        out.update({h: class_space("outer-totalistic", h) for h in hoods})
    for fam in ("isotropic", "map"):
        if family in (fam, "auto"):
            if neighbourhood not in ("auto", "moore"):
                raise DiscoveryError(f"{fam} rules are defined on the Moore neighbourhood only")
            out[fam] = class_space(fam)
    return out


def known_table(known: Any, space: ClassSpace) -> np.ndarray:
    """Known transitions as a ``(2, k)`` int64 table over ``space``'s classes, -1 unknown.

    Parameters
    ----------
    known : dict or array or None
        ``{"B3": 1, "S8": 0}`` (a bare count stands for all its Hensel classes in the
        isotropic space; a class the space lacks, such as ``S8`` on von Neumann, says
        nothing and is skipped), ``{"B2a": 1}``, ``{"W273": 0}``, or a ``(2, k)`` table.
    space : ClassSpace

    Raises
    ------
    DiscoveryError
        A badly named class or a table of the wrong shape.
    """
    table = np.full(space.shape, -1, dtype=np.int64)
    if known is None:
        return table
    if not isinstance(known, dict):
        arr = np.asarray(known)
        if arr.shape != table.shape:
            raise DiscoveryError(
                f"a known table for {space.neighbourhood} {space.family} rules has shape "
                f"{table.shape}, got {arr.shape}"
            )
        return arr.astype(np.int64)
    flat = table.reshape(-1)
    for name, value in known.items():
        if not (isinstance(name, str) and _KNOWN_NAME.match(name)):
            raise DiscoveryError(
                f"known transitions are named like 'B3', 'S8', 'B2a' or 'W273', got {name!r}"
            )
        hits = [i for i, n in enumerate(space.names) if n == name]
        if not hits and space.family == "isotropic" and len(name) == 2:
            hits = [i for i, n in enumerate(space.names) if n[:2] == name]
        flat[hits] = int(bool(value))
    return table


@dataclass(frozen=True, eq=False)
class CandidateSet:
    """A (window, next) tally of the data and the class spaces it is read under.

    Attributes
    ----------
    spaces : dict
        ``{label: ClassSpace}`` smallest first (`spaces_for`).
    known : dict
        ``{label: (2, k) table}`` (`known_table`).
    windows : np.ndarray
        ``(512, 2)`` int64 tally (`lifecore.extract.classes.window_counts`).
    boundary : str
    occam : bool
        Stop as soon as the smallest consistent space is fully determined (with several
        families in play, the larger ones stay consistent whatever the data).
    """

    spaces: dict
    known: dict
    windows: np.ndarray
    boundary: str = "torus"
    occam: bool = False

    @classmethod
    def start(
        cls, spaces: dict, known: Any = None, boundary: str = "torus", occam: bool = False
    ) -> CandidateSet:
        """No data yet: every class free (or known)."""
        tables = {label: known_table(known, space) for label, space in spaces.items()}
        return cls(dict(spaces), tables, np.zeros((512, 2), np.int64), boundary, occam)

    def add(self, x: np.ndarray, y: np.ndarray) -> CandidateSet:
        """A new set with the pairs ``(x, y)`` ``(N, H, W)`` uint8 tallied in."""
        windows = self.windows + window_counts(x, y, self.boundary)
        return CandidateSet(self.spaces, self.known, windows, self.boundary, self.occam)

    @cached_property
    def tabs(self) -> dict[str, Extraction]:
        """``{label: Extraction}``: the tabulation under each space."""
        return {
            label: table_from_counts(
                space.tally(self.windows),
                space.neighbourhood,
                self.known[label],
                family=space.family,
            )
            for label, space in self.spaces.items()
        }

    def consistent(self) -> list[str]:
        """The labels of the spaces the data do not contradict, smallest first."""
        return [label for label, tab in self.tabs.items() if tab.consistent]

    def preferred(self) -> Optional[str]:
        """The smallest consistent space (None if there is none)."""
        cons = self.consistent()
        return cons[0] if cons else None

    def done(self) -> bool:
        """No candidate left, or one (under ``occam``: the smallest space's is fixed)."""
        cons = self.consistent()
        if not cons:
            return True
        determined = not self.tabs[cons[0]].undetermined
        return determined and (self.occam or len(cons) == 1)

    def sizes(self) -> tuple[int, dict[str, int]]:
        """Candidates in all, and per space (``2**free`` or 0)."""
        per = {
            label: (2 ** len(t.undetermined) if t.consistent else 0)
            for label, t in self.tabs.items()
        }
        return int(sum(per.values())), per
