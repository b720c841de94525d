"""What every rule family shares: the error type and Golly's bounded-grid suffix.

Golly appends a bounded grid to any rule string after a colon: ``B3/S23:T64,64`` is Life on
a 64 x 64 torus, ``B3/S23:P64,64`` on a 64 x 64 plane whose outside cells stay dead. The
suffix belongs to the rule string (RLE files carry it in their ``rule =`` header), so the
rule objects keep it as their ``topology`` and write it back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from numbers import Integral
from typing import Optional

from ..errors import LifecoreError

__all__ = ["RuleError", "Topology", "parse_topology", "shorten"]

#: Golly keeps grid sizes within this bound (``lifealgo::setgridsize``).
MAX_GRID_SIZE = 2_000_000_000

_SUFFIX = re.compile(r"^(?P<kind>[TtPp])(?P<w>[0-9]{1,10})(?:,(?P<h>[0-9]{1,10}))?$")
_UNSUPPORTED = {"K": "Klein bottle", "C": "cross-surface", "S": "sphere"}


class RuleError(LifecoreError):
    """A rule string or rule definition that cannot be read."""


def shorten(text: str, limit: int = 40) -> str:
    """``repr`` of ``text``, cut to its first ``limit`` characters plus its length if longer.

    A rejected rule string may be huge (a pasted file); messages name it without
    repeating all of it.
    """
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text)} characters)"


@dataclass(frozen=True)
class Topology:
    """A Golly bounded grid: ``kind`` "T" (torus) or "P" (plane, dead outside), and its size.

    ``str(topology)`` is Golly's canonical suffix, e.g. ``":T64,64"``; ``width`` is the
    number of columns and ``height`` the number of rows of a board on that grid.
    """

    kind: str
    width: int
    height: int

    def __post_init__(self) -> None:
        if self.kind not in ("T", "P"):
            raise RuleError(
                f"bounded grid kind must be 'T' (torus) or 'P' (plane), got {self.kind!r}"
            )
        for label, value in (("width", self.width), ("height", self.height)):
            if isinstance(value, bool) or not isinstance(value, Integral):
                raise RuleError(f"bounded grid {label} must be an integer, got {value!r}")
            if not 1 <= value <= MAX_GRID_SIZE:
                raise RuleError(
                    f"bounded grid {label} must be from 1 to {MAX_GRID_SIZE}, got {value} "
                    f"(unbounded or infinite-tube grids are not supported)"
                )
            object.__setattr__(self, label, int(value))

    @property
    def shape(self) -> tuple[int, int]:
        """``(height, width)``: the board shape this grid holds."""
        return (self.height, self.width)

    def __str__(self) -> str:
        return f":{self.kind}{self.width},{self.height}"


def parse_topology(suffix: str) -> Optional[Topology]:
    """Read the part of a rule string after its colon, as Golly does.

    Parameters
    ----------
    suffix : str
        The text after ``:``, such as ``"T64,64"``, ``"P10,20"`` or ``"T64"`` (a square
        grid). An empty suffix means an unbounded grid, as in Golly.

    Returns
    -------
    Topology or None
        None for an unbounded grid.

    Raises
    ------
    RuleError
        For Golly topologies this library does not simulate (Klein bottle ``K``,
        cross-surface ``C``, sphere ``S``, shifted tori, infinite tubes) and malformed text.
    """
    if suffix == "":
        return None
    head = suffix[:1].upper()
    if head in _UNSUPPORTED:
        raise RuleError(
            f"Golly's {_UNSUPPORTED[head]} grid {shorten(':' + suffix)} is not supported; "
            f"use ':T<width>,<height>' (torus) or ':P<width>,<height>' (plane)"
        )
    match = _SUFFIX.match(suffix)
    if not match:
        raise RuleError(
            f"cannot read bounded grid suffix {shorten(':' + suffix)}: expected "
            f"':T<width>,<height>' or ':P<width>,<height>' with decimal sizes"
        )
    width = int(match["w"])
    height = width if match["h"] is None else int(match["h"])
    return Topology(match["kind"].upper(), width, height)
