"""A rule's 512-entry window table as a Boolean function of the 9 window bits.

The bit-sliced kernel (`lifecore.simulate._bitslice`) evaluates the next state of 64 cells at once
from 9 *bit-planes*: the words holding each cell's NW, N, NE, W, C, E, SW, S, SE neighbour.
Any rule on the 3x3 window is a Boolean function of those 9 planes. This module turns the
table into a short straight-line program of bitwise instructions that the kernel
interprets, once per row of words:

- a **reduced ordered binary decision diagram** (Shannon expansion on one window bit at a
  time, equal sub-tables shared, a test whose two branches agree dropped); a node
  ``if v then hi else lo`` costs 3 word operations (``lo ^ ((hi ^ lo) & v)``), or 1 when a
  branch is constant;
- a few variable orders are tried and the cheapest program kept (isotropic rules, being
  symmetric, come out far smaller than a random MAP table);
- registers are reused once a value is dead, so the working set stays in L1.

It also recognises outer-totalistic tables (`outer_totalistic`), for which the kernel keeps
its dedicated adder network (several times faster than any decision diagram).

Golly's window index: ``256*NW + 128*N + 64*NE + 32*W + 16*C + 8*E + 4*SW + 2*S + SE``,
N being the row above; variable ``v`` (0..8) below is the window bit of weight
``2 ** (8 - v)`` in that order.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import permutations
from typing import Any, NamedTuple, Optional

import numpy as np

from ..rules import NEIGHBOURHOODS, RuleError

__all__ = [
    "window_table",
    "outer_totalistic",
    "ot_window_table",
    "Program",
    "compile_table",
    "compile_function",
]

# Instruction codes of a `Program` (dst, a, b are register numbers, v a plane register):
MUX = 0  # dst = b ^ ((a ^ b) & v)   "if v then a else b"
AND = 1  # dst = v & a               (else-branch 0)
ANDN = 2  # dst = b & ~v             (then-branch 0)
OR = 3  # dst = v | b                (then-branch 1)
ORN = 4  # dst = a | ~v              (else-branch 1)
NOT = 5  # dst = ~v
#: Registers 0..8 hold the planes NW..SE, 9 all zeros, 10 all ones; the rest are scratch.
ZERO, ONE, FIRST_FREE = 9, 10, 11

_ORDERS = (
    (4, 0, 1, 2, 3, 5, 6, 7, 8),
    (0, 1, 2, 3, 4, 5, 6, 7, 8),
    (4, 1, 3, 5, 7, 0, 2, 6, 8),
    (4, 0, 2, 6, 8, 1, 3, 5, 7),
    (8, 7, 6, 5, 4, 3, 2, 1, 0),
    (1, 7, 3, 5, 4, 0, 8, 2, 6),
    # the centre late: outer-totalistic tables (symmetric in the 8 neighbours) come out a
    # quarter smaller (Life 25 instructions against 33 with the centre fifth)
    (0, 1, 2, 3, 5, 6, 7, 4, 8),
    (0, 1, 2, 3, 5, 6, 7, 8, 4),
    (1, 3, 5, 7, 0, 2, 6, 4, 8),
)


def _window_bits() -> np.ndarray:
    """``bits[i, v]``: window bit v (0 = NW ... 8 = SE) of Golly index i; uint8 (512, 9)."""
    i = np.arange(512)
    return ((i[:, None] >> (8 - np.arange(9))[None, :]) & 1).astype(np.uint8)


def _count_weights(neighbourhood: str) -> np.ndarray:
    """0/1 weights over the 9 window bits of the neighbourhood's cells (centre excluded)."""
    weights = np.zeros(9, dtype=np.int64)
    for dr, dc in NEIGHBOURHOODS[neighbourhood]:
        weights[3 * (1 + dr) + (1 + dc)] = 1
    return weights


def window_table(rule: Any) -> np.ndarray:
    """The rule's next state for each of the 512 windows: uint8 ``(512,)``, Golly order.

    Every rule class of `lifecore.rules` has one (``rule.window_table``); so may any
    object a caller passes as a rule.
    """
    table = np.asarray(rule.window_table, dtype=np.uint8).reshape(-1)
    if table.shape != (512,):
        raise RuleError(f"a window table has 512 entries, got {table.size}")
    return table


def outer_totalistic(table: np.ndarray) -> Optional[tuple[str, np.ndarray]]:
    """``(neighbourhood, table (2, size + 1))`` if the window table is outer-totalistic.

    Neighbourhoods are tried in the order Moore, von Neumann, hex; None if the next state
    is not a function of (centre, live-neighbour count) in any of them.
    """
    bits = _window_bits()
    table = np.asarray(table, dtype=np.int64)
    for neighbourhood in ("moore", "vonneumann", "hex"):
        size = len(NEIGHBOURHOODS[neighbourhood])
        cls = bits[:, 4] * (size + 1) + bits.astype(np.int64) @ _count_weights(neighbourhood)
        ones = np.bincount(cls, weights=table, minlength=2 * (size + 1))
        total = np.bincount(cls, minlength=2 * (size + 1))
        if np.all((ones == 0) | (ones == total)):
            return neighbourhood, (ones > 0).astype(np.uint8).reshape(2, size + 1)
    return None


