"""Hensel notation: the 51 neighbour classes of isotropic rules, as Golly names them.

An isotropic rule sees a cell's 8 neighbours only up to the 8 symmetries of the square.
The neighbour configurations then fall into 51 classes, named by their live count and a
letter (``2a``: two adjacent neighbours, a corner and an edge; ``2n``: two opposite
corners; ``4c``: the four corners ...), with ``0`` and ``8`` alone. With the centre cell's
state that makes 102 (state, class) pairs, so 2^102 isotropic rules.

The letters and one configuration per letter are Golly's own (``gollybase/liferules.cpp``:
``rule_letters`` and ``rule_neighborhoods``); counts 5 to 7 are the complements of counts
3 to 1 with the same letter. The canonical string (letters in alphabetical order, the
shorter of the plain and the ``-`` form, the plain one on a tie) is Golly's
``liferules::addLetters``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from .base import RuleError, shorten
from .windows import CENTRE_BIT, SYMMETRIES

__all__ = [
    "LETTERS",
    "LETTERS_BY_COUNT",
    "HENSEL_CLASSES",
    "ISOTROPIC_CLASSES",
    "CLASS_OF_WINDOW",
    "isotropic_class",
    "isotropic_class_name",
    "classes_of_count",
    "parse_hensel_part",
    "format_hensel_part",
    "check_class_names",
    "class_mask",
]

#: Golly's letter order (``rule_letters[3]``); each count uses a prefix of it.
LETTERS = "ceaiknjqrytwz"

_LETTER_COUNT = (0, 2, 6, 10, 13, 10, 6, 2, 0)

#: The Hensel letters each live-neighbour count takes, in Golly's order.
LETTERS_BY_COUNT: tuple[str, ...] = tuple(LETTERS[:n] for n in _LETTER_COUNT)

# One neighbour configuration per letter for counts 1 to 4, copied from Golly's
# liferules.cpp (``entry0``..``entry3``), in LETTERS order. Golly numbers the 9 window
# cells in a raster order that differs from the MAP order by a symmetry of the square, so
# the class (the orbit under the 8 symmetries) of each number is the same in both.
_GOLLY_REPRESENTATIVES = {
    1: (1, 2),
    2: (5, 10, 3, 40, 33, 68),
    3: (69, 42, 11, 7, 98, 13, 14, 70, 41, 97),
    4: (325, 170, 15, 45, 99, 71, 106, 102, 43, 101, 105, 78, 108),
}
_NEIGHBOURS = 0x1FF ^ CENTRE_BIT  # all 8 neighbour bits


def _class_names() -> tuple[str, ...]:
    names = ["0"]
    for count in range(1, 8):
        names.extend(f"{count}{letter}" for letter in LETTERS_BY_COUNT[count])
    names.append("8")
    return tuple(names)


#: The 51 neighbour classes in Golly's order: "0", "1c", "1e", "2c", "2e", "2a", ..., "8".
HENSEL_CLASSES: tuple[str, ...] = _class_names()
_CLASS_ID = {name: i for i, name in enumerate(HENSEL_CLASSES)}

#: The 102 (state, class) pairs of isotropic rules: 51 for a dead cell, then 51 for a live one.
ISOTROPIC_CLASSES: tuple[tuple[int, str], ...] = tuple(
    (state, name) for state in (0, 1) for name in HENSEL_CLASSES
)


def _representative(name: str) -> int:
    count = int(name[0])
    if count in (0, 8):
        return 0 if count == 0 else _NEIGHBOURS
    position = LETTERS.index(name[1])
    if count <= 4:
        return _GOLLY_REPRESENTATIVES[count][position]
    return _GOLLY_REPRESENTATIVES[8 - count][position] ^ _NEIGHBOURS


def _class_of_window() -> np.ndarray:
    table = np.full(512, -1, dtype=np.int64)
    for class_id, name in enumerate(HENSEL_CLASSES):
        orbit = SYMMETRIES[:, _representative(name)]
        if (table[orbit] != -1).any():  # two letters naming one class would be a typo
            raise AssertionError(f"Hensel class {name} overlaps another class")
        table[orbit] = class_id
        table[orbit | CENTRE_BIT] = class_id
    if (table < 0).any():
        raise AssertionError("some neighbour configuration has no Hensel class")
    return table


#: Hensel class id (index into HENSEL_CLASSES) of every window index: shape (512,), int64.
CLASS_OF_WINDOW = _class_of_window()
CLASS_OF_WINDOW.setflags(write=False)


def isotropic_class(index: int) -> str:
    """Hensel class name (e.g. ``"2a"``) of the neighbours of a window.

    Parameters
    ----------
    index : int
        Golly window index, 0..511 (`lifecore.rules.windows.window_index`).

    Returns
    -------
    str
        A name from `HENSEL_CLASSES`.

    Raises
    ------
    RuleError
        If ``index`` is not an integer from 0 to 511.
    """
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
        raise RuleError(f"a window index must be an integer, got {index!r}")
    if not 0 <= index <= 511:
        raise RuleError(f"a window index must be from 0 to 511, got {index}")
    return HENSEL_CLASSES[CLASS_OF_WINDOW[index]]


def isotropic_class_name(state: int, name: str) -> str:
    """Transition symbol of a (state, class) pair: ``B2a`` (dead cell) or ``S2a`` (live)."""
    return f"{'S' if state else 'B'}{name}"


def classes_of_count(count: int) -> tuple[str, ...]:
    """All class names with ``count`` live neighbours (``("0",)``, ``("1c", "1e")``, ...)."""
    if count in (0, 8):
        return (str(count),)
    return tuple(f"{count}{letter}" for letter in LETTERS_BY_COUNT[count])


_GROUP = re.compile(r"([0-9])(-?)([a-z]*)")


def _group_classes(count: int, minus: bool, letters: str, label: str) -> set[str]:
    if count > 8:
        raise RuleError(f"{label} count {count} impossible: the moore neighbourhood has 8 cells")
    allowed = LETTERS_BY_COUNT[count]
    for letter in letters:
        if letter not in LETTERS:
            raise RuleError(
                f"{letter!r} after {label} count {count} is neither a Hensel letter "
                f"({' '.join(LETTERS)}) nor a neighbourhood suffix (V, H) at the end"
            )
        if letter not in allowed:
            takes = f"takes the letters {' '.join(allowed)}" if allowed else "takes no letters"
            raise RuleError(
                f"Hensel letter {letter!r} impossible after {label} count {count}: {count} {takes}"
            )
    everything = set(classes_of_count(count))
    chosen = {f"{count}{letter}" for letter in letters} if letters else everything
    return everything - chosen if minus and letters else chosen


def parse_hensel_part(text: str, label: str = "birth") -> frozenset[str]:
    """Read one half of a Hensel rule string (e.g. ``"2-a3"``) into its class names.

    Parameters
    ----------
    text : str
        Lower-case, without spaces: count digits, each optionally followed by letters or by
        ``-`` and letters (the classes it excludes).
    label : str
        ``"birth"`` or ``"survival"``, for messages.

    Returns
    -------
    frozenset of str
        Names from `HENSEL_CLASSES`.

    Raises
    ------
    RuleError
        For a letter before any digit, a letter impossible for its count, a count above 8,
        or one count given both with and without ``-`` (Golly refuses that too).
    """
    found: dict[int, tuple[bool, set[str]]] = {}
    pos = 0
    while pos < len(text):
        match = _GROUP.match(text, pos)
        if match is None:
            raise RuleError(
                f"unexpected {text[pos]!r} in {label} part {shorten(text)}: Hensel letters "
                f"and '-' must follow a count digit"
            )
        count, minus, letters = int(match[1]), bool(match[2]), match[3]
        classes = _group_classes(count, minus, letters, label)
        if count in found:
            before_minus, before = found[count]
            if minus or before_minus:
                raise RuleError(
                    f"{label} count {count} given twice with a '-' in {shorten(text)}: "
                    f"write its letters once"
                )
            classes |= before
        found[count] = (minus, classes)
        pos = match.end()
    return frozenset(name for _, classes in found.values() for name in classes)


def _letters_text(count: int, present: set[str]) -> str:
    allowed = LETTERS_BY_COUNT[count]
    if len(present) == len(allowed):
        return ""
    plain = len(present) <= len(allowed) // 2 or (len(present) == 7 and len(allowed) == 13)
    shown = present if plain else set(allowed) - present
    return ("" if plain else "-") + "".join(sorted(shown))


def format_hensel_part(classes: frozenset[str]) -> str:
    """Golly's canonical text of a set of class names (the inverse of `parse_hensel_part`).

    Counts in increasing order; a count with all its classes is written as the bare digit;
    otherwise its letters in alphabetical order, or ``-`` and the missing letters when that
    is shorter (the plain form on a tie, as Golly's ``addLetters``).
    """
    out = []
    for count in range(9):
        if count in (0, 8):
            if str(count) in classes:
                out.append(str(count))
            continue
        present = {name[1] for name in classes if name[0] == str(count)}
        if present:
            out.append(f"{count}{_letters_text(count, present)}")
    return "".join(out)


def check_class_names(names, label: str) -> frozenset[str]:
    """Validate Hensel class names.

    Parameters
    ----------
    names : iterable of str
        Names such as ``"2a"``; a bare digit such as ``"3"`` means all classes of that count.
    label : str
        ``"birth"`` or ``"survival"``, for messages.

    Returns
    -------
    frozenset of str
        Names from `HENSEL_CLASSES`.

    Raises
    ------
    RuleError
        For a string given instead of a collection, or an unknown name.
    """
    if isinstance(names, (str, bytes)) or not isinstance(names, Iterable):
        raise RuleError(f"{label} must be a collection of class names such as {{'2a', '3'}}")
    out: set[str] = set()
    for name in names:
        if not isinstance(name, str):
            raise RuleError(f"{label} class names must be strings such as '2a', got {name!r}")
        if name in _CLASS_ID:
            out.add(name)
        elif len(name) == 1 and name in "012345678":
            out.update(classes_of_count(int(name)))
        else:
            raise RuleError(
                f"unknown Hensel class {shorten(name)} in {label}: classes are "
                f"'0', '1c', '1e', '2a', ..., '8' (see HENSEL_CLASSES)"
            )
    return frozenset(out)


def class_mask(names: frozenset[str]) -> np.ndarray:
    """0/1 uint8 vector over `HENSEL_CLASSES`, 1 for each named class: shape (51,)."""
    mask = np.zeros(len(HENSEL_CLASSES), dtype=np.uint8)
    mask[[_CLASS_ID[name] for name in names]] = 1
    return mask
