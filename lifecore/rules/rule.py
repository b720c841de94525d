"""Two-state rules on a cell's 3x3 neighbourhood, in Golly's notations.

Three nested families, smallest first:

- `Rule`, *outer-totalistic* (Life-like): the next state depends on the cell and its
  number of live neighbours. Golly's B/S notation, ``B3/S23``; the neighbourhood is Moore
  (8 cells), von Neumann (``V`` suffix, 4 cells) or Golly's hexagonal emulation (``H``
  suffix: the Moore cells minus up-right and down-left, 6 cells). 2^18 rules on Moore.
- `IsotropicRule`, *isotropic non-totalistic*: the next state depends on the cell and its
  8 neighbours up to the 8 symmetries of the square. Hensel notation, ``B2-a/S12``
  (`lifecore.rules.hensel`); Moore only, as in Golly. 2^102 rules.
- `MapRule`: any function of the 3x3 window, Golly's ``MAP`` + base64 (`lifecore.rules.maprule`).
  2^512 rules.

Every rule has ``window_table`` (the next state of each of the 512 windows, numbered as
`lifecore.rules.windows.window_index`), ``family``, ``neighbourhood`` and ``topology`` (a Golly
bounded-grid suffix such as ``:T64,64``, or None). `Rule.parse`, `as_rule` and
`from_window_table` return the smallest family that holds the rule, and ``str(rule)`` is
Golly's canonical string for it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from numbers import Integral
from typing import Iterable, Optional, Union

import numpy as np

from .base import RuleError, Topology, parse_topology, shorten
from .hensel import (
    CLASS_OF_WINDOW,
    HENSEL_CLASSES,
    ISOTROPIC_CLASSES,
    check_class_names,
    class_mask,
    format_hensel_part,
    isotropic_class,
    isotropic_class_name,
    parse_hensel_part,
)
from .maprule import decode_map, encode_map
from .named import NAMED_RULES, NOTES_RULES, name_key, rule_for_name  # noqa: F401
from .windows import CENTRE_BIT, neighbour_counts_of_windows, window_index

__all__ = [
    "Rule",
    "IsotropicRule",
    "MapRule",
    "AnyRule",
    "RuleLike",
    "RuleError",
    "Topology",
    "FAMILIES",
    "NEIGHBOURHOODS",
    "NAMED_RULES",
    "NOTES_RULES",
    "HENSEL_CLASSES",
    "ISOTROPIC_CLASSES",
    "as_rule",
    "parse_rule",
    "from_window_table",
    "window_index",
    "isotropic_class",
    "isotropic_class_name",
]

#: Rule families, smallest first.
FAMILIES = ("outer-totalistic", "isotropic", "map")

#: Longest rule string read (Golly's ``MAXRULESIZE``).
MAX_RULE_LENGTH = 2000

#: Offsets ``(d_row, d_col)`` of each neighbourhood, in reading order.
NEIGHBOURHOODS: dict[str, tuple[tuple[int, int], ...]] = {
    "moore": ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)),
    "vonneumann": ((-1, 0), (0, -1), (0, 1), (1, 0)),
    # Golly's hexagonal emulation: Moore minus up-right (-1, +1) and down-left (+1, -1).
    "hex": ((-1, -1), (-1, 0), (0, -1), (0, 1), (1, 0), (1, 1)),
}
_SUFFIX = {"moore": "", "vonneumann": "V", "hex": "H"}
_FROM_SUFFIX = {"": "moore", "v": "vonneumann", "h": "hex"}

# Per window index: live neighbours in each neighbourhood, and the centre cell's state.
_WINDOW_COUNTS = {nb: neighbour_counts_of_windows(off) for nb, off in NEIGHBOURHOODS.items()}
_WINDOW_STATE = ((np.arange(512) & CENTRE_BIT) != 0).astype(np.int64)


# A half of a B/S string: count digits, Hensel letters, '-', and other letters (so that a
# wrong letter is named); not b, s, h, v, which delimit the halves and name neighbourhoods.
_PART = r"[0-9ac-gi-rtuw-z\-]*"
_BS = re.compile(rf"^b(?P<b>{_PART})[/_]?s(?P<s>{_PART})(?P<x>[vh]?)$")
_SB = re.compile(rf"^s(?P<s>{_PART})[/_]?b(?P<b>{_PART})(?P<x>[vh]?)$")
_LEGACY = re.compile(rf"^(?P<s>{_PART})[/_](?P<b>{_PART})(?P<x>[vh]?)$")


def _read_only(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def _check_topology(topology: object) -> Optional[Topology]:
    if topology is None or isinstance(topology, Topology):
        return topology
    if isinstance(topology, str):
        return parse_topology(topology[1:] if topology.startswith(":") else topology)
    raise RuleError(
        f"topology must be None, a Topology or a suffix such as ':T64,64', got {topology!r}"
    )


def _check_counts(label: str, counts: object, neighbourhood: str) -> frozenset[int]:
    size = len(NEIGHBOURHOODS[neighbourhood])
    if isinstance(counts, (str, bytes)) or not isinstance(counts, Iterable):
        raise RuleError(f"{label} counts must be a collection of integers, got {counts!r}")
    out = set()
    for c in counts:  # stops at the first bad count, however many are given
        if isinstance(c, bool) or not isinstance(c, Integral):
            raise RuleError(f"{label} counts must be integers, got {shorten(repr(c))}")
        if not 0 <= c <= size:
            raise RuleError(
                f"{label} count {int(c)} impossible: the {neighbourhood} neighbourhood "
                f"has {size} cells"
            )
        out.add(int(c))
    return frozenset(out)


def _check_zero_one(table: object, shape: tuple[int, ...], what: str) -> np.ndarray:
    """A 0/1 table of ``shape`` as uint8; RuleError for anything else (2, 0.5, -1, NaN...)."""
    try:
        array = np.asarray(table)
    except (TypeError, ValueError):
        raise RuleError(f"{what} must be an array of 0/1 values") from None
    if array.dtype.kind not in "biuf":
        raise RuleError(f"{what} must be numeric 0/1 values, got dtype {array.dtype}")
    if array.shape != shape:
        raise RuleError(f"{what} must have shape {shape}, got {array.shape}")
    bad = ~((array == 0) | (array == 1))
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise RuleError(f"{what} values must be 0 or 1, got {array[where]!r} at index {where}")
    return array.astype(np.uint8)


class _RuleMethods:
    """Behaviour the three rule families share (they differ in what defines them)."""

    topology: Optional[Topology]
    family: str

    @property
    def window_table(self) -> np.ndarray:
        """Next state of each 3x3 window, by Golly's index: shape (512,), uint8, read-only."""
        return self._window  # type: ignore[attr-defined]

    @property
    def offsets(self) -> tuple[tuple[int, int], ...]:
        """Neighbour offsets ``(d_row, d_col)``."""
        return NEIGHBOURHOODS[self.neighbourhood]  # type: ignore[attr-defined]

    @property
    def size(self) -> int:
        """Number of neighbours (8, 4 or 6)."""
        return len(self.offsets)

    def with_topology(self, topology: Union[Topology, str, None]):
        """The same rule on another bounded grid.

        Parameters
        ----------
        topology : Topology, str or None
            ``Topology("T", 64, 64)``, a suffix such as ``":T64,64"``, or None (unbounded).

        Returns
        -------
        Rule, IsotropicRule or MapRule
            A new rule of the same class.

        Raises
        ------
        RuleError
            For a suffix `lifecore.rules.base.parse_topology` refuses.
        """
        return dataclasses.replace(self, topology=topology)

    @classmethod
    def parse(cls, text: str) -> AnyRule:
        """Read any rule string; see `parse_rule` (the result is the smallest family)."""
        return parse_rule(text)

    def _suffix(self) -> str:
        return "" if self.topology is None else str(self.topology)

    def __repr__(self) -> str:
        return f"{type(self).__name__}('{self}')"