def ot_window_table(neighbourhood: str, table: np.ndarray) -> np.ndarray:
    """The ``(512,)`` window table of an outer-totalistic ``(2, size + 1)`` table."""
    bits = _window_bits()
    count = bits.astype(np.int64) @ _count_weights(neighbourhood)
    return np.asarray(table, dtype=np.uint8)[bits[:, 4], count]


class Program(NamedTuple):
    """Straight-line bitwise program computing a window table from the 9 planes.

    ``code`` int64 ``(ops, 5)`` rows ``(op, v, a, b, dst)``; ``out`` the register holding
    the result; ``registers`` the number of registers used; ``cost`` word operations.
    """

    code: np.ndarray
    out: int
    registers: int
    cost: int


def _diagram(table: np.ndarray, order: tuple[int, ...]) -> tuple[list, int]:
    """Reduced ordered BDD: nodes ``(v, hi, lo)`` (ids from 2, children first), root id.

    ``table`` has ``2 ** n`` entries for ``n = len(order)`` variables, variable 0 being
    the most significant bit of the index.
    """
    n = len(order)
    flat = table.reshape((2,) * n).transpose(order).reshape(-1).tobytes()
    nodes: list[tuple[int, int, int]] = []
    unique: dict[tuple[int, int, int], int] = {}
    memo: dict[bytes, int] = {}

    def build(lo: int, n: int, depth: int) -> int:
        key = flat[lo : lo + n]
        found = memo.get(key)
        if found is not None:
            return found
        if key.count(0) == n:
            result = 0
        elif key.count(1) == n:
            result = 1
        else:
            half = n // 2
            low, high = build(lo, half, depth + 1), build(lo + half, half, depth + 1)
            triple = (order[depth], high, low)
            result = low if low == high else unique.get(triple, -1)
            if result == -1:
                result = unique[triple] = len(nodes) + 2
                nodes.append(triple)
        memo[key] = result
        return result

    return nodes, build(0, 2**n, 0)


def _instruction(v: int, hi: int, lo: int) -> tuple[int, int]:
    """``(op, cost)`` of the node ``if v then hi else lo`` (hi, lo as node ids)."""
    if lo == 0:
        return (AND, 1) if hi != 1 else (-1, 0)  # hi == 1, lo == 0: the plane itself
    if hi == 0:
        return (ANDN, 1) if lo != 1 else (NOT, 1)
    if hi == 1:
        return OR, 1
    if lo == 1:
        return ORN, 1
    return MUX, 3


def _program(nodes: list, root: int) -> Program:
    """Emit the nodes as instructions, reusing registers whose value is dead."""
    reg = {0: ZERO, 1: ONE}
    last_use: dict[int, int] = {root: len(nodes)}
    for i, (_, hi, lo) in enumerate(nodes):
        last_use[hi] = last_use[lo] = i
    free: list[int] = []
    top, cost, code = FIRST_FREE, 0, []
    for i, (v, hi, lo) in enumerate(nodes):
        node = i + 2
        op, c = _instruction(v, hi, lo)
        if op < 0:
            reg[node] = v
            continue
        for child in (hi, lo):
            if child >= 2 and last_use.get(child) == i and reg[child] >= FIRST_FREE:
                free.append(reg[child])
                last_use[child] = -1
        if free:
            dst = free.pop()
        else:
            dst, top = top, top + 1
        code.append((op, v, reg[hi], reg[lo], dst))
        reg[node] = dst
        cost += c
    array = np.array(code, dtype=np.int64).reshape(-1, 5)
    return Program(code=array, out=reg[root], registers=top, cost=cost)


@lru_cache(maxsize=256)
def _compile(table_bytes: bytes) -> Program:
    table = np.frombuffer(table_bytes, dtype=np.uint8)
    best = None
    for order in _ORDERS:
        program = _program(*_diagram(table, order))
        if best is None or program.cost < best.cost:
            best = program
    return best


@lru_cache(maxsize=256)
def _compile_small(table_bytes: bytes) -> Program:
    table = np.frombuffer(table_bytes, dtype=np.uint8)
    n = table.size.bit_length() - 1
    programs = (_program(*_diagram(table, order)) for order in permutations(range(n)))
    return min(programs, key=lambda program: program.cost)


def compile_function(table: np.ndarray) -> Program:
    """The cheapest `Program` over every variable order for a small 0/1 truth table of
    ``2 ** n`` entries, ``n <= 6`` (variable ``v`` in register ``v``, bit ``n - 1 - v``
    of the index)."""
    table = np.ascontiguousarray(table, dtype=np.uint8).reshape(-1)
    if table.size not in (2, 4, 8, 16, 32, 64):
        raise RuleError(f"a truth table of 2**n entries, n <= 6, was expected: {table.size}")
    return _compile_small(table.tobytes())


def compile_table(table: np.ndarray) -> Program:
    """The cheapest `Program` found for a 0/1 window table ``(512,)`` (cached per table)."""
    table = np.ascontiguousarray(table, dtype=np.uint8).reshape(512)
    return _compile(table.tobytes())
