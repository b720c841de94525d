"""Read and write two-state patterns in Golly/LifeWiki RLE (and read plaintext ``.cells``).

RLE is how patterns are shared on LifeWiki and in Golly, so the book's known patterns
(gliders, guns, methuselahs) are stored as RLE text rather than hand-typed arrays: the
text can be pasted straight from the wiki and checked against it.

Format (https://conwaylife.com/wiki/Run_Length_Encoded)::

    #N Glider
    #C A comment.
    x = 3, y = 3, rule = B3/S23
    bob$2bo$3o!

``b``/``.`` is a dead cell, ``o``/``A`` a live one, ``$`` ends a row, a number before a
tag repeats it, ``!`` ends the pattern. Only two-state patterns are read. The rule may be
any rule `lifecore.rules.parse_rule` reads (B/S, Hensel, MAP, a name), with a Golly
bounded-grid suffix (``B3/S23:T64,64``); a ``#CXRLE Pos=x,y`` line gives the pattern's
position. Plaintext (``!Name: ...`` then rows of ``.`` and ``O``) is recognised from the
text.

Hostile input ends in `RLEError` naming the line: sizes are checked before anything is
allocated (at most `MAX_CELLS` cells unless ``max_cells`` says otherwise), counts and sizes
must be ASCII decimal numbers of reasonable length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from numbers import Integral
from os import PathLike
from pathlib import Path
from typing import Iterable, Optional, Union

import numpy as np

from .errors import LifecoreError
from .files import atomic_write_bytes
from .rules import AnyRule, RuleError, RuleLike, as_rule
from .rules.base import Topology, parse_topology, shorten

__all__ = [
    "Pattern",
    "RLEError",
    "MAX_CELLS",
    "loads",
    "dumps",
    "load",
    "dump",
    "loads_plaintext",
    "dumps_plaintext",
]

#: Longest line `dumps` writes (LifeWiki and Golly use 70).
LINE_WIDTH = 70
#: Most cells (width x height) `loads` allocates unless told otherwise: 2**26 (64 MiB).
MAX_CELLS = 1 << 26
#: Most digits read in a size or run count (10**12 cells is far beyond any board).
MAX_DIGITS = 12

_DEAD = frozenset("b.")
_ALIVE = frozenset("oA")
_DIGITS = frozenset("0123456789")
_LINES = re.compile(r"\r\n|\r|\n")
_HEADER = re.compile(
    r"^x\s*=\s*(?P<x>[^,]*?)\s*,\s*y\s*=\s*(?P<y>[^,]*?)\s*(?:,\s*rule\s*=\s*(?P<rule>.*?))?\s*$",
    re.IGNORECASE,
)
_CXRLE_POS = re.compile(r"Pos\s*=\s*(-?[0-9]{1,12})\s*,\s*(-?[0-9]{1,12})(?:\s|$)")
_CXRLE_GEN = re.compile(r"Gen\s*=\s*([0-9]{1,100})(?:\s|$)")
_PLAIN_ROW = re.compile(r"^[.O*]*$")


class RLEError(LifecoreError):
    """RLE text that cannot be read, or cells that cannot be written."""


def _check_text(label: str, text: Optional[str]) -> Optional[str]:
    if text is None or text == "":
        return None
    if not isinstance(text, str):
        raise RLEError(f"{label} must be text, got {type(text).__name__}")
    if "\n" in text or "\r" in text:
        raise RLEError(f"{label} must be one line, got {shorten(text)}")
    return text


def _check_position(position: object) -> tuple[int, int]:
    ok = isinstance(position, (tuple, list)) and len(position) == 2
    if not ok or not all(isinstance(v, Integral) and not isinstance(v, bool) for v in position):
        raise RLEError(f"position must be two integers (x, y), got {position!r}")
    return (int(position[0]), int(position[1]))


@dataclass(frozen=True, eq=False)
class Pattern:
    """A pattern read from RLE.

    ``cells`` is a read-only uint8 ``(H, W)`` array of the header's full ``y`` by ``x``
    size; ``rule`` is None when the file names none (Golly then assumes Life);
    ``topology`` is the rule's Golly bounded grid (`lifecore.rules.Topology`, e.g.
    ``:T100,100``) or None; ``position`` is ``(x, y)`` of the top-left cell from a
    ``#CXRLE Pos=`` line and ``generation`` its ``Gen=``, or None.

    A topology given without a rule applies to Life, Golly's default rule.
    """

    cells: np.ndarray
    rule: Optional[AnyRule] = None
    name: Optional[str] = None
    comments: tuple[str, ...] = ()
    author: Optional[str] = None
    topology: Optional[Topology] = None
    position: Optional[tuple[int, int]] = None
    generation: Optional[int] = None
    _key: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        cells = np.array(_board(self.cells), dtype=np.uint8, copy=True)
        cells.setflags(write=False)
        object.__setattr__(self, "cells", cells)
        object.__setattr__(self, "_key", cells.shape.__repr__().encode() + cells.tobytes())
        self._settle_rule()
        _check_fits_grid(cells.shape[1], cells.shape[0], self.rule)
        object.__setattr__(self, "name", _check_text("name", self.name))
        object.__setattr__(self, "author", _check_text("author", self.author))
        comments = tuple(self.comments)
        for c in comments:
            _check_text("comment", c if c else None)
        object.__setattr__(self, "comments", comments)
        if self.position is not None:
            object.__setattr__(self, "position", _check_position(self.position))

    def _settle_rule(self) -> None:
        """Make ``rule`` a rule object and ``topology`` the rule's grid."""
        topology = self.topology
        if isinstance(topology, str):
            topology = parse_topology(topology[1:] if topology.startswith(":") else topology)
        rule = None if self.rule is None else as_rule(self.rule)
        if topology is not None and rule is None:
            rule = as_rule("B3/S23")
        if rule is not None and topology is not None and rule.topology != topology:
            if rule.topology is not None:
                raise RLEError(f"topology {topology} differs from the rule's {rule}")
            rule = rule.with_topology(topology)
        object.__setattr__(self, "rule", rule)
        object.__setattr__(self, "topology", None if rule is None else rule.topology)

    @property
    def shape(self) -> tuple[int, int]:
        return self.cells.shape  # type: ignore[return-value]

    @property
    def population(self) -> int:
        """Number of live cells."""
        return int(self.cells.sum())

    def _fields(self) -> tuple:
        return (self._key, self.rule, self.name, self.comments, self.author, self.position)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pattern):
            return NotImplemented
        return self._fields() + (self.generation,) == other._fields() + (other.generation,)

    def __hash__(self) -> int:
        return hash((self._key, self.rule, self.name))

    def __repr__(self) -> str:
        h, w = self.shape
        label = f"{self.name!r}, " if self.name else ""
        return f"Pattern({label}{h}x{w}, population={self.population}, rule={self.rule})"