@dataclass(frozen=True, repr=False)
class Rule(_RuleMethods):
    """An outer-totalistic rule: ``birth`` and ``survival`` count sets on a neighbourhood.

    Parameters
    ----------
    birth, survival : iterable of int
        Live-neighbour counts (0..size) that turn a dead cell on / keep a live cell on.
    neighbourhood : {"moore", "vonneumann", "hex"}
    topology : Topology, str or None
        Golly bounded grid (``":T64,64"``), None for an unbounded grid.

    Raises
    ------
    RuleError
        For an unknown neighbourhood or a count that is not an integer in 0..size.
    """

    birth: frozenset[int]
    survival: frozenset[int]
    neighbourhood: str = "moore"
    topology: Optional[Topology] = None
    _table: np.ndarray = field(init=False, repr=False, compare=False, hash=False)
    _window: np.ndarray = field(init=False, repr=False, compare=False, hash=False)

    family = "outer-totalistic"

    def __post_init__(self) -> None:
        if not isinstance(self.neighbourhood, str) or self.neighbourhood not in NEIGHBOURHOODS:
            raise RuleError(
                f"unknown neighbourhood {self.neighbourhood!r}; "
                f"expected one of {sorted(NEIGHBOURHOODS)}"
            )
        size = len(NEIGHBOURHOODS[self.neighbourhood])
        for label in ("birth", "survival"):
            counts = _check_counts(label, getattr(self, label), self.neighbourhood)
            object.__setattr__(self, label, counts)
        object.__setattr__(self, "topology", _check_topology(self.topology))
        table = np.zeros((2, size + 1), dtype=np.uint8)
        table[0, sorted(self.birth)] = 1
        table[1, sorted(self.survival)] = 1
        window = table[_WINDOW_STATE, _WINDOW_COUNTS[self.neighbourhood]]
        object.__setattr__(self, "_table", _read_only(table))
        object.__setattr__(self, "_window", _read_only(window))

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
        """Build a rule back from a ``(2, size + 1)`` 0/1 next-state table.

        Parameters
        ----------
        table : array_like, shape (2, size + 1)
            ``table[state, count]``, numeric 0/1.
        neighbourhood : {"moore", "vonneumann", "hex"}

        Returns
        -------
        Rule

        Raises
        ------
        RuleError
            For an unknown neighbourhood, a wrong shape, or a value other than 0 and 1
            (2, 0.5, -1 and NaN are refused, not rounded).
        """
        if neighbourhood not in NEIGHBOURHOODS:
            raise RuleError(f"unknown neighbourhood {neighbourhood!r}")
        size = len(NEIGHBOURHOODS[neighbourhood])
        table = _check_zero_one(table, (2, size + 1), f"a {neighbourhood} rule table")
        return cls(
            birth=frozenset(np.flatnonzero(table[0]).tolist()),
            survival=frozenset(np.flatnonzero(table[1]).tolist()),
            neighbourhood=neighbourhood,
        )

    def __str__(self) -> str:
        digits = lambda counts: "".join(str(c) for c in sorted(counts))  # noqa: E731
        text = f"B{digits(self.birth)}/S{digits(self.survival)}{_SUFFIX[self.neighbourhood]}"
        return text + self._suffix()


