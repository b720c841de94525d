"""Outer-totalistic (Life-like) rules in Golly's B/S notation.

A rule says, for a dead cell, which live-neighbour counts give *birth*, and for a
live cell, which counts let it *survive*. The neighbourhood is Moore (8 cells),
von Neumann (`V` suffix, 4 cells) or Golly's hexagonal emulation (`H` suffix: the
Moore cells minus up-right and down-left, 6 cells).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Union

import numpy as np

from .errors import LifecoreError

__all__ = ["Rule", "RuleError", "NEIGHBOURHOODS", "NAMED_RULES", "NOTES_RULES", "as_rule"]


class RuleError(LifecoreError):
    """A rule string or rule definition that cannot be read."""


#: Offsets ``(d_row, d_col)`` of each neighbourhood, in reading order.
NEIGHBOURHOODS: dict[str, tuple[tuple[int, int], ...]] = {
    "moore": ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)),
    "vonneumann": ((-1, 0), (0, -1), (0, 1), (1, 0)),
    # Golly's hexagonal emulation: Moore minus up-right (-1, +1) and down-left (+1, -1).
    "hex": ((-1, -1), (-1, 0), (0, -1), (0, 1), (1, 0), (1, 1)),
}
_SUFFIX = {"moore": "", "vonneumann": "V", "hex": "H"}
_FROM_SUFFIX = {"": "moore", "V": "vonneumann", "H": "hex"}

#: LifeWiki's common Life-like rules, by name (lookup ignores case, spaces and punctuation).
NAMED_RULES: dict[str, str] = {
    "Life": "B3/S23",
    "Game of Life": "B3/S23",
    "Conway": "B3/S23",
    "HighLife": "B36/S23",
    "Day & Night": "B3678/S34678",
    "Diamoeba": "B35678/S5678",
    "Seeds": "B2/S",
    "LongLife": "B345/S5",
    "Replicator": "B1357/S1357",
    "Fredkin": "B1357/S02468",
    "Morley": "B368/S245",
    "Move": "B368/S245",
    "34 Life": "B34/S34",
    "Maze": "B3/S12345",
    "Mazectric": "B3/S1234",
    "Life without Death": "B3/S012345678",
    "Flakes": "B3/S012345678",
    "2x2": "B36/S125",
    "Amoeba": "B357/S1358",
    "Assimilation": "B345/S4567",
    "Coagulations": "B378/S235678",
    "Coral": "B3/S45678",
    "Gnarl": "B1/S1",
    "Live Free or Die": "B2/S0",
    "Pseudo Life": "B357/S238",
    "Serviettes": "B234/S",
    "Stains": "B3678/S235678",
    "Walled Cities": "B45678/S2345",
    "Anneal": "B4678/S35678",
    "Vote": "B5678/S45678",
    "DryLife": "B37/S23",
    "Pedestrian Life": "B38/S23",
    "Honey Life": "B38/S238",
    "Plow World": "B378/S012345678",
    "Land Rush": "B36/S234578",
    "Iceballs": "B25678/S5678",
    "H-trees": "B1/S012345678",
    "Dot Life": "B3/S023",
    "Holstein": "B35678/S4678",
    "Bacteria": "B34/S456",
    "Corrosion of Conformity": "B3/S124",
    "Lowlife": "B3/S13",
}


#: The eight rules of the research notes' results table, in the notes' order.
NOTES_RULES: tuple[str, ...] = (
    "B3/S23",
    "B36/S23",
    "B3678/S34678",
    "B35678/S5678",
    "B2/S",
    "B345/S5",
    "B13/S012V",
    "B2/S013V",
)


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower().replace("&", "and"))


_NAME_INDEX = {_name_key(k): v for k, v in NAMED_RULES.items()}

_BS = re.compile(r"^B(?P<b>\d*)/?S(?P<s>\d*)(?P<x>[A-Z]?)$")
_SB = re.compile(r"^S(?P<s>\d*)/?B(?P<b>\d*)(?P<x>[A-Z]?)$")
_LEGACY = re.compile(r"^(?P<s>\d*)/(?P<b>\d*)(?P<x>[A-Z]?)$")


@dataclass(frozen=True)
class Rule:
    """An outer-totalistic rule: ``birth`` and ``survival`` count sets on a neighbourhood."""

    birth: frozenset[int]
    survival: frozenset[int]
    neighbourhood: str = "moore"
    _table: np.ndarray = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.neighbourhood not in NEIGHBOURHOODS:
            raise RuleError(
                f"unknown neighbourhood {self.neighbourhood!r}; expected one of {sorted(NEIGHBOURHOODS)}"
            )
        size = len(NEIGHBOURHOODS[self.neighbourhood])
        for label, counts in (("birth", self.birth), ("survival", self.survival)):
            try:
                counts = frozenset(int(c) for c in counts)
            except (TypeError, ValueError):
                raise RuleError(f"{label} counts must be integers, got {counts!r}") from None
            bad = sorted(c for c in counts if not 0 <= c <= size)
            if bad:
                raise RuleError(
                    f"{label} count(s) {bad} impossible: the {self.neighbourhood} neighbourhood "
                    f"has {size} cells"
                )
            object.__setattr__(self, label, counts)
        table = np.zeros((2, size + 1), dtype=np.uint8)
        table[0, sorted(self.birth)] = 1
        table[1, sorted(self.survival)] = 1
        table.setflags(write=False)
        object.__setattr__(self, "_table", table)

    # -- construction -------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Rule:
        """Read ``B3/S23``, ``S23/B3``, legacy ``23/3``, a ``V``/``H`` suffix, or a name."""
        if not isinstance(text, str):
            raise RuleError(f"a rule must be a string, got {type(text).__name__}")
        raw = text.strip()
        if not raw:
            raise RuleError("empty rule string")
        named = _NAME_INDEX.get(_name_key(raw))
        if named is not None:
            raw = named
        compact = re.sub(r"\s+", "", raw).upper()
        for pattern in (_BS, _SB, _LEGACY):
            match = pattern.match(compact)
            if match:
                break
        else:
            raise RuleError(
                f"cannot read rule {text!r}: expected B/S notation such as 'B3/S23', "
                f"'B13/S012V', 'B2/S34H', legacy '23/3', or a known name such as 'HighLife'"
            )
        suffix = match["x"]
        if suffix not in _FROM_SUFFIX:
            raise RuleError(
                f"unknown neighbourhood suffix {suffix!r} in rule {text!r}: "
                f"use none (Moore), 'V' (von Neumann) or 'H' (hexagonal)"
            )
        return cls(
            birth=frozenset(int(c) for c in match["b"]),
            survival=frozenset(int(c) for c in match["s"]),
            neighbourhood=_FROM_SUFFIX[suffix],
        )

    # -- derived facts ------------------------------------------------------------
    @property
    def offsets(self) -> tuple[tuple[int, int], ...]:
        """Neighbour offsets ``(d_row, d_col)``."""
        return NEIGHBOURHOODS[self.neighbourhood]

    @property
    def size(self) -> int:
        """Number of neighbours (8, 4 or 6)."""
        return len(self.offsets)

    @property
    def table(self) -> np.ndarray:
        """``table[state, count]`` is the next state: shape ``(2, size + 1)``, uint8, read-only."""
        return self._table

    @property
    def classes(self) -> list[tuple[int, int]]:
        """Every (state, live-neighbour count) class of this neighbourhood."""
        return [(s, c) for s in (0, 1) for c in range(self.size + 1)]

    @staticmethod
    def class_name(state: int, count: int) -> str:
        """Name a class as its transition symbol: ``B3`` (dead, 3 neighbours) or ``S2``."""
        return f"{'S' if state else 'B'}{count}"

    @classmethod
    def from_table(cls, table: np.ndarray, neighbourhood: str = "moore") -> Rule:
        """Build a rule back from a ``(2, size + 1)`` 0/1 next-state table."""
        table = np.asarray(table)
        size = len(NEIGHBOURHOODS.get(neighbourhood, ()))
        if table.shape != (2, size + 1):
            raise RuleError(f"a {neighbourhood} table has shape (2, {size + 1}), got {table.shape}")
        return cls(
            birth=frozenset(np.flatnonzero(table[0]).tolist()),
            survival=frozenset(np.flatnonzero(table[1]).tolist()),
            neighbourhood=neighbourhood,
        )

    def __str__(self) -> str:
        digits = lambda counts: "".join(str(c) for c in sorted(counts))  # noqa: E731
        return f"B{digits(self.birth)}/S{digits(self.survival)}{_SUFFIX[self.neighbourhood]}"

    def __repr__(self) -> str:
        return f"Rule('{self}')"


RuleLike = Union[Rule, str]


def as_rule(rule: RuleLike) -> Rule:
    """Accept a `Rule` or any string `Rule.parse` reads."""
    if isinstance(rule, Rule):
        return rule
    return Rule.parse(rule)


def all_counts(neighbourhood: str) -> Iterable[int]:
    """Counts 0..size of a neighbourhood."""
    return range(len(NEIGHBOURHOODS[neighbourhood]) + 1)