def _lines(text: str) -> list[str]:
    """Split on line ends only (not on the other separators `str.splitlines` knows)."""
    if not isinstance(text, str):
        raise RLEError(f"RLE must be text, got {type(text).__name__}")
    return _LINES.split(text[1:] if text.startswith("\ufeff") else text)


def _is_plaintext(lines: list[str]) -> bool:
    first = next((line.strip() for line in lines if line.strip()), "")
    return first.startswith("!") or (first != "" and bool(_PLAIN_ROW.match(first)))


def loads(text: str, max_cells: int = MAX_CELLS) -> Pattern:
    """Parse RLE (or plaintext ``.cells``) text into a `Pattern`.

    A missing final ``!`` is tolerated (as Golly does); anything after ``!`` is ignored. A
    UTF-8 byte-order mark is skipped.

    Parameters
    ----------
    text : str
    max_cells : int
        Largest ``x * y`` read; larger headers are refused before any allocation.

    Returns
    -------
    Pattern

    Raises
    ------
    RLEError
        Naming the line at fault: no or garbled header, a size or count that is not an
        ASCII decimal number or is too large, too many cells, a bad rule, an unknown
        character, a zero or dangling run count, cells beyond the header's size, a pattern
        larger than its rule's bounded grid.
    """
    if isinstance(max_cells, bool) or not isinstance(max_cells, Integral) or max_cells < 0:
        raise RLEError(f"max_cells must be a non-negative integer, got {max_cells!r}")
    lines = _lines(text)
    if _is_plaintext(lines):
        return _read_plaintext(lines, max_cells)
    meta, header_at = _read_comments(lines)
    width, height, rule = _read_header(lines[header_at], header_at + 1, max_cells, meta)
    _check_fits_grid(width, height, rule, header_at + 1)
    cells = _read_cells(lines, header_at + 1, width, height)
    return Pattern(cells=cells, rule=rule, **meta)