@dataclass(frozen=True, repr=False)
class IsotropicRule(_RuleMethods):
    """An isotropic non-totalistic rule in Hensel notation (Moore neighbourhood).

    Parameters
    ----------
    birth, survival : iterable of str
        Hensel class names from `HENSEL_CLASSES` (``"0"``, ``"2a"``, ``"3c"``, ``"8"``);
        a bare digit such as ``"3"`` stands for all classes with that count.
    topology : Topology, str or None
        Golly bounded grid, None for an unbounded grid.

    Raises
    ------
    RuleError
        For an unknown class name.

    Notes
    -----
    The constructor keeps what it is given even when the rule is outer-totalistic;
    `parse_rule` and `from_window_table` return the smallest family instead.
    """

    birth: frozenset[str]
    survival: frozenset[str]
    topology: Optional[Topology] = None
    _table: np.ndarray = field(init=False, repr=False, compare=False, hash=False)
    _window: np.ndarray = field(init=False, repr=False, compare=False, hash=False)

    family = "isotropic"
    neighbourhood = "moore"

    def __post_init__(self) -> None:
        for label in ("birth", "survival"):
            object.__setattr__(self, label, check_class_names(getattr(self, label), label))
        object.__setattr__(self, "topology", _check_topology(self.topology))
        table = np.stack([class_mask(self.birth), class_mask(self.survival)])
        window = table[_WINDOW_STATE, CLASS_OF_WINDOW]
        object.__setattr__(self, "_table", _read_only(table))
        object.__setattr__(self, "_window", _read_only(window))

    @property
    def table(self) -> np.ndarray:
        """``table[state, k]``: next state for class ``HENSEL_CLASSES[k]``: (2, 51), uint8."""
        return self._table

    @property
    def classes(self) -> list[tuple[int, str]]:
        """The 102 (state, Hensel class) pairs, dead cell first."""
        return list(ISOTROPIC_CLASSES)

    @staticmethod
    def class_name(state: int, name: str) -> str:
        """Transition symbol of a class: ``B2a`` (dead cell) or ``S2a`` (live cell)."""
        return isotropic_class_name(state, name)

    @classmethod
    def from_table(cls, table: np.ndarray) -> IsotropicRule:
        """Build the rule from a 0/1 table over `HENSEL_CLASSES`.

        Parameters
        ----------
        table : array_like, shape (2, 51)
            ``table[state, k]`` is the next state for class ``HENSEL_CLASSES[k]``.

        Returns
        -------
        IsotropicRule

        Raises
        ------
        RuleError
            For a wrong shape or a value other than 0 and 1.
        """
        table = _check_zero_one(table, (2, len(HENSEL_CLASSES)), "an isotropic rule table")
        names = lambda row: frozenset(HENSEL_CLASSES[k] for k in np.flatnonzero(row))  # noqa: E731
        return cls(names(table[0]), names(table[1]))

    def __str__(self) -> str:
        birth, survival = format_hensel_part(self.birth), format_hensel_part(self.survival)
        return f"B{birth}/S{survival}{self._suffix()}"


