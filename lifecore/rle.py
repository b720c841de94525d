"""Read and write two-state patterns in Golly/LifeWiki RLE.

RLE is how patterns are shared on LifeWiki and in Golly, so the book's known patterns
(gliders, guns, methuselahs) are stored as RLE text rather than hand-typed arrays: the
text can be pasted straight from the wiki and checked against it.

Format (https://conwaylife.com/wiki/Run_Length_Encoded)::

    #N Glider
    #C A comment.
    x = 3, y = 3, rule = B3/S23
    bob$2bo$3o!

``b``/``.`` is a dead cell, ``o``/``A`` a live one, ``$`` ends a row, a number before a
tag repeats it, ``!`` ends the pattern. Only two-state patterns are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Iterable, Optional, Union

import numpy as np

from .errors import LifecoreError
from .rules import Rule, RuleError, RuleLike, as_rule

__all__ = ["Pattern", "RLEError", "loads", "dumps", "load", "dump"]

#: Longest line `dumps` writes (LifeWiki and Golly use 70).
LINE_WIDTH = 70

_DEAD = {"b", "."}
_ALIVE = {"o", "A"}
_HEADER = re.compile(
    r"^x\s*=\s*(?P<x>\d+)\s*,\s*y\s*=\s*(?P<y>\d+)\s*(?:,\s*rule\s*=\s*(?P<rule>\S+)\s*)?$",
    re.IGNORECASE,
)


class RLEError(LifecoreError):
    """RLE text that cannot be read, or cells that cannot be written."""


@dataclass(frozen=True, eq=False)
class Pattern:
    """A pattern read from RLE.

    ``cells`` is a read-only uint8 ``(H, W)`` array of the header's full ``y`` by ``x``
    size; ``rule`` is None when the file names none (Golly then assumes Life);
    ``topology`` keeps a Golly bounded-grid suffix such as ``T100,100`` if present.
    """

    cells: np.ndarray
    rule: Optional[Rule] = None
    name: Optional[str] = None
    comments: tuple[str, ...] = ()
    author: Optional[str] = None
    topology: Optional[str] = None
    _key: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        cells = np.array(self.cells, dtype=np.uint8, copy=True)
        if cells.ndim != 2:
            raise RLEError(f"pattern cells must be 2-D, got shape {cells.shape}")
        cells.setflags(write=False)
        object.__setattr__(self, "cells", cells)
        object.__setattr__(self, "comments", tuple(self.comments))
        object.__setattr__(self, "_key", cells.shape.__repr__().encode() + cells.tobytes())

    @property
    def shape(self) -> tuple[int, int]:
        return self.cells.shape  # type: ignore[return-value]

    @property
    def population(self) -> int:
        """Number of live cells."""
        return int(self.cells.sum())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pattern):
            return NotImplemented
        return (self._key, self.rule, self.name, self.comments, self.author, self.topology) == (
            other._key,
            other.rule,
            other.name,
            other.comments,
            other.author,
            other.topology,
        )

    def __hash__(self) -> int:
        return hash((self._key, self.rule, self.name))

    def __repr__(self) -> str:
        h, w = self.shape
        label = f"{self.name!r}, " if self.name else ""
        return f"Pattern({label}{h}x{w}, population={self.population}, rule={self.rule})"


def loads(text: str) -> Pattern:
    """Parse RLE text into a `Pattern`; raise `RLEError` naming the line at fault.

    A missing final ``!`` is tolerated (as Golly does); anything after ``!`` is ignored.
    """
    if not isinstance(text, str):
        raise RLEError(f"RLE must be text, got {type(text).__name__}")
    lines = text.splitlines()
    name: Optional[str] = None
    author: Optional[str] = None
    comments: list[str] = []
    hash_rule: Optional[tuple[int, str]] = None
    header_at = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            tag, rest = stripped[:2], stripped[2:].strip()
            if tag == "#N":
                name = rest or None
            elif tag in ("#C", "#c"):
                comments.append(rest)
            elif tag == "#O":
                author = rest or None
            elif tag == "#r":
                hash_rule = (i + 1, rest)
            # #P / #R (placement) and unknown # lines are ignored, as Golly does.
            continue
        header_at = i
        break
    if header_at is None:
        raise RLEError("no header line: expected 'x = <width>, y = <height>[, rule = ...]'")
    header = lines[header_at].strip()
    match = _HEADER.match(header)
    if not match:
        raise RLEError(
            f"line {header_at + 1}: garbled header {header!r}: expected "
            f"'x = <width>, y = <height>[, rule = ...]'"
        )
    width, height = int(match["x"]), int(match["y"])
    rule, topology = None, None
    rule_text, rule_line = match["rule"], header_at + 1
    if rule_text is None and hash_rule is not None:
        rule_line, rule_text = hash_rule
    if rule_text is not None:
        rule_text, _, topo = rule_text.partition(":")
        topology = topo or None
        try:
            rule = Rule.parse(rule_text)
        except RuleError as err:
            raise RLEError(f"line {rule_line}: bad rule {rule_text!r} in header: {err}") from None

    cells = np.zeros((height, width), dtype=np.uint8)
    row = col = 0
    count = ""
    done = False
    for lineno in range(header_at + 1, len(lines)):
        for ch in lines[lineno]:
            where = f"line {lineno + 1}"
            if ch.isspace():
                continue
            if ch.isdigit():
                count += ch
                continue
            n = int(count) if count else 1
            count = ""
            if ch == "!":
                done = True
                break
            if n == 0:
                raise RLEError(f"{where}: run count 0 before {ch!r}")
            if ch == "$":
                row += n
                col = 0
            elif ch in _DEAD or ch in _ALIVE:
                if row >= height or col + n > width:
                    raise RLEError(
                        f"{where}: pattern larger than the header's x = {width}, y = {height} "
                        f"(cell run reaches row {row + 1}, column {col + n})"
                    )
                if ch in _ALIVE:
                    cells[row, col : col + n] = 1
                col += n
            else:
                raise RLEError(
                    f"{where}: unknown character {ch!r} in pattern data "
                    f"(two-state RLE uses b . o A $ ! and run counts)"
                )
        if done:
            break
    if count:
        raise RLEError(f"run count {count!r} at the end of the pattern has no tag after it")
    return Pattern(
        cells=cells,
        rule=rule,
        name=name,
        comments=tuple(comments),
        author=author,
        topology=topology,
    )


def _runs(row: np.ndarray) -> list[tuple[int, int]]:
    """(length, value) runs of a row with trailing dead cells dropped."""
    alive = np.flatnonzero(row)
    if alive.size == 0:
        return []
    row = row[: alive[-1] + 1]
    edges = np.flatnonzero(np.diff(row)) + 1
    starts = np.concatenate(([0], edges))
    ends = np.concatenate((edges, [row.size]))
    return [(int(e - s), int(row[s])) for s, e in zip(starts, ends)]


def _token(n: int, tag: str) -> str:
    return f"{n}{tag}" if n > 1 else tag


def dumps(
    cells: Union[np.ndarray, Pattern],
    rule: Optional[RuleLike] = None,
    name: Optional[str] = None,
    comments: Iterable[str] = (),
    author: Optional[str] = None,
) -> str:
    """Write a 0/1 ``(H, W)`` board as RLE; the header keeps the full board size.

    Trailing dead cells of a row and trailing empty rows are omitted (they are implied
    by the header), so ``loads(dumps(b)).cells`` equals ``b`` exactly. Passing a
    `Pattern` writes its own rule, name, comments and author unless overridden.
    """
    if isinstance(cells, Pattern):
        rule = cells.rule if rule is None else rule
        name = cells.name if name is None else name
        comments = comments or cells.comments
        author = cells.author if author is None else author
        cells = cells.cells
    board = np.asarray(cells)
    if board.ndim != 2:
        raise RLEError(f"RLE holds one 2-D board, got shape {board.shape}")
    if board.dtype.kind not in "biuf" or not ((board == 0) | (board == 1)).all():
        raise RLEError("RLE cells must be 0/1 values")
    board = board.astype(np.uint8)
    rule_obj = as_rule(rule) if rule is not None else None
    for label, text in (("name", name), ("author", author), *(("comment", c) for c in comments)):
        if text is not None and ("\n" in text or "\r" in text):
            raise RLEError(f"{label} must be one line, got {text!r}")

    out: list[str] = []
    if name:
        out.append(f"#N {name}")
    if author:
        out.append(f"#O {author}")
    out.extend(f"#C {c}".rstrip() for c in comments)
    height, width = board.shape
    head = f"x = {width}, y = {height}"
    if rule_obj is not None:
        head += f", rule = {rule_obj}"
    out.append(head)

    tokens: list[str] = []
    pending_rows = 0  # row ends not yet written
    for r in range(height):
        runs = _runs(board[r])
        if not runs:
            pending_rows += 1
            continue
        if pending_rows:  # end the previous row and skip empty ones in one token
            tokens.append(_token(pending_rows, "$"))
        for n, v in runs:
            tokens.append(_token(n, "o" if v else "b"))
        pending_rows = 1
    tokens.append("!")

    line = ""
    for tok in tokens:
        if len(line) + len(tok) > LINE_WIDTH:
            out.append(line)
            line = ""
        line += tok
    out.append(line)
    return "\n".join(out) + "\n"


def load(path: Union[str, PathLike]) -> Pattern:
    """Read an ``.rle`` file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise RLEError(f"{path}: not UTF-8 text ({err})") from None
    try:
        return loads(text)
    except RLEError as err:
        raise RLEError(f"{path}: {err}") from None


def dump(
    cells: Union[np.ndarray, Pattern],
    path: Union[str, PathLike],
    rule: Optional[RuleLike] = None,
    name: Optional[str] = None,
    comments: Iterable[str] = (),
    author: Optional[str] = None,
) -> None:
    """Write `dumps` output to ``path``."""
    Path(path).write_text(
        dumps(cells, rule=rule, name=name, comments=comments, author=author), encoding="utf-8"
    )