def _check_fits_grid(
    width: int, height: int, rule: Optional[AnyRule], lineno: Optional[int] = None
) -> None:
    """A pattern larger than its rule's bounded grid is refused, as Golly refuses it."""
    grid = None if rule is None else rule.topology
    if grid is not None and (width > grid.width or height > grid.height):
        where = "" if lineno is None else f"line {lineno}: "
        raise RLEError(
            f"{where}a {width}x{height} pattern does not fit the bounded grid "
            f"{grid} ({grid.width}x{grid.height})"
        )


def _cxrle(rest: str, lineno: int, meta: dict) -> None:
    pos, gen = _CXRLE_POS.search(rest), _CXRLE_GEN.search(rest)
    if "Pos" in rest and pos is None:
        raise RLEError(f"line {lineno}: cannot read {shorten(rest)}: expected 'Pos=<x>,<y>'")
    if "Gen" in rest and gen is None:
        raise RLEError(f"line {lineno}: cannot read {shorten(rest)}: expected 'Gen=<n>'")
    if pos:
        meta["position"] = (int(pos[1]), int(pos[2]))
    if gen:
        meta["generation"] = int(gen[1])


def _read_comments(lines: list[str]) -> tuple[dict, int]:
    """The ``#`` lines before the header, and the header's line index."""
    meta: dict = {"comments": []}
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            meta["comments"] = tuple(meta["comments"])
            return meta, i
        tag, rest = stripped[:2], stripped[2:]
        rest = rest[1:] if rest.startswith(" ") else rest
        if stripped.startswith("#CXRLE"):
            _cxrle(stripped[6:], i + 1, meta)
        elif tag == "#N":
            meta["name"] = rest
        elif tag in ("#C", "#c"):
            meta["comments"].append(rest)
        elif tag == "#O":
            meta["author"] = rest
        elif tag == "#r":
            meta["_hash_rule"] = (i + 1, rest.strip())
        # #P / #R (placement) and unknown # lines are ignored, as Golly does.
    raise RLEError("no header line: expected 'x = <width>, y = <height>[, rule = ...]'")


def _size(value: str, label: str, lineno: int) -> int:
    if not value or not set(value) <= _DIGITS:
        raise RLEError(
            f"line {lineno}: {label} = {shorten(value)} is not a size (ASCII decimal digits)"
        )
    if len(value) > MAX_DIGITS:
        raise RLEError(f"line {lineno}: {label} = {shorten(value)} is too large")
    return int(value)


def _read_header(line: str, lineno: int, max_cells: int, meta: dict) -> tuple[int, int, object]:
    """Width, height and rule of the header line, checked before any allocation."""
    match = _HEADER.match(line.strip())
    if not match:
        raise RLEError(
            f"line {lineno}: garbled header {shorten(line.strip())}: expected "
            f"'x = <width>, y = <height>[, rule = ...]'"
        )
    width, height = _size(match["x"], "x", lineno), _size(match["y"], "y", lineno)
    if width * height > max_cells:
        raise RLEError(
            f"line {lineno}: x = {width}, y = {height} is {width * height:,} cells, over the "
            f"limit of {max_cells:,} (pass max_cells= to read larger patterns)"
        )
    rule_text, rule_line = match["rule"], lineno
    hash_rule = meta.pop("_hash_rule", None)
    if rule_text is None and hash_rule is not None:
        rule_line, rule_text = hash_rule
    if rule_text is None:
        return width, height, None
    try:
        return width, height, as_rule(rule_text)
    except RuleError as err:
        raise RLEError(
            f"line {rule_line}: bad rule {shorten(rule_text)} in header: {err}"
        ) from None


def _read_cells(lines: list[str], start: int, width: int, height: int) -> np.ndarray:
    """Decode the run-length body from line index ``start`` into a (height, width) array."""
    cells = np.zeros((height, width), dtype=np.uint8)
    row = col = 0
    count, count_line = "", 0
    for lineno in range(start + 1, len(lines) + 1):
        for ch in lines[lineno - 1]:
            if ch in _DIGITS:
                count, count_line = count + ch, lineno
                if len(count) > MAX_DIGITS:
                    raise RLEError(f"line {lineno}: run count {shorten(count)}... is too large")
                continue
            if ch.isspace():
                continue
            n = int(count) if count else 1
            if ch == "!":
                if count:
                    raise RLEError(f"line {lineno}: run count {count} before '!' has no tag")
                return cells
            count = ""
            if n == 0:
                raise RLEError(f"line {lineno}: run count 0 before {ch!r}")
            if ch == "$":
                row, col = row + n, 0
            elif ch in _DEAD or ch in _ALIVE:
                if row >= height or col + n > width:
                    raise RLEError(
                        f"line {lineno}: pattern larger than the header's x = {width}, "
                        f"y = {height} (cell run reaches row {row + 1}, column {col + n})"
                    )
                cells[row, col : col + n] = ch in _ALIVE
                col += n
            else:
                raise RLEError(
                    f"line {lineno}: unknown character {ch!r} in pattern data "
                    f"(two-state RLE uses b . o A $ ! and ASCII run counts)"
                )
    if count:
        raise RLEError(f"line {count_line}: run count {count} at the end has no tag after it")
    return cells