@dataclass(frozen=True, repr=False)
class MapRule(_RuleMethods):
    """Any rule of the 3x3 window: Golly's ``MAP`` string (Moore neighbourhood).

    Parameters
    ----------
    code : str
        The base64 part after ``MAP``: 86 characters, or Golly's 22 (hexagonal) or 6 (von
        Neumann), optionally with ``==``; it is stored as the 86-character Moore form, in
        Golly's canonical form.
    topology : Topology, str or None
        Golly bounded grid, None for an unbounded grid.

    Raises
    ------
    RuleError
        For a wrong length or a character outside base64.
    """

    code: str
    topology: Optional[Topology] = None
    _window: np.ndarray = field(init=False, repr=False, compare=False, hash=False)

    family = "map"
    neighbourhood = "moore"

    def __post_init__(self) -> None:
        if not isinstance(self.code, str):
            raise RuleError(f"a MAP code must be a string, got {type(self.code).__name__}")
        window = decode_map(self.code)
        object.__setattr__(self, "code", encode_map(window))
        object.__setattr__(self, "topology", _check_topology(self.topology))
        object.__setattr__(self, "_window", _read_only(window))

    @classmethod
    def from_window_table(cls, table: np.ndarray) -> MapRule:
        """The MAP rule of a window table (`from_window_table` gives the smallest family instead).

        Parameters
        ----------
        table : array_like, shape (512,)
            0/1 next state of each window, by Golly's index.

        Returns
        -------
        MapRule

        Raises
        ------
        RuleError
            For a wrong shape or a value other than 0 and 1.
        """
        return cls(encode_map(_check_zero_one(table, (512,), "a window table")))

    def __str__(self) -> str:
        return f"MAP{self.code}{self._suffix()}"


AnyRule = Union[Rule, IsotropicRule, MapRule]
RuleLike = Union[Rule, IsotropicRule, MapRule, str]
_RULE_TYPES = (Rule, IsotropicRule, MapRule)


def _constant_on(table: np.ndarray, classes: np.ndarray, n: int) -> Optional[np.ndarray]:
    """Per-class value if ``table`` is constant on each class, else None."""
    ones = np.bincount(classes, weights=table, minlength=n)
    total = np.bincount(classes, minlength=n)
    if not ((ones == 0) | (ones == total)).all():
        return None
    return (ones > 0).astype(np.uint8)


def from_window_table(table: np.ndarray, topology: Union[Topology, str, None] = None) -> AnyRule:
    """The smallest-family rule whose window table is ``table``.

    Tries outer-totalistic on Moore, then von Neumann, then hex, then isotropic, and
    falls back to MAP.

    Parameters
    ----------
    table : array_like, shape (512,)
        0/1 next state of each window, by Golly's index (`window_index`).
    topology : Topology, str or None
        Bounded grid given to the result.

    Returns
    -------
    Rule, IsotropicRule or MapRule

    Raises
    ------
    RuleError
        For a wrong shape or a value other than 0 and 1.
    """
    window = _check_zero_one(table, (512,), "a window table")
    for nb in NEIGHBOURHOODS:
        size = len(NEIGHBOURHOODS[nb])
        values = _constant_on(window, _WINDOW_STATE * (size + 1) + _WINDOW_COUNTS[nb], 2 * size + 2)
        if values is not None:
            return Rule.from_table(values.reshape(2, size + 1), nb).with_topology(topology)
    n = len(HENSEL_CLASSES)
    values = _constant_on(window, _WINDOW_STATE * n + CLASS_OF_WINDOW, 2 * n)
    if values is not None:
        return IsotropicRule.from_table(values.reshape(2, n)).with_topology(topology)
    return MapRule(encode_map(window), topology)


