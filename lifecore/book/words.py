"""Counts in generated sentences: "1 class", "2 classes", "no class", "three networks".

The chapters write sentences from computed numbers, and a number that happens to be 1 or 0
must not read "1 classes" or "still wrong on no class" in the middle of a sentence that
expects a list. One small helper keeps every such sentence grammatical; English plurals of
the book's few nouns are regular enough that a table of exceptions beats a dependency
(`inflect` would earn its place only for arbitrary nouns).
"""

from __future__ import annotations

from typing import Optional, Sequence

__all__ = ["plural", "count_phrase", "number_word", "join_words", "list_phrase", "span_phrase"]

#: Irregular plurals of nouns the book counts; anything else follows the regular rules.
IRREGULAR = {"child": "children", "person": "people", "datum": "data", "matrix": "matrices"}

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def plural(noun: str) -> str:
    """The plural of a singular English ``noun`` ("class" -> "classes", "body" -> "bodies").

    Only the last word is inflected, so "window wrong" is not a concern of callers: pass the
    noun alone ("rule family" -> "rule families").
    """
    if not noun:
        raise ValueError("plural of an empty noun")
    head, _, last = noun.rpartition(" ")
    prefix = f"{head} " if head else ""
    if last in IRREGULAR:
        return prefix + IRREGULAR[last]
    if last.endswith(("s", "x", "z", "ch", "sh")):
        return f"{prefix}{last}es"
    if last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        return f"{prefix}{last[:-1]}ies"
    return f"{prefix}{last}s"


def number_word(n: int) -> str:
    """``n`` spelled out from zero to ten ("no" for zero), digits above: the book's style for
    small counts in running prose."""
    _check_count(n)
    return _WORDS[n] if n < len(_WORDS) else f"{n:,}"


def count_phrase(
    n: int, noun: str, plural_form: Optional[str] = None, words: bool = False, zero: str = "no"
) -> str:
    """``n`` and ``noun`` agreeing in number: "1 class", "2 classes", "no class".

    Parameters
    ----------
    n : int
        A count, 0 or more.
    noun : str
        The singular noun.
    plural_form : str, optional
        The plural when it is not regular (default: `plural`).
    words : bool
        Spell counts up to ten as words ("three classes").
    zero : str
        What a count of 0 reads as ("no" gives "no class"; "0" gives "0 classes").
    """
    _check_count(n)
    many = plural_form or plural(noun)
    if n == 0:
        return f"no {noun}" if zero == "no" else f"{zero} {many}"
    count = number_word(n) if words else f"{n:,}"
    return f"{count} {noun if n == 1 else many}"


def join_words(items: Sequence[str], conjunction: str = "and") -> str:
    """ "a", "a and b", "a, b and c" (no serial comma, as in the book's prose)."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def list_phrase(items: Sequence[str], noun: str, none: str = "no") -> str:
    """A count and, when there are any, the items: "no class", "1 class (B6)",
    "2 classes (B6 and S0)". Reads right whether the list is empty or not."""
    items = list(items)
    phrase = count_phrase(len(items), noun, zero=none)
    return f"{phrase} ({join_words(items)})" if items else phrase


def span_phrase(low: int, high: int) -> str:
    """ "8" when the span holds one count, "25 to 51" when it holds more: a range read from
    runs that may have come down to one."""
    _check_count(low)
    _check_count(high)
    if low > high:
        raise ValueError(f"a span runs from low to high, got {low} to {high}")
    return f"{low:,}" if low == high else f"{low:,} to {high:,}"


def _check_count(n: int) -> None:
    if isinstance(n, bool) or not hasattr(n, "__index__") or int(n) < 0:
        raise ValueError(f"a count must be a non-negative integer, got {n!r}")