def _read_plaintext(lines: list[str], max_cells: int) -> Pattern:
    """Golly/LifeWiki plaintext: ``!Name:`` and ``!`` comment lines, then ``.``/``O`` rows."""
    name, comments, rows = None, [], []
    for lineno, line in enumerate(lines, start=1):
        text = line.rstrip()
        if text.startswith("!"):
            if rows:
                raise RLEError(f"line {lineno}: '!' comment line after the pattern's rows")
            body = text[1:]
            if body.startswith("Name:"):
                name = body[5:].strip() or None
            else:
                comments.append(body[1:] if body.startswith(" ") else body)
            continue
        if not _PLAIN_ROW.match(text):
            bad = next(ch for ch in text if ch not in ".O*")
            raise RLEError(f"line {lineno}: unknown character {bad!r} in plaintext pattern")
        if text or rows:
            rows.append(text)
    while rows and not rows[-1]:
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    if width * len(rows) > max_cells:
        raise RLEError(f"plaintext pattern of {width * len(rows):,} cells is over {max_cells:,}")
    cells = np.zeros((len(rows), width), dtype=np.uint8)
    for r, text in enumerate(rows):
        cells[r, : len(text)] = [ch != "." for ch in text]
    return Pattern(cells=cells, name=name, comments=tuple(comments))


def loads_plaintext(text: str, max_cells: int = MAX_CELLS) -> Pattern:
    """Parse plaintext ``.cells`` text (what `loads` does when it recognises the format).

    Parameters
    ----------
    text : str
        ``!Name: ...`` and ``!`` comment lines, then rows of ``.`` (dead) and ``O`` or ``*``
        (alive); short rows are padded with dead cells.
    max_cells : int
        Largest board read.

    Returns
    -------
    Pattern
        Without a rule (plaintext names none).

    Raises
    ------
    RLEError
        For an unknown character or a comment line after the rows, naming the line.
    """
    return _read_plaintext(_lines(text), max_cells)


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


def _board(cells: np.ndarray) -> np.ndarray:
    try:
        board = np.asarray(cells)
    except (TypeError, ValueError):
        raise RLEError("RLE cells must be a 2-D array of 0/1 values") from None
    if board.ndim != 2:
        raise RLEError(f"RLE holds one 2-D board, got shape {board.shape}")
    if board.dtype.kind not in "biuf" or not ((board == 0) | (board == 1)).all():
        raise RLEError("RLE cells must be 0/1 values")
    return board.astype(np.uint8)


def _body(board: np.ndarray) -> list[str]:
    """Run-length lines of a board, each at most `LINE_WIDTH` characters, ending in ``!``."""
    tokens: list[str] = []
    pending_rows = 0  # row ends not yet written
    for r in range(board.shape[0]):
        runs = _runs(board[r])
        if not runs:
            pending_rows += 1
            continue
        if pending_rows:  # end the previous row and skip empty ones in one token
            tokens.append(_token(pending_rows, "$"))
        tokens.extend(_token(n, "o" if v else "b") for n, v in runs)
        pending_rows = 1
    tokens.append("!")
    out, line = [], ""
    for tok in tokens:
        if len(line) + len(tok) > LINE_WIDTH:
            out.append(line)
            line = ""
        line += tok
    out.append(line)
    return out