def _parse_bs(body: str, text: str) -> AnyRule:
    """Read lower-case B/S text (no spaces, no suffix); Hensel letters make it isotropic."""
    for pattern in (_BS, _SB, _LEGACY):
        match = pattern.match(body)
        if match:
            break
    else:
        raise RuleError(
            f"cannot read rule {shorten(text)}: expected B/S notation such as 'B3/S23', "
            f"'B13/S012V', 'B2/S34H', legacy '23/3', Hensel notation such as 'B2-a/S12', "
            f"a MAP string, or a known name such as 'HighLife'"
        )
    neighbourhood = _FROM_SUFFIX[match["x"]]
    birth, survival = match["b"], match["s"]
    if not re.search(r"[a-z\-]", birth + survival):
        return Rule(
            birth=frozenset(int(c) for c in birth),
            survival=frozenset(int(c) for c in survival),
            neighbourhood=neighbourhood,
        )
    if neighbourhood != "moore":
        raise RuleError(
            f"Hensel letters need the Moore neighbourhood (as in Golly), "
            f"but rule {shorten(text)} names the {neighbourhood} one"
        )
    rule = IsotropicRule(parse_hensel_part(birth, "birth"), parse_hensel_part(survival, "survival"))
    return from_window_table(rule.window_table)


def _parse_body(body: str, text: str) -> AnyRule:
    if body[:3].lower() == "map":
        return from_window_table(MapRule(body[3:]).window_table)
    return _parse_bs(body.lower(), text)


def parse_rule(text: str) -> AnyRule:
    """Read a rule string as Golly does, returning the smallest family that holds it.

    Accepts B/S notation (``B3/S23``, ``S23/B3``, legacy ``23/3``, a ``V``/``H``
    neighbourhood suffix), Hensel notation (``B2-a/S12``, Moore only), ``MAP`` strings, and
    the names in `NAMED_RULES` (case, spaces and punctuation ignored), each optionally
    followed by a bounded-grid suffix (``:T64,64``, ``:P64,64``). Spaces are ignored, as in
    Golly; only ASCII is read (``B３/S２３`` is refused).

    Parameters
    ----------
    text : str

    Returns
    -------
    Rule, IsotropicRule or MapRule
        A `Rule` for B/S text without letters (with the neighbourhood it names); otherwise
        the smallest family holding the rule (`from_window_table`).

    Raises
    ------
    RuleError
        Naming the problem: malformed text, letters impossible for a count, bad base64,
        a wrong MAP length, an unsupported grid, a string longer than 2000 characters.
    """
    if not isinstance(text, str):
        raise RuleError(f"a rule must be a string, got {type(text).__name__}")
    raw = text.strip()
    if not raw:
        raise RuleError("empty rule string")
    if len(raw) > MAX_RULE_LENGTH:
        raise RuleError(
            f"rule string {shorten(raw)} is too long (Golly's limit is {MAX_RULE_LENGTH})"
        )
    body, colon, suffix = raw.partition(":")
    named = rule_for_name(body)
    checked = suffix if named else raw
    if not checked.isascii():
        odd = next(ch for ch in checked if not ch.isascii())
        raise RuleError(f"rule {shorten(text)} holds the non-ASCII character {odd!r}")
    topology = parse_topology(re.sub(r"\s+", "", suffix)) if colon else None
    rule = _parse_body(named or re.sub(r"\s+", "", body), text)
    return rule.with_topology(topology) if topology is not None else rule


def as_rule(rule: RuleLike) -> AnyRule:
    """Accept a rule object of any family or any string `parse_rule` reads.

    Parameters
    ----------
    rule : Rule, IsotropicRule, MapRule or str

    Returns
    -------
    Rule, IsotropicRule or MapRule
        ``rule`` itself when it is already a rule object.

    Raises
    ------
    RuleError
        For a string `parse_rule` refuses, or anything that is neither a rule nor a string.
    """
    if isinstance(rule, _RULE_TYPES):
        return rule
    return parse_rule(rule)


def all_counts(neighbourhood: str) -> Iterable[int]:
    """Counts 0..size of a neighbourhood."""
    return range(len(NEIGHBOURHOODS[neighbourhood]) + 1)