def dumps(
    cells: Union[np.ndarray, Pattern],
    rule: Optional[RuleLike] = None,
    name: Optional[str] = None,
    comments: Iterable[str] = (),
    author: Optional[str] = None,
    position: Optional[tuple[int, int]] = None,
) -> str:
    """Write a 0/1 ``(H, W)`` board as RLE; the header keeps the full board size.

    Trailing dead cells of a row and trailing empty rows are omitted (they are implied by
    the header), so ``loads(dumps(b)).cells`` equals ``b`` exactly. Passing a `Pattern`
    writes its own rule (with its bounded-grid suffix), name, comments, author and
    position unless overridden; `loads` reads every one of them back.

    Parameters
    ----------
    cells : numpy.ndarray or Pattern
        0/1 board, shape (H, W).
    rule : rule or str, optional
        Any rule family; its ``topology`` is written as Golly's suffix (``:T64,64``).
    name, author : str, optional
        One line each (``#N``, ``#O``).
    comments : iterable of str
        One ``#C`` line each.
    position : (int, int), optional
        ``(x, y)`` written as ``#CXRLE Pos=x,y``.

    Returns
    -------
    str
        RLE text, lines of at most `LINE_WIDTH` characters, ending in a newline.

    Raises
    ------
    RLEError
        For cells that are not a 2-D 0/1 board, or a name, author or comment that is not
        one line of text.
    lifecore.rules.RuleError
        For a rule string that cannot be read.
    """
    generation = None
    if isinstance(cells, Pattern):
        rule = cells.rule if rule is None else rule
        name = cells.name if name is None else name
        comments = comments or cells.comments
        author = cells.author if author is None else author
        position = cells.position if position is None else position
        generation, cells = cells.generation, cells.cells
    pattern = Pattern(
        _board(cells), rule, name, tuple(comments), author, None, position, generation
    )
    return "\n".join(_header(pattern, generation) + _body(pattern.cells)) + "\n"


def _header(pattern: Pattern, generation: Optional[int]) -> list[str]:
    """The RLE lines before the body: position and generation, name, author, comments and
    the ``x = W, y = H, rule = R`` line."""
    out: list[str] = []
    if pattern.position is not None or generation is not None:
        x, y = pattern.position or (0, 0)
        out.append(f"#CXRLE Pos={x},{y}" + ("" if generation is None else f" Gen={generation}"))
    if pattern.name is not None:
        out.append(f"#N {pattern.name}")
    if pattern.author is not None:
        out.append(f"#O {pattern.author}")
    out.extend(f"#C {c}" if c else "#C" for c in pattern.comments)
    height, width = pattern.shape
    head = f"x = {width}, y = {height}"
    out.append(head if pattern.rule is None else f"{head}, rule = {pattern.rule}")
    return out


def dumps_plaintext(cells: Union[np.ndarray, Pattern], name: Optional[str] = None) -> str:
    """Write a board as plaintext ``.cells``.

    Parameters
    ----------
    cells : numpy.ndarray or Pattern
        A 0/1 ``(H, W)`` board.
    name : str, optional
        Written as the ``!Name:`` line.

    Returns
    -------
    str
        One row per line, ``.`` dead and ``O`` alive, trailing dead cells dropped.

    Raises
    ------
    RLEError
        For cells that are not a 2-D 0/1 board or a name that is not one line.
    """
    if isinstance(cells, Pattern):
        name = cells.name if name is None else name
        cells = cells.cells
    board = _board(cells)
    head = [f"!Name: {_check_text('name', name)}"] if name else []
    rows = ["".join(".O"[v] for v in row).rstrip(".") or "." for row in board]
    return "\n".join(head + rows) + "\n"


def load(path: Union[str, PathLike], max_cells: int = MAX_CELLS) -> Pattern:
    """Read an ``.rle`` or plaintext ``.cells`` file (the format is told by its content).

    Parameters
    ----------
    path : str or PathLike
    max_cells : int
        Largest ``x * y`` read (see `loads`).

    Returns
    -------
    Pattern

    Raises
    ------
    RLEError
        Prefixed with the path: an unreadable or non-UTF-8 file, or any `loads` error.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RLEError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    except OSError as err:
        raise RLEError(f"{path}: cannot read ({err.strerror or err})") from None
    try:
        return loads(text, max_cells=max_cells)
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
    """Write `dumps` output to ``path`` atomically (`lifecore.files.atomic_write_bytes`).

    Parameters
    ----------
    cells, rule, name, comments, author
        As for `dumps`.
    path : str or PathLike

    Raises
    ------
    RLEError
        As `dumps`.
    lifecore.files.FileError
        When ``path`` cannot be written.
    """
    text = dumps(cells, rule=rule, name=name, comments=comments, author=author)
    atomic_write_bytes(path, text.encode("utf-8"))
